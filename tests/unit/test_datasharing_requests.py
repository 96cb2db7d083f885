"""Requests: an entity asks for access with a purpose, a duration and a justification hash; the
owner approves (optionally shorter) or rejects; the requester may withdraw."""

import brownie
import pytest
from brownie import chain
from eth_utils import keccak

from pilotchain.datasharing import Purpose, RequestStatus, purpose_mask
from tests.fixtures.datasharing import DAY, emitted, plain
from tests.fixtures.registry_extra import err

JUSTIFICATION = keccak(text="ethics approval 2025-114: sepsis outcomes study")


@pytest.fixture
def university(entity_ids):
    return entity_ids["university"]


@pytest.fixture
def hospital(entity_ids):
    return entity_ids["hospital"]


@pytest.fixture
def ask(datasharing, asset, university_admin):
    """`ask(purpose=Research, days=90, sender=university_admin)`: open a request, return its id."""

    def run(purpose=Purpose.Research, days=90, sender=None):
        tx = datasharing.requestAccess(asset, purpose, days * DAY, JUSTIFICATION, {"from": sender or university_admin})
        return int(tx.events["RequestOpened"]["requestId"])

    return run


def test_admin_opens_request(datasharing, asset, university_admin, university, hospital):
    tx = datasharing.requestAccess(asset, Purpose.Research, 90 * DAY, JUSTIFICATION, {"from": university_admin})
    created_at = chain[tx.block_number].timestamp
    assert emitted(tx, "RequestOpened") == {
        "assetId": asset, "owner": hospital, "requester": university, "requestId": 1,
        "purpose": Purpose.Research, "duration": 90 * DAY, "justificationHash": JUSTIFICATION,
    }
    assert plain(datasharing.request(1)) == [
        asset, hospital, university, Purpose.Research, RequestStatus.Pending, 90 * DAY, created_at, 0, JUSTIFICATION
    ]
    assert datasharing.requestCount() == 1


def test_second_open_request_for_same_purpose_is_rejected(datasharing, ask, asset, university_admin, university):
    first = ask()
    with brownie.reverts(revert_pattern=err("DataSharingRequestOpen", asset, university, Purpose.Research, first)):
        ask()


def test_requests_for_different_purposes_may_be_open_together(datasharing, ask):
    assert ask(Purpose.Research) != ask(Purpose.Treatment)


def test_owner_cannot_request_its_own_asset(ask, asset, hospital_admin, hospital):
    with brownie.reverts(revert_pattern=err("DataSharingOwnEntity", asset, hospital)):
        ask(sender=hospital_admin)


def test_request_needs_known_purpose(ask):
    with brownie.reverts(revert_pattern=err("DataSharingUnknownPurpose", 9)):
        ask(purpose=9)


def test_request_needs_duration(ask):
    with brownie.reverts(revert_pattern=err("DataSharingInvalidDuration", 0)):
        ask(days=0)


def test_request_for_unknown_asset_is_rejected(datasharing, university_admin):
    with brownie.reverts(revert_pattern=err("DataSharingUnknownAsset", 5)):
        datasharing.requestAccess(5, Purpose.Research, DAY, JUSTIFICATION, {"from": university_admin})


def test_request_for_retired_asset_is_rejected(datasharing, ask, asset, hospital_admin):
    datasharing.retireAsset(asset, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingAssetRetired", asset)):
        ask()


def test_operator_cannot_request(ask, university_operator):
    with brownie.reverts(revert_pattern=err("DataSharingNotAdmin", university_operator)):
        ask(sender=university_operator)


# ---------------------------------------------------------------- approval


def test_approval_issues_grant_for_requested_purpose(datasharing, ask, asset, hospital_admin, university, hospital, university_admin):
    request_id = ask()
    tx = datasharing.approveRequest(request_id, 0, 0, {"from": hospital_admin})
    start = chain[tx.block_number].timestamp
    assert emitted(tx, "RequestApproved") == {
        "assetId": asset, "owner": hospital, "requester": university, "requestId": request_id, "term": 90 * DAY
    }
    assert emitted(tx, "GrantIssued") == {
        "assetId": asset, "owner": hospital, "grantee": university, "purposes": purpose_mask([Purpose.Research]),
        "validFrom": start, "validUntil": start + 90 * DAY, "holdUntil": start,
    }
    assert datasharing.request(request_id)["status"] == RequestStatus.Approved
    assert datasharing.canAccess(asset, university_admin, Purpose.Research)


def test_approval_may_shorten_term_and_set_hold(datasharing, ask, asset, hospital_admin, university):
    request_id = ask()
    tx = datasharing.approveRequest(request_id, 30 * DAY, 10 * DAY, {"from": hospital_admin})
    start = chain[tx.block_number].timestamp
    assert plain(datasharing.grantOf(asset, university))[1:4] == [start, start + 30 * DAY, start + 10 * DAY]


def test_approval_cannot_lengthen_term(datasharing, ask, hospital_admin):
    request_id = ask(days=90)
    with brownie.reverts(revert_pattern=err("DataSharingTermTooLong", request_id, 91 * DAY, 90 * DAY)):
        datasharing.approveRequest(request_id, 91 * DAY, 0, {"from": hospital_admin})


def test_approval_hold_cannot_outlast_term(datasharing, ask, hospital_admin):
    request_id = ask(days=10)
    with brownie.reverts(revert_pattern=r"DataSharingInvalidTerm: .*"):
        datasharing.approveRequest(request_id, 0, 11 * DAY, {"from": hospital_admin})


def test_request_on_an_asset_retired_since_cannot_be_approved(datasharing, ask, asset, hospital_admin, university):
    request_id = ask()
    datasharing.retireAsset(asset, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingAssetRetired", asset)):
        datasharing.approveRequest(request_id, 0, 0, {"from": hospital_admin})
    assert datasharing.grantOf(asset, university)["purposes"] == 0


def test_approval_while_grant_is_live_is_rejected(datasharing, ask, grant_to, asset, hospital_admin, university):
    until = grant_to(university).events["GrantIssued"]["validUntil"]
    request_id = ask(Purpose.Treatment)
    with brownie.reverts(revert_pattern=err("DataSharingGrantExists", asset, university, until)):
        datasharing.approveRequest(request_id, 0, 0, {"from": hospital_admin})


def test_approval_for_suspended_requester_is_rejected(datasharing, ask, suspend, hospital_admin, university):
    request_id = ask()
    suspend(university)
    with brownie.reverts(revert_pattern=err("DataSharingEntityNotActive", university)):
        datasharing.approveRequest(request_id, 0, 0, {"from": hospital_admin})


def test_closed_request_cannot_be_approved(datasharing, ask, hospital_admin):
    request_id = ask()
    datasharing.rejectRequest(request_id, 2, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingRequestNotPending", request_id, RequestStatus.Rejected)):
        datasharing.approveRequest(request_id, 0, 0, {"from": hospital_admin})


def test_unknown_request_cannot_be_approved(datasharing, hospital_admin):
    with brownie.reverts(revert_pattern=err("DataSharingUnknownRequest", 77)):
        datasharing.approveRequest(77, 0, 0, {"from": hospital_admin})


# ---------------------------------------------------------------- rejection and withdrawal


def test_owner_rejects_request_with_reason(datasharing, ask, asset, hospital_admin, university, hospital):
    request_id = ask()
    tx = datasharing.rejectRequest(request_id, 4, {"from": hospital_admin})
    assert emitted(tx, "RequestRejected") == {
        "assetId": asset, "owner": hospital, "requester": university, "requestId": request_id, "reason": 4
    }
    assert datasharing.request(request_id)["status"] == RequestStatus.Rejected


def test_requester_withdraws_request(datasharing, ask, asset, university_admin, university, hospital):
    request_id = ask()
    tx = datasharing.withdrawRequest(request_id, {"from": university_admin})
    assert emitted(tx, "RequestWithdrawn") == {
        "assetId": asset, "owner": hospital, "requester": university, "requestId": request_id
    }
    assert datasharing.request(request_id)["status"] == RequestStatus.Withdrawn


def test_closed_request_frees_its_slot(datasharing, ask, university_admin):
    first = ask()
    datasharing.withdrawRequest(first, {"from": university_admin})
    assert ask() == first + 1


def test_other_entity_cannot_withdraw(datasharing, ask, bank_admin):
    request_id = ask()
    with brownie.reverts(revert_pattern=err("DataSharingNotRequesterAdmin", bank_admin, request_id)):
        datasharing.withdrawRequest(request_id, {"from": bank_admin})


def test_unknown_request_is_rejected(datasharing):
    with brownie.reverts(revert_pattern=err("DataSharingUnknownRequest", 3)):
        datasharing.request(3)

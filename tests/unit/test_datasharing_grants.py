"""Grants: the owner grants directly, renews and revokes (after the hold); `canAccess` follows
the grant's purposes, its validity window and the asset's status."""

import brownie
import pytest
from brownie import chain

from pilotchain.datasharing import Purpose, purpose_mask
from tests.fixtures.datasharing import DAY, advance, emitted, plain
from tests.fixtures.registry_extra import err

RESEARCH = purpose_mask([Purpose.Research])


@pytest.fixture
def university(entity_ids):
    return entity_ids["university"]


def test_owner_admin_grants_access(datasharing, asset, hospital_admin, university, entity_ids):
    start = chain.time()
    tx = datasharing.grant(asset, university, RESEARCH, 0, start + 30 * DAY, 0, {"from": hospital_admin})
    issued_at = chain[tx.block_number].timestamp
    assert emitted(tx, "GrantIssued") == {
        "assetId": asset,
        "owner": entity_ids["hospital"],
        "grantee": university,
        "purposes": RESEARCH,
        "validFrom": issued_at,
        "validUntil": start + 30 * DAY,
        "holdUntil": 0,
    }
    assert plain(datasharing.grantOf(asset, university)) == [
        RESEARCH, issued_at, start + 30 * DAY, 0, entity_ids["hospital"], False
    ]


def test_grant_opens_access_for_every_account_of_grantee(datasharing, grant_to, asset, university, university_admin, university_operator):
    grant_to(university)
    assert datasharing.canAccess(asset, university_admin, Purpose.Research)
    assert datasharing.canAccess(asset, university_operator, Purpose.Research)


def test_access_is_limited_to_granted_purposes(datasharing, grant_to, asset, university, university_admin):
    grant_to(university, purposes=[Purpose.Research, Purpose.PublicService])
    assert datasharing.canAccess(asset, university_admin, Purpose.PublicService)
    assert not datasharing.canAccess(asset, university_admin, Purpose.Treatment)


def test_other_entities_have_no_access(datasharing, grant_to, asset, university, bank_admin, outsider):
    grant_to(university)
    assert not datasharing.canAccess(asset, bank_admin, Purpose.Research)
    assert not datasharing.canAccess(asset, outsider, Purpose.Research)


def test_unknown_asset_gives_no_access(datasharing, university_admin):
    assert not datasharing.canAccess(99, university_admin, Purpose.Research)


def test_future_grant_gives_access_only_from_its_start(datasharing, asset, hospital_admin, university, university_admin):
    start = chain.time() + 10 * DAY
    datasharing.grant(asset, university, RESEARCH, start, start + 10 * DAY, 0, {"from": hospital_admin})
    assert not datasharing.canAccess(asset, university_admin, Purpose.Research)
    advance(10 * DAY + 60)
    assert datasharing.canAccess(asset, university_admin, Purpose.Research)


def test_grant_expires_at_valid_until(datasharing, grant_to, asset, university, university_admin):
    grant_to(university, days=1)
    advance(DAY + 60)
    assert not datasharing.canAccess(asset, university_admin, Purpose.Research)


def test_retiring_asset_ends_access(datasharing, grant_to, asset, hospital_admin, university, university_admin):
    grant_to(university)
    datasharing.retireAsset(asset, {"from": hospital_admin})
    assert not datasharing.canAccess(asset, university_admin, Purpose.Research)


def test_live_grant_cannot_be_issued_again(datasharing, grant_to, asset, university):
    tx = grant_to(university)
    until = tx.events["GrantIssued"]["validUntil"]
    with brownie.reverts(revert_pattern=err("DataSharingGrantExists", asset, university, until)):
        grant_to(university, purposes=[Purpose.Treatment])


def test_expired_grant_can_be_replaced(datasharing, grant_to, asset, university, university_admin):
    grant_to(university, days=1)
    advance(DAY + 60)
    grant_to(university, purposes=[Purpose.Treatment])
    assert datasharing.canAccess(asset, university_admin, Purpose.Treatment)
    assert not datasharing.canAccess(asset, university_admin, Purpose.Research)


@pytest.mark.parametrize("purposes", [0, 1 << 5, 1 << 63], ids=["none", "undefined-5", "undefined-63"])
def test_grant_needs_known_purposes(datasharing, asset, hospital_admin, university, purposes):
    with brownie.reverts(revert_pattern=err("DataSharingInvalidPurposes", purposes)):
        datasharing.grant(asset, university, purposes, 0, chain.time() + DAY, 0, {"from": hospital_admin})


def test_grant_must_end_after_it_starts(datasharing, asset, hospital_admin, university):
    start = chain.time() + DAY
    with brownie.reverts(revert_pattern=err("DataSharingInvalidTerm", start, start, 0)):
        datasharing.grant(asset, university, RESEARCH, start, start, 0, {"from": hospital_admin})


def test_grant_already_over_is_rejected(datasharing, asset, hospital_admin, university):
    past = chain.time() - DAY
    with brownie.reverts(revert_pattern=err("DataSharingInvalidTerm", past - DAY, past, 0)):
        datasharing.grant(asset, university, RESEARCH, past - DAY, past, 0, {"from": hospital_admin})


def test_hold_cannot_outlast_grant(datasharing, asset, hospital_admin, university):
    start = chain.time() + DAY
    with brownie.reverts(revert_pattern=err("DataSharingInvalidTerm", start, start + DAY, start + 2 * DAY)):
        datasharing.grant(asset, university, RESEARCH, start, start + DAY, start + 2 * DAY, {"from": hospital_admin})


def test_owner_cannot_grant_to_itself(datasharing, grant_to, asset, entity_ids):
    with brownie.reverts(revert_pattern=err("DataSharingOwnEntity", asset, entity_ids["hospital"])):
        grant_to(entity_ids["hospital"])


@pytest.mark.parametrize("grantee", [0, 99], ids=["zero", "unknown"])
def test_grant_to_non_entity_is_rejected(grant_to, grantee):
    with brownie.reverts(revert_pattern=err("DataSharingEntityNotActive", grantee)):
        grant_to(grantee)


def test_grant_to_suspended_entity_is_rejected(grant_to, suspend, university):
    suspend(university)
    with brownie.reverts(revert_pattern=err("DataSharingEntityNotActive", university)):
        grant_to(university)


def test_retired_asset_cannot_be_granted(datasharing, grant_to, asset, hospital_admin, university):
    datasharing.retireAsset(asset, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingAssetRetired", asset)):
        grant_to(university)


# ---------------------------------------------------------------- renewal


def test_renewal_extends_grant(datasharing, grant_to, asset, hospital_admin, university, university_admin, entity_ids):
    until = grant_to(university, days=1).events["GrantIssued"]["validUntil"]
    tx = datasharing.renew(asset, university, until + 30 * DAY, 0, {"from": hospital_admin})
    assert emitted(tx, "GrantRenewed") == {
        "assetId": asset, "owner": entity_ids["hospital"], "grantee": university,
        "purposes": RESEARCH, "validUntil": until + 30 * DAY,
    }
    advance(2 * DAY)
    assert datasharing.canAccess(asset, university_admin, Purpose.Research)


def test_renewal_adds_purposes(datasharing, grant_to, asset, hospital_admin, university, university_admin):
    until = grant_to(university).events["GrantIssued"]["validUntil"]
    datasharing.renew(asset, university, until, purpose_mask([Purpose.Treatment]), {"from": hospital_admin})
    assert datasharing.grantOf(asset, university)["purposes"] == purpose_mask([Purpose.Research, Purpose.Treatment])
    assert datasharing.canAccess(asset, university_admin, Purpose.Treatment)


def test_renewal_cannot_shorten_grant(datasharing, grant_to, asset, hospital_admin, university):
    until = grant_to(university).events["GrantIssued"]["validUntil"]
    with brownie.reverts(revert_pattern=err("DataSharingRenewalNotExtending", asset, university, until - 1, 0)):
        datasharing.renew(asset, university, until - 1, 0, {"from": hospital_admin})


def test_renewal_must_change_something(datasharing, grant_to, asset, hospital_admin, university):
    until = grant_to(university).events["GrantIssued"]["validUntil"]
    with brownie.reverts(revert_pattern=err("DataSharingRenewalNotExtending", asset, university, until, RESEARCH)):
        datasharing.renew(asset, university, until, RESEARCH, {"from": hospital_admin})


def test_expired_grant_cannot_be_renewed(datasharing, grant_to, asset, hospital_admin, university):
    grant_to(university, days=1)
    advance(DAY + 60)
    with brownie.reverts(revert_pattern=err("DataSharingNoLiveGrant", asset, university)):
        datasharing.renew(asset, university, chain.time() + 30 * DAY, 0, {"from": hospital_admin})


def test_grant_on_a_retired_asset_cannot_be_renewed(datasharing, grant_to, asset, hospital_admin, university):
    until = grant_to(university).events["GrantIssued"]["validUntil"]
    datasharing.retireAsset(asset, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingAssetRetired", asset)):
        datasharing.renew(asset, university, until + DAY, 0, {"from": hospital_admin})


def test_renewal_rejects_undefined_purposes(datasharing, grant_to, asset, hospital_admin, university):
    until = grant_to(university).events["GrantIssued"]["validUntil"]
    with brownie.reverts(revert_pattern=err("DataSharingInvalidPurposes", 1 << 40)):
        datasharing.renew(asset, university, until, 1 << 40, {"from": hospital_admin})


# ---------------------------------------------------------------- revocation


def test_owner_admin_revokes_grant(datasharing, grant_to, asset, hospital_admin, university, university_admin, entity_ids):
    grant_to(university)
    tx = datasharing.revoke(asset, university, 7, {"from": hospital_admin})
    assert emitted(tx, "GrantRevoked") == {"assetId": asset, "owner": entity_ids["hospital"], "grantee": university, "reason": 7}
    assert datasharing.grantOf(asset, university)["revoked"] is True
    assert not datasharing.canAccess(asset, university_admin, Purpose.Research)


def test_grant_on_hold_cannot_be_revoked(datasharing, grant_to, asset, hospital_admin, university):
    hold_until = grant_to(university, hold_days=10).events["GrantIssued"]["holdUntil"]
    with brownie.reverts(revert_pattern=err("DataSharingGrantOnHold", asset, university, hold_until)):
        datasharing.revoke(asset, university, 1, {"from": hospital_admin})


def test_grant_can_be_revoked_once_hold_is_over(datasharing, grant_to, asset, hospital_admin, university, university_admin):
    grant_to(university, hold_days=10)
    advance(10 * DAY + 60)
    datasharing.revoke(asset, university, 1, {"from": hospital_admin})
    assert not datasharing.canAccess(asset, university_admin, Purpose.Research)


def test_revoked_grant_cannot_be_revoked_again(datasharing, grant_to, asset, hospital_admin, university):
    grant_to(university)
    datasharing.revoke(asset, university, 1, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingNoLiveGrant", asset, university)):
        datasharing.revoke(asset, university, 1, {"from": hospital_admin})


def test_missing_grant_cannot_be_revoked(datasharing, asset, hospital_admin, university):
    with brownie.reverts(revert_pattern=err("DataSharingNoLiveGrant", asset, university)):
        datasharing.revoke(asset, university, 1, {"from": hospital_admin})


def test_revoked_grant_can_be_issued_anew(datasharing, grant_to, asset, hospital_admin, university, university_admin):
    grant_to(university)
    datasharing.revoke(asset, university, 1, {"from": hospital_admin})
    grant_to(university)
    assert datasharing.canAccess(asset, university_admin, Purpose.Research)

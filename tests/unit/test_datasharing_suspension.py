"""Suspension cascades from the registry: a suspended entity loses every right at once, and
regains the rights of its still-valid grants only when reinstated."""

import brownie
import pytest
from eth_utils import keccak

from pilotchain.datasharing import Purpose
from tests.fixtures.datasharing import DAY, advance
from tests.fixtures.registry_extra import err


@pytest.fixture
def university(entity_ids):
    return entity_ids["university"]


@pytest.fixture
def granted(grant_to, university):
    grant_to(university, days=30)


def record(datasharing, asset, university, sender):
    return datasharing.recordAccess(asset, university, Purpose.Research, keccak(text="d"), keccak(text="r"), {"from": sender})


def test_suspended_grantee_loses_access(datasharing, granted, suspend, asset, university, university_admin):
    suspend(university)
    assert not datasharing.canAccess(asset, university_admin, Purpose.Research)


def test_receipts_for_suspended_grantee_are_rejected(datasharing, granted, suspend, asset, university, hospital_operator):
    suspend(university)
    with brownie.reverts(revert_pattern=err("DataSharingEntityNotActive", university)):
        record(datasharing, asset, university, hospital_operator)


def test_reinstated_grantee_regains_access(datasharing, granted, suspend, asset, university, university_admin, hospital_operator):
    suspend(university)
    suspend(university, reinstate=True)
    assert datasharing.canAccess(asset, university_admin, Purpose.Research)
    assert record(datasharing, asset, university, hospital_operator).status == 1


def test_reinstatement_after_expiry_restores_nothing(datasharing, granted, suspend, asset, university, university_admin):
    suspend(university)
    advance(30 * DAY + 60)
    suspend(university, reinstate=True)
    assert not datasharing.canAccess(asset, university_admin, Purpose.Research)


def test_suspended_owner_gateway_cannot_record(datasharing, granted, suspend, asset, university, hospital_operator):
    owner = datasharing.asset(asset)["owner"]
    suspend(owner)
    with brownie.reverts(revert_pattern=err("DataSharingEntityNotActive", owner)):
        record(datasharing, asset, university, hospital_operator)


def test_suspended_owner_cannot_revoke(datasharing, granted, suspend, asset, university, hospital_admin):
    owner = datasharing.asset(asset)["owner"]
    suspend(owner)
    with brownie.reverts(revert_pattern=err("DataSharingEntityNotActive", owner)):
        datasharing.revoke(asset, university, 1, {"from": hospital_admin})


def test_suspended_requester_cannot_request(datasharing, suspend, asset, university, university_admin):
    suspend(university)
    with brownie.reverts(revert_pattern=err("DataSharingNotAdmin", university_admin)):
        datasharing.requestAccess(asset, Purpose.Research, DAY, keccak(text="j"), {"from": university_admin})

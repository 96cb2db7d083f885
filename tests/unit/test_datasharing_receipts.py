"""Access receipts: the owner's gateway records each delivery, one by one or in batches; a
receipt without a current grant for its purpose is rejected."""

import brownie
import pytest
from eth_utils import keccak

from pilotchain.datasharing import Purpose
from tests.fixtures.datasharing import DAY, advance, emitted
from tests.fixtures.registry_extra import err

DELIVERY = keccak(text="icu-2025 extract 0001")
GATEWAY_REQUEST = keccak(text="gw-req-0001")


@pytest.fixture
def university(entity_ids):
    return entity_ids["university"]


@pytest.fixture
def granted(grant_to, university):
    grant_to(university, purposes=[Purpose.Research, Purpose.Treatment], days=30)


def receipt(asset, grantee, purpose=Purpose.Research, n=1):
    return (asset, grantee, purpose, keccak(text=f"delivery {n}"), keccak(text=f"gw-req {n}"))


def test_gateway_records_delivery(datasharing, granted, asset, university, hospital_operator, entity_ids):
    tx = datasharing.recordAccess(asset, university, Purpose.Research, DELIVERY, GATEWAY_REQUEST, {"from": hospital_operator})
    assert emitted(tx, "AccessRecorded") == {
        "assetId": asset, "owner": entity_ids["hospital"], "grantee": university, "purpose": Purpose.Research,
        "deliveryHash": DELIVERY, "gatewayRequestId": GATEWAY_REQUEST,
    }


def test_receipt_without_grant_is_rejected(datasharing, asset, university, hospital_operator):
    with brownie.reverts(revert_pattern=err("DataSharingNoValidGrant", asset, university, Purpose.Research)):
        datasharing.recordAccess(asset, university, Purpose.Research, DELIVERY, GATEWAY_REQUEST, {"from": hospital_operator})


def test_receipt_for_ungranted_purpose_is_rejected(datasharing, granted, asset, university, hospital_operator):
    with brownie.reverts(revert_pattern=err("DataSharingNoValidGrant", asset, university, Purpose.CreditAssessment)):
        datasharing.recordAccess(asset, university, Purpose.CreditAssessment, DELIVERY, GATEWAY_REQUEST, {"from": hospital_operator})


def test_receipt_after_expiry_is_rejected(datasharing, granted, asset, university, hospital_operator):
    advance(30 * DAY + 60)
    with brownie.reverts(revert_pattern=err("DataSharingNoValidGrant", asset, university, Purpose.Research)):
        datasharing.recordAccess(asset, university, Purpose.Research, DELIVERY, GATEWAY_REQUEST, {"from": hospital_operator})


def test_receipt_after_revocation_is_rejected(datasharing, granted, asset, university, hospital_admin):
    datasharing.revoke(asset, university, 1, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingNoValidGrant", asset, university, Purpose.Research)):
        datasharing.recordAccess(asset, university, Purpose.Research, DELIVERY, GATEWAY_REQUEST, {"from": hospital_admin})


def test_receipt_for_retired_asset_is_rejected(datasharing, granted, asset, university, hospital_admin):
    datasharing.retireAsset(asset, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingAssetRetired", asset)):
        datasharing.recordAccess(asset, university, Purpose.Research, DELIVERY, GATEWAY_REQUEST, {"from": hospital_admin})


def test_receipt_for_unknown_asset_is_rejected(datasharing, university, hospital_admin):
    with brownie.reverts(revert_pattern=err("DataSharingUnknownAsset", 12)):
        datasharing.recordAccess(12, university, Purpose.Research, DELIVERY, GATEWAY_REQUEST, {"from": hospital_admin})


def test_only_owner_accounts_record_receipts(datasharing, granted, asset, university, university_admin):
    with brownie.reverts(revert_pattern=err("DataSharingNotOwnerAccount", university_admin, asset)):
        datasharing.recordAccess(asset, university, Purpose.Research, DELIVERY, GATEWAY_REQUEST, {"from": university_admin})


def test_batch_records_every_delivery(datasharing, granted, asset, university, hospital_operator):
    receipts = [receipt(asset, university, Purpose.Research if n % 2 else Purpose.Treatment, n) for n in range(5)]
    tx = datasharing.recordAccessBatch(receipts, {"from": hospital_operator})
    recorded = [(e["purpose"], bytes(e["deliveryHash"]), bytes(e["gatewayRequestId"])) for e in tx.events["AccessRecorded"]]
    assert recorded == [(r[2], r[3], r[4]) for r in receipts]


def test_batch_spans_several_grants(datasharing, grant_to, granted, asset, university, hospital_admin, entity_ids):
    bank = entity_ids["bank"]
    grant_to(bank, purposes=[Purpose.CreditAssessment])
    receipts = [receipt(asset, university, n=1), receipt(asset, bank, Purpose.CreditAssessment, 2), receipt(asset, university, n=3)]
    tx = datasharing.recordAccessBatch(receipts, {"from": hospital_admin})
    assert [e["grantee"] for e in tx.events["AccessRecorded"]] == [university, bank, university]


def test_batch_spans_several_assets(datasharing, grant_to, granted, asset, university, hospital_admin):
    second = datasharing.registerAsset(keccak(text="ward census 2025"), 1, 0, "https://gateway.pumch.example/census",
                                       {"from": hospital_admin}).return_value  # fmt: skip
    grant_to(university, asset_id=second)
    receipts = [receipt(asset, university, n=1), receipt(second, university, n=2), receipt(asset, university, n=3)]
    tx = datasharing.recordAccessBatch(receipts, {"from": hospital_admin})
    assert [e["assetId"] for e in tx.events["AccessRecorded"]] == [asset, second, asset]


def test_batch_with_one_invalid_receipt_records_nothing(datasharing, granted, asset, university, hospital_operator, entity_ids):
    bank = entity_ids["bank"]
    receipts = [receipt(asset, university, n=1), receipt(asset, bank, n=2)]
    with brownie.reverts(revert_pattern=err("DataSharingNoValidGrant", asset, bank, Purpose.Research)):
        datasharing.recordAccessBatch(receipts, {"from": hospital_operator})


def test_batch_checks_each_receipts_purpose(datasharing, granted, asset, university, hospital_operator):
    receipts = [receipt(asset, university, n=1), receipt(asset, university, Purpose.PublicService, 2)]
    with brownie.reverts(revert_pattern=err("DataSharingNoValidGrant", asset, university, Purpose.PublicService)):
        datasharing.recordAccessBatch(receipts, {"from": hospital_operator})


def test_batch_rejects_a_later_receipt_for_a_suspended_grantee(datasharing, grant_to, granted, suspend, asset, university, hospital_admin, entity_ids):
    # Each (asset, grantee) run of a batch asks the registry again, for the recorder and that grantee.
    bank = entity_ids["bank"]
    grant_to(bank, purposes=[Purpose.CreditAssessment])
    suspend(bank)
    receipts = [receipt(asset, university, n=1), receipt(asset, bank, Purpose.CreditAssessment, 2)]
    with brownie.reverts(revert_pattern=err("DataSharingEntityNotActive", bank)):
        datasharing.recordAccessBatch(receipts, {"from": hospital_admin})

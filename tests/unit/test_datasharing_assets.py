"""Assets: an entity admin registers them; the owner's admins update the locator and retire them.
Purpose codes: the deployment's initial list, extended only by the council through the registry."""

import brownie
from brownie import chain
from eth_utils import keccak

from pilotchain.datasharing import PURPOSE_LABELS, Sensitivity, label_bytes, label_text
from pilotchain.registry import ActionKind, call_payload
from tests.fixtures.datasharing import CONTENT_HASH, LOCATOR, advance, custom_error, emitted, plain
from tests.fixtures.registry import pass_proposal
from tests.fixtures.registry_extra import err

NEW_LOCATOR = "https://gateway2.pumch.example/datasets/icu-2025"


def test_admin_registers_asset_owned_by_its_entity(datasharing, bank_admin, entity_ids):
    tx = datasharing.registerAsset(keccak(text="filings"), 7, Sensitivity.Internal, "https://bos.example/f", {"from": bank_admin})
    registered_at = chain[tx.block_number].timestamp
    assert emitted(tx, "AssetRegistered") == {
        "assetId": 1,
        "owner": entity_ids["bank"],
        "schema": 7,
        "contentHash": keccak(text="filings"),
        "sensitivity": Sensitivity.Internal,
        "locator": "https://bos.example/f",
    }
    assert plain(datasharing.asset(1)) == [
        entity_ids["bank"], 7, Sensitivity.Internal, False, registered_at, registered_at, keccak(text="filings")
    ]
    assert datasharing.assetCount() == 1


def test_asset_ids_are_sequential(datasharing, asset, hospital_admin):
    tx = datasharing.registerAsset(CONTENT_HASH, 1, 0, LOCATOR, {"from": hospital_admin})
    assert tx.return_value == asset + 1


def test_operator_cannot_register_asset(datasharing, hospital_operator):
    with brownie.reverts(revert_pattern=err("DataSharingNotAdmin", hospital_operator)):
        datasharing.registerAsset(CONTENT_HASH, 1, 0, LOCATOR, {"from": hospital_operator})


def test_admin_of_suspended_entity_cannot_register_asset(datasharing, suspend, bank_admin, entity_ids):
    suspend(entity_ids["bank"])
    with brownie.reverts(revert_pattern=err("DataSharingNotAdmin", bank_admin)):
        datasharing.registerAsset(CONTENT_HASH, 1, 0, LOCATOR, {"from": bank_admin})


def test_sensitivity_above_restricted_is_rejected(datasharing, hospital_admin):
    with brownie.reverts(revert_pattern=err("DataSharingInvalidSensitivity", 4)):
        datasharing.registerAsset(CONTENT_HASH, 1, 4, LOCATOR, {"from": hospital_admin})


def test_unknown_asset_is_rejected(datasharing):
    with brownie.reverts(revert_pattern=err("DataSharingUnknownAsset", 42)):
        datasharing.asset(42)


def test_owner_admin_updates_locator(datasharing, asset, hospital_admin, entity_ids):
    advance(60)
    tx = datasharing.updateLocator(asset, NEW_LOCATOR, {"from": hospital_admin})
    updated_at = chain[tx.block_number].timestamp
    assert emitted(tx, "AssetLocatorUpdated") == {"assetId": asset, "owner": entity_ids["hospital"], "locator": NEW_LOCATOR}
    stored = datasharing.asset(asset)
    assert stored["updatedAt"] == updated_at
    assert stored["updatedAt"] > stored["registeredAt"]


def test_other_entity_admin_cannot_update_locator(datasharing, asset, bank_admin):
    with brownie.reverts(revert_pattern=err("DataSharingNotOwnerAdmin", bank_admin, asset)):
        datasharing.updateLocator(asset, NEW_LOCATOR, {"from": bank_admin})


def test_owner_admin_retires_asset(datasharing, asset, hospital_admin, entity_ids):
    tx = datasharing.retireAsset(asset, {"from": hospital_admin})
    assert emitted(tx, "AssetRetired") == {"assetId": asset, "owner": entity_ids["hospital"]}
    assert datasharing.asset(asset)["retired"] is True


def test_retired_asset_cannot_be_retired_again(datasharing, asset, hospital_admin):
    datasharing.retireAsset(asset, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingAssetRetired", asset)):
        datasharing.retireAsset(asset, {"from": hospital_admin})


def test_retired_asset_locator_cannot_change(datasharing, asset, hospital_admin):
    datasharing.retireAsset(asset, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingAssetRetired", asset)):
        datasharing.updateLocator(asset, NEW_LOCATOR, {"from": hospital_admin})


# ---------------------------------------------------------------- purposes


def _add_purpose_payload(datasharing, label):
    """A council Call proposal payload: `datasharing.addPurpose(label)`."""
    data = datasharing.addPurpose.encode_input(label_bytes(label))
    return call_payload(datasharing.address, bytes.fromhex(data[2:]))


def test_deployment_names_the_initial_purposes(datasharing):
    assert [label_text(label) for label in datasharing.purposeLabels()] == list(PURPOSE_LABELS.values())


def test_registry_reports_its_address(datasharing, registry):
    assert datasharing.registry() == registry.address


def test_council_adds_purpose_through_registry_call(datasharing, registry, council):
    tx = pass_proposal(registry, council, ActionKind.Call, _add_purpose_payload(datasharing, "statistics"))
    assert emitted(tx, "PurposeAdded") == {"code": 5, "label": label_bytes("statistics")}
    assert label_text(datasharing.purposeLabels()[5]) == "statistics"


def test_purpose_cannot_be_added_outside_the_council(datasharing, council):
    with brownie.reverts(revert_pattern=err("DataSharingNotRegistry", council[0])):
        datasharing.addPurpose(label_bytes("marketing"), {"from": council[0]})


def test_duplicate_purpose_label_is_rejected(datasharing, registry, council):
    inner = custom_error("DataSharingInvalidPurposeLabel(bytes32)", label_bytes("research"))
    with brownie.reverts(revert_pattern=err("RegistryCallFailed", datasharing.address, inner)):
        pass_proposal(registry, council, ActionKind.Call, _add_purpose_payload(datasharing, "research"))


def test_purpose_list_holds_at_most_64_codes(DataSharing, registry, council, deployer):
    full = DataSharing.deploy(registry, [label_bytes(f"purpose-{i}") for i in range(64)], {"from": deployer})
    inner = custom_error("DataSharingPurposeListFull(uint8)", 64)
    with brownie.reverts(revert_pattern=err("RegistryCallFailed", full.address, inner)):
        pass_proposal(registry, council, ActionKind.Call, _add_purpose_payload(full, "one-too-many"))

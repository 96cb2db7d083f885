"""An entity's admins manage its own accounts: add, remove, rotate, and publish its dossier."""

import brownie
import pytest
from brownie import ZERO_ADDRESS, chain
from eth_utils import keccak

from pilotchain.registry import AccountRole
from tests.fixtures.registry_extra import emitted, err


@pytest.fixture
def hospital(entity_ids):
    return entity_ids["hospital"]


@pytest.fixture
def newcomer(spare_accounts):
    """An account that belongs to no entity yet and can sign."""
    return spare_accounts[0]


@pytest.fixture
def second_hospital_admin(registry, hospital_admin, spare_accounts):
    registry.addAccount(spare_accounts[1], AccountRole.Admin, {"from": hospital_admin})
    return spare_accounts[1]


@pytest.mark.parametrize("role", [AccountRole.Operator, AccountRole.Admin])
def test_admin_adds_account_with_role(registry, hospital_admin, newcomer, hospital, role):
    tx = registry.addAccount(newcomer, role, {"from": hospital_admin})
    assert emitted(tx, "AccountAdded") == {"entityId": hospital, "account": newcomer, "role": role}
    assert tuple(registry.entityOf(newcomer)) == (hospital, role)
    assert tuple(registry.memberOf(newcomer))[:2] == (hospital, role)


def test_added_admin_counts_as_admin_of_entity(registry, hospital, second_hospital_admin):
    assert registry.entity(hospital)["admins"] == 2
    assert registry.activeAdminOf(second_hospital_admin) == hospital


def test_added_admin_manages_accounts(registry, second_hospital_admin, newcomer, hospital):
    tx = registry.addAccount(newcomer, AccountRole.Operator, {"from": second_hospital_admin})
    assert tx.events["AccountAdded"]["entityId"] == hospital


def test_adding_account_without_role_is_rejected(registry, hospital_admin, newcomer):
    with brownie.reverts(revert_pattern=err("RegistryInvalidRole", AccountRole.None_)):
        registry.addAccount(newcomer, AccountRole.None_, {"from": hospital_admin})


def test_adding_account_with_out_of_range_role_is_rejected(registry, hospital_admin, newcomer):
    with brownie.reverts(revert_pattern=err("RegistryInvalidRole", len(AccountRole))):
        registry.addAccount(newcomer, len(AccountRole), {"from": hospital_admin})
    assert tuple(registry.entityOf(newcomer)) == (0, AccountRole.None_)


def test_adding_account_of_another_entity_is_rejected(registry, hospital_admin, bank_admin, entity_ids):
    with brownie.reverts(revert_pattern=err("RegistryAccountTaken", bank_admin, entity_ids["bank"])):
        registry.addAccount(bank_admin, AccountRole.Operator, {"from": hospital_admin})


def test_adding_own_account_again_is_rejected(registry, hospital_admin, hospital_operator, hospital):
    with brownie.reverts(revert_pattern=err("RegistryAccountTaken", hospital_operator, hospital)):
        registry.addAccount(hospital_operator, AccountRole.Admin, {"from": hospital_admin})


def test_adding_zero_address_is_rejected(registry, hospital_admin):
    with brownie.reverts(revert_pattern=err("RegistryUnknownAccount", ZERO_ADDRESS)):
        registry.addAccount(ZERO_ADDRESS, AccountRole.Operator, {"from": hospital_admin})


def test_admin_removes_account(registry, hospital_admin, hospital_operator, hospital):
    tx = registry.removeAccount(hospital_operator, {"from": hospital_admin})
    assert emitted(tx, "AccountRemoved") == {"entityId": hospital, "account": hospital_operator}
    assert tuple(registry.entityOf(hospital_operator)) == (0, AccountRole.None_)
    assert not registry.isActiveMember(hospital_operator)


def test_removed_account_may_join_another_entity(registry, hospital_admin, bank_admin, hospital_operator, entity_ids):
    registry.removeAccount(hospital_operator, {"from": hospital_admin})
    registry.addAccount(hospital_operator, AccountRole.Operator, {"from": bank_admin})
    assert tuple(registry.entityOf(hospital_operator)) == (entity_ids["bank"], AccountRole.Operator)


@pytest.mark.parametrize("target", ["bank_admin", "outsider"])
def test_removing_account_outside_own_entity_is_rejected(registry, hospital_admin, target, request):
    account = request.getfixturevalue(target)
    with brownie.reverts(revert_pattern=err("RegistryUnknownAccount", account)):
        registry.removeAccount(account, {"from": hospital_admin})


def test_last_admin_cannot_be_removed(registry, hospital_admin, hospital):
    with brownie.reverts(revert_pattern=err("RegistryLastAdmin", hospital, hospital_admin)):
        registry.removeAccount(hospital_admin, {"from": hospital_admin})


def test_admin_removes_itself_while_another_admin_remains(registry, hospital_admin, second_hospital_admin, hospital):
    registry.removeAccount(hospital_admin, {"from": hospital_admin})
    assert registry.entity(hospital)["admins"] == 1
    with brownie.reverts(revert_pattern=err("RegistryLastAdmin", hospital, second_hospital_admin)):
        registry.removeAccount(second_hospital_admin, {"from": second_hospital_admin})


def test_rotation_moves_role_to_new_account(registry, hospital_admin, hospital_operator, newcomer, hospital):
    tx = registry.rotateAccount(hospital_operator, newcomer, {"from": hospital_admin})
    assert emitted(tx, "AccountRemoved") == {"entityId": hospital, "account": hospital_operator}
    assert emitted(tx, "AccountAdded") == {"entityId": hospital, "account": newcomer, "role": AccountRole.Operator}
    assert tuple(registry.entityOf(hospital_operator)) == (0, AccountRole.None_)
    assert tuple(registry.entityOf(newcomer)) == (hospital, AccountRole.Operator)


def test_rotating_last_admin_hands_over_the_entity(registry, hospital_admin, newcomer, hospital):
    registry.rotateAccount(hospital_admin, newcomer, {"from": hospital_admin})
    assert registry.activeAdminOf(newcomer) == hospital
    assert registry.entity(hospital)["admins"] == 1
    with brownie.reverts(revert_pattern=err("RegistryNotMember", hospital_admin)):
        registry.updateDossier(b"\x01" * 32, "", {"from": hospital_admin})


def test_rotating_to_taken_account_is_rejected(registry, hospital_admin, hospital_operator, bank_admin, entity_ids):
    with brownie.reverts(revert_pattern=err("RegistryAccountTaken", bank_admin, entity_ids["bank"])):
        registry.rotateAccount(hospital_operator, bank_admin, {"from": hospital_admin})


def test_rotating_account_outside_own_entity_is_rejected(registry, hospital_admin, bank_admin, newcomer):
    with brownie.reverts(revert_pattern=err("RegistryUnknownAccount", bank_admin)):
        registry.rotateAccount(bank_admin, newcomer, {"from": hospital_admin})


def test_admin_publishes_dossier(registry, hospital_admin, hospital):
    dossier_hash = keccak(text="dossier v2")
    tx = registry.updateDossier(dossier_hash, "pilot://dossiers/hospital/v2", {"from": hospital_admin})
    assert emitted(tx, "DossierUpdated") == {
        "entityId": hospital,
        "dossierHash": "0x" + dossier_hash.hex(),
        "dossierURI": "pilot://dossiers/hospital/v2",
    }
    block_time = chain[tx.block_number].timestamp
    assert registry.entity(hospital)["updatedAt"] == block_time

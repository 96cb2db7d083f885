"""Validators governed by the council: AddValidator and RemoveValidator proposals, the
validator set of active entities (`listValidators`) and `validatorOf`.

The scan windows of `listValidators` are reached as in test_registry_scale.py: the length of the
validator array is written with the dev chain's storage call (positions past the validators
named read as the zero address, whose entity 0 is never active)."""

import brownie
import pytest

from pilotchain.registry import ActionKind, EntityStatus, status_payload, validator_payload
from tests.fixtures.registry import pass_proposal
from tests.fixtures.registry_extra import address_for, emitted, err, open_proposal
from tests.fixtures.storage import read_word, write_word

VALIDATORS_SLOT = 8  # address[] _validators: its length (after _rules at 5, _activeBits at 6, _validatorRecords at 7)


@pytest.fixture
def bank(entity_ids):
    return entity_ids["bank"]


@pytest.fixture
def hospital(entity_ids):
    return entity_ids["hospital"]


@pytest.fixture
def enact(registry, council):
    """`enact(kind, payload)`: the council passes and executes a proposal; returns the execute tx."""
    def run(kind, payload):
        return pass_proposal(registry, council, kind, payload)

    return run


def validator_set(registry, limit=1000) -> dict[str, int]:
    """Every page of `listValidators`: validator -> entity id."""
    found, cursor = {}, 1
    while cursor:
        page, cursor = registry.listValidators(cursor, limit)
        found.update((v, e) for v, e in page)
    return found


def validator_of(registry, validator) -> tuple[int, bool]:
    entity_id, in_set = registry.validatorOf(validator)
    return int(entity_id), in_set


def test_add_validator_puts_it_in_the_set_with_its_entity(registry, enact, bank):
    validator = address_for("bank-validator")
    tx = enact(ActionKind.AddValidator, validator_payload(bank, validator))
    assert emitted(tx, "ValidatorAdded") == {"entityId": bank, "validator": validator}
    assert validator_set(registry) == {validator: bank}
    assert validator_of(registry, validator) == (bank, True)
    assert registry.validatorCount() == 1


def test_remove_validator_takes_it_out_of_the_set_and_keeps_its_entity(registry, enact, bank):
    validator = address_for("bank-validator")
    enact(ActionKind.AddValidator, validator_payload(bank, validator))
    tx = enact(ActionKind.RemoveValidator, validator_payload(bank, validator))
    assert emitted(tx, "ValidatorRemoved") == {"entityId": bank, "validator": validator}
    assert validator_set(registry) == {}
    assert validator_of(registry, validator) == (bank, False)
    assert registry.validatorCount() == 0


def test_removal_moves_the_last_validator_into_the_freed_place(registry, enact, bank, hospital):
    first, second, third = (address_for(f"validator-{i}") for i in range(3))
    for entity, validator in ((bank, first), (hospital, second), (bank, third)):
        enact(ActionKind.AddValidator, validator_payload(entity, validator))
    enact(ActionKind.RemoveValidator, validator_payload(bank, first))
    page, cursor = registry.listValidators(0, 10)
    assert [tuple(row) for row in page] == [(third, bank), (second, hospital)] and cursor == 0
    enact(ActionKind.RemoveValidator, validator_payload(bank, third))
    assert validator_set(registry) == {second: hospital}


def test_suspension_takes_the_entity_validators_out_of_the_set(registry, enact, bank, hospital):
    banks, hospitals = address_for("bank-validator"), address_for("hospital-validator")
    enact(ActionKind.AddValidator, validator_payload(bank, banks))
    enact(ActionKind.AddValidator, validator_payload(hospital, hospitals))
    enact(ActionKind.Suspend, status_payload(bank, "audit"))
    assert validator_set(registry) == {hospitals: hospital}
    assert validator_of(registry, banks) == (bank, False)
    assert registry.validatorCount() == 2


def test_reinstatement_brings_the_entity_validators_back(registry, enact, bank):
    validator = address_for("bank-validator")
    enact(ActionKind.AddValidator, validator_payload(bank, validator))
    enact(ActionKind.Suspend, status_payload(bank, "audit"))
    enact(ActionKind.Reinstate, status_payload(bank, "audit closed"))
    assert validator_set(registry) == {validator: bank}


def test_revocation_takes_the_entity_validators_out_of_the_set(registry, enact, bank):
    validator = address_for("bank-validator")
    enact(ActionKind.AddValidator, validator_payload(bank, validator))
    enact(ActionKind.Revoke, status_payload(bank, "fraud"))
    assert validator_set(registry) == {}
    assert registry.entity(bank)["status"] == EntityStatus.Revoked


def test_removed_validator_can_be_added_again_for_another_entity(registry, enact, bank, hospital):
    validator = address_for("moved-validator")
    enact(ActionKind.AddValidator, validator_payload(bank, validator))
    enact(ActionKind.RemoveValidator, validator_payload(bank, validator))
    enact(ActionKind.AddValidator, validator_payload(hospital, validator))
    assert validator_set(registry) == {validator: hospital}


def test_address_never_named_is_not_governed(registry):
    assert validator_of(registry, address_for("stranger")) == (0, False)


def test_adding_a_validator_twice_is_refused(registry, enact, bank, hospital):
    validator = address_for("bank-validator")
    enact(ActionKind.AddValidator, validator_payload(bank, validator))
    with brownie.reverts(revert_pattern=err("RegistryValidatorTaken", validator, bank)):
        enact(ActionKind.AddValidator, validator_payload(hospital, validator))


def test_validator_of_a_suspended_entity_is_still_taken(registry, enact, bank, hospital):
    validator = address_for("bank-validator")
    enact(ActionKind.AddValidator, validator_payload(bank, validator))
    enact(ActionKind.Suspend, status_payload(bank, "audit"))
    with brownie.reverts(revert_pattern=err("RegistryValidatorTaken", validator, bank)):
        enact(ActionKind.AddValidator, validator_payload(hospital, validator))


def test_adding_a_validator_for_an_unknown_entity_is_refused(registry, enact):
    with brownie.reverts(revert_pattern=err("RegistryUnknownEntity", 999)):
        enact(ActionKind.AddValidator, validator_payload(999, address_for("v")))


def test_adding_a_validator_for_a_suspended_entity_is_refused(registry, enact, bank):
    enact(ActionKind.Suspend, status_payload(bank, "audit"))
    with brownie.reverts(revert_pattern=err("RegistryEntityNotActive", bank, EntityStatus.Suspended)):
        enact(ActionKind.AddValidator, validator_payload(bank, address_for("v")))


def test_the_zero_address_cannot_be_a_validator(registry, enact, bank):
    zero = "0x0000000000000000000000000000000000000000"
    with brownie.reverts(revert_pattern=err("RegistryInvalidValidator", zero)):
        enact(ActionKind.AddValidator, validator_payload(bank, zero))


def test_removing_an_address_that_is_no_validator_is_refused(registry, enact, bank):
    validator = address_for("v")
    with brownie.reverts(revert_pattern=err("RegistryNotValidator", bank, validator)):
        enact(ActionKind.RemoveValidator, validator_payload(bank, validator))


def test_removing_a_validator_named_with_another_entity_is_refused(registry, enact, bank, hospital):
    validator = address_for("bank-validator")
    enact(ActionKind.AddValidator, validator_payload(bank, validator))
    with brownie.reverts(revert_pattern=err("RegistryNotValidator", hospital, validator)):
        enact(ActionKind.RemoveValidator, validator_payload(hospital, validator))


def test_removing_a_validator_twice_is_refused(registry, enact, bank):
    validator = address_for("bank-validator")
    enact(ActionKind.AddValidator, validator_payload(bank, validator))
    enact(ActionKind.RemoveValidator, validator_payload(bank, validator))
    with brownie.reverts(revert_pattern=err("RegistryNotValidator", bank, validator)):
        enact(ActionKind.RemoveValidator, validator_payload(bank, validator))


def test_add_validator_needs_the_two_thirds_rule(registry, council, bank):
    payload = validator_payload(bank, address_for("v"))
    pid = open_proposal(registry, council[0], ActionKind.AddValidator, payload)
    for voter in council[1:3]:  # 3 of 5: a majority, short of two thirds
        registry.vote(pid, 0, {"from": voter})
    with brownie.reverts(revert_pattern=err("RegistryProposalNotPassed", pid, 3, 5)):
        registry.execute(pid, payload, {"from": council[0]})


def test_validator_pages_continue_from_the_cursor(registry, enact, bank):
    named = [address_for(f"validator-{i}") for i in range(3)]
    for validator in named:
        enact(ActionKind.AddValidator, validator_payload(bank, validator))
    page, cursor = registry.listValidators(0, 2)
    assert [row[0] for row in page] == named[:2] and cursor == 3
    page, cursor = registry.listValidators(cursor, 2)
    assert [row[0] for row in page] == named[2:] and cursor == 0


@pytest.mark.parametrize("limit", [0, 1001])
def test_validator_page_limit_is_checked(registry, limit):
    with brownie.reverts(revert_pattern=err("RegistryInvalidPageLimit", limit, 1000)):
        registry.listValidators(0, limit)


def set_validator_count(registry, count):
    assert read_word(registry, VALIDATORS_SLOT) == registry.validatorCount()
    write_word(registry, VALIDATORS_SLOT, count)
    assert registry.validatorCount() == count


def test_validator_page_with_rows_returns_after_one_scan_window(registry, enact, bank):
    validator = address_for("bank-validator")
    enact(ActionKind.AddValidator, validator_payload(bank, validator))
    set_validator_count(registry, 3 * registry.SCAN_WINDOW())
    page, cursor = registry.listValidators(1, 100)
    assert [row[0] for row in page] == [validator] and cursor == 1 + registry.SCAN_WINDOW()


def test_empty_validator_page_carries_a_cursor_only_after_max_scan_positions(registry):
    set_validator_count(registry, 10_000)
    page, cursor = registry.listValidators(1, 100)
    assert len(page) == 0 and cursor == 1 + registry.MAX_SCAN()

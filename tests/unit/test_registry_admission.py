"""Admission by council vote (one proposal, a batch, an event per entity) and the membership
views other contracts ask at every use, across entity statuses."""

import brownie
import pytest
from eth_abi import encode

from pilotchain.registry import (
    NEW_ENTITY_TYPE,
    AccountRole,
    ActionKind,
    EntityStatus,
    ProposalStatus,
    admit_payload,
    registration_code,
    status_payload,
)
from tests.fixtures.registry import pass_proposal
from tests.fixtures.registry_extra import address_for, decode_admissions, decode_admit_payload, err, new_entity

# ---------------------------------------------------------------- the batch


@pytest.fixture
def admitted(bare_registry, council, members):
    """The receipt of the standard members' admission into the founders-only registry."""
    return pass_proposal(bare_registry, council, ActionKind.Admit, admit_payload(members))


def test_admit_payload_round_trips(members):
    assert decode_admit_payload(admit_payload(members)) == [m.as_tuple() for m in members]


def test_batch_admission_emits_one_event_per_entity_in_order(admitted, members):
    expected = [
        (6 + i, registration_code(m.code), m.admin, m.name, m.dossier_hash, m.dossier_uri)
        for i, m in enumerate(members)
    ]
    assert decode_admissions(admitted) == expected


def test_batch_admission_stores_each_entity(bare_registry, admitted, members):
    admitted_at = admitted.timestamp
    for i, m in enumerate(members):
        e = bare_registry.entity(6 + i)
        assert (e["kind"], e["region"], e["capabilities"]) == (m.kind, m.region, m.capabilities)
        assert (e["status"], e["admins"], e["council"]) == (EntityStatus.Active, 1, False)
        assert e["admittedAt"] == admitted_at


def test_batch_admission_indexes_registration_codes(bare_registry, admitted, members):
    assert [bare_registry.entityIdByCode(registration_code(m.code)) for m in members] == list(range(6, 16))
    assert bare_registry.entityCount() == 15


def test_first_admin_is_bound_to_admitted_entity(bare_registry, admitted, members):
    assert [bare_registry.activeAdminOf(m.admin) for m in members] == list(range(6, 16))


# ---------------------------------------------------------------- rejected batches


def test_duplicate_code_within_batch_is_rejected(registry, approve):
    first = new_entity(address_for("twin 1"))
    twin = new_entity(address_for("twin 2"), code=first.code)
    payload = admit_payload([first, twin])
    pid = approve(ActionKind.Admit, payload)
    with brownie.reverts(revert_pattern=err("RegistryDuplicateCode", registration_code(first.code), 16)):
        registry.execute(pid, payload)


def test_code_of_existing_entity_is_rejected(registry, approve, members):
    payload = admit_payload([new_entity(address_for("copycat"), code=members[0].code)])
    pid = approve(ActionKind.Admit, payload)
    with brownie.reverts(revert_pattern=err("RegistryDuplicateCode", registration_code(members[0].code), 6)):
        registry.execute(pid, payload)


def test_rejected_batch_admits_nobody_and_stays_open(registry, approve, members):
    payload = admit_payload([new_entity(address_for("fine")), new_entity(address_for("dup"), code=members[0].code)])
    pid = approve(ActionKind.Admit, payload)
    with brownie.reverts(revert_pattern=err("RegistryDuplicateCode", registration_code(members[0].code), 6)):
        registry.execute(pid, payload)
    assert registry.entityCount() == 15
    assert registry.proposal(pid)["proposal"]["status"] == ProposalStatus.Open


def test_admin_of_another_entity_is_rejected(registry, approve, hospital_admin, entity_ids):
    payload = admit_payload([new_entity(hospital_admin)])
    pid = approve(ActionKind.Admit, payload)
    with brownie.reverts(revert_pattern=err("RegistryAccountTaken", hospital_admin, entity_ids["hospital"])):
        registry.execute(pid, payload)


def test_same_admin_twice_in_batch_is_rejected(registry, approve):
    admin = address_for("busy admin")
    payload = admit_payload([new_entity(admin), new_entity(admin)])
    pid = approve(ActionKind.Admit, payload)
    with brownie.reverts(revert_pattern=err("RegistryAccountTaken", admin, 16)):
        registry.execute(pid, payload)


# field of NewEntity (tuple index) -> invalid value
INVALID_FIELDS = {"name": (0, ""), "code": (3, b"\0" * 32), "admin": (6, brownie.ZERO_ADDRESS), "capabilities": (7, 4)}


@pytest.mark.parametrize("field", INVALID_FIELDS)
def test_invalid_entity_is_named_by_index_and_field(registry, approve, field):
    position, bad_value = INVALID_FIELDS[field]
    records = [new_entity(address_for(f"valid {field}")).as_tuple(), list(new_entity(address_for(f"bad {field}")).as_tuple())]
    records[1][position] = bad_value
    payload = encode([f"{NEW_ENTITY_TYPE}[]"], [[records[0], tuple(records[1])]])
    pid = approve(ActionKind.Admit, payload)
    with brownie.reverts(revert_pattern=err("RegistryInvalidEntity", 1, field)):
        registry.execute(pid, payload)


# ---------------------------------------------------------------- membership views by status


@pytest.fixture(params=[EntityStatus.Active, EntityStatus.Suspended, EntityStatus.Revoked])
def hospital_status(request, registry, enact, entity_ids):
    """The hospital (admin + operator) brought to each status."""
    kind = {EntityStatus.Suspended: ActionKind.Suspend, EntityStatus.Revoked: ActionKind.Revoke}.get(request.param)
    if kind is not None:
        enact(kind, status_payload(entity_ids["hospital"], "status test"))
    return request.param


@pytest.fixture
def hospital_accounts(hospital_admin, hospital_operator):
    return {AccountRole.Admin: hospital_admin, AccountRole.Operator: hospital_operator}


def test_entity_of_reports_membership_whatever_the_status(registry, hospital_status, hospital_accounts, entity_ids):
    for role, account in hospital_accounts.items():
        assert tuple(registry.entityOf(account)) == (entity_ids["hospital"], role)


def test_member_views_follow_entity_status(registry, hospital_status, hospital_accounts, hospital_admin, entity_ids, members):
    active = hospital_status == EntityStatus.Active
    hospital, capabilities = entity_ids["hospital"], members[0].capabilities
    assert registry.isActiveEntity(hospital) == active
    for role, account in hospital_accounts.items():
        assert registry.isActiveMember(account) == active
        assert tuple(registry.memberOf(account)) == ((hospital, role, capabilities) if active else (0, AccountRole.None_, 0))
    assert registry.activeAdminOf(hospital_admin) == (hospital if active else 0)


def test_member_of_and_active_answers_for_account_and_other_entity(registry, hospital_status, hospital_admin, bank_admin, entity_ids):
    active = hospital_status == EntityStatus.Active
    hospital, bank = entity_ids["hospital"], entity_ids["bank"]
    assert tuple(registry.memberOfAndActive(hospital_admin, bank)) == ((hospital, True) if active else (0, False))
    assert tuple(registry.memberOfAndActive(bank_admin, hospital)) == (bank, active)


def test_member_of_and_active_reports_reinstated_entity_active(registry, suspend, bank_admin, entity_ids):
    suspend(entity_ids["hospital"])
    suspend(entity_ids["hospital"], reinstate=True)
    assert tuple(registry.memberOfAndActive(bank_admin, entity_ids["hospital"])) == (entity_ids["bank"], True)


@pytest.mark.parametrize("other", [0, 16, 99])
def test_member_of_and_active_reports_unknown_entity_inactive(registry, bank_admin, entity_ids, other):
    assert tuple(registry.memberOfAndActive(bank_admin, other)) == (entity_ids["bank"], False)


def test_member_of_and_active_answers_nothing_for_outsider(registry, outsider, entity_ids):
    assert tuple(registry.memberOfAndActive(outsider, entity_ids["bank"])) == (0, False)


def test_suspension_stops_every_account_of_entity_at_once(registry, suspend, hospital_accounts, entity_ids):
    tx = suspend(entity_ids["hospital"])
    assert tx.events["EntityStatusChanged"]["status"] == EntityStatus.Suspended
    assert not any(registry.isActiveMember(account) for account in hospital_accounts.values())


def test_suspension_leaves_other_entities_active(registry, suspend, bank_admin, entity_ids):
    suspend(entity_ids["hospital"])
    assert registry.isActiveMember(bank_admin)
    assert registry.isActiveEntity(entity_ids["bank"])


def test_reinstatement_restores_every_account(registry, suspend, hospital_accounts, entity_ids):
    suspend(entity_ids["hospital"])
    suspend(entity_ids["hospital"], reinstate=True)
    assert all(registry.isActiveMember(account) for account in hospital_accounts.values())


def test_operator_is_no_active_admin(registry, hospital_operator):
    assert registry.activeAdminOf(hospital_operator) == 0


def test_outsider_is_no_member(registry, outsider):
    assert tuple(registry.memberOf(outsider)) == (0, AccountRole.None_, 0)
    assert tuple(registry.entityOf(outsider)) == (0, AccountRole.None_)
    assert not registry.isActiveMember(outsider)


def test_unknown_entity_is_not_active(registry):
    assert not registry.isActiveEntity(99)

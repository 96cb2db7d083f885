"""Proposal payloads the CLI builds through the library (no chain needed)."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from pilotchain import registry
from pilotchain.errors import ConfigError
from pilotchain.pilot.roster import load_roster
from pilotchain.registry import ActionKind, Capability, EntityKind

ADMIN = "0x" + "12" * 20
ENTITIES = (
    "code,name,kind,region,city,capabilities\n"
    "91110000MA00000001,Peking Test Hospital,Hospital,110000,Beijing,INSPECTOR\n"
    "91440100MA00000002,Guangzhou Test Bank,Bank,440100,Guangzhou,\n"
)


@pytest.fixture
def files(tmp_path):
    entities, admins = tmp_path / "entities.csv", tmp_path / "admins.csv"
    entities.write_text(ENTITIES)
    admins.write_text(f"code,admin_address\n91110000MA00000001,{ADMIN}\n91440100MA00000002,{ADMIN}\n")
    return entities, admins


def test_admissions_from_files_bind_each_entity_to_its_admin(files):
    first, second = registry.admissions_from_files(*files)
    assert (first.name, first.kind, first.region, first.capabilities, first.admin) == (
        "Peking Test Hospital", EntityKind.Hospital, 110000, Capability.INSPECTOR, ADMIN,
    )
    assert first.dossier_hash == keccak(text="dossier:91110000MA00000001:Peking Test Hospital")
    assert (second.code, second.kind, second.capabilities) == ("91440100MA00000002", EntityKind.Bank, Capability(0))


def test_admission_without_admin_address_is_refused(files):
    entities, admins = files
    admins.write_text(f"code,admin_address\n91110000MA00000001,{ADMIN}\n")
    with pytest.raises(ConfigError, match="no admin address for 91440100MA00000002"):
        registry.admissions_from_files(entities, admins)


def test_entity_list_with_unknown_kind_names_the_line(files):
    entities, admins = files
    entities.write_text(ENTITIES.replace(",Bank,", ",Bakery,"))
    with pytest.raises(ConfigError, match=r"entities.csv line 3: invalid value 'Bakery'"):
        registry.admissions_from_files(entities, admins)


def test_pilot_roster_reads_the_same_rows(files):
    entities, _admins = files
    assert [r.admission(ADMIN) for r in load_roster(entities)] == registry.admissions_from_files(*files)
    assert load_roster(entities)[0].account == "entity-91110000MA00000001"


@pytest.mark.parametrize("kind,expected", [
    (ActionKind.Suspend, registry.status_payload(7, "audit")),
    (ActionKind.Revoke, registry.status_payload(7, "audit")),
    (ActionKind.AddCouncil, registry.council_payload(7)),
    (ActionKind.RemoveCouncil, registry.council_payload(7)),
], ids=lambda v: getattr(v, "name", None))
def test_action_payload_of_a_proposal_about_one_entity(kind, expected):
    assert registry.action_payload(kind, 7, "audit") == expected


def test_action_payload_refuses_kinds_with_other_payloads():
    with pytest.raises(ConfigError, match="Admit is not a proposal about one entity"):
        registry.action_payload(ActionKind.Admit, 7)


def test_validator_payload_encodes_the_entity_and_the_signer_address():
    payload = registry.validator_payload(7, "0x" + "ab" * 20)
    assert payload == (7).to_bytes(32, "big") + bytes.fromhex("ab" * 20).rjust(32, b"\0")

"""`pilotchain provenance …` against the dev chain: JSON output, and errors as one line."""

import json

import pytest

import pilotchain.commands.provenance as commands
from pilotchain import cli
from pilotchain.toolchain import ROOT
from tests.fixtures.provenance import key, prefix_call

PART = "urn:epc:id:sgtin:4012345.022222.CLI-1"


@pytest.fixture
def run(monkeypatch, capsys, session_for):
    """`run(account, *argv)` -> (exit status, parsed JSON or stderr line)."""

    def invoke(account, *argv):
        monkeypatch.setattr(commands, "open_session", lambda network, name, index=None: session_for(account))
        capsys.readouterr()  # drop what fixtures printed
        status = cli.main([*argv, "--json"])
        out, err = capsys.readouterr()
        return status, json.loads(out) if status == 0 else err.strip()

    return invoke


def test_commission_then_verify(run, carmaker_admin, entity_ids):
    status, _ = run(carmaker_admin, "provenance", "commission", PART, "--biz-step", "commissioning")
    assert status == 0
    status, scan = run(carmaker_admin, "provenance", "verify", PART)
    assert (scan["status"], scan["owner"], scan["events"], scan["history_verified"]) == (
        "Active", entity_ids["carmaker"], 1, True,
    )


def test_transfer_and_accept(run, carmaker_admin, logistics_admin, entity_ids):
    run(carmaker_admin, "provenance", "commission", PART)
    assert run(carmaker_admin, "provenance", "transfer", PART, "--to", str(entity_ids["logistics"]))[0] == 0
    status, accepted = run(logistics_admin, "provenance", "accept", PART)
    assert (status, accepted["to"]) == (0, entity_ids["logistics"])


def test_recall_lists_affected_items(run, bill_of_materials, cellmaker_admin):
    status, result = run(cellmaker_admin, "provenance", "recall", bill_of_materials["cells"], "--reason", "thermal")
    assert status == 0
    assert [a["item"] for a in result["affected"]] == [bill_of_materials["pack"], bill_of_materials["vehicle"]]


def test_import_dry_run_shows_plan(run, carmaker_admin, tmp_path):
    document = str(ROOT / "tests" / "data" / "epcis-examples" / "Example_9.6.4-TransformationEvent.jsonld")
    status, result = run(carmaker_admin, "provenance", "import-epcis", document, "--dry-run",
                         "--store", str(tmp_path / "s.sqlite"))  # fmt: skip
    assert (status, result["recorded"], result["plan"][0]["calls"]) == (0, 0, ["transform"])


def test_rejected_call_is_one_line(run, carmaker_admin, dealer_admin):
    run(carmaker_admin, "provenance", "commission", PART)
    status, message = run(dealer_admin, "provenance", "record", PART, "--biz-step", "shipping")
    assert status == 1
    assert message.startswith("error: Provenance rejected the call: ProvenanceNotCustodian(") and "\n" not in message


def test_unknown_business_step_is_one_line(run, carmaker_admin):
    status, message = run(carmaker_admin, "provenance", "record", PART, "--biz-step", "teleporting")
    assert status == 1 and "not a CBV term" in message


def test_register_prefix_opens_a_council_proposal_that_registers_it(run, provenance, registry, council, entity_ids):
    status, opened = run(council[0], "provenance", "register-prefix", str(entity_ids["carmaker"]), "6901234")
    assert (status, opened["entity"], opened["action"], opened["registered_to"]) == (0, entity_ids["carmaker"], "register", None)
    payload = prefix_call(provenance, entity_ids["carmaker"], "6901234")  # execute checks it against the proposal
    for voter in council[1:]:
        if registry.proposal(opened["proposal"])["passed"]:
            break
        registry.vote(opened["proposal"], 0, {"from": voter})
    tx = registry.execute(opened["proposal"], payload, {"from": council[0]})
    assert tx.events["PrefixRegistered"]["entityId"] == entity_ids["carmaker"]
    assert provenance.prefixOwner(key("6901234")) == entity_ids["carmaker"]


def test_register_malformed_prefix_is_one_line(run, council, entity_ids):
    status, message = run(council[0], "provenance", "register-prefix", str(entity_ids["carmaker"]), "12345")
    assert status == 1 and "not a GS1 company prefix" in message and "\n" not in message


def test_import_names_each_event_it_cannot_record(run, carmaker_admin, tmp_path):
    stranger = "urn:epc:id:sgtin:4012345.022222.NEVER-SEEN"
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
        "schemaVersion": "2.0", "creationDate": "2026-11-20T10:00:00.000+08:00",
        "epcisBody": {"eventList": [
            {"type": "ObjectEvent", "eventTime": "2026-11-20T09:00:00.000+08:00", "eventTimeZoneOffset": "+08:00",
             "action": "ADD", "epcList": [PART]},
            {"type": "ObjectEvent", "eventTime": "2026-11-20T09:01:00.000+08:00", "eventTimeZoneOffset": "+08:00",
             "action": "OBSERVE", "epcList": [stranger]},
        ]},
    }  # fmt: skip
    path = tmp_path / "partner.jsonld"
    path.write_text(json.dumps(document))
    status, result = run(carmaker_admin, "provenance", "import-epcis", str(path), "--store", str(tmp_path / "s.sqlite"))
    assert (status, result["recorded"]) == (0, 1)
    assert result["refused"] == []
    assert [(h["event"], h["reason"]) for h in result["held"]] == [
        ("eventList[1] (ObjectEvent)", f"{stranger} is unknown and this event cannot create it")]

"""`pilotchain provenance …` end to end, as the README walks through it: cells to a vehicle,
a recall that reaches the vehicle, and a QR-style verification."""

import json
import re

from pilotchain.cli import main
from pilotchain.epcis.codes import item_id
from pilotchain.toolchain import ROOT

CELLS = "urn:epc:class:lgtin:6912345.011111.CELLS-C"
PACK = "urn:epc:id:sgtin:6901234.055555.PACK-3"
VIN = "urn:epc:id:sgtin:6901234.066666.LGWEF4A53MB000003"
ASSEMBLY = ROOT / "examples" / "battery-assembly.jsonld"


def _id(uri: str) -> str:
    return "0x" + item_id(uri).hex()


def cli_json(capsys, *argv):
    code = main([str(a) for a in argv] + ["--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_cells_to_vehicle_recall_and_verification(capsys, network, deployed, tmp_path):
    net = ("--network", network)
    # roles for this chain's founders: 1 cell maker, 2 car maker, 3 dealer, 4 regulator
    cellmaker, carmaker, dealer, regulator = (("--account", f"council-{n}") for n in (1, 2, 3, 4))
    store = ("--store", tmp_path / "events.sqlite")

    cli_json(capsys, "provenance", "commission", CELLS, "--amount", 1000, "--unit", "H87",
             "--biz-step", "commissioning", *net, *cellmaker)
    cli_json(capsys, "provenance", "transfer", CELLS, "--to", 2, *net, *cellmaker)
    cli_json(capsys, "provenance", "accept", CELLS, *net, *carmaker)

    planned = cli_json(capsys, "provenance", "import-epcis", ASSEMBLY, "--dry-run", *store, *net, *carmaker)
    assert (planned["events"], planned["recorded"], planned["transactions"]) == (3, 0, [])
    assert [call for event in planned["plan"] for call in event["calls"]] == ["transform", "commission", "pack"]
    imported = cli_json(capsys, "provenance", "import-epcis", ASSEMBLY, *store, *net, *carmaker)
    assert (imported["events"], imported["recorded"]) == (3, 3) and imported["transactions"]

    cli_json(capsys, "provenance", "transfer", VIN, "--to", 3, *net, *carmaker)
    cli_json(capsys, "provenance", "accept", VIN, *net, *dealer)

    recall = cli_json(capsys, "provenance", "recall", CELLS, "--reason", "thermal-runaway", *net, *regulator)
    assert [(a["item"], a["via"]) for a in recall["affected"]] == [(_id(PACK), "transformation"), (_id(VIN), "aggregation")]
    backward = cli_json(capsys, "provenance", "trace", VIN, "--direction", "backward", *net)
    assert [edge["from"] for edge in backward] == [_id(PACK), _id(CELLS)]

    code = main(["provenance", "acknowledge", VIN, "--recalled", CELLS, *net, *regulator])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Provenance" in err  # not its custodian
    acknowledged = cli_json(capsys, "provenance", "acknowledge", VIN, "--recalled", CELLS, *net, *dealer)
    assert (acknowledged["recalled"], acknowledged["acknowledged"], acknowledged["already"]) == (_id(CELLS), [_id(VIN)], [])
    assert len(acknowledged["transactions"]) == 1
    again = cli_json(capsys, "provenance", "acknowledge", VIN, "--recalled", CELLS, *net, *dealer)
    assert (again["acknowledged"], again["already"], again["transactions"]) == ([], [_id(VIN)], [])
    scan = cli_json(capsys, "provenance", "verify", VIN, *net)
    assert (scan["known"], scan["status"], scan["custodian"], scan["history_verified"]) == (True, "Recalled", 3, True)

    exported = cli_json(capsys, "provenance", "export", PACK, *store, *net)
    assert [e["type"] for e in exported["epcisBody"]["eventList"]] == ["TransformationEvent", "AggregationEvent"]

    withdrawn = cli_json(capsys, "provenance", "withdraw-recall", CELLS, "--reason", "false-alarm", "--yes",
                         *net, *regulator)  # fmt: skip
    assert withdrawn["released"] == [_id(VIN)]
    scan = cli_json(capsys, "provenance", "verify", VIN, *net)
    assert (scan["status"], scan["history_verified"]) == ("Active", True)


def test_unknown_item_is_an_error_and_bad_document_is_one_line(capsys, network, deployed, tmp_path):
    code = main(["provenance", "verify", "urn:epc:id:sgtin:6901234.000000.NOPE", "--network", network])
    assert code == 1 and "error: unknown item urn:epc:id:sgtin:6901234.000000.NOPE" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonld"
    bad.write_text(ASSEMBLY.read_text().replace('"eventTime": "2026-11-20T09:15:00.000+08:00"', '"eventTime": "soon"'))
    code = main(["provenance", "import-epcis", str(bad), "--dry-run", "--network", network, "--account", "council-2"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert re.search(r"eventList\[0\] \(TransformationEvent.*\): eventTime", err)


def _document(path, *events):
    path.write_text(json.dumps({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
        "schemaVersion": "2.0", "creationDate": "2026-11-20T08:00:00.000Z", "epcisBody": {"eventList": list(events)},
    }))
    return path


def test_event_captured_before_its_dependency_is_held_listed_and_recorded_later(capsys, network, deployed, tmp_path):
    net, store = ("--network", network, "--account", "council-2"), ("--store", tmp_path / "events.sqlite")
    truck, logger = "urn:epc:id:grai:4012345.55555.HELD-1", "urn:epc:id:giai:4000001.HELD-LOGGER"
    when = {"eventTimeZoneOffset": "+08:00", "bizStep": "installing"}
    delete = _document(tmp_path / "delete.jsonld", {
        "type": "AssociationEvent", "eventTime": "2026-11-20T11:00:00.000+08:00", "action": "DELETE",
        "parentID": truck, "childEPCs": [logger], **when})
    imported = cli_json(capsys, "provenance", "import-epcis", delete, *store, *net)
    assert (imported["recorded"], len(imported["held"])) == (0, 1)
    main(["provenance", "held", *map(str, store)])
    listed = capsys.readouterr().out.strip().splitlines()
    assert len(listed) == 1 and re.match(
        r"AssociationEvent 0x[0-9a-f]{64} \(ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0\): waits: "
        r"urn:epc:id:grai:4012345\.55555\.HELD-1 is unknown and this event cannot create it", listed[0]), listed
    add = _document(tmp_path / "add.jsonld", {
        "type": "ObjectEvent", "eventTime": "2026-11-20T09:00:00.000+08:00", "action": "ADD",
        "epcList": [truck, logger], "eventTimeZoneOffset": "+08:00", "bizStep": "commissioning"}, {
        "type": "AssociationEvent", "eventTime": "2026-11-20T10:00:00.000+08:00", "action": "ADD",
        "parentID": truck, "childEPCs": [logger], **when})
    landed = cli_json(capsys, "provenance", "import-epcis", add, *store, *net)
    assert (landed["recorded"], landed["released"], landed["held"]) == (2, 1, [])
    assert cli_json(capsys, "provenance", "held", *store) == []

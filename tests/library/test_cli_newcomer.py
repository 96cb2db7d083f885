"""The CLI as a newcomer meets it (issue 15): honest answers about unknown items, readable output
(EPCs, entity names, units, ISO times), one resolver for entities and accounts, one line with
what to do on common node errors, no silent change to Brownie's networks."""

import argparse
import json
import os
import re
import subprocess
import sys
import time

import pytest
import yaml

from pilotchain import toolchain
from pilotchain.accounts import AccountStore
from pilotchain.cli import _load_commands, build_parser, main
from pilotchain.endpoints import resolve
from pilotchain.epcis.codes import item_id
from pilotchain.toolchain import ROOT
from tests.library.cli_run import run, run_json

ASSEMBLY = ROOT / "examples" / "battery-assembly.jsonld"
CELLS, PACK = "urn:epc:class:lgtin:6912345.011111.CELLS-N", "urn:epc:id:sgtin:6901234.055555.PACK-N"
VIN = "urn:epc:id:sgtin:6901234.066666.LGWEF4A59MB000009"
UNKNOWN = "urn:epc:id:sgtin:6901234.000000.NEVER-SEEN"


@pytest.fixture(scope="module")
def supply(network, deployed, tmp_path_factory):
    """The README walkthrough on fresh EPCs: cells to a car maker (2), assembled into a pack and a
    vehicle from an EPCIS document, the vehicle handed to a dealer (3) by custody only."""
    folder = tmp_path_factory.mktemp("newcomer")
    document = folder / "assembly.jsonld"
    document.write_text(ASSEMBLY.read_text().replace("CELLS-C", "CELLS-N").replace("PACK-3", "PACK-N")
                        .replace("LGWEF4A53MB000003", "LGWEF4A59MB000009"))  # fmt: skip
    store = str(folder / "events.sqlite")
    net = ["--network", network]
    for argv in (
        ["provenance", "commission", CELLS, "--amount", "1000", "--unit", "H87", "--biz-step", "commissioning",
         "--account", "council-1"],
        ["provenance", "transfer", CELLS, "--to", "council-2", "--account", "council-1"],  # an account name
        ["provenance", "accept", CELLS, "--account", "council-2"],
        ["provenance", "import-epcis", str(document), "--store", store, "--account", "council-2"],
        ["provenance", "transfer", VIN, "--to", "11100000MB0000004R", "--account", "council-2"],  # a code: entity 4
        ["provenance", "accept", VIN, "--account", "council-4"],
    ):  # fmt: skip
        assert main(argv + net + ["--json"]) == 0
    return {"store": store, "net": net}


# ---------------------------------------------------------------- honest answers


@pytest.mark.parametrize("command", ["verify", "trace", "export"])
def test_an_unknown_item_is_an_error_in_one_line(capsys, network, deployed, command):
    code, out, err = run(capsys, "provenance", command, UNKNOWN, "--network", network)
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [f"error: unknown item {UNKNOWN}: this chain has no event for it "
                                        "(check the EPC, and --network)"]  # fmt: skip


def test_an_unknown_item_is_an_error_in_json_too(capsys, network, deployed):
    code, out, err = run(capsys, "provenance", "verify", UNKNOWN, "--network", network, "--json")
    assert code == 1
    assert json.loads(out)["error"].startswith(f"unknown item {UNKNOWN}")
    assert len(err.strip().splitlines()) == 1


def test_custody_is_not_ownership_until_the_sale_is_recorded(capsys, supply):
    # Custody moved to the dealer, ownership did not: what the contract says, and what verify shows.
    scan = run_json(capsys, "provenance", "verify", VIN, *supply["net"])
    assert (scan["owner"], scan["custodian"]) == (2, 4)
    run_json(capsys, "provenance", "transfer-ownership", VIN, "--to", 4, "--biz-transaction", "PO-1",
             *supply["net"], "--account", "council-2")
    code, out, _err = run(capsys, "provenance", "verify", VIN, *supply["net"])
    assert code == 0
    assert re.search(r"^owner\s+State Administration for Market Regulation, Pilot Office \(4\)$", out, re.M), out
    assert re.search(r"^custodian\s+State Administration for Market Regulation, Pilot Office \(4\)$", out, re.M)


# ---------------------------------------------------------------- readable output


def test_trace_and_verify_show_epcs_and_keep_hex_for_json(capsys, supply):
    code, out, _err = run(capsys, "provenance", "trace", VIN, "--direction", "backward", "--store", supply["store"],
                          *supply["net"])  # fmt: skip
    assert code == 0
    assert re.search(rf"^{PACK}\s+{VIN}\s+aggregation$", out, re.M), out
    assert re.search(rf"^{CELLS}\s+{PACK}\s+transformation$", out, re.M)
    assert "0x" not in out
    edges = run_json(capsys, "provenance", "trace", VIN, "--direction", "backward", "--store", supply["store"],
                     *supply["net"])  # fmt: skip
    assert (edges[0]["from"], edges[0]["from_epc"]) == ("0x" + item_id(PACK).hex(), PACK)

    code, out, _err = run(capsys, "provenance", "verify", PACK, "--store", supply["store"], *supply["net"])
    assert re.search(rf"^item\s+{PACK}$", out, re.M) and re.search(rf"^packed in\s+{VIN}$", out, re.M), out
    assert re.search(r"^owner\s+\S.* \(2\)$", out, re.M)


@pytest.fixture
def in_shanghai(monkeypatch):
    """The reader's time zone is China Standard Time (UTC+8)."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_amounts_times_and_business_steps_are_shown_by_name(capsys, network, deployed, in_shanghai):
    lot = f"urn:epc:class:lgtin:6901234.011111.LOT-{time.time_ns()}"
    code, out, _err = run(capsys, "provenance", "commission", lot, "--amount", "1000", "--unit", "H87",
                          "--biz-step", "commissioning", "--time", "2026-11-20T01:15:00Z",
                          "--network", network, "--account", "council-1")  # fmt: skip
    assert code == 0
    assert '"amount": "1,000 H87"' in out and '"bizStep": "commissioning"' in out, out
    assert '"eventTime": "2026-11-20T09:15:00+08:00"' in out
    scan = run(capsys, "provenance", "verify", lot, "--network", network)[1]
    assert re.search(r"^stock\s+1,000 H87$", scan, re.M)


def test_export_says_how_each_event_was_verified(capsys, supply):
    code, out, err = run(capsys, "provenance", "export", PACK, "--store", supply["store"], *supply["net"])
    assert code == 0 and json.loads(out)["epcisBody"]["eventList"]
    assert re.match(r"verified: 2 events; the item's on-chain logs fold into the hash-chain head .* each event's "
                    r"canonical JSON hashes \(keccak-256\) to the hash recorded on chain", err)  # fmt: skip
    document = run_json(capsys, "provenance", "export", PACK, "--store", supply["store"], *supply["net"])
    assert document["verification"]["events"] == 2


def test_recall_lists_the_affected_items_by_epc(capsys, supply):
    code, out, _err = run(capsys, "provenance", "recall", CELLS, "--reason", "thermal-runaway", "--yes",
                          "--store", supply["store"], *supply["net"], "--account", "council-4")  # fmt: skip
    assert code == 0
    assert out.splitlines()[0] == f"recalled {CELLS}"
    assert re.search(rf"^{PACK}\s+transformation$", out, re.M) and re.search(rf"^{VIN}\s+aggregation$", out, re.M)


# ---------------------------------------------------------------- input and errors


@pytest.mark.parametrize("who", ["0x1234", "hello", "0xZZ34567890123456789012345678901234567890"])
def test_a_malformed_account_is_one_line(capsys, network, deployed, who):
    code, _out, err = run(capsys, "data", "check", 1, who, "research", "--network", network)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert re.match(r"error: '0x\w+' is not an address \(0x followed by 40 hex digits\)|"
                    r"error: 'hello' is not an entity id, a registration code", err), err  # fmt: skip


def test_entity_account_rejects_a_malformed_address_in_one_line(capsys, network, deployed):
    code, _out, err = run(capsys, "entity", "account", "add", "0x1234", "--network", network, "--account", "council-1")
    assert (code, err) == (1, "error: '0x1234' is not an address (0x followed by 40 hex digits)\n")


def test_an_entity_or_account_may_be_named_any_way(capsys, network, deployed):
    address = AccountStore(resolve(network).accounts_dir).address("council-3")
    asset = run_json(capsys, "data", "register-asset", "https://gateway.example/x", "--content-hash", "0x" + "ab" * 32,
                     "--network", network, "--account", "council-1")["asset_id"]  # fmt: skip
    run_json(capsys, "data", "grant", asset, "11440100MB0000003Z", "--purpose", "research", "--days", 30,
             "--network", network, "--account", "council-1")  # fmt: skip
    for who in (address, address.lower(), "council-3", "3", "11440100MB0000003Z"):
        checked = run_json(capsys, "data", "check", asset, who, "research", "--network", network)
        assert (checked["account"], checked["allowed"]) == (address, True), who


def test_data_sharing_output_names_entities(capsys, network, deployed):
    asset = run_json(capsys, "data", "register-asset", "https://gateway.example/named", "--content-hash",
                     "0x" + "cd" * 32, "--network", network, "--account", "council-1")["asset_id"]  # fmt: skip
    code, out, _err = run(capsys, "data", "grant", asset, "council-3", "--purpose", "research", "--days", 30,
                          "--network", network, "--account", "council-1")  # fmt: skip
    assert code == 0
    grantee = re.search(r"^grantee\s+(.*)$", out, re.M)
    assert grantee and re.fullmatch(r"\S.* \(3\)", grantee.group(1)), out  # `Name (3)`, not a bare 3
    assert run_json(capsys, "data", "revoke", asset, 3, "--reason", "1", "--yes", "--network", network,
                    "--account", "council-1")["grantee"] == 3  # --json keeps the number


def test_no_membership_says_what_to_do(capsys, network, deployed):
    code, _out, err = run(capsys, "provenance", "commission", "urn:epc:id:sgtin:6901234.000000.X1",
                          "--network", network, "--account", "deployer")  # fmt: skip
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert re.search(r"NotMember\(account=0x\w+\); the account belongs to no active member entity: pass --account", err)


def test_no_funds_says_what_to_do(capsys, network, deployed):
    store = AccountStore(resolve(network).accounts_dir)
    if not store.exists("pauper"):
        store.create("pauper")  # a generated password beside it, like the dev network's accounts
    code, _out, err = run(capsys, "data", "register-asset", "https://gateway.example/y", "--content-hash",
                          "0x" + "cd" * 32, "--network", network, "--account", "pauper")  # fmt: skip
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "{'code'" not in err
    assert re.search(r"(insufficient funds|exceeds allowance: 0).*; the account has too little ETH to pay for gas", err), err


def test_sign_grant_takes_chain_and_contract_from_the_deployment_and_a_duration(capsys, network, deployed, tmp_path):
    out = tmp_path / "grant.json"
    before = int(time.time())
    run_json(capsys, "data", "sign-grant", 1, "council-3", "--purpose", "research", "--until", "90d",
             "--out", out, "--network", network, "--account", "council-1")  # fmt: skip
    signed = json.loads(out.read_text())
    assert signed["chain_id"] == 31337 and signed["grantee"] == 3
    assert signed["contract"] == deployed.deployment.addresses["DataSharing"]
    assert before + 90 * 86400 <= signed["valid_until"] <= int(time.time()) + 90 * 86400
    code, _out, err = run(capsys, "data", "sign-grant", 1, 3, "--purpose", "research", "--until", "soon",
                          "--out", out, "--network", network, "--account", "council-1")  # fmt: skip
    assert code == 1 and "is not a time: give a date (2027-03-01)" in err


# ---------------------------------------------------------------- help and version


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == "pilotchain 0.1.0\n"


def _options(parser, path=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, (*path, name))
        elif not isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            yield " ".join(path), action


def test_every_option_and_argument_has_help():
    _load_commands()
    options = list(_options(build_parser()))
    assert len(options) > 100
    missing = [f"{cmd}: {'/'.join(a.option_strings) or a.dest}" for cmd, a in options if not a.help]
    assert missing == []


def test_account_help_explains_dev_network_passwords(capsys):
    with pytest.raises(SystemExit):
        main(["entity", "vote", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "have generated passwords kept beside their keystores" in text and "$PILOTCHAIN_PASSWORD" in text


# ---------------------------------------------------------------- the pilot's hints and repeated runs


def test_pilot_hints_fit_the_network(capsys):
    from pilotchain.commands.pilot import next_steps

    anvil = "\n".join(next_steps("anvil"))
    assert "was stopped with the run" in anvil and "pilotchain provenance" not in anvil and "chain-stop" not in anvil
    poa = "\n".join(next_steps("pilot-poa"))
    assert "pilotchain provenance verify urn:epc:id:sgtin:" in poa and "make chain-stop" in poa


def test_a_second_pilot_run_prints_the_recorded_results(tmp_path):
    from pilotchain.pilot import _once

    lines = []
    _once(tmp_path, "data sharing", lambda: {"assets registered": 3}, lines.append)
    again = _once(tmp_path, "data sharing", lambda: pytest.fail("ran twice"), lines.append)
    assert again == {"assets registered": 3}
    assert lines[1].startswith("data sharing: already run on this deployment; its recorded results")
    assert lines[2].split() == ["assets", "registered", "3"]


# ---------------------------------------------------------------- Brownie's networks


@pytest.fixture
def brownie_home(tmp_path, monkeypatch):
    """A private ~/.brownie holding the project's networks."""
    monkeypatch.setattr(toolchain, "BROWNIE_DATA", tmp_path / "brownie")
    (tmp_path / "brownie").mkdir()
    (tmp_path / "brownie" / "network-config.yaml").write_text(yaml.safe_dump({"development": [], "live": []}))
    toolchain.register_brownie_networks()
    return tmp_path / "brownie" / "network-config.yaml"


def _live(path):
    return {n["id"]: (n["host"], n["chainid"]) for c in yaml.safe_load(path.read_text())["live"] for n in c["networks"]}


def test_a_second_network_gets_its_own_brownie_id(brownie_home):
    before = _live(brownie_home)["pilot-poa"]
    change = toolchain.register_poa_network("pilot-poa-777", "http://127.0.0.1:9745", 777)
    assert change == f"{brownie_home}: added Brownie network pilot-poa-777 -> http://127.0.0.1:9745 (chain 777)"
    networks = _live(brownie_home)
    assert networks["pilot-poa"] == before and networks["pilot-poa-777"] == ("http://127.0.0.1:9745", 777)
    toolchain.register_brownie_networks()  # what `make` does: keeps it
    assert _live(brownie_home)["pilot-poa-777"] == ("http://127.0.0.1:9745", 777)
    assert toolchain.register_poa_network("pilot-poa-777", "http://127.0.0.1:9745", 777) is None


def test_chain_init_refuses_to_redirect_an_existing_network(capsys, brownie_home, tmp_path):
    toolchain.register_poa_network("pilot-poa-777", "http://127.0.0.1:9745", 777)
    folder = tmp_path / "other"
    code, _out, err = run(capsys, "chain", "init", "--dir", folder, "--chain-id", 777, "--base-port", 9845)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "Brownie network pilot-poa-777 already points at http://127.0.0.1:9745 (chain 777)" in err
    assert "refusing to redirect it to http://127.0.0.1:9845" in err
    assert not folder.exists() and _live(brownie_home)["pilot-poa-777"] == ("http://127.0.0.1:9745", 777)


# ---------------------------------------------------------------- the library


def test_the_library_example_runs(network, deployed, tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "use_the_library.py"), "--network", network,
                           "--account", "council-1", "--journals", str(tmp_path)],
                          capture_output=True, text=True, env=os.environ.copy(), timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "may use it for research: True" in out
    assert "journal run 1: 3 steps done, 3 sent now" in out and "journal run 2: 3 steps done, 0 sent now" in out
    assert "caught RegistryUnknownProposal {'proposalId': 1000000000}" in out


def test_the_public_api_is_exported_and_typed():
    import inspect

    import pilotchain
    from pilotchain import datasharing, provenance, registry

    assert {"open_session", "Session", "PilotchainError", "ContractError", "Journal", "EventStore"} <= set(pilotchain.__all__)
    for module in (provenance, registry, datasharing):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = inspect.signature(fn).parameters
            untyped = [p for p in params.values() if p.annotation is inspect.Parameter.empty]
            assert not untyped, f"{module.__name__}.{name}: {[p.name for p in untyped]} untyped"
            if "session" in params:
                assert params["session"].annotation in ("Session", "Session | None"), name

"""The CLI: one library call per command, JSON for scripts, one clear line on every failure."""

import json
import re

import pytest

from pilotchain import registry
from pilotchain.accounts import AccountStore
from pilotchain.bench.scale_members import synthetic_entity
from pilotchain.endpoints import open_session, resolve
from pilotchain.indexer.reads import IndexSource
from tests.library.cli_run import run, run_json


def test_governance_round_trip_through_the_cli(capsys, network, deployed):
    # entity 5 only: the other tests of this session act as founders 1-4
    proposal = run_json(capsys, "entity", "propose", "suspend", "--entity", 5, "--reason", "audit",
                        "--network", network, "--account", "council-1")["proposal"]
    run_json(capsys, "entity", "vote", proposal, "--network", network, "--account", "council-2")
    open_ = run_json(capsys, "entity", "proposals", "--network", network, "--account", "council-1")
    assert not next(p for p in open_ if p["id"] == proposal)["passed"]  # 2 yes of 5: not yet
    run_json(capsys, "entity", "vote", proposal, "--network", network, "--account", "council-3")
    run_json(capsys, "entity", "execute", proposal, "--network", network, "--account", "council-4")

    shown = run_json(capsys, "entity", "show", 5, "--network", network)
    assert shown["status"] == "Suspended"
    assert shown["accounts"] == [{"account": AccountStore(resolve(network).accounts_dir).address("council-5"), "role": "Admin"}]


def test_validator_added_by_council_vote_through_the_cli(capsys, network, deployed):
    validator = "0x00000000000000000000000000000000000000AA"
    proposal = run_json(capsys, "entity", "propose", "add-validator", "--entity", 1, "--validator", validator,
                        "--network", network, "--account", "council-1")["proposal"]
    for voter in ("council-2", "council-3", "council-4"):  # two thirds of the electorate, 5 or 4
        run_json(capsys, "entity", "vote", proposal, "--network", network, "--account", voter)
    run_json(capsys, "entity", "execute", proposal, "--network", network, "--account", "council-1")

    listed = run_json(capsys, "entity", "validators", "--network", network)
    assert {"validator": validator, "entity": 1} in listed


def test_entity_list_filters_by_kind(capsys, network, deployed):
    rows = run_json(capsys, "entity", "list", "--kind", "Regulator", "--network", network)
    assert [r["id"] for r in rows] == [4]
    assert rows[0]["name"] == "State Administration for Market Regulation, Pilot Office"


@pytest.fixture
def index_reads(monkeypatch):
    """The contracts whose events an index served, one entry a query."""
    served = []
    events = IndexSource.events

    def spy(self, contract, *args):
        served.append(contract)
        return events(self, contract, *args)

    monkeypatch.setattr(IndexSource, "events", spy)
    return served


def test_entity_list_with_index_reads_the_admissions_from_it(capsys, network, make_index, index_reads):
    argv = ("entity", "list", "--kind", "Regulator", "--network", network)
    from_logs = run_json(capsys, *argv)
    assert run_json(capsys, *argv, "--index", make_index()) == from_logs
    assert index_reads == ["EntityRegistry"]


def test_the_index_url_environment_variable_serves_entity_show(capsys, network, make_index, index_reads, monkeypatch):
    from_logs = run_json(capsys, "entity", "show", 4, "--network", network)
    monkeypatch.setenv("PILOTCHAIN_INDEX_URL", make_index())
    assert run_json(capsys, "entity", "show", 4, "--network", network) == from_logs
    assert index_reads == ["EntityRegistry"] * 2  # its admission, then its accounts


def test_provenance_verify_with_index_reads_the_history_from_it(capsys, network, make_index, index_reads):
    item = "urn:epc:id:sgtin:6901234.077777.CLI-INDEX-1"
    run_json(capsys, "provenance", "commission", item, "--network", network, "--account", "council-1")
    argv = ("provenance", "verify", item, "--network", network)
    from_logs = run_json(capsys, *argv)
    assert run_json(capsys, *argv, "--index", make_index()) == from_logs
    assert "Provenance" in index_reads  # the history (and the names of its entities: EntityRegistry)


def test_export_abi_writes_one_loadable_file_per_chain(capsys, network, deployed, tmp_path):
    written = run_json(capsys, "export-abi", "--out", tmp_path, "--network", network)["written"]
    document = json.loads(open(written).read())
    assert document["chainId"] == 31337
    assert set(document["contracts"]) == {"EntityRegistry", "DataSharing", "Provenance"}
    assert any(item.get("name") == "memberOf" for item in document["contracts"]["EntityRegistry"]["abi"])


def test_export_abi_also_writes_the_hardhat_deploy_export_shape(capsys, network, deployed, tmp_path):
    written = run_json(capsys, "export-abi", "--out", tmp_path, "--network", network)
    document = json.loads(open(written["hardhat_deploy"]).read())
    assert set(document) == {"name", "chainId", "contracts"}
    assert document["chainId"] == "31337"
    assert {name: set(entry) for name, entry in document["contracts"].items()} == {
        name: {"address", "abi"} for name in ("EntityRegistry", "DataSharing", "Provenance")}
    assert document["contracts"]["Provenance"]["address"] == deployed.deployment.addresses["Provenance"]


def test_accounts_list_shows_the_store(capsys, network, deployed):
    names = [a["name"] for a in run_json(capsys, "accounts", "list", "--network", network)]
    assert {"deployer", "council-1", "council-5"} <= set(names)


ERRORS = [
    (["entity", "list", "--network", "nowhere"], r"unknown network 'nowhere'"),
    (["entity", "list", "--network", "http://127.0.0.1:9"], r"no node answers at http://127.0.0.1:9"),
    (["entity", "show", "99", "--network", "{net}"], r"RegistryUnknownEntity\(entityId=99\)"),
    (["entity", "show", "NOSUCHCODE", "--network", "{net}"], r"no entity with registration code NOSUCHCODE"),
    (["entity", "vote", "999", "--network", "{net}", "--account", "council-2"], r"RegistryUnknownProposal\(proposalId=999\)"),
    (["entity", "vote", "1", "--network", "{net}", "--account", "deployer"], r"RegistryNotMember\(account=0x"),
    (["entity", "propose", "suspend", "--network", "{net}", "--account", "council-1"], r"suspend needs --entity ID"),
    (["entity", "propose", "admit", "--network", "{net}", "--account", "council-1"], r"admit needs --csv"),
    (["entity", "propose", "add-validator", "--entity", "1", "--network", "{net}", "--account", "council-1"],
     r"add-validator needs --validator ADDRESS"),
    (["entity", "execute", "999", "--network", "{net}"], r"no proposal 999 on this chain"),
    (["entity", "account", "rotate", "0x0000000000000000000000000000000000000001", "--network", "{net}", "--account", "council-1"], r"rotate needs --new"),
    (["entity", "list", "--network", "{net}", "--account", "nobody"], r"no account 'nobody'|no keystore"),
    (["entity", "list", "--network", "{net}", "--index", "mysql://nowhere/x"], r"--index mysql: only sqlite and postgresql"),
    (["entity", "list", "--network", "{net}", "--index", "sqlite:////nonexistent/index.sqlite"],
     r"--index: no index database at '/nonexistent/index.sqlite'"),
    (["entity", "list", "--network", "{net}", "--index", "postgresql://nobody@127.0.0.1:9/index"],
     r"cannot open the index database postgresql\+psycopg://nobody@127.0.0.1:9/index"),
    (["accounts", "create", "deployer", "--network", "{net}"], r"account 'deployer' already exists"),
    (["accounts", "create", "bad name!", "--network", "{net}"], r"invalid account name"),
    (["accounts", "import", "someone", "--network", "{net}"], r"no key: set PILOTCHAIN_IMPORT_KEY"),
    (["export-abi", "--network", "nowhere"], r"unknown network 'nowhere'"),
    (["deploy", "--network", "http://127.0.0.1:9"], r"no node answers"),
    (["chain", "agent", "--network", "http://127.0.0.1:9"], r"no node answers"),
    (["pilot", "run", "--network", "nowhere"], r"unknown network 'nowhere'"),
]


@pytest.mark.parametrize("argv, message", ERRORS, ids=[" ".join(a[:2]) + f" #{i}" for i, (a, _m) in enumerate(ERRORS)])
def test_every_failure_is_one_clear_line_and_a_nonzero_exit(capsys, network, deployed, argv, message, monkeypatch):
    monkeypatch.delenv("PILOTCHAIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, out, err = run(capsys, *[a.replace("{net}", network) for a in argv])
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert re.search(message, lines[0]), lines[0]
    assert "Traceback" not in err


def test_irreversible_command_asks_on_a_terminal_and_sends_nothing_when_declined(capsys, network, deployed, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    before = run_json(capsys, "entity", "proposals", "--all", "--network", network)
    code, _out, err = run(capsys, "entity", "propose", "revoke", "--entity", 5, "--network", network, "--account", "council-1")
    assert (code, err) == (1, "error: cancelled; nothing was sent\n")
    assert run_json(capsys, "entity", "proposals", "--all", "--network", network) == before


def test_admission_roster_larger_than_a_block_is_proposed_in_batches(capsys, network, deployed, tmp_path):
    entities = [synthetic_entity(n) for n in range(1, 601)]
    roster, admins = tmp_path / "roster.csv", tmp_path / "admins.csv"
    roster.write_text("code,name,kind,region,city,capabilities\n" + "".join(
        f"{e.code},{e.name},{e.kind.name},{e.region},Beijing,\n" for e in entities))
    admins.write_text("code,admin_address\n" + "".join(f"{e.code},{e.admin}\n" for e in entities))
    session = open_session(network, "council-1")
    snapshot_id = session.w3.provider.make_request("evm_snapshot", [])["result"]
    try:
        rows = run_json(capsys, "entity", "propose", "admit", "--csv", roster, "--admins", admins,
                        "--network", network, "--account", "council-1")
        proposed = registry.admissions_from_files(roster, admins)
        batches = registry.admission_batches(proposed, registry.block_gas_limit(session))
        assert len(rows) == len(batches) > 1
        assert [(r["entities"], r["first"], r["last"]) for r in rows] == [
            (len(b), b[0].code, b[-1].code) for b in batches]
        assert [registry.proposal_payload(session, r["proposal"]) for r in rows] == [
            registry.admit_payload(b) for b in batches]
    finally:
        assert session.w3.provider.make_request("evm_revert", [snapshot_id])["result"]

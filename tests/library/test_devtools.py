"""The build-time tools: the Slither gate's triage, Brownie's patched code check, fuzz budgets
and statistics."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pilotchain.devtools.brownie_coverage import code_matches, immutable_placeholders
from pilotchain.devtools.slither_gate import gate, load_triage, parse_findings
from pilotchain.toolchain import ROOT
from tests.fixtures.fuzzing import FUZZ_EXAMPLES_ENV, fuzz_settings


def slither_result(check, impact, contract, function):
    element = {
        "type": "function",
        "name": f"{function}(uint256)",
        "source_mapping": {"filename_relative": f"contracts/{contract}.sol", "lines": [12, 13]},
        "type_specific_fields": {"parent": {"type": "contract", "name": contract}},
    }
    return {"check": check, "impact": impact, "description": f"{contract}.{function} does\n\tsomething", "elements": [element]}


REPORT = {
    "success": True,
    "results": {"detectors": [
        slither_result("incorrect-equality", "Medium", "EntityRegistry", "proposal"),
        slither_result("reentrancy-eth", "High", "DataSharing", "grant"),
        slither_result("naming-convention", "Informational", "DataSharing", "SCAN_WINDOW"),
    ]},
}  # fmt: skip


def test_gate_fails_only_on_untriaged_high_and_medium_findings():
    triage = {("incorrect-equality", "EntityRegistry", "proposal"): "enum comparison"}
    untriaged, stale = gate(parse_findings(REPORT), triage)
    assert [f.key for f in untriaged] == [("reentrancy-eth", "DataSharing", "grant")]
    assert untriaged[0].line().startswith("High reentrancy-eth DataSharing.grant (contracts/DataSharing.sol#12): ")
    assert stale == []


def test_gate_names_triage_entries_that_match_nothing():
    triage = {("incorrect-equality", "EntityRegistry", "proposal"): "r", ("unused-return", "Provenance", "_member"): "r"}
    _, stale = gate(parse_findings(REPORT), triage)
    assert stale == [("unused-return", "Provenance", "_member")]


def test_a_local_variable_finding_is_keyed_by_its_function():
    result = slither_result("uninitialized-local", "Medium", "DataSharing", "x")
    result["elements"][0] = {
        "type": "variable", "name": "grantee", "source_mapping": {"lines": [281]},
        "type_specific_fields": {"parent": {"type": "function", "name": "recordAccessBatch",
                                            "type_specific_fields": {"parent": {"type": "contract", "name": "DataSharing"}}}},
    }  # fmt: skip
    (finding,) = parse_findings({"success": True, "results": {"detectors": [result]}})
    assert finding.key == ("uninitialized-local", "DataSharing", "recordAccessBatch")


def test_a_triage_entry_without_a_reason_is_refused(tmp_path):
    path = tmp_path / "triage.yaml"
    path.write_text("- {detector: unused-return, contract: DataSharing, function: canAccess, reason: ''}\n")
    with pytest.raises(SystemExit, match="entry 1 lacks reason"):
        load_triage(path)


def test_the_project_triage_file_gives_every_entry_a_reason():
    assert len(load_triage()) >= 1


PLACEHOLDER = bytes([0x7F]) + bytes(32)  # PUSH32 0x00..00: where the constructor writes an immutable
METADATA = bytes.fromhex("a264") + b"\x01" * 4 + bytes.fromhex("0006")  # 6 bytes + 2-byte length


def test_deployed_code_with_immutables_matches_its_compiled_code():
    compiled = bytes([0x60, 0x01]) + PLACEHOLDER + bytes([0x50, 0x00]) + METADATA
    deployed = bytes([0x60, 0x01, 0x7F]) + b"\xaa" * 32 + bytes([0x50, 0x00]) + METADATA
    assert immutable_placeholders(compiled) == [(3, 35)]
    assert code_matches(deployed, compiled)


def test_deployed_code_that_differs_outside_immutables_does_not_match():
    compiled = bytes([0x60, 0x01]) + PLACEHOLDER + bytes([0x50, 0x00]) + METADATA
    deployed = bytes([0x60, 0x02, 0x7F]) + b"\xaa" * 32 + bytes([0x50, 0x00]) + METADATA
    assert not code_matches(deployed, compiled)


def test_push_data_is_not_read_as_opcodes():
    # a PUSH2 whose data is 0x7f00 must not start a placeholder
    compiled = bytes([0x61, 0x7F, 0x00]) + bytes(32) + METADATA
    assert immutable_placeholders(compiled) == []


def test_fuzz_budget_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(FUZZ_EXAMPLES_ENV, raising=False)
    assert fuzz_settings(max_examples=10, stateful_step_count=15) == {"max_examples": 10, "stateful_step_count": 15}
    monkeypatch.setenv(FUZZ_EXAMPLES_ENV, "1000")
    assert fuzz_settings(max_examples=10, stateful_step_count=15) == {"max_examples": 1000, "stateful_step_count": 15}
    monkeypatch.setenv(FUZZ_EXAMPLES_ENV, "lots")
    with pytest.raises(ValueError, match=FUZZ_EXAMPLES_ENV):
        fuzz_settings(max_examples=10)


def test_the_dropped_tx_fix_rewrites_exactly_brownies_drop_condition():
    from brownie.network.transaction import TransactionReceipt

    from pilotchain.devtools import brownie_dropped_tx

    brownie_dropped_tx.install()
    brownie_dropped_tx.install()  # idempotent
    code = TransactionReceipt._await_confirmation.__code__
    assert TransactionReceipt._pilotchain_dropped_tx_fix is True
    assert "_receipt_served" in code.co_names


def test_a_receipt_served_late_is_waited_for_and_a_missing_one_is_not(monkeypatch):
    from web3.exceptions import TransactionNotFound

    from pilotchain.devtools import brownie_dropped_tx

    class Eth:
        def __init__(self, served_after):
            self.asked, self.served_after = 0, served_after

        def get_transaction_receipt(self, txid):
            self.asked += 1
            if self.served_after is None or self.asked < self.served_after:
                raise TransactionNotFound(txid)
            return {"blockHash": b"\x01" * 32}

    monkeypatch.setattr(brownie_dropped_tx, "GRACE", 0.5)
    late = Eth(served_after=3)
    assert brownie_dropped_tx._receipt_served(late, "0xab") is True and late.asked == 3
    assert brownie_dropped_tx._receipt_served(Eth(served_after=None), "0xab") is False


STATE_MACHINE_IN_A_PLAIN_TEST = '''
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test


class Counter(RuleBasedStateMachine):
    @rule()
    def step(self):
        pass


def test_machine():
    run_state_machine_as_test(Counter, settings=settings(max_examples=7, database=None))
'''


def test_fuzz_run_prints_statistics_of_a_state_machine_run_inside_a_plain_test(tmp_path):
    # What a Brownie state machine is to pytest: a plain test that runs hypothesis inside.
    (tmp_path / "test_machine.py").write_text(STATE_MACHINE_IN_A_PLAIN_TEST)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:pytest-brownie", "-p", "tests.fixtures.fuzzing", "-c", os.devnull,
         "--rootdir", str(tmp_path), "--hypothesis-show-statistics", str(tmp_path / "test_machine.py")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    statistics = run.stdout.split("Hypothesis Statistics", 1)[1]
    assert "test_machine.py::test_machine" in statistics
    assert "7 passing examples" in statistics

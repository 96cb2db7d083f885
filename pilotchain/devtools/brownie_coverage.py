"""A pytest plugin that makes `brownie test --coverage` measure this project (`make coverage`).

    brownie test tests/unit --coverage -p pilotchain.devtools.brownie_coverage --network pilot-anvil

Without it Brownie 1.22.2 records nothing (`"coverage": {}`) and would crash if it did:

1. **Immutables.** When a contract is deployed, Brownie compares the code at its address with the
   compiled `deployedBytecode` and, if they differ, deletes the contract's `pcMap` "to prevent
   trace attempts". All three contracts have `immutable` fields (the registry address, the voting
   period): the compiler leaves a zero PUSH32 placeholder in `deployedBytecode` where the
   constructor writes the value, so the comparison always fails, every trace is read without a
   program-counter map, and no statement or branch is ever counted. The patched comparison skips
   those placeholders (32-byte zero immediates of PUSH32) and compares everything else.
2. **The report writer.** Brownie's compiled (mypyc) report code declares types its own data
   does not have: per-transaction results are `[statements, branches, branches]` lists where it
   expects dicts (`TypeError: dict object expected; got list` when merging), and coverage-map
   indexes are JSON strings where it expects ints (`int object expected; got str`). The merge is
   replaced by one that returns the declared shape, and the console summary and
   `reports/coverage.json` by this project's own computation (pilotchain.devtools.coverage_report,
   which `make coverage` then writes to `reports/coverage.md` from build/tests.json).

3. **View calls.** Under `--coverage` Brownie runs every call as a transaction (then reverts it)
   so that views are traced too, but it sends that transaction with `gas_price: 0`, which a
   london chain refuses (the fee is below the base fee); Brownie swallows the error, so no view
   was ever counted. The patched `ContractCall.transact` sends those traced calls at the
   network's gas price instead.

Patches are applied to Brownie's modules at run time; nothing inside .venv is edited.
"""

from __future__ import annotations

from copy import deepcopy

import brownie.network.contract as brownie_contract
from brownie.test import coverage as brownie_coverage
from brownie.test import output as brownie_output

from pilotchain.devtools import coverage_report

_PUSH1, _PUSH32 = 0x60, 0x7F
_original_verify = brownie_contract._verify_deployed_code


def _strip_metadata(code: bytes) -> bytes:
    """Code without the CBOR metadata solc appends (its length is the last two bytes)."""
    if len(code) < 2:
        return code
    length = int.from_bytes(code[-2:], "big") + 2
    return code[:-length] if length <= len(code) else code


def immutable_placeholders(expected: bytes) -> list[tuple[int, int]]:
    """(start, stop) of every 32-byte zero immediate of a PUSH32 in compiled runtime code."""
    spans, pc = [], 0
    while pc < len(expected):
        op = expected[pc]
        if _PUSH1 <= op <= _PUSH32:
            size = op - _PUSH1 + 1
            if op == _PUSH32 and expected[pc + 1 : pc + 33] == bytes(32):
                spans.append((pc + 1, pc + 33))
            pc += size
        pc += 1
    return spans


def code_matches(actual: bytes, expected: bytes) -> bool:
    """Deployed code equals compiled code, immutable values and metadata aside."""
    actual, expected = _strip_metadata(actual), _strip_metadata(expected)
    if len(actual) != len(expected):
        return False
    masked = bytearray(actual)
    for start, stop in immutable_placeholders(expected):
        masked[start:stop] = bytes(stop - start)
    return bytes(masked) == expected


def _verify_deployed_code(address, expected_bytecode, language):
    if language != "Solidity" or "_" in expected_bytecode or expected_bytecode.startswith("73" + "00" * 20):
        return _original_verify(address, expected_bytecode, language)
    actual = bytes(brownie_contract.web3.eth.get_code(address))
    return code_matches(actual, bytes.fromhex(expected_bytecode.removeprefix("0x")))


def get_merged_coverage_eval(cov_eval=None):
    """Brownie's merge of per-transaction coverage, as {contract: {path: {0: set, 1: set, 2: set}}}."""
    if cov_eval is None:
        cov_eval = brownie_coverage._coverage_eval
    merged: dict = {}
    for evaluation in cov_eval.values():
        for name, paths in evaluation.items():
            for path, sets in paths.items():
                target = merged.setdefault(name, {}).setdefault(path, {0: set(), 1: set(), 2: set()})
                for i in range(3):
                    target[i].update(sets[i])
    return deepcopy(merged)


def build_coverage_output(coverage_eval) -> list[str]:
    """The console summary: line and branch coverage per contract file."""
    lines = []
    for contract in coverage_report.CONTRACTS:
        for f in coverage_report.file_coverage(contract, coverage_eval.get(contract, {})):
            seen, total = f.outcomes
            lines.append(
                f"  {f.contract:15} {f.path:30} lines {coverage_report.pct(len(f.lines_hit), len(f.lines)):>8}"
                f"  branch outcomes {coverage_report.pct(seen, total):>8}"
            )
    return lines


def save_coverage_report(build, coverage_eval, report_path):
    print("\nThe per-transaction data is in build/tests.json; `make coverage` writes reports/coverage.md")
    return None


_original_call_transact = brownie_contract.ContractCall.transact


def _traced_call_transact(self, *args, silent: bool = False):
    """`ContractCall.transact`, but a call Brownie transacts for coverage (marked `_skip_undo`,
    sent at gas price 0) goes at the network's gas price, which a london chain accepts."""
    if args and isinstance(args[-1], dict) and args[-1].get("_skip_undo") and args[-1].get("gas_price") == 0:
        tx = {k: v for k, v in args[-1].items() if k != "gas_price"}
        args = (*args[:-1], tx)
    return _original_call_transact(self, *args, silent=silent)


def pytest_configure(config):
    brownie_contract.ContractCall.transact = _traced_call_transact
    brownie_contract._verify_deployed_code = _verify_deployed_code
    brownie_coverage.get_merged_coverage_eval = get_merged_coverage_eval
    brownie_output._build_coverage_output = build_coverage_output
    brownie_output._save_coverage_report = save_coverage_report

"""`make coverage`: line and branch coverage per contract, from Brownie's own coverage data.

`brownie test --coverage` traces every transaction (and, with coverage on, every call, which it
sends as a transaction and undoes) and keeps, per transaction, which statements ran and which
way each JUMPI of a source-level branch went. Brownie stores that per-transaction evaluation in
`build/tests.json` ("tx"; pilotchain.devtools.brownie_coverage makes it record anything at all).
This module merges the evaluations and reads them against each contract's `coverageMap` in
build/contracts/:

- line coverage: a source line counts when it holds at least one statement; it is covered when
  one of its statements ran;
- branch coverage: every `if`/`require`/ternary/loop condition has two outcomes; a branch is
  covered when both were seen. The percentage is outcomes seen / (2 x branches).

    python -m pilotchain.devtools.coverage_report [--out reports/coverage.md] [--min-branch 95]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pilotchain.toolchain import ROOT

BUILD = ROOT / "build"
CONTRACTS = ("EntityRegistry", "DataSharing", "Provenance")
NOTES_FILE = ROOT / "security" / "coverage-notes.yaml"


@dataclass
class Branch:
    function: str
    line: int
    code: str
    seen_true: bool
    seen_false: bool

    @property
    def missing(self) -> str:
        return " and ".join(o for o, seen in (("true", self.seen_true), ("false", self.seen_false)) if not seen)


@dataclass
class FileCoverage:
    contract: str
    path: str
    lines: set[int] = field(default_factory=set)
    lines_hit: set[int] = field(default_factory=set)
    statements: int = 0
    statements_hit: int = 0
    branches: list[Branch] = field(default_factory=list)

    @property
    def outcomes(self) -> tuple[int, int]:
        return sum(b.seen_true + b.seen_false for b in self.branches), 2 * len(self.branches)


def merged_eval(tests_json: Path) -> dict[str, dict[str, list[set[int]]]]:
    """{contract: {path id: [statements, branches that fell through, branches that jumped]}}."""
    if not tests_json.exists():
        raise SystemExit(f"{tests_json} not found: run `brownie test --coverage` first")
    per_tx = json.loads(tests_json.read_text()).get("tx", {})
    merged: dict[str, dict[str, list[set[int]]]] = {}
    for evaluation in per_tx.values():
        for contract, paths in evaluation.items():
            for path, sets in paths.items():
                target = merged.setdefault(contract, {}).setdefault(path, [set(), set(), set()])
                for i in range(3):
                    target[i].update(int(x) for x in sets[i])
    return merged


class Source:
    """A source file as bytes (solc offsets count bytes), with line lookups."""

    def __init__(self, text: str):
        self.data = text.encode()
        self.line_starts = [0] + [i + 1 for i, b in enumerate(self.data) if b == 0x0A]

    def line(self, offset: int) -> int:
        lo, hi = 0, len(self.line_starts)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if self.line_starts[mid] <= offset else (lo, mid)
        return lo + 1

    def text(self, start: int, stop: int) -> str:
        return " ".join(self.data[start:stop].decode(errors="replace").split())


def file_coverage(contract: str, evaluation: dict[str, list[set[int]]]) -> list[FileCoverage]:
    build = json.loads((BUILD / "contracts" / f"{contract}.json").read_text())
    results = []
    for path_id, path in sorted(build["allSourcePaths"].items(), key=lambda kv: kv[1]):
        statements = build["coverageMap"]["statements"].get(path_id, {})
        branches = build["coverageMap"]["branches"].get(path_id, {})
        if not any(statements.values()) and not any(branches.values()):
            continue
        source = Source((ROOT / path).read_text())
        sets = evaluation.get(path_id, [set(), set(), set()])  # a list, or Brownie's {0:, 1:, 2:}
        hit, fell_through, jumped = sets[0], sets[1], sets[2]
        cov = FileCoverage(contract, path)
        for fn, entries in statements.items():
            for idx, (start, _stop) in entries.items():
                line = source.line(start)
                cov.lines.add(line)
                cov.statements += 1
                if int(idx) in hit:
                    cov.lines_hit.add(line)
                    cov.statements_hit += 1
        for fn, entries in branches.items():
            for idx, (start, stop, jump_if) in entries.items():
                # A JUMPI jumps when the condition equals jump_if.
                when_jump, when_fall = (True, False) if jump_if else (False, True)
                seen = {when_jump: int(idx) in jumped, when_fall: int(idx) in fell_through}
                cov.branches.append(Branch(fn, source.line(start), source.text(start, stop), seen[True], seen[False]))
        results.append(cov)
    return results


def pct(hit: int, total: int) -> str:
    return f"{100 * hit / total:.1f} %" if total else "-"


def load_notes(path: Path = NOTES_FILE) -> list[dict]:
    """Reasons for branches left uncovered: {contract, code (a substring of the condition), reason}."""
    return (yaml.safe_load(path.read_text()) or []) if path.exists() else []


def _reason(branch: Branch, contract: str, notes: list[dict]) -> str:
    for note in notes:
        if note["contract"] == contract and note["code"] in branch.code:
            return note["reason"]
    return "not reached by the suite"


def suite_summary(tests_json: Path) -> list[str]:
    """One line per test module whose transactions were measured: its results as Brownie kept them."""
    tests = json.loads(tests_json.read_text()).get("tests", {})
    lines = []
    for module, record in sorted(tests.items()):
        if not record.get("coverage"):
            continue
        results = record.get("results", "")
        errors = results.count("E") + results.count("F")
        state = f"{results.count('.')} passed" + (f", {errors} failed or errored under coverage" if errors else "")
        lines.append(f"- `{module}`: {state}")
    return lines


def render(files: list[FileCoverage], notes: list[dict], min_branch: float, command: str, suite: list[str]) -> str:
    out = [
        "# Contract coverage",
        "",
        f"Generated by `make coverage` (`{command}`, then `python -m pilotchain.devtools.coverage_report`).",
        "Lines: source lines holding a statement, covered when one of its statements ran. Branches: each",
        "condition has two outcomes (true, false); the percentage counts outcomes seen. "
        f"Goal: at least {min_branch:g} % of branch outcomes in each contract.",
        "",
        "| contract | file | lines | statements | branch outcomes | branches with both outcomes |",
        "|---|---|---|---|---|---|",
    ]
    for f in files:
        seen, total = f.outcomes
        both = sum(b.seen_true and b.seen_false for b in f.branches)
        out.append(
            f"| {f.contract} | `{f.path}` | {len(f.lines_hit)}/{len(f.lines)} ({pct(len(f.lines_hit), len(f.lines))}) "
            f"| {f.statements_hit}/{f.statements} ({pct(f.statements_hit, f.statements)}) "
            f"| {seen}/{total} ({pct(seen, total)}) | {both}/{len(f.branches)} |"
        )
    out += ["", "## Measured test modules", "", *suite, "", "## Not covered", ""]
    missing = False
    for f in files:
        uncovered_lines = sorted(f.lines - f.lines_hit)
        partial = [b for b in f.branches if not (b.seen_true and b.seen_false)]
        if not uncovered_lines and not partial:
            continue
        missing = True
        out.append(f"### {f.contract}: `{f.path}`")
        out.append("")
        if uncovered_lines:
            out.append(f"Lines never run: {', '.join(map(str, uncovered_lines))}.")
            out.append("")
        if partial:
            out += ["| line | function | condition | outcome never seen | why |", "|---|---|---|---|---|"]
            for b in sorted(partial, key=lambda b: b.line):
                code = b.code.replace("|", "\\|")
                reason = _reason(b, f.contract, notes)
                out.append(f"| {b.line} | `{b.function}` | `{code[:90]}` | {b.missing} | {reason} |")
            out.append("")
    if not missing:
        out.append("Nothing: every line and both outcomes of every branch ran.")
    return "\n".join(out) + "\n"


def below_goal(files: list[FileCoverage], min_branch: float) -> list[str]:
    by_contract: dict[str, list[int]] = {}
    for f in files:
        seen, total = f.outcomes
        acc = by_contract.setdefault(f.contract, [0, 0])
        acc[0] += seen
        acc[1] += total
    return [
        f"{contract}: {pct(seen, total)} of branch outcomes (goal {min_branch:g} %)"
        for contract, (seen, total) in by_contract.items()
        if total and 100 * seen / total < min_branch
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests-json", type=Path, default=BUILD / "tests.json")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "coverage.md")
    parser.add_argument("--min-branch", type=float, default=95.0)
    parser.add_argument("--command", default="brownie test tests/unit --coverage -p pilotchain.devtools.brownie_coverage --network pilot-anvil")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a contract is below the branch goal")
    args = parser.parse_args(argv)

    evaluation = merged_eval(args.tests_json)
    if not evaluation:
        raise SystemExit(f"{args.tests_json} holds no coverage data: was `brownie test` run with --coverage?")
    files = [f for contract in CONTRACTS for f in file_coverage(contract, evaluation.get(contract, {}))]
    args.out.write_text(render(files, load_notes(), args.min_branch, args.command, suite_summary(args.tests_json)))
    for f in files:
        seen, total = f.outcomes
        print(f"{f.contract:15} {f.path:28} lines {pct(len(f.lines_hit), len(f.lines)):>8}  branches {pct(seen, total):>8}")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    short = below_goal(files, args.min_branch)
    for line in short:
        print(f"below goal: {line}")
    return 1 if short and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())

"""`make lint`: run Slither over contracts/ and fail on any High or Medium finding not triaged.

Slither lives in its own venv (`.cache/slither-venv`, pinned by requirements-slither.txt) so the
main venv's `pip check` stays clean; it compiles through the solc-js wrapper, offline. A finding
is accepted only when `security/slither-triage.yaml` names its detector, contract and function
(or state variable) with a one-line reason. Everything else of High or Medium impact is printed
one line per finding and the exit status is 1.

    python -m pilotchain.devtools.slither_gate [--slither PATH] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from pilotchain.toolchain import ROOT, SOLCX_DIR, check_solc_pins, tool_env

TRIAGE_FILE = ROOT / "security" / "slither-triage.yaml"
DEFAULT_SLITHER = ROOT / ".cache" / "slither-venv" / "bin" / "slither"
GATED_IMPACTS = ("High", "Medium")
IMPACT_ORDER = ("High", "Medium", "Low", "Informational", "Optimization")


@dataclass(frozen=True)
class Finding:
    detector: str
    impact: str
    contract: str
    function: str
    location: str
    summary: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.detector, self.contract, self.function)

    def line(self) -> str:
        return f"{self.impact} {self.detector} {self.contract}.{self.function} ({self.location}): {self.summary}"


def _subject(element: dict) -> tuple[str, str]:
    """(contract, function-or-state-variable) a Slither result element belongs to."""
    parent = element.get("type_specific_fields", {}).get("parent", {})
    if element["type"] in ("function", "variable") and parent.get("type") == "contract":
        return parent["name"], element["name"].split("(")[0]
    if parent.get("type") == "function":
        grandparent = parent.get("type_specific_fields", {}).get("parent", {})
        return grandparent.get("name", "?"), parent["name"].split("(")[0]
    return element.get("name", "?"), "-"


def parse_findings(report: dict) -> list[Finding]:
    if not report.get("success"):
        raise SystemExit(f"slither failed: {report.get('error')}")
    findings = []
    for result in report.get("results", {}).get("detectors", []):
        element = result["elements"][0] if result["elements"] else {"type": "?", "name": "?"}
        contract, function = _subject(element)
        mapping = element.get("source_mapping", {})
        lines = mapping.get("lines") or [0]
        location = f"{mapping.get('filename_relative', '?')}#{lines[0]}"
        summary = " ".join(result["description"].split())
        findings.append(Finding(result["check"], result["impact"], contract, function, location, summary[:160]))
    return findings


def load_triage(path: Path = TRIAGE_FILE) -> dict[tuple[str, str, str], str]:
    """Triage entries keyed by (detector, contract, function); every entry needs a reason."""
    entries = yaml.safe_load(path.read_text()) or []
    triage = {}
    for n, entry in enumerate(entries, 1):
        missing = [k for k in ("detector", "contract", "function", "reason") if not str(entry.get(k) or "").strip()]
        if missing:
            raise SystemExit(f"{path.name}: entry {n} lacks {', '.join(missing)}")
        triage[(entry["detector"], entry["contract"], entry["function"])] = entry["reason"]
    return triage


def run_slither(slither: Path, json_out: Path) -> dict:
    solc = SOLCX_DIR / f"solc-v{check_solc_pins()}"
    json_out.unlink(missing_ok=True)
    cmd = [str(slither), "contracts", "--solc-standard-json", "--solc", str(solc), "--json", str(json_out)]
    proc = subprocess.run(cmd, cwd=ROOT, env=tool_env(), capture_output=True, text=True)
    if not json_out.exists():
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"slither produced no report (exit {proc.returncode}): {' '.join(cmd)}")
    return json.loads(json_out.read_text())


def gate(findings: list[Finding], triage: dict[tuple[str, str, str], str]) -> tuple[list[Finding], list[tuple]]:
    """(untriaged High/Medium findings, triage entries that matched nothing)."""
    gated = [f for f in findings if f.impact in GATED_IMPACTS]
    untriaged = [f for f in gated if f.key not in triage]
    stale = sorted(set(triage) - {f.key for f in gated})
    return untriaged, stale


def counts(findings: list[Finding]) -> str:
    by_impact = Counter(f.impact for f in findings)
    return ", ".join(f"{by_impact[i]} {i}" for i in IMPACT_ORDER if by_impact[i])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slither", type=Path, default=DEFAULT_SLITHER, help="the slither executable")
    parser.add_argument("--json-out", type=Path, help="keep Slither's JSON report here")
    parser.add_argument("--triage", type=Path, default=TRIAGE_FILE)
    args = parser.parse_args(argv)
    if not args.slither.exists():
        raise SystemExit(f"{args.slither} not found: `make lint` installs it from requirements-slither.txt")

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        report = run_slither(args.slither, args.json_out or Path(tmp) / "slither.json")
    findings = parse_findings(report)
    untriaged, stale = gate(findings, load_triage(args.triage))
    gated = [f for f in findings if f.impact in GATED_IMPACTS]
    print(
        f"slither: {counts(findings) or 'no findings'} in {time.monotonic() - started:.0f} s; "
        f"{len(gated) - len(untriaged)} High/Medium triaged in {args.triage.name}, {len(untriaged)} not"
    )
    for detector, contract, function in stale:
        print(f"note: triage entry {detector} {contract}.{function} matches no finding any more; remove it")
    for finding in untriaged:
        print(f"UNTRIAGED {finding.line()}")
    return 1 if untriaged else 0


if __name__ == "__main__":
    sys.exit(main())

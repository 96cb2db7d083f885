"""Whole-transaction gas of every contract operation, written to reports/gas.md.

Run through Brownie so the contracts are compiled and a dev chain is started:
`make gas` (= `brownie run scripts/bench_gas.py --network $(ANVIL_NETWORK)`, pilot-anvil by default). Each `gas_*` module
in this package contributes one section: `measure(project, consortium) -> list[GasRow]`.
Gas is `gasUsed` of the receipt (the 21,000 base included) unless a row says otherwise.
"""

from __future__ import annotations

import importlib
import pkgutil
import platform
from dataclasses import dataclass
from datetime import datetime, timezone

from pilotchain.registry import ActionKind, admit_payload, load_consortium, payload_hash
from pilotchain.sample import ENTITY_IDS, MEMBERS, member_entities
from pilotchain.toolchain import ROOT

REPORT = ROOT / "reports" / "gas.md"


@dataclass(frozen=True)
class GasRow:
    section: str
    operation: str
    gas: int
    target: int | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "meets" if self.gas <= self.target else "MISSES"


@dataclass
class Consortium:
    """A deployed registry with the sample consortium, for the sections to build on."""

    registry: object  # brownie Contract
    deployer: object
    council: list  # founders' admin accounts (entities 1-5)
    admins: dict  # short name (hospital, bank, ...) -> admin account
    entity_ids: dict
    spare: list  # accounts that belong to no entity

    def pass_proposal(self, kind: ActionKind, payload: bytes, uri: str | None = None) -> list:
        return pass_proposal(self.registry, self.council, kind, payload, uri)


def pass_proposal(registry, council: list, kind: ActionKind, payload: bytes, uri: str | None = None) -> list:
    """Through Brownie (the benchmark and the contract tests): the first of `council` proposes
    (by hash when the payload is published at `uri`), the others vote yes until it passed, it
    is executed; returns the transactions. `council` are active council members' admins.
    (`pilotchain.registry.pass_proposal` is the same through sessions.)"""
    if uri is None:
        txs = [registry.propose(kind, payload, {"from": council[0]})]
    else:
        txs = [registry.proposeByHash(kind, payload_hash(payload), uri, {"from": council[0]})]
    pid = txs[0].events["ProposalCreated"]["proposalId"]
    for voter in council[1:]:
        if registry.proposal(pid)["passed"]:
            break
        txs.append(registry.vote(pid, 0, {"from": voter}))
    txs.append(registry.execute(pid, payload, {"from": council[0]}))
    return txs


def standard_consortium(project, accounts) -> Consortium:
    config = load_consortium()
    council = list(accounts[1:6])
    registry = project.EntityRegistry.deploy(
        *config.constructor_args([str(a) for a in council]), {"from": accounts[0]}
    )
    admins = {short: accounts[6 + i] for i, (short, *_rest) in enumerate(MEMBERS)}
    consortium = Consortium(registry, accounts[0], council, admins, dict(ENTITY_IDS), list(accounts[16:]))
    consortium.pass_proposal(ActionKind.Admit, admit_payload(member_entities([str(a) for a in admins.values()])))
    return consortium


def sections() -> list:
    package = importlib.import_module(__package__)
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("gas_"))
    return [importlib.import_module(f"{__package__}.{name}") for name in names]


def render(rows: list[GasRow], chain: str) -> str:
    lines = [
        "# Gas per operation",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {chain} "
        f"(Python {platform.python_version()}), solc 0.8.30, optimizer 10,000 runs, EVM london.",
        "Whole-transaction `gasUsed` (21,000 base included) unless the note says otherwise.",
        "Regenerate with `make gas`.",
    ]
    for section in dict.fromkeys(r.section for r in rows):
        lines += ["", f"## {section}", "", "| operation | gas | target | verdict | note |", "|---|---:|---:|---|---|"]
        for r in (r for r in rows if r.section == section):
            target = f"{r.target:,}" if r.target is not None else ""
            lines.append(f"| {r.operation} | {r.gas:,} | {target} | {r.verdict} | {r.note} |")
    return "\n".join(lines) + "\n"


def run(project, accounts, chain_name: str) -> list[GasRow]:
    rows: list[GasRow] = []
    for module in sections():
        rows += module.measure(project, standard_consortium(project, accounts))
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(render(rows, chain_name))
    for r in rows:
        target = f"<= {r.target:,}" if r.target is not None else ""
        print(f"{r.section:14} {r.operation:58} {r.gas:>10,} {target:>12} {r.verdict}")
    print(f"written to {REPORT.relative_to(ROOT)}")
    return rows

"""Pilot throughput on the local PoA network (1 s blocks): the library against the naive way.

`python -m pilotchain.bench.pilot` (or `make bench-pilot`) starts a fresh 3-validator network in
a temporary folder, deploys the suite twice, and runs each workload twice in the same run:

- library: per-account journals, transactions pipelined (up to 256 in flight per account),
  accounts acting in parallel, provenance events recorded in batches;
- naive: one transaction at a time, each waited for before the next is sent.

Writes reports/pilot.md and prints the table. The naive provenance run records a sample of
events (one transaction each) and its rate is scaled to 10,000 events; the report says so.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from eth_utils import keccak

from pilotchain import chain, deployments, endpoints
from pilotchain.accounts import AccountStore
from pilotchain.deploy import deploy_network
from pilotchain.epcis.codes import item_id
from pilotchain.pilot.crew import Crew
from pilotchain.pilot.onboarding import onboard
from pilotchain.pilot.roster import load_roster
from pilotchain.provenance import EventData, Quantity
from pilotchain.toolchain import ROOT

REPORT = ROOT / "reports" / "pilot.md"
COUNCIL = [f"council-{i}" for i in range(1, 6)]


@dataclass
class Run:
    workload: str
    way: str
    transactions: int
    items: int
    seconds: float
    note: str = ""

    @property
    def tps(self) -> float:
        return self.transactions / self.seconds

    @property
    def items_per_second(self) -> float:
        return self.items / self.seconds


def _crew(network: str, workdir: Path, label: str, *, naive: bool) -> Crew:
    """A fresh deployment and account store for one run (the prefunded deployer is copied in),
    so the two ways start from the same state."""
    accounts = workdir / f"accounts-{label}"
    shutil.copytree(workdir / "net" / "accounts", accounts)
    os.environ["PILOTCHAIN_ACCOUNTS"] = str(accounts)
    w3, endpoint = endpoints.connect(network)
    records = workdir / f"deployments-{label}"
    deploy_network(network, w3, log=lambda _m: None, records_dir=records)
    deployment = deployments.for_chain(w3, records)
    return Crew(w3, deployment, AccountStore(endpoint.accounts_dir), workdir / f"journals-{label}",
                window=1 if naive else 256, parallel=not naive)


def bench_onboarding(network: str, workdir: Path, *, naive: bool) -> Run:
    roster = load_roster()
    crew = _crew(network, workdir, "onboard-naive" if naive else "onboard-library", naive=naive)
    # Keystores are created once, outside the timing (both ways share them).
    crew.store.ensure([e.account for e in roster] + [f"{e.account}-op" for e in roster])
    started = time.monotonic()
    onboard(crew, roster, COUNCIL)
    seconds = time.monotonic() - started
    return Run("onboard 164 entities", "naive" if naive else "library", crew.sent, len(roster), seconds)


def bench_events(network: str, workdir: Path, *, naive: bool, events: int = 10_000, items: int = 100,
                 naive_sample: int = 120) -> Run:
    """`events` observations on `items` items by one member (founder council-1's entity): in
    batches of `items` observations per transaction, pipelined; or naively one per transaction.
    The naive way records `naive_sample` events and its rate is scaled to `events`."""
    crew = _crew(network, workdir, "events-naive" if naive else "events-library", naive=naive)
    session = crew.session(COUNCIL[0])
    provenance = session.contract("Provenance")
    ids = [item_id(f"urn:epc:id:sgtin:6901234.077777.BENCH-{n}") for n in range(items)]
    data = EventData.build(biz_step="storing", disposition="active", read_point="urn:epc:id:sgln:6901234.00009.0")
    session.transact(provenance.functions.commissionBatch(
        [Quantity.item(i).as_tuple() for i in ids], [data.as_tuple()] * items))
    count = naive_sample if naive else events
    if naive:
        calls = [(f"observe-{n}", lambda s, n=n: provenance.functions.observe(
            ids[n % items], dataclasses.replace(data, epcis_hash=keccak(text=f"bench event {n}")).as_tuple()))
            for n in range(count)]
    else:
        calls = [(f"observe-batch-{b}", lambda s, b=b: provenance.functions.observeBatch(data.as_tuple(), [
            (i, keccak(text=f"bench event {b * items + k}"), data.event_time) for k, i in enumerate(ids)]))
            for b in range(count // items)]
    journal = crew.journal(COUNCIL[0])
    started = time.monotonic()
    journal.run(calls)
    seconds = time.monotonic() - started
    note = f"{count} events measured, rate scaled to {events:,}" if naive else f"{items} events per transaction"
    scaled = seconds * events / count
    return Run(f"record {events:,} provenance events", "naive" if naive else "library",
               round(journal.sent * events / count), events, scaled, note)


def render(runs: list[Run], period: int) -> str:
    lines = [
        "# Pilot throughput on the local PoA network",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC: 3 geth 1.13.15 Clique validators on "
        f"one 2-core machine, {period} s blocks, through the pilotchain library. Regenerate with "
        "`make bench-pilot`.",
        "",
        "| workload | way | transactions | items | wall time (s) | tx/s | items/s | speed-up | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        naive = next((r for r in runs if r.workload == run.workload and r.way == "naive"), None)
        speedup = f"{run.items_per_second / naive.items_per_second:.1f}x" if naive and run is not naive else ""
        lines.append(
            f"| {run.workload} | {run.way} | {run.transactions:,} | {run.items:,} | {run.seconds:.1f} | "
            f"{run.tps:.1f} | {run.items_per_second:.1f} | {speedup} | {run.note} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the network folder")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="pilotchain-bench-"))
    net_dir = workdir / "net"
    net = chain.init_network(net_dir, validators=3, period=args.period, base_port=chain.free_base_port(3),
                             register_brownie=False)
    network = net.nodes[0].rpc_url
    runs: list[Run] = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop the nodes when killed
    try:
        chain.start(net)
        for bench in (bench_onboarding, bench_events):
            for naive in (False, True):
                runs.append(bench(network, workdir, naive=naive))
                print(f"{runs[-1].workload:32} {runs[-1].way:8} {runs[-1].seconds:8.1f} s  {runs[-1].tps:6.1f} tx/s", flush=True)
    finally:
        chain.stop(net)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(render(runs, args.period))
    print(REPORT.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

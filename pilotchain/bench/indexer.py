"""Indexer catch-up speed: `python -m pilotchain.bench.indexer [--events N] [--per-tx K]`.

Starts an anvil dev node on a free port (state, accounts and records in a temporary folder),
deploys the suite, records N provenance events through the batch path (`commissionBatch` of K
items, then `observeBatch` transactions of K observations each), then indexes the deployment
from its first block into a fresh SQLite file, and with `--postgres` also into a throwaway
PostgreSQL server (Debian's postgresql 15). Writes reports/indexer.md and prints the table.
Measured: wall time of `Indexer.sync()` alone (decoding with the ABI, the handlers, inserts,
block hashes and the commits), events per second.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from eth_utils import keccak

from pilotchain import deployments, devdb, devnode, endpoints
from pilotchain.deploy import deploy_network
from pilotchain.endpoints import open_session
from pilotchain.epcis.codes import item_id
from pilotchain.indexer import Indexer
from pilotchain.provenance import EventData, Quantity
from pilotchain.toolchain import ROOT

REPORT = ROOT / "reports" / "indexer.md"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def record_history(url: str, events: int, per_tx: int, log=print) -> int:
    """N provenance events through the batch path; returns the number of events recorded."""
    session = open_session(url, "council-1")
    provenance = session.contract("Provenance")
    ids = [item_id(f"urn:epc:id:sgtin:6901234.077777.BENCH-{n}") for n in range(per_tx)]
    data = EventData.build(biz_step="storing", disposition="active", read_point="urn:epc:id:sgln:6901234.00009.0")
    session.transact(provenance.functions.commissionBatch([Quantity.item(i).as_tuple() for i in ids],
                                                          [data.as_tuple()] * per_tx))
    recorded, started = per_tx, time.monotonic()
    for batch in range(events // per_tx - 1):
        session.transact(provenance.functions.observeBatch(data.as_tuple(), [
            (i, keccak(text=f"bench event {batch}.{k}"), data.event_time) for k, i in enumerate(ids)]))
        recorded += per_tx
        if batch % 20 == 0:
            log(f"  recorded {recorded:,} events ({time.monotonic() - started:.0f} s)")
    return recorded


def measure(w3, deployment, url: str, label: str, log=print) -> dict:
    with Indexer(w3, deployment, url, confirmations=0) as indexer:
        started = time.monotonic()
        result = indexer.sync()
        seconds = time.monotonic() - started
    log(f"  {label}: {result.events:,} events over {result.blocks:,} blocks in {seconds:.1f} s")
    return {"store": label, "events": result.events, "blocks": result.blocks, "seconds": seconds,
            "rate": result.events / seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="provenance events to record (default 100,000)")
    parser.add_argument("--per-tx", type=int, default=500, help="observations per observeBatch (default 500)")
    parser.add_argument("--postgres", action="store_true", help="also index into a throwaway PostgreSQL server")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pilotchain-bench-indexer-") as folder:
        work = Path(folder)
        os.environ.update(PILOTCHAIN_ACCOUNTS=str(work / "accounts"), PILOTCHAIN_DEPLOYMENTS=str(work / "deployments"))
        node = devnode.start_anvil(_free_port())
        try:
            w3, _ = endpoints.connect(node.url)
            deploy_network(node.url, w3, funder=w3.eth.accounts[0], log=lambda _m: None)
            deployment = deployments.for_chain(w3)
            print(f"recording {args.events:,} provenance events, {args.per_tx} per transaction")
            started = time.monotonic()
            recorded = record_history(node.url, args.events, args.per_tx)
            print(f"recorded {recorded:,} events in {time.monotonic() - started:.0f} s; indexing")
            runs = [measure(w3, deployment, f"sqlite:///{work / 'index.sqlite'}", "SQLite")]
            if args.postgres:
                with devdb.local_postgres() as url:
                    runs.append(measure(w3, deployment, url, "PostgreSQL 15"))
        finally:
            node.stop()
    write_report(runs, recorded, args.per_tx)
    return 0


def write_report(runs: list[dict], recorded: int, per_tx: int) -> None:
    rows = "\n".join(f"| {r['store']} | {r['events']:,} | {r['blocks']:,} | {r['seconds']:.1f} | {r['rate']:,.0f} |"
                     for r in runs)
    text = f"""# Indexer figures

Measured by `python -m pilotchain.bench.indexer` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC
({platform.machine()}, {os.cpu_count()} cores shared with other work; anvil dev node, instant mining).

## Catch-up from the deployment's first block (synthetic history)

{recorded:,} provenance events recorded through the batch path (`commissionBatch` of {per_tx}
items, then `observeBatch` transactions of {per_tx} observations), plus the deployment's own events.
The time is `Indexer.sync()` alone, confirmations 0, batches of 500 blocks: raw `eth_getLogs`,
decoding with the compiled ABI (faster_eth_abi, `pilotchain/eventdecode.py`), the handlers, the
inserts (events and provenance_events rows, EPCIS document lookups in the event store) and one
commit per batch. The machine's 2 cores are shared with other jobs while this runs, so the
figures vary between runs; they are single runs, not best-of.

| store | events | blocks | seconds | events/s |
|---|---|---|---|---|
{rows}

Goal from issue 11: catch-up ≥ 2,000 events/s.

Not measured yet: the demo's history, steady-state lag, and the HTTP API latencies (the API is
not built yet).
"""
    REPORT.write_text(text)
    print(text)


if __name__ == "__main__":
    raise SystemExit(main())

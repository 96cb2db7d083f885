"""Indexer and API figures: `python -m pilotchain.bench.indexer [--events N] [--per-tx K] [--postgres]`.

Starts an anvil dev node on a free port (state, accounts and records in a temporary folder),
deploys the suite, records N provenance events through the batch path (`commissionBatch` of K
items, then `observeBatch` transactions of K observations each), one item with a history of
1,000 events and a packing hierarchy three levels deep, then indexes the deployment from its
first block into a fresh SQLite file, and with `--postgres` also into a throwaway PostgreSQL
server (Debian's postgresql 15). Measured per store: wall time of `Indexer.sync()` alone
(decoding with the ABI, the handlers, inserts, block hashes and the commits), events per second;
the latency of API requests (item history, 3-level trace) served in-process from that index;
and, on SQLite, the steady-state lag of the follow loop `pilotchain serve` runs behind a chain
taking transactions. Writes reports/indexer.md and prints it.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from eth_utils import keccak

from pilotchain import deployments, devdb, devnode, endpoints
from pilotchain.deploy import deploy_network
from pilotchain.endpoints import open_session
from pilotchain.epcis.codes import item_id
from pilotchain.indexer import Indexer
from pilotchain.provenance import pack as pack_into
from pilotchain.provenance import EventData, Quantity
from pilotchain.toolchain import ROOT

REPORT = ROOT / "reports" / "indexer.md"
HISTORY_ITEM = "urn:epc:id:sgtin:6901234.077777.HISTORY-1"
HISTORY_EVENTS = 1_000
CONTAINER = "urn:epc:id:sscc:6901234.0000000001"  # container > 2 pallets > 4 boxes > 8 cells
REQUESTS = 200  # timed requests per endpoint and store


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


def record_api_fixtures(url: str) -> None:
    """An item with HISTORY_EVENTS chained events and a packing hierarchy 3 levels deep."""
    session = open_session(url, "council-1")
    provenance = session.contract("Provenance")
    data = EventData.build(biz_step="storing", disposition="active", read_point="urn:epc:id:sgln:6901234.00009.0")
    levels = [[CONTAINER], [f"{CONTAINER}-P{n}" for n in range(2)], [f"{CONTAINER}-B{n}" for n in range(4)],
              [f"{CONTAINER}-C{n}" for n in range(8)]]
    ids = [item_id(HISTORY_ITEM)] + [item_id(u) for level in levels for u in level]
    session.transact(provenance.functions.commissionBatch([Quantity.item(i).as_tuple() for i in ids],
                                                          [data.as_tuple()] * len(ids)))
    history = ids[0]
    for start in range(1, HISTORY_EVENTS, 500):
        session.transact(provenance.functions.observeBatch(data.as_tuple(), [
            (history, keccak(text=f"history event {n}"), data.event_time)
            for n in range(start, min(start + 500, HISTORY_EVENTS))]))
    for parents, children in zip(levels, levels[1:]):
        per_parent = len(children) // len(parents)
        for n, parent in enumerate(parents):
            pack_into(session, parent, children[n * per_parent:(n + 1) * per_parent], data)


def api_latency(w3, deployment, url: str, label: str, log=print) -> dict:
    """p50/p95 of API requests answered in-process (starlette's TestClient: the whole ASGI app,
    no socket) from the index at `url`."""
    from fastapi.testclient import TestClient

    from pilotchain.api import Settings, create_app

    settings = Settings(db_url=url, w3=w3, deployment=deployment, rpc_url="", web_dir=None,
                        rate_per_second=1e9, rate_burst=10**9)
    paths = {
        f"item history, first page (50 of {HISTORY_EVENTS:,} events, the default page)":
            f"/api/v1/items/{HISTORY_ITEM}/history",
        f"item history, first page (500 of {HISTORY_EVENTS:,} events)": f"/api/v1/items/{HISTORY_ITEM}/history?limit=500",
        f"item history, whole ({HISTORY_EVENTS:,} events, 2 pages)": None,
        "trace backward across 3 levels (14 items)": f"/api/v1/items/{CONTAINER}/trace?direction=backward&depth=3",
    }
    figures = {}
    with TestClient(create_app(settings)) as client:
        def whole_history() -> int:
            first = client.get(f"/api/v1/items/{HISTORY_ITEM}/history?limit=500").json()
            rest = client.get(f"/api/v1/items/{HISTORY_ITEM}/history", params={"limit": 500, "cursor": first["next"]})
            return len(first["items"]) + len(rest.json()["items"])

        assert whole_history() == HISTORY_EVENTS, "the history item does not have its events"
        trace = client.get(paths["trace backward across 3 levels (14 items)"]).json()
        assert len(trace["items"]) == 14, trace
        for name, path in paths.items():
            request = whole_history if path is None else (lambda p=path: client.get(p).raise_for_status())
            for _ in range(10):  # warm-up: connection pool, statement caches
                request()
            times, cpu = [], []
            for _ in range(REQUESTS):
                started, started_cpu = time.perf_counter(), time.process_time()
                request()
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            cuts, cpu_cuts = statistics.quantiles(times, n=100), statistics.quantiles(cpu, n=100)
            figures[name] = (cuts[49], cuts[94], cpu_cuts[49], cpu_cuts[94])
            log(f"  {label}: {name}: p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms "
                f"(CPU p50 {cpu_cuts[49]:.1f}, p95 {cpu_cuts[94]:.1f} ms)")
    return figures


def steady_lag(node_url: str, w3, deployment, url: str, seconds: float = 30.0, rate: float = 2.0, log=print) -> dict:
    """The follow loop of `pilotchain serve` (`Indexer.follow`, same poll interval) behind a node
    taking `rate` transactions a second (one block each on anvil): head minus indexed block,
    sampled every 20 ms."""
    from pilotchain.api.serve import FOLLOW_INTERVAL

    session = open_session(node_url, "council-1")
    provenance = session.contract("Provenance")
    data = EventData.build(biz_step="storing", disposition="active", read_point="urn:epc:id:sgln:6901234.00009.0")
    history = item_id(HISTORY_ITEM)
    stop = threading.Event()
    with Indexer(w3, deployment, url, confirmations=2) as indexer:
        indexer.sync()
        follower = threading.Thread(target=indexer.follow, kwargs={"interval": FOLLOW_INTERVAL, "stop": stop})
        follower.start()
        samples, sent = [], 0
        started = time.monotonic()
        next_tx = started
        while time.monotonic() - started < seconds:
            if time.monotonic() >= next_tx:
                session.transact(provenance.functions.observeBatch(data.as_tuple(), [
                    (history, keccak(text=f"lag event {sent}"), data.event_time)]))
                sent += 1
                next_tx += 1 / rate
            samples.append(w3.eth.block_number - indexer.cursor())
            time.sleep(0.02)
        stop.set()
        follower.join()
    figures = {"transactions": sent, "blocks": sent, "samples": len(samples), "poll": FOLLOW_INTERVAL, "rate": rate,
               "seconds": seconds, "mean": statistics.fmean(samples), "p95": statistics.quantiles(samples, n=100)[94],
               "max": max(samples), "share_within_1": sum(s <= 1 for s in samples) / len(samples)}
    log(f"  lag over {seconds:.0f} s at {rate:g} blocks/s: mean {figures['mean']:.2f}, p95 {figures['p95']:.0f}, "
        f"max {figures['max']} blocks; within 1 block {figures['share_within_1']:.1%} of the time")
    return figures


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
            record_api_fixtures(node.url)
            print(f"recorded {recorded:,} events in {time.monotonic() - started:.0f} s; indexing")
            sqlite_url = f"sqlite:///{work / 'index.sqlite'}"
            runs = [measure(w3, deployment, sqlite_url, "SQLite")]
            latency = {"SQLite": api_latency(w3, deployment, sqlite_url, "SQLite")}
            if args.postgres:
                with devdb.local_postgres() as url:
                    runs.append(measure(w3, deployment, url, "PostgreSQL 15"))
                    latency["PostgreSQL 15"] = api_latency(w3, deployment, url, "PostgreSQL 15")
            lag = steady_lag(node.url, w3, deployment, sqlite_url)
        finally:
            node.stop()
    write_report(runs, recorded, args.per_tx, latency, lag)
    return 0


def write_report(runs: list[dict], recorded: int, per_tx: int, latency: dict[str, dict], lag: dict) -> None:
    rows = "\n".join(f"| {r['store']} | {r['events']:,} | {r['blocks']:,} | {r['seconds']:.1f} | {r['rate']:,.0f} |"
                     for r in runs)
    stores = list(latency)
    latency_rows = "\n".join(
        f"| {name} | " + " | ".join(f"{latency[s][name][0]:.1f} / {latency[s][name][1]:.1f}" for s in stores)
        + " | " + " | ".join(f"{latency[s][name][2]:.1f} / {latency[s][name][3]:.1f}" for s in stores) + " |"
        for name in latency[stores[0]])
    text = f"""# Indexer figures

Measured by `python -m pilotchain.bench.indexer` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC
({platform.machine()}, {os.cpu_count()} cores shared with other work; anvil dev node, instant mining).

## Catch-up from the deployment's first block (synthetic history)

{recorded:,} provenance events recorded through the batch path (`commissionBatch` of {per_tx}
items, then `observeBatch` transactions of {per_tx} observations), plus the deployment's own events.
The time is `Indexer.sync()` alone, confirmations 0, batches of 500 blocks: raw `eth_getLogs`,
decoding with the compiled ABI (faster_eth_abi, `pilotchain/indexer/decode.py`), the handlers, the
inserts (events and provenance_events rows, EPCIS document lookups in the event store) and one
commit per batch. The machine's 2 cores are shared with other jobs while this runs, so the
figures vary between runs; they are single runs, not best-of.

| store | events | blocks | seconds | events/s |
|---|---|---|---|---|
{rows}

Goal from issue 11: catch-up ≥ 2,000 events/s.

## API latency (`pilotchain serve`)

Requests answered in-process by the FastAPI app (`starlette.testclient`: routing, validation,
the queries and JSON encoding, no socket) from the two indexes above (the 100,000-event history
is in them too), {REQUESTS} timed requests each after 10 warm-up ones, single client;
milliseconds, p50 / p95 of wall time, and of the CPU time this process spent on the request (the
machine's 2 cores are shared with other jobs, so wall time includes waiting for a core; the CPU
time is what a request costs).

| request | {" | ".join(f"{s} wall" for s in stores)} | {" | ".join(f"{s} CPU" for s in stores)} |
|---|{"---|" * 2 * len(stores)}
{latency_rows}

Goal from issue 11: item history p95 ≤ 20 ms (the API pages at most 500 rows, so the whole
history of 1,000 events takes two requests).

## Steady-state lag

The follow loop `pilotchain serve` runs in its background thread (`Indexer.follow`, a poll every
{lag['poll']} s, confirmations 2) into the SQLite index, while the node takes one transaction
every {1 / lag['rate']:g} s (anvil mines each into its own block) for {lag['seconds']:.0f} s; head minus
indexed block sampled every 20 ms ({lag['samples']:,} samples):

| mean | p95 | max | share of samples within 1 block |
|---|---|---|---|
| {lag['mean']:.2f} | {lag['p95']:.0f} | {lag['max']} | {lag['share_within_1']:.1%} |

Goal from issue 11: lag ≤ 1 block.

Not measured yet: the demo's history.
"""
    REPORT.write_text(text)
    print(text)


if __name__ == "__main__":
    raise SystemExit(main())

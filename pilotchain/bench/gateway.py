"""Data gateway figures: `python -m pilotchain.bench.gateway [--requests N] [--clients K] [--large-mb M]`.

Starts an anvil dev node on a free port (state, accounts and records in a temporary folder),
deploys the suite, registers a 1 KiB and an M MB asset of entity 1 granted to entity 2, starts
`pilotchain gateway serve` as entity 1's operator (a real uvicorn process, stopped by PID), and
measures, with K client threads on the same machine:

- small-file requests per second, each with its signature check, replay check, live chain check
  (`canAccess` and the requester's entity, one JSON-RPC batch, no cache) and its delivery record;
  the requests are signed beforehand, so the rate is the gateway's, not the client's signing;
- the chain check's own duration per request (the gateway's `Server-Timing: chain`), p50/p95:
  the latency the live check adds;
- the large file's throughput through `data fetch`'s client (download and SHA-256), first with
  the gateway hashing the file (first request after a change) and then with its hash cached;
- the gas of the receipt batches these deliveries produced, per delivery.

Writes reports/gateway.md and prints it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import statistics
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

from pilotchain import datasharing as ds
from pilotchain import devnode, endpoints
from pilotchain.accounts import AccountStore
from pilotchain.deploy import deploy_network
from pilotchain.endpoints import open_session
from pilotchain.gateway import client, process
from pilotchain.gateway.abi import AbiFunction
from pilotchain.gateway.server import NodeLink
from pilotchain.gateway.signing import HEADER
from pilotchain.registry import AccountRole, add_account
from pilotchain.toolchain import ROOT

REPORT = ROOT / "reports" / "gateway.md"
DAY = 86_400


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def small_requests(url: str, headers: list[str], clients: int) -> dict:
    """Send every pre-signed request once, from `clients` threads with keep-alive connections."""
    chain_ms: list[float] = []
    total_ms: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    shares = [headers[i::clients] for i in range(clients)]

    def run(share: list[str]) -> None:
        with requests.Session() as http:
            for header in share:
                started = time.perf_counter()
                answer = http.get(url, headers={HEADER: header}, timeout=30)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if answer.status_code != 200:
                        failures.append(answer.status_code)
                        continue
                    total_ms.append(elapsed)
                    chain_ms.append(float(answer.headers["Server-Timing"].split("dur=")[1]))

    threads = [threading.Thread(target=run, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} requests failed: statuses {sorted(set(failures))}")
    return {"requests": len(headers), "seconds": seconds, "rate": len(headers) / seconds,
            "chain_p50": percentile(chain_ms, 0.5), "chain_p95": percentile(chain_ms, 0.95),
            "chain_mean": statistics.fmean(chain_ms),
            "total_p50": percentile(total_ms, 0.5), "total_p95": percentile(total_ms, 0.95)}


def chain_check_alone(session, asset_id: int, requester: str, count: int) -> dict:
    """The gateway's chain check (the same JSON-RPC batch through the same `NodeLink`), from one
    thread of a process doing nothing else: its latency without an HTTP server around it."""
    node = NodeLink(session.w3.provider.endpoint_uri)
    can_access = AbiFunction(session.contract(ds.CONTRACT), "canAccess")
    entity_of = AbiFunction(session.contract("EntityRegistry"), "entityOf")
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        answers = node.batch([("eth_blockNumber", []),
                              ("eth_call", can_access.params(asset_id, requester, ds.Purpose.Research)),
                              ("eth_call", entity_of.params(requester))])
        timings.append((time.perf_counter() - started) * 1000)
        assert can_access.result(answers[1]["result"]) == (True,)
    return {"p50": percentile(timings, 0.5), "p95": percentile(timings, 0.95), "count": count}


def receipt_gas(session, asset_id: int, deliveries: int, timeout: float = 120.0) -> dict:
    """Wait until `deliveries` receipts of the asset are on chain; gas of their batches."""
    deadline = time.monotonic() + timeout
    while len(logs := session.logs(ds.CONTRACT, "AccessRecorded", argument_filters={"assetId": asset_id})) < deliveries:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(logs)} of {deliveries} receipts on chain after {timeout:.0f} s")
        time.sleep(0.5)
    per_tx: dict = {}
    for log in logs:
        per_tx[log["transactionHash"]] = per_tx.get(log["transactionHash"], 0) + 1
    gas = {tx: session.w3.eth.get_transaction_receipt(tx)["gasUsed"] for tx in per_tx}
    full = [gas[tx] / n for tx, n in per_tx.items() if n == max(per_tx.values())]
    # gas = fixed + n * marginal, fitted over the batches of every size the run produced (the
    # deliveries in full batches, and the last one alone)
    marginal, fixed = (statistics.linear_regression([per_tx[tx] for tx in per_tx], [gas[tx] for tx in per_tx])
                       if len(set(per_tx.values())) > 1 else (float("nan"), float("nan")))
    return {"receipts": len(logs), "batches": len(per_tx), "largest": max(per_tx.values()),
            "gas_total": sum(gas.values()), "per_delivery": sum(gas.values()) / len(logs),
            "per_delivery_full": statistics.fmean(full), "fixed": fixed, "marginal": marginal}


def large_fetch(session, key, asset_id: int, folder: Path, size: int) -> dict:
    runs = {}
    for label in ("first (gateway hashes the file)", "again (hash cached)"):
        fetched = client.fetch(session, key, asset_id, ds.Purpose.Research, folder / "large.out")
        runs[label] = size / fetched.seconds / 2**20
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="small-file requests (default 2,000)")
    parser.add_argument("--clients", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--large-mb", type=int, default=100, help="size of the large file in MB (default 100)")
    parser.add_argument("--batch-size", type=int, default=100, help="deliveries per receipt batch (default 100)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pilotchain-bench-gateway-") as folder:
        work = Path(folder)
        os.environ.update(PILOTCHAIN_ACCOUNTS=str(work / "accounts"), PILOTCHAIN_DEPLOYMENTS=str(work / "deployments"))
        node = devnode.start_anvil(process.free_port())
        gateway = None
        try:
            w3, _ = endpoints.connect(node.url)
            deploy_network(node.url, w3, funder=w3.eth.accounts[0], log=lambda _m: None)
            store = AccountStore(endpoints.resolve(node.url).accounts_dir)
            store.ensure(["gateway-op"])
            owner = open_session(node.url, "council-1")
            add_account(owner, store.address("gateway-op"), AccountRole.Operator)
            open_session(node.url, "deployer").sender.top_up([store.address("gateway-op")], minimum=10**18,
                                                             amount=10**18)
            port, assets = process.free_port(), work / "assets"
            assets.mkdir()
            small, large = os.urandom(1024), os.urandom(args.large_mb * 10**6)
            ids = {}
            for name, content in (("small.bin", small), ("large.bin", large)):
                (assets / name).write_bytes(content)
                ids[name] = ds.register_asset(owner, hashlib.sha256(content).digest(),
                                              f"http://127.0.0.1:{port}/files/{name}").asset_id
                ds.grant(owner, ids[name], 2, [ds.Purpose.Research], w3.eth.get_block("latest")["timestamp"] + DAY)
            gateway = process.start(node.url, "gateway-op", assets, work / "gateway-state", port,
                                    "--rate", "1000000", "--burst", "1000000", "--batch-size", str(args.batch_size))
            session, key = open_session(node.url, "council-2"), store.load("council-2")
            gw, url = client.gateway_of(session, ids["small.bin"])
            print(f"signing {args.requests:,} requests")
            headers = [client.signed_request(key, gw, ids["small.bin"], ds.Purpose.Research, lifetime=280).to_header()
                       for _ in range(args.requests)]
            check = chain_check_alone(session, ids["small.bin"], key.address, 1000)
            small_requests(url, headers[:50], args.clients)  # warm-up: connections, hash cache, imports
            sequential = args.requests // 5
            print(f"sending {sequential:,} small-file requests one at a time (the chain check's own latency)")
            alone = small_requests(url, headers[50:50 + sequential], 1)
            print(f"sending {args.requests - 50 - sequential:,} small-file requests from {args.clients} clients")
            load = os.getloadavg()[0]
            cpu = cpu_seconds(gateway.process.pid)
            rates = small_requests(url, headers[50 + sequential:], args.clients)
            rates["cpu_ms"] = (cpu_seconds(gateway.process.pid) - cpu) * 1000 / rates["requests"]
            print(f"  {rates['rate']:.0f} requests/s; chain check p50 {rates['chain_p50']:.2f} ms, "
                  f"p95 {rates['chain_p95']:.2f} ms")
            print(f"fetching the {args.large_mb} MB file twice")
            throughput = large_fetch(session, key, ids["large.bin"], work, len(large))
            print("waiting for the receipts")
            receipt_gas(session, ids["small.bin"], args.requests)
            # one more delivery, alone in its batch: the fixed cost of a batch beside the per-receipt one
            single = client.signed_request(key, gw, ids["small.bin"], ds.Purpose.Research).to_header()
            small_requests(url, [single], 1)
            gas = receipt_gas(session, ids["small.bin"], args.requests + 1)
        finally:
            if gateway is not None:
                gateway.stop()
            node.stop()
    write_report(check, alone, rates, throughput, gas, args, load)
    return 0


def write_report(check: dict, alone: dict, rates: dict, throughput: dict, gas: dict, args, load: float) -> None:
    large_rows = "\n".join(f"| {label} | {mbps:,.0f} MiB/s |" for label, mbps in throughput.items())
    text = f"""# Data gateway figures

Measured by `make bench-gateway` (`python -m pilotchain.bench.gateway`) on
{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC ({platform.machine()}, {os.cpu_count()} cores shared with other
work and with the benchmark's own clients; anvil dev node on 127.0.0.1, instant mining; one
uvicorn worker). Single runs, not best-of: the figures vary with the machine's load.

## Small files with the live chain check

Requests for a 1 KiB asset, pre-signed, with keep-alive connections. Each request: EIP-712
signature recovery, expiry, replay check (SQLite), the chain check (`canAccess` + the
requester's entity + the block number in one JSON-RPC batch, asked at every request, no cache),
the file's hash check (cached per inode/size/mtime/ctime), the delivery record (SQLite,
committed before the response) and the response. The chain check's duration is what the
gateway reports in `Server-Timing: chain;dur=…`: the latency the live check adds to a request.

| figure | one client at a time ({alone['requests']:,} requests) | {args.clients} clients at once ({rates['requests']:,} requests) | goal |
|---|---|---|---|
| requests per second | {alone['rate']:,.0f} | {rates['rate']:,.0f} | ≥ 200 |
| chain check, p50 | {alone['chain_p50']:.2f} ms | {rates['chain_p50']:.2f} ms | |
| chain check, p95 | {alone['chain_p95']:.2f} ms | {rates['chain_p95']:.2f} ms | ≤ 10 ms |
| chain check, mean | {alone['chain_mean']:.2f} ms | {rates['chain_mean']:.2f} ms | |
| whole request seen by the client, p50 / p95 | {alone['total_p50']:.1f} / {alone['total_p95']:.1f} ms | {rates['total_p50']:.1f} / {rates['total_p95']:.1f} ms | |
| gateway CPU time per request (user + system) | | {rates['cpu_ms']:.2f} ms | |

The chain check alone — the same JSON-RPC batch through the gateway's `NodeLink`, {check['count']:,}
times from one thread of the benchmark's process, no HTTP server around it: p50
{check['p50']:.2f} ms, p95 {check['p95']:.2f} ms.

Load average (1 min) when the concurrent run began: {load:.1f} on {os.cpu_count()} cores. With several
clients at once, the chain check's time includes waiting for the gateway's own other threads
(one Python process: one thread runs at a time); on a loaded machine even one client at a time
measures the gateway's process waiting to be scheduled, which the check alone shows without.

## Large file ({args.large_mb} MB)

Downloaded with `data fetch`'s client (streamed to disk, SHA-256 on the fly, checked against the
content hash on chain), 1 MiB chunks; the first request after a change to the file makes the
gateway hash it before sending, later ones use the cached hash.

| request | throughput |
|---|---|
{large_rows}

## Receipt gas

The deliveries above were recorded by the gateway's batcher (`recordAccessBatch`, batches of up
to {args.batch_size} deliveries or every 2 s, through the journal).

| figure | value | goal |
|---|---|---|
| receipts on chain | {gas['receipts']:,} in {gas['batches']} transactions (largest {gas['largest']}) | one per delivery |
| gas per delivery, in the largest batches ({gas['largest']}) | {gas['per_delivery_full']:,.0f} | ≤ 6,000 |
| gas per delivery, all batches of this run | {gas['per_delivery']:,.0f} | |
| a batch of n deliveries (fitted over the {gas['batches']} batches) | {gas['fixed']:,.0f} + n × {gas['marginal']:,.0f} | |
| gas per delivery in a batch of 100 (from the fit) | {gas['fixed'] / 100 + gas['marginal']:,.0f} | ≤ 6,000 |
| gas in total | {gas['gas_total']:,} | |

A batch holds the deliveries of the last 2 s, or 100 as soon as they wait (the small-file runs
above fill batches of 100; one more delivery, sent alone at the end, gives the fixed part of the
fit). The goal is met from batches of about
{gas['fixed'] / max(6000 - gas['marginal'], 1):.0f} deliveries on; a gateway with fewer deliveries per interval pays more per
receipt (one delivery alone: about {gas['fixed'] + gas['marginal']:,.0f} gas), or can batch over a longer
`--batch-seconds`.
"""
    REPORT.write_text(text)
    print(text)


if __name__ == "__main__":
    raise SystemExit(main())

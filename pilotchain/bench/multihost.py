"""Figures of a Clique network over five hosts, added to reports/poa.md: `make bench-multihost` (root).

Five member hosts are built as network namespaces with Toxiproxy latency on every link (see
`pilotchain.chain.hosts`: Beijing-Shanghai 30 ms, Beijing-Guangzhou 40 ms round trip, ...);
`chain init --topology` makes one validator per host and `chain join` starts each on its host,
all five at once. For each block period:

- start: from launching the five joins until every one has returned, i.e. each node has passed
  the head it started from by `PROOF_BLOCKS` (includes each join's Python start and `geth init`);
- throughput and inclusion latency: 1,000 transactions sent to Beijing's node, measured as
  `pilotchain.bench.poa` measures one machine (receipts re-read until 3 blocks deep);
- recovery: Wuhan and Chengdu are cut off (`ip link set … down`) for `PARTITION_PERIODS` block
  periods while the other three seal; from the moment their links come up until all five nodes
  hold the same block at the height the majority had reached.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import psutil

from pilotchain import chain
from pilotchain.bench import poa
from pilotchain.chain import hosts as hostlib
from pilotchain.chain.nodes import PROOF_BLOCKS
from pilotchain.connection import connect
from pilotchain.errors import ChainError

PERIODS = (2, 1)
CHAIN_ID = 16_600
PARTITION_PERIODS = 10
JOIN_TIMEOUT = 180
RECOVERY_TIMEOUT = 120.0


@dataclass
class HostFigures:
    period: int
    start_s: float
    geth_start_s: float  # of start_s, from the last geth's launch
    throughput: dict
    recovery_s: float
    sealing: chain.SealingRecord  # over the whole run, from the five nodes' logs


def measure(period: int, folder: Path) -> HostFigures:
    folder.mkdir()
    hosts = hostlib.Hosts()
    try:
        hosts.create()
        hosts.start_proxies(folder)
        topology = hosts.write_topology(folder / "topology.yaml", period=period, chain_id=CHAIN_ID + period)
        net = chain.init_topology(topology, folder / "out")
        start_s, geth_start_s = join_all(hosts, folder)
        throughput = poa._throughput(net)
        recovery_s = _partition_recovery(hosts, net)
        return HostFigures(period, start_s, geth_start_s, throughput, recovery_s, _sealing(folder))
    finally:
        hosts.remove()


def join_all(hosts: hostlib.Hosts, folder: Path) -> tuple[float, float]:
    """Seconds from launching the joins on every host until all have returned, and of that the part
    after the last geth was launched (the rest is Python start-up and `geth init`)."""
    began = time.monotonic()
    processes = {
        city: hosts.pilotchain(city, "chain", "join", str(folder / "out" / "bundles" / address), "--passwords",
                               str(folder / "out" / "secrets" / address), log=folder / f"join-{city}.log")
        for city, address in hosts.address.items()
    }
    for city, process in processes.items():
        if process.wait(timeout=JOIN_TIMEOUT) != 0:
            raise ChainError(f"join on {city} failed; see {folder / f'join-{city}.log'}")
    ended_wall, ended = time.time(), time.monotonic()
    launched = max(_first_log_line_time(path) for path in (folder / "out" / "bundles").glob("*/nodes/*/geth.log"))
    return ended - began, ended_wall - launched


def _first_log_line_time(log: Path) -> float:
    """When geth wrote the first line of `log` (its own timestamp, e.g. `INFO [11-30|19:28:57.720]`)."""
    stamp = log.read_text().split("[", 1)[1].split("]", 1)[0]
    now = datetime.now()
    moment = datetime.strptime(f"{now.year}-{stamp}", "%Y-%m-%d|%H:%M:%S.%f")
    return moment.timestamp()


def _sealing(folder: Path) -> chain.SealingRecord:
    """Seals, double seals and reorgs in the logs of every host's bundle."""
    records = [chain.sealing_record(chain.Network.load(b)) for b in (folder / "out" / "bundles").iterdir()]
    return chain.SealingRecord(sum(r.sealed for r in records), [d for r in records for d in r.double_seals],
                               sum(r.reorgs for r in records), max(r.deepest_reorg for r in records))


def _partition_recovery(hosts: hostlib.Hosts, net: chain.Network) -> float:
    """Seconds from healing a 3|2 cut until all five agree on the majority's head."""
    connections = {city: connect(net.node(city).rpc_url) for city in hosts.cities}
    hosts.cut("wuhan", "chengdu")
    time.sleep(PARTITION_PERIODS * net.period)
    majority_head = connections["beijing"].eth.block_number
    hosts.rejoin("wuhan", "chengdu")
    healed = time.monotonic()
    target = connections["beijing"].provider.make_request("eth_getBlockByNumber", [hex(majority_head), False])["result"]
    while True:
        blocks = {city: w3.provider.make_request("eth_getBlockByNumber", [hex(majority_head), False]).get("result")
                  for city, w3 in connections.items()}
        if all(b is not None and b["hash"] == target["hash"] for b in blocks.values()):
            return time.monotonic() - healed
        if time.monotonic() - healed > RECOVERY_TIMEOUT:
            raise ChainError(f"the five hosts did not agree on block {majority_head} within {RECOVERY_TIMEOUT:.0f} s")
        time.sleep(0.05)


def section(results: list[HostFigures]) -> str:
    pairs = ", ".join(f"{a.capitalize()}-{b.capitalize()} {ms} ms" for (a, b), ms in hostlib.LATENCY_MS.items()
                      if a in hostlib.CITIES and b in hostlib.CITIES)
    lines = [
        poa.MULTIHOST_HEADING,
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {psutil.cpu_count()} CPUs "
        f"(all five hosts on this machine; load average {os.getloadavg()[0]:.1f} at the end), by `make bench-multihost`. One validator per host, each a network "
        "namespace; round-trip latency added by Toxiproxy on every link: " + pairs + ".",
        f"{poa.TRANSACTIONS:,} probe-contract calls sent to Beijing's node as in the table above.",
        "",
        "| block period | start (5 joins at once) | of it from the last geth's launch | sent | mined | succeeded | all mined after | tx/s "
        "| latency median (blocks) | latency worst (blocks) | receipts moved | recovery after a 3\\|2 partition heals "
        "| double seals | reorgs (deepest) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        t = r.throughput
        lines.append(
            f"| {r.period} s | {r.start_s:.1f} s | {r.geth_start_s:.1f} s | {t['sent']} | {t['mined']} | {t['succeeded']} | {t['all_mined_s']:.1f} s "
            f"| {t['mined'] / t['all_mined_s']:.0f} | {t['latency_median']:g} | {t['latency_worst']} | {t['moved']} "
            f"| {r.recovery_s:.1f} s | {len(r.sealing.double_seals)} | {r.sealing.reorgs} ({r.sealing.deepest_reorg}) |"
        )
    lines += [
        "",
        f"Start: from launching `pilotchain chain join` on all five hosts at once until each has returned (its node "
        f"passed the start head by {PROOF_BLOCKS} blocks); it includes each join's Python start-up and `geth init`, "
        "which the next column leaves out (from the last geth's first log line). "
        f"Partition: Wuhan and Chengdu cut off (`ip link set … down`; on the test bridge each of the two is then "
        f"alone) for {PARTITION_PERIODS} block periods while the other three seal; recovery counts from the links "
        "coming up until all five nodes hold the same block at the height the majority had reached. "
        "Receipts moved: transactions whose block, 3 deep, differs from the one first seen (a reorg replaced it); "
        "double seals and reorgs are counted in the five nodes' logs over the whole run (start, load, partition), "
        "summed over the nodes (one reorg seen by four nodes counts four times).",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    problem = hostlib.root_problem()
    if problem:
        print(f"bench-multihost {problem}")
        return 1
    results = []
    with tempfile.TemporaryDirectory(prefix="pilotchain-multihost-") as tmp:
        for period in PERIODS:
            figures = measure(period, Path(tmp) / f"period-{period}")
            t = figures.throughput
            print(f"period {period} s: start {figures.start_s:.1f} s ({figures.geth_start_s:.1f} s after the last geth), {t['mined']}/{t['sent']} mined in "
                  f"{t['all_mined_s']:.1f} s = {t['mined'] / t['all_mined_s']:.0f} tx/s, latency median "
                  f"{t['latency_median']:g} worst {t['latency_worst']} blocks, recovery {figures.recovery_s:.1f} s")
            results.append(figures)
    poa.write_section(section(results))
    print(f"wrote {poa.REPORT.relative_to(poa.ROOT)}")
    return 0 if all(r.throughput["mined"] == r.throughput["sent"] == poa.TRANSACTIONS for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

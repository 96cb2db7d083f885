"""Figures of the local Clique network, written to reports/poa.md: `python -m pilotchain.bench.poa`.

For each block period (2 s, then 1 s) a fresh 3-validator network is created in a temporary
folder on free loopback ports and measured:

- startup: `chain.start` from launching geth until every node has seen a new block;
- throughput: 1,000 transactions calling the probe contract (`pilotchain.chain.probe`), signed
  beforehand from one account with locally managed nonces, sent to node 1 in JSON-RPC batches
  of 100 as fast as it accepts them; tx/s = 1,000 / (time from the first send until every
  transaction has been seen in a block); latency = inclusion block - head when the transaction was sent
  (1 = the next block);
- inclusion is counted by receipt, re-read until its block is `CONFIRMATIONS` deep (a short
  Clique reorg may move a transaction to another block); receipts that moved are counted;
- double seals (a validator sealing two blocks at one height) and reorgs, from the nodes' logs;
- memory: resident set size of each geth after the run.
"""

from __future__ import annotations

import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import psutil

from pilotchain import chain, keystore
from pilotchain.chain import probe
from pilotchain.chain.nodes import MAX_WIGGLE_S, PROOF_BLOCKS, running_pid
from pilotchain.connection import connect
from pilotchain.toolchain import ROOT

REPORT = ROOT / "reports" / "poa.md"
# The sections other benchmarks write after this one's figures (`pilotchain.bench.multihost`,
# `pilotchain.bench.council`), in this order; each benchmark replaces only its own.
MULTIHOST_HEADING = "## Over five hosts (one validator each, with inter-city latency)"
COUNCIL_HEADING = "## Validators following the council (a sixth host voted in and out)"
SECTION_HEADINGS = (MULTIHOST_HEADING, COUNCIL_HEADING)
TRANSACTIONS = 1_000
BATCH = 100
GAS = 60_000
TIP = 10**9
MINING_TIMEOUT = 120.0
CONFIRMATIONS = 3


@dataclass
class PeriodFigures:
    period: int
    startup_s: float
    sent: int
    mined: int
    succeeded: int
    send_s: float
    all_mined_s: float
    latency_median: float
    latency_worst: int
    blocks: int
    moved: int
    rss_mib: dict[str, float]
    double_seals: int = 0
    reorgs: int = 0
    deepest_reorg: int = 0

    @property
    def tx_per_s(self) -> float:
        return self.mined / self.all_mined_s


def measure(period: int, folder: Path) -> PeriodFigures:
    net = chain.init_network(folder, period=period, base_port=chain.free_base_port(3), register_brownie=False)
    began = time.monotonic()
    chain.start(net)
    startup = time.monotonic() - began
    try:
        logs = chain.log_sizes(net)
        figures = _throughput(net)
        rss = {n.name: psutil.Process(running_pid(net, n)).memory_info().rss / 2**20 for n in net.nodes}
        record = chain.sealing_record(net, logs)
        return PeriodFigures(period, startup, rss_mib=rss, double_seals=len(record.double_seals),
                             reorgs=record.reorgs, deepest_reorg=record.deepest_reorg, **figures)
    finally:
        chain.stop(net)


def _throughput(net: chain.Network) -> dict:
    w3 = connect(net.nodes[0].rpc_url)
    sender = keystore.load_keystore(*chain.operator_account(net.dir, "operator-1"))
    nonce = w3.eth.get_transaction_count(sender.address)
    base_fee = w3.eth.get_block("latest")["baseFeePerGas"]
    fees = {"maxPriorityFeePerGas": TIP, "maxFeePerGas": 4 * base_fee + TIP}
    deploy = sender.sign_transaction({"nonce": nonce, "data": probe.INIT_CODE, "gas": 200_000,
                                      "chainId": net.chain_id, **fees})
    contract = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(deploy.raw_transaction))["contractAddress"]

    signed = [
        sender.sign_transaction({"nonce": nonce + 1 + i, "to": contract, "data": probe.store_call(i + 1),
                                 "gas": GAS, "chainId": net.chain_id, **fees})
        for i in range(TRANSACTIONS)
    ]
    sent_at_head: dict[str, int] = {}
    first_block = w3.eth.block_number + 1
    began = time.monotonic()
    for start in range(0, TRANSACTIONS, BATCH):
        head = w3.eth.block_number
        batch = signed[start:start + BATCH]
        answers = w3.provider.make_batch_request(
            [("eth_sendRawTransaction", ["0x" + tx.raw_transaction.hex()]) for tx in batch]
        )
        for tx, answer in zip(batch, answers):
            if "error" in answer:
                raise RuntimeError(f"node refused transaction {tx.hash.hex()}: {answer['error']}")
            sent_at_head["0x" + tx.hash.hex()] = head
    send_s = time.monotonic() - began

    included, first_seen, all_mined_s = _confirmed_receipts(w3, list(sent_at_head), first_block, began)
    latencies = [included[h][0] - sent_at_head[h] for h in included]
    return {
        "sent": len(sent_at_head),
        "mined": len(included),
        "succeeded": sum(status for _, status in included.values()),
        "send_s": send_s,
        "all_mined_s": all_mined_s,
        "latency_median": statistics.median(latencies) if latencies else float("nan"),
        "latency_worst": max(latencies, default=0),
        "blocks": len({block for block, _ in included.values()}),
        "moved": sum(first_seen[h] != included[h][0] for h in included),
    }


def _confirmed_receipts(
    w3, hashes: list[str], first_block: int, began: float
) -> tuple[dict[str, tuple[int, bool]], dict[str, int], float]:
    """Where each of `hashes` was mined, by receipts re-read until `CONFIRMATIONS` deep.

    First each new block's receipts are read once as it arrives, which times when every
    transaction was first seen in a block (the last few missing are also asked for by hash:
    a reorg can put them in a block already read). Then the receipts are read by hash until
    each one's block is deep enough. Returns hash -> (block, succeeded) of the confirmed
    receipts, hash -> block where it was first seen, and the seconds from `began` until every
    transaction had been seen in a block.
    """
    first_seen: dict[str, int] = {}
    wanted = set(hashes)
    all_mined_s = float("nan")
    number = first_block
    deadline = began + MINING_TIMEOUT
    while len(first_seen) < len(hashes) and time.monotonic() < deadline:
        head = w3.eth.block_number
        for number in range(number, head + 1):
            for receipt in w3.manager.request_blocking("eth_getBlockReceipts", [hex(number)]):
                if receipt["transactionHash"] in wanted:  # raw JSON: web3 has no formatter for it
                    first_seen.setdefault(receipt["transactionHash"], number)
        number = max(number, head + 1)
        missing = [h for h in hashes if h not in first_seen]
        if 0 < len(missing) <= BATCH:
            for tx_hash, receipt in _receipts(w3, missing):
                first_seen[tx_hash] = int(receipt["blockNumber"], 16)
        if len(first_seen) == len(hashes):
            all_mined_s = time.monotonic() - began
        time.sleep(0.05)

    confirmed: dict[str, tuple[int, bool]] = {}
    while len(confirmed) < len(first_seen) and time.monotonic() < deadline:
        head = w3.eth.block_number
        for tx_hash, receipt in _receipts(w3, [h for h in first_seen if h not in confirmed]):
            block = int(receipt["blockNumber"], 16)
            if head - block >= CONFIRMATIONS:
                confirmed[tx_hash] = (block, receipt["status"] == "0x1")
        time.sleep(0.2)
    return confirmed, first_seen, all_mined_s


def _receipts(w3, hashes: list[str]):
    """(hash, raw receipt) of those of `hashes` that have a receipt now, asked in batches."""
    for start in range(0, len(hashes), BATCH):
        batch = hashes[start:start + BATCH]
        answers = w3.provider.make_batch_request([("eth_getTransactionReceipt", [h]) for h in batch])
        for tx_hash, answer in zip(batch, answers):
            if answer.get("result"):
                yield tx_hash, answer["result"]


def report(results: list[PeriodFigures]) -> str:
    lines = [
        "# Local Clique network (geth 1.13.15, 3 validators on one machine)",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{psutil.cpu_count()} CPUs, by `python -m pilotchain.bench.poa`.",
        f"{TRANSACTIONS:,} probe-contract calls (one SSTORE each, gas limit {GAS:,}) signed beforehand "
        f"from one account with local nonces, sent to node 1 in JSON-RPC batches of {BATCH}.",
        "",
        "| block period | startup | sent | mined | succeeded | sending took | all mined after | tx/s "
        "| latency median (blocks) | latency worst (blocks) | blocks used | receipts moved | double seals "
        "| reorgs (deepest) | RSS per node (MiB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        rss = ", ".join(f"{name} {mib:.0f}" for name, mib in r.rss_mib.items())
        lines.append(
            f"| {r.period} s | {r.startup_s:.1f} s | {r.sent} | {r.mined} | {r.succeeded} | {r.send_s:.2f} s "
            f"| {r.all_mined_s:.1f} s | {r.tx_per_s:.0f} | {r.latency_median:g} | {r.latency_worst} "
            f"| {r.blocks} | {r.moved} | {r.double_seals} | {r.reorgs} ({r.deepest_reorg}) | {rss} |"
        )
    lines += [
        "",
        "Startup: from launching the first geth until every node has passed the start head by "
        f"{PROOF_BLOCKS} blocks (nodes are launched one after another and begin sealing "
        "once all are connected, the in-turn signer last). tx/s counts from the first send until "
        "every transaction has been seen in a block, so it includes the wait for the block that holds it. "
        f"Mined and succeeded count receipts re-read until their block is {CONFIRMATIONS} blocks deep; "
        "receipts moved: transactions whose confirmed block differs from the one first seen (a "
        "reorg). Latency: confirmed inclusion block minus the head when the transaction was sent. "
        "Double seals (one validator sealing two blocks at one height) and reorgs are counted in "
        f"the nodes' logs; validators run with `--miner.recommit` of period + {MAX_WIGGLE_S + 1:g} s (see "
        "`pilotchain.chain.nodes.recommit_interval`).",
        "",
    ]
    return "\n".join(lines)


def _sections(text: str) -> tuple[str, dict[str, str]]:
    """The report cut into this benchmark's part and the other benchmarks' sections by heading."""
    found = sorted((text.index(h), h) for h in SECTION_HEADINGS if h in text)
    local = text[:found[0][0]] if found else text
    sections = {}
    for i, (start, heading) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        sections[heading] = text[start:end].rstrip("\n") + "\n"
    return local, sections


def _other_sections() -> str:
    _local, sections = _sections(REPORT.read_text() if REPORT.exists() else "")
    return "".join("\n" + sections[h] for h in SECTION_HEADINGS if h in sections)


def write_section(section: str) -> None:
    """Put `section` (headed by one of `SECTION_HEADINGS`) into the report, replacing the last one
    of that heading and keeping the others, in their order."""
    heading = next(h for h in SECTION_HEADINGS if section.startswith(h))
    local, sections = _sections(REPORT.read_text() if REPORT.exists() else "")
    sections[heading] = section.rstrip("\n") + "\n"
    REPORT.write_text(local.rstrip("\n") + "\n" + "".join("\n" + sections[h] for h in SECTION_HEADINGS if h in sections))


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory(prefix="pilotchain-bench-") as tmp:
        for period in (2, 1):
            figures = measure(period, Path(tmp) / f"period-{period}")
            print(f"period {period} s: startup {figures.startup_s:.1f} s, {figures.mined}/{figures.sent} mined "
                  f"({figures.succeeded} succeeded) in {figures.all_mined_s:.1f} s = {figures.tx_per_s:.0f} tx/s, "
                  f"latency median {figures.latency_median:g} worst {figures.latency_worst} blocks, "
                  f"{figures.moved} receipts moved, {figures.double_seals} double seals, "
                  f"{figures.reorgs} reorgs, "
                  f"RSS {', '.join(f'{v:.0f}' for v in figures.rss_mib.values())} MiB")
            results.append(figures)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(report(results) + _other_sections())
    print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0 if all(r.mined == r.sent == r.succeeded == TRANSACTIONS and not r.double_seals for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

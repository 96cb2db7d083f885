"""Start soak of the local Clique network, written to reports/soak.md: `python -m pilotchain.bench.soak`.

Shows that a start never deadlocks (issue 14):

- fresh starts: `--fresh` times (default 30), a new 3-validator network is created in a
  temporary folder on free loopback ports, started with `chain.start` and stopped;
- restarts after SIGKILL: one network is started, then `--restarts` times (default 30) every
  node is killed with SIGKILL at once and the network is started again;
- forced stalls: `--forced` fresh starts (default 8) that switch sealing on in the order that
  deadlocks (the in-turn signer first), to show that the backstop recovers a real deadlock;
- double seals under load: `--loaded` runs (default 10) of `make bench-poa`'s 1,000
  transactions on a fresh network with 2-second blocks.

`chain.start` returns only once every node has passed the start head by two blocks, so each
run that returns has sealed past the block where the start race happens. A run counts as a
stall if `chain.start`'s backstop had to recover a head that stopped moving (its warning is
counted) or if it failed. Double seals and reorgs are counted in the nodes' logs.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psutil

from pilotchain import chain
from pilotchain.bench import poa
from pilotchain.chain import nodes
from pilotchain.chain.nodes import running_pid
from pilotchain.errors import ChainError
from pilotchain.toolchain import ROOT

REPORT = ROOT / "reports" / "soak.md"
VALIDATORS = 3


@dataclass
class Series:
    """The outcome of one kind of start, run many times."""

    kind: str
    forced: bool = False  # stalls are provoked: only failures count against the network
    runs: int = 0
    recovered: int = 0  # the backstop found a stalled head and recovered it
    failed: list[str] = field(default_factory=list)  # chain.start raised
    seconds: list[float] = field(default_factory=list)
    double_seals: int = 0
    reorgs: int = 0

    @property
    def stalls(self) -> int:
        return self.recovered + len(self.failed)

    @property
    def bad(self) -> bool:
        """Whether the series shows a fault of the network."""
        return bool(self.failed or self.double_seals or (self.recovered and not self.forced))


class _StallCounter(logging.Handler):
    """Counts the backstop's "head stopped moving" warnings."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += "head stopped moving" in record.getMessage()


def _timed_start(net: chain.Network, series: Series, counter: _StallCounter) -> str:
    """Start the network once, recording the outcome in `series`; returns it in words."""
    warned = counter.count
    began = time.monotonic()
    series.runs += 1
    try:
        chain.start(net)
    except ChainError as exc:
        series.failed.append(str(exc))
        return f"failed: {exc}"
    seconds = time.monotonic() - began
    series.seconds.append(seconds)
    if counter.count > warned:
        series.recovered += 1
        return f"{seconds:.1f} s, after recovering a stalled head"
    return f"{seconds:.1f} s"


def fresh_starts(runs: int, period: int, folder: Path, counter: _StallCounter, log, *, forced: bool = False) -> Series:
    series = Series("fresh start, in-turn signer first (forced)" if forced else "fresh start", forced=forced)
    for i in range(runs):
        net = chain.init_network(folder / f"{'forced' if forced else 'fresh'}-{i}", validators=VALIDATORS,
                                 period=period, base_port=chain.free_base_port(VALIDATORS), register_brownie=False)
        try:
            with _in_turn_first() if forced else contextlib.nullcontext():
                outcome = _timed_start(net, series, counter)
        finally:
            chain.stop(net)
        _count_logs(net, series)
        log(f"{series.kind} {i + 1}/{runs}: {outcome}")
    return series


@contextlib.contextmanager
def _in_turn_first():
    """Make `chain.start` switch sealing on in the order that can deadlock: in-turn signer first."""
    ordered = nodes.sealing_order
    nodes.sealing_order = lambda net, validators, head: ordered(net, validators, head)[::-1]
    try:
        yield
    finally:
        nodes.sealing_order = ordered


def loaded_runs(runs: int, folder: Path, counter: _StallCounter, log) -> Series:
    """`make bench-poa`'s 1,000 transactions at a 2 s period, `runs` times: double seals and reorgs."""
    series = Series(f"{poa.TRANSACTIONS:,} transactions, 2 s blocks")
    for i in range(runs):
        series.runs += 1
        warned = counter.count
        try:
            figures = poa.measure(2, folder / f"loaded-{i}")
        except ChainError as exc:
            series.failed.append(str(exc))
            log(f"loaded run {i + 1}/{runs}: failed: {exc}")
            continue
        series.seconds.append(figures.startup_s)
        series.recovered += counter.count > warned
        series.double_seals += figures.double_seals
        series.reorgs += figures.reorgs
        if figures.mined != poa.TRANSACTIONS:
            series.failed.append(f"only {figures.mined} of {poa.TRANSACTIONS} transactions confirmed")
        log(f"loaded run {i + 1}/{runs}: {figures.mined} confirmed, {figures.moved} receipts moved, "
            f"{figures.double_seals} double seals, {figures.reorgs} reorgs")
    return series


def restarts_after_sigkill(runs: int, period: int, folder: Path, counter: _StallCounter, log) -> Series:
    series = Series("restart after SIGKILL of every node")
    net = chain.init_network(folder / "restarts", validators=VALIDATORS, period=period,
                             base_port=chain.free_base_port(VALIDATORS), register_brownie=False)
    try:
        chain.start(net)
        for i in range(runs):
            kill_all(net)
            outcome = _timed_start(net, series, counter)
            log(f"restart {i + 1}/{runs} at block {chain.status(net).nodes[0].block}: {outcome}")
    finally:
        chain.stop(net)
    _count_logs(net, series)
    return series


def kill_all(net: chain.Network) -> None:
    """SIGKILL every running node at once, as a power cut would."""
    processes = [psutil.Process(pid) for n in net.nodes if (pid := running_pid(net, n)) is not None]
    for process in processes:
        os.kill(process.pid, signal.SIGKILL)
    psutil.wait_procs(processes, timeout=10)


def _count_logs(net: chain.Network, series: Series) -> None:
    record = chain.sealing_record(net)
    series.double_seals += len(record.double_seals)
    series.reorgs += record.reorgs


def report(results: list[Series], period: int) -> str:
    lines = [
        f"# Start soak of the local Clique network (geth 1.13.15, {VALIDATORS} validators; "
        f"starts at {period} s blocks)",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.uname().machine}, "
        f"{psutil.cpu_count()} CPUs, by `make chain-soak` (`python -m pilotchain.bench.soak`).",
        "",
        "| start | runs | stalls | recovered by the backstop | failed | start time median | worst "
        "| double seals | reorgs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in results:
        median = f"{statistics.median(s.seconds):.1f} s" if s.seconds else "-"
        worst = f"{max(s.seconds):.1f} s" if s.seconds else "-"
        lines.append(f"| {s.kind} | {s.runs} | {s.stalls} | {s.recovered} | {len(s.failed)} | {median} | {worst} "
                     f"| {s.double_seals} | {s.reorgs} |")
    lines += [
        "",
        "A start is `chain.start`: launch the nodes one after another, wait until all are connected "
        "and caught up, switch sealing on with the in-turn signer of the next block last, and "
        "return once every node has passed the start head by two blocks. A stall is a start whose "
        "head stopped moving (the backstop then restarts sealing and re-connects the peers, which "
        "makes each node announce its real total difficulty) or that failed. The forced starts switch "
        "sealing on with the in-turn signer first, the order that deadlocks; there a stall is "
        "expected and the backstop must recover it. Start time: from the call until it returns "
        "(fresh starts exclude `chain init`). Double seals (one validator sealing two blocks at one "
        "height) and reorgs are counted in the nodes' logs; the loaded runs send `make bench-poa`'s "
        f"{poa.TRANSACTIONS:,} transactions to a fresh network with 2 s blocks (start time there: "
        "`chain.start` of that network).",
        "",
    ]
    failures = [f for s in results for f in s.failed]
    if failures:
        lines += ["Failures:", "", *[f"- {f}" for f in failures], ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", type=int, default=30, help="fresh starts (default: %(default)s)")
    parser.add_argument("--restarts", type=int, default=30, help="restarts after SIGKILL (default: %(default)s)")
    parser.add_argument("--forced", type=int, default=8,
                        help="fresh starts in the deadlocking order (default: %(default)s)")
    parser.add_argument("--loaded", type=int, default=10,
                        help="runs of 1,000 transactions at 2 s blocks (default: %(default)s)")
    parser.add_argument("--period", type=int, default=1, help="block period in seconds (default: %(default)s)")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write (default: reports/soak.md)")
    args = parser.parse_args(argv)
    counter = _StallCounter()
    logging.getLogger("pilotchain.chain").addHandler(counter)
    with tempfile.TemporaryDirectory(prefix="pilotchain-soak-") as tmp:
        results = [
            fresh_starts(args.fresh, args.period, Path(tmp), counter, print),
            restarts_after_sigkill(args.restarts, args.period, Path(tmp), counter, print),
            fresh_starts(args.forced, args.period, Path(tmp), counter, print, forced=True),
            loaded_runs(args.loaded, Path(tmp), counter, print),
        ]
    for s in results:
        print(f"{s.kind}: {s.runs} runs, {s.stalls} stalls ({s.recovered} recovered, {len(s.failed)} failed), "
              f"{s.double_seals} double seals, {s.reorgs} reorgs")
    args.report.parent.mkdir(exist_ok=True)
    args.report.write_text(report(results, args.period))
    print(f"wrote {args.report}")
    return 1 if any(s.bad for s in results) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Start soak of the local Clique network, written to reports/soak.md: `python -m pilotchain.bench.soak`.

Shows that a start never deadlocks (issue 14):

- fresh starts: `--fresh` times (default 30), a new 3-validator network is created in a
  temporary folder on free loopback ports, started with `chain.start` and stopped;
- restarts after SIGKILL: one network is started, then `--restarts` times (default 30) every
  node is killed with SIGKILL at once and the network is started again.

`chain.start` returns only once every node has passed the start head by two blocks, so each
run that returns has sealed past the block where the start race happens. A run counts as a
stall if `chain.start`'s backstop had to recover a head that stopped moving (its warning is
counted) or if it failed. Double seals and reorgs are counted in the nodes' logs.
"""

from __future__ import annotations

import argparse
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
from pilotchain.chain.nodes import running_pid
from pilotchain.errors import ChainError
from pilotchain.toolchain import ROOT

REPORT = ROOT / "reports" / "soak.md"
VALIDATORS = 3


@dataclass
class Series:
    """The outcome of one kind of start, run many times."""

    kind: str
    runs: int = 0
    recovered: int = 0  # the backstop found a stalled head and recovered it
    failed: list[str] = field(default_factory=list)  # chain.start raised
    seconds: list[float] = field(default_factory=list)
    double_seals: int = 0
    reorgs: int = 0

    @property
    def stalls(self) -> int:
        return self.recovered + len(self.failed)


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


def fresh_starts(runs: int, period: int, folder: Path, counter: _StallCounter, log) -> Series:
    series = Series("fresh start")
    for i in range(runs):
        net = chain.init_network(folder / f"fresh-{i}", validators=VALIDATORS, period=period,
                                 base_port=chain.free_base_port(VALIDATORS), register_brownie=False)
        try:
            outcome = _timed_start(net, series, counter)
        finally:
            chain.stop(net)
        _count_logs(net, series)
        log(f"fresh start {i + 1}/{runs}: {outcome}")
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
        f"# Start soak of the local Clique network (geth 1.13.15, {VALIDATORS} validators, {period} s blocks)",
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
        "makes each node announce its real total difficulty) or that failed. Start time: from the "
        "call until it returns (fresh starts exclude `chain init`). Double seals (one validator "
        "sealing two blocks at one height) and reorgs are counted in the nodes' logs.",
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
    parser.add_argument("--period", type=int, default=1, help="block period in seconds (default: %(default)s)")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write (default: reports/soak.md)")
    args = parser.parse_args(argv)
    counter = _StallCounter()
    logging.getLogger("pilotchain.chain").addHandler(counter)
    with tempfile.TemporaryDirectory(prefix="pilotchain-soak-") as tmp:
        results = [
            fresh_starts(args.fresh, args.period, Path(tmp), counter, print),
            restarts_after_sigkill(args.restarts, args.period, Path(tmp), counter, print),
        ]
    for s in results:
        print(f"{s.kind}: {s.runs} runs, {s.stalls} stalls ({s.recovered} recovered, {len(s.failed)} failed), "
              f"{s.double_seals} double seals, {s.reorgs} reorgs")
    args.report.parent.mkdir(exist_ok=True)
    args.report.write_text(report(results, args.period))
    print(f"wrote {args.report}")
    return 0 if not any(s.stalls or s.double_seals for s in results) else 1


if __name__ == "__main__":
    sys.exit(main())

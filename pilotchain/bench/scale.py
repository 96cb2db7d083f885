"""Scale figures: `python -m pilotchain.bench.scale` (`make bench-scale`) writes reports/scale.md.

Each entry of SECTIONS is a function `run(log=print) -> str` returning one markdown section; it
starts and stops its own dev node. The figures answer issue 16 ("Ten times the pilot and beyond").
"""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone

from pilotchain.bench import scale_members, scale_reads
from pilotchain.toolchain import ROOT

REPORT = ROOT / "reports" / "scale.md"
SECTIONS = [scale_members.run, scale_reads.run]


def main() -> int:
    sections = []
    for run in SECTIONS:
        print(f"{run.__module__}:")
        sections.append(run(log=print))
    text = "\n".join([
        "# Scale figures",
        "",
        f"Measured by `python -m pilotchain.bench.scale` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"({platform.machine()}, {os.cpu_count()} cores shared with other work; anvil dev node, instant mining).",
        "Single runs, not best-of: wall times vary with the machine's load.",
        "",
        *sections,
    ])
    REPORT.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

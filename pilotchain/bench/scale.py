"""Scale figures: `python -m pilotchain.bench.scale` (`make bench-scale`) writes reports/scale.md.

Each entry of SECTIONS is a function `run(network=None, log=print) -> str` returning one
markdown section: without a network it starts and stops its own anvil dev node; with
`--network NAME` (`make bench-scale SCALE_NETWORK=NAME`, e.g. a geth Clique network made by
`pilotchain chain init`, its accounts in PILOTCHAIN_ACCOUNTS) it deploys the suite afresh on
that running network, the records in a folder of its own (`--records DIR` keeps them, to use
the 10,000-entity deployment afterwards: PILOTCHAIN_DEPLOYMENTS=DIR/members/deployments);
`--section members` or `--section reads` measures one of the two. A run replaces the sections
it measured and keeps the others, so the anvil and geth figures stand side by side. The figures
answer issue 16 ("Ten times the pilot and beyond").
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from pilotchain.bench import scale_members, scale_reads
from pilotchain.bench.scale_reads import heading_node
from pilotchain.toolchain import ROOT

REPORT = ROOT / "reports" / "scale.md"
SECTIONS = {"members": scale_members.run, "reads": scale_reads.run}


HEADER = """# Scale figures

Measured by `python -m pilotchain.bench.scale` (anvil) and `python -m pilotchain.bench.scale
--network NAME` (a running network); each section says where and when.
Single runs, not best-of: wall times vary with the machine's load.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", help="measure on this running network (e.g. pilot-poa-16410) instead of anvil")
    parser.add_argument("--records", type=Path, help="keep the deployment records here, one folder per section "
                        "(members/deployments holds the 10,000-entity registry; default: a temporary folder)")
    parser.add_argument("--section", choices=list(SECTIONS), action="append",
                        help="measure only this section (repeatable; default: all)")
    args = parser.parse_args(argv)
    sections = []
    for name in args.section or list(SECTIONS):
        run = SECTIONS[name]
        print(f"{run.__module__}:")
        sections.append(run(network=args.network, records=args.records, log=print))
    text = merged(REPORT.read_text() if REPORT.exists() else "", sections)
    REPORT.write_text(text)
    print(text)
    return 0


def merged(report: str, sections: list[str]) -> str:
    """The report with `sections` in place of those of the same heading (title and node), the
    others kept; anvil's first. Sections without a node in their heading (written before there
    were two) are dropped."""
    measured = {part.splitlines()[0] for part in sections}
    kept = [part for part in _sections(report)
            if re.search(r"\(on [^)]+\)$", part.splitlines()[0]) and part.splitlines()[0] not in measured]
    ordered = sorted(sections + kept, key=lambda part: not part.splitlines()[0].endswith(heading_node(None)))
    return "\n".join([HEADER, *[part.rstrip("\n") + "\n" for part in ordered]])


def _sections(text: str) -> list[str]:
    """The `## ` sections of a report (each from its heading to the next)."""
    return [part for part in re.split(r"(?m)^(?=## )", text) if part.startswith("## ")]


if __name__ == "__main__":
    raise SystemExit(main())

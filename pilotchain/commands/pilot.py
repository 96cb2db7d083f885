"""`pilotchain pilot run`: the whole pilot scenario on one network."""

from __future__ import annotations

from pilotchain.cli import arg, command, print_table
from pilotchain.pilot import PilotSummary, run_pilot
from pilotchain.pilot.supply import CELLS, VEHICLES


def render(s: PilotSummary) -> None:
    print(f"\npilot on {s.network} (chain {s.chain_id}): {s.members} member entities")
    print("\nmembers by kind")
    print_table([{"kind": k, "entities": n} for k, n in s.members_by_kind.items()])
    print("\nmembers by city")
    print_table([{"city": c, "entities": n} for c, n in s.members_by_city.items()])
    for title, section in s.sections.items():
        print(f"\n{title}")
        width = max(map(len, section), default=0)
        for key, value in section.items():
            print(f"  {key.ljust(width)}  {value}")
    print(f"\ntransactions sent {s.transactions:,}   gas used {s.gas:,}   wall time {s.seconds:.1f} s")
    net = f"--network {s.network}"
    print(
        "\nlook again with the CLI:\n"
        f"  pilotchain entity list --kind Hospital {net}\n"
        f"  pilotchain entity proposals --all {net}\n"
        f"  pilotchain data check 1 <account address> research {net}\n"
        f"  pilotchain provenance trace {CELLS[0]} {net}\n"
        f"  pilotchain provenance verify {VEHICLES[0]} {net}\n"
        "  pilotchain chain status      (the PoA network keeps running; `make chain-stop` stops it)"
    )


@command(
    "pilot run",
    "run the pilot: network up, deploy, onboard 164 entities by vote, data sharing, provenance",
    arg("--quiet", action="store_true", help="no progress lines"),
    shared=("network", "json"),
    render=render,
)
def run(args):
    log = (lambda _msg: None) if args.quiet or args.json else print
    return run_pilot(args.network, log=log, progress=not args.json)

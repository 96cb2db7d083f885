"""`pilotchain pilot run`: the whole pilot scenario on one network."""

from __future__ import annotations

from pilotchain.cli import arg, command, print_table
from pilotchain.endpoints import resolve
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
    print("\n" + "\n".join(next_steps(s.network)))


def next_steps(network: str) -> list[str]:
    """What to try after the pilot, for the network it ran on: the PoA network keeps running,
    a dev node the pilot started is gone with its chain."""
    endpoint = resolve(network)
    if endpoint.command:  # anvil or ganache, started for the run and stopped
        return [
            f"the {endpoint.command} dev node was stopped with the run, and its chain with it; to look",
            "around with the CLI, run the pilot on the local PoA network, which keeps running:",
            "  make demo                  (it ends with the commands to look around)",
        ]
    net = "" if endpoint.name == "pilot-poa" else f" --network {endpoint.name}"
    steps = [
        "look again with the CLI:",
        f"  pilotchain entity list --kind Hospital{net}",
        f"  pilotchain entity proposals --all{net}",
        f"  pilotchain data check 1 <account name, address or entity> research{net}",
        f"  pilotchain provenance trace {CELLS[0]} --direction forward{net}",
        f"  pilotchain provenance verify {VEHICLES[0]}{net}",
    ]
    steps += [
        "serve the index over HTTP (the API, its docs and the web console; it keeps indexing new blocks):",
        f"  pilotchain serve{net}         (http://127.0.0.1:8600/, API docs at /api/v1/docs)",
    ]
    if endpoint.local_poa:
        steps.append("  pilotchain chain status      (the PoA network keeps running; `make chain-stop` stops it)")
    return steps


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

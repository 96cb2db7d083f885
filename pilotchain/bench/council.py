"""How fast the signer set follows the council, added to reports/poa.md: `make bench-council` (root).

Five validators on five member hosts and a sixth host whose validator is outside the genesis
(`standby` in the topology), built as in `pilotchain.bench.multihost` (network namespaces,
Toxiproxy latency on every link), a `pilotchain chain agent` beside each of the six validators,
and EntityRegistry deployed with three founders. The council adds the sixth host's validator
(AddValidator), then suspends and reinstates its entity `CYCLES` times. For each executed
proposal: the blocks and seconds (block timestamps) until the signer set has changed, and for an
addition until the new validator has sealed its first block.

The test of the same scenario (tests/integration/test_council_validators.py) builds its network
with the functions here.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import psutil
from eth_account import Account

from pilotchain import artifacts, chain, keystore, registry
from pilotchain.bench import poa
from pilotchain.bench.multihost import join_all
from pilotchain.chain import hosts as hostlib
from pilotchain.chain.seal import block_signer, raw_block
from pilotchain.connection import connect
from pilotchain.errors import ChainError
from pilotchain.registry import ActionKind, EntityKind, NewEntity, load_consortium, status_payload, validator_payload
from pilotchain.session import Session

NEWCOMER = "hangzhou"
CITIES = (*hostlib.CITIES, NEWCOMER)
FOUNDERS = 3  # their admins are operator-1..3, funded by the genesis
PERIOD = 1
CHAIN_ID = 16_420
CYCLES = 3
VOTE_TIMEOUT = 60.0
NEWCOMER_ENTITY = NewEntity(name="Hangzhou Commercial Bank", kind=EntityKind.Bank, region=330100,
                            code="91330100MA0000006H", admin="")  # its admin: a fresh address at each build


@dataclass
class Council:
    """The six hosts, the network, the founders' sessions (through Beijing's node), the
    newcomer's entity and the agents (one per host)."""

    hosts: hostlib.Hosts
    net: chain.Network
    folder: Path
    founders: list[Session]
    newcomer_entity: int
    agents: dict[str, subprocess.Popen]

    @property
    def w3(self):
        return self.founders[0].w3

    @property
    def newcomer(self) -> chain.Node:
        return self.net.node(NEWCOMER)

    def signers(self) -> list[str]:
        return chain.clique_signers(self.w3)

    def agent_log(self, city: str) -> Path:
        return self.folder / f"agent-{city}.log"

    def enact(self, kind: ActionKind, payload: bytes) -> dict:
        """The founders pass the proposal (as many votes as its rule needs); the receipt of its execution."""
        proposer, *voters = self.founders
        pid = registry.propose(proposer, kind, payload)
        electorate = proposer.call(proposer.contract("EntityRegistry").functions.electorateSize())
        for voter in voters[: registry.votes_needed(proposer, kind, electorate) - 1]:
            registry.vote(voter, pid)
        return registry.execute(proposer, pid, payload)


def build(folder: Path) -> Council:
    """Hosts, network, registry (with the newcomer's entity admitted) and a started agent on every
    host; `remove(council)` undoes it. On failure everything built so far is removed. The hosts'
    names begin with `pcv`, apart from those of test_multihost.py and `make bench-multihost`."""
    hosts = hostlib.Hosts(CITIES, prefix="pcv", standby=(NEWCOMER,))
    agents: dict[str, subprocess.Popen] = {}
    try:
        hosts.create()
        hosts.start_proxies(folder)
        topology = hosts.write_topology(folder / "topology.yaml", period=PERIOD, chain_id=CHAIN_ID)
        net = chain.init_topology(topology, folder / "out")
        join_all(hosts, folder)
        founders = deploy_registry(net)
        # an account of no entity, which never signs here
        newcomer = dataclasses.replace(NEWCOMER_ENTITY, admin=Account.create().address)
        registry.admit(founders[0], founders[1:], [newcomer])
        council = Council(hosts, net, folder, founders, registry.find_member(founders[0], newcomer.code).id, agents)
        for city in CITIES:
            agents[city] = start_agent(council, city)
        for city in CITIES:  # each has looked once (the council names no validator yet)
            _until(lambda: "the signer set matches" in council.agent_log(city).read_text(), f"the agent on {city}")
        return council
    except BaseException:
        _stop(agents)
        hosts.remove()
        raise


def deploy_registry(net: chain.Network) -> list[Session]:
    """EntityRegistry with `FOUNDERS` founders of config/consortium.yaml (operator-1.. their
    admins), deployed by the deployer through Beijing's node; the founders' sessions."""
    w3 = connect(net.node("beijing").rpc_url)
    consortium = load_consortium()
    consortium = dataclasses.replace(consortium, founders=consortium.founders[:FOUNDERS])
    admins = [keystore.load_keystore(*chain.operator_account(net.dir, f"operator-{i}")) for i in range(1, FOUNDERS + 1)]
    deployer = Session(w3, keystore.load_keystore(*chain.operator_account(net.dir)), {})
    artifact = artifacts.load("EntityRegistry")
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    receipt = deployer.transact(factory.constructor(*consortium.constructor_args([a.address for a in admins])))
    return [Session(w3, admin, {"EntityRegistry": receipt["contractAddress"]}) for admin in admins]


def start_agent(council: Council, city: str, log: Path | None = None) -> subprocess.Popen:
    """`pilotchain chain agent` on `city`'s host, beside its node, logging to `log` (default:
    the city's agent log)."""
    node = f"http://{council.hosts.address[city]}:{hostlib.NODE_PORTS['http']}"
    return council.hosts.pilotchain(city, "chain", "agent", "--network", node, "--registry",
                                    council.founders[0].addresses["EntityRegistry"], "--interval", str(PERIOD),
                                    log=log or council.agent_log(city))


def remove(council: Council) -> None:
    """Stop the agents, then remove the hosts (which kills the nodes)."""
    _stop(council.agents)
    council.hosts.remove()


def _stop(agents: dict[str, subprocess.Popen]) -> None:
    """SIGTERM to every agent, SIGKILL to those that do not stop within 10 s."""
    for process in agents.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in agents.values():
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_signer(council: Council, present: bool) -> int:
    """A block (the head when seen) at which the newcomer's validator is (`present`) or is not a signer."""
    def changed():
        head = council.w3.eth.block_number
        return head if is_signer(council, head) == present else None

    return _until(changed, "the agents to vote" + (" in" if present else " out"))


def is_signer(council: Council, block: int) -> bool:
    """Whether the newcomer's validator is in the signer set after `block`."""
    signers = council.w3.manager.request_blocking("clique_getSigners", [hex(block)])
    return council.newcomer.address.lower() in {s.lower() for s in signers}


def first_sealed(council: Council, after: int) -> int:
    """The first block after `after` sealed by the newcomer's validator."""
    checked = after

    def sealed():
        nonlocal checked
        head = council.w3.eth.block_number
        while checked < head:
            checked += 1
            if block_signer(raw_block(council.w3, checked)) == council.newcomer.address:
                return checked
        return None

    return _until(sealed, "a block sealed by the newcomer")


def _until(condition, what: str, timeout: float = VOTE_TIMEOUT):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise ChainError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)
    return value


@dataclass
class Change:
    action: str  # AddValidator, Suspend, Reinstate
    blocks: int  # from the execution's block to the first block with the new signer set
    seconds: int  # the same in block timestamps
    sealed_blocks: int | None = None  # additions: from the execution to the newcomer's first block
    sealed_seconds: int | None = None


def measure(council: Council) -> list[Change]:
    changes = [_change(council, "AddValidator", validator_payload(council.newcomer_entity, council.newcomer.address))]
    for _ in range(CYCLES):
        changes.append(_change(council, "Suspend", status_payload(council.newcomer_entity, "bench")))
        changes.append(_change(council, "Reinstate", status_payload(council.newcomer_entity, "bench")))
    return changes


def _change(council: Council, action: str, payload: bytes) -> Change:
    receipt = council.enact(ActionKind[action], payload)
    executed = receipt["blockNumber"]
    present = action != "Suspend"
    changed = wait_for_signer(council, present)
    while is_signer(council, changed - 1) == present:  # back to the block that changed the set
        changed -= 1
    change = Change(action, changed - executed, _seconds(council, executed, changed))
    if present:
        sealed = first_sealed(council, changed - 1)
        change.sealed_blocks, change.sealed_seconds = sealed - executed, _seconds(council, executed, sealed)
    print(f"{action}: signer set changed {change.blocks} blocks ({change.seconds} s) after the execution"
          + (f", first block sealed by the newcomer {change.sealed_blocks} blocks ({change.sealed_seconds} s) after"
             if present else ""))
    return change


def _seconds(council: Council, first: int, last: int) -> int:
    """Seconds between two blocks' timestamps."""
    return council.w3.eth.get_block(last)["timestamp"] - council.w3.eth.get_block(first)["timestamp"]


def section(changes: list[Change]) -> str:
    def row(values: list[int | None]) -> str:
        found = [v for v in values if v is not None]
        return f"{statistics.median(found):g} (max {max(found)})" if found else ""

    links = ", ".join(f"{NEWCOMER.capitalize()}-{city.capitalize()} {hostlib.latency_ms(NEWCOMER, city)} ms"
                      for city in hostlib.CITIES)
    lines = [
        poa.COUNCIL_HEADING,
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {psutil.cpu_count()} CPUs "
        f"(all six hosts on this machine; load average {os.getloadavg()[0]:.1f} at the end), by `make bench-council`. "
        f"Five validators on five hosts and a sixth host's validator outside the genesis, {PERIOD} s blocks, the "
        f"latencies above and {links} (round trip), a `pilotchain chain agent` beside each validator polling every "
        "block period. The council "
        f"adds the sixth validator (AddValidator), then suspends and reinstates its entity {CYCLES} times.",
        "",
        "| proposal executed | runs | signer set changed after, blocks | … seconds | first block sealed by the validator after, blocks | … seconds |",
        "|---|---|---|---|---|---|",
    ]
    for action in ("AddValidator", "Suspend", "Reinstate"):
        mine = [c for c in changes if c.action == action]
        lines.append(
            f"| {action} | {len(mine)} | {row([c.blocks for c in mine])} | {row([c.seconds for c in mine])} "
            f"| {row([c.sealed_blocks for c in mine])} | {row([c.sealed_seconds for c in mine])} |"
        )
    lines += [
        "",
        "Median (max) over the runs, counted from the block that executed the proposal, in blocks and in block "
        "timestamps (whole seconds). The agents see the executed proposal at their next poll and keep a standing "
        "`clique_propose` on their node; each signer casts it in the blocks it seals, and a change takes effect "
        "once more than half of the signers have (3 of 5 to add, 4 of 6 to remove). A validator voted in then "
        "seals at its first turn that Clique's \"signed recently\" rule allows.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    problem = hostlib.root_problem()
    if problem:
        print(f"bench-council {problem}")
        return 1
    with tempfile.TemporaryDirectory(prefix="pilotchain-council-") as tmp:
        council = build(Path(tmp))
        try:
            changes = measure(council)
        finally:
            remove(council)
    poa.write_section(section(changes))
    print(f"wrote {poa.REPORT.relative_to(poa.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

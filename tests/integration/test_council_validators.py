"""Validators governed by the council, across hosts: five validators on five member hosts and a
sixth host whose validator is outside the genesis (a topology's `standby`), a
`pilotchain chain agent` beside every validator. A council vote in EntityRegistry adds the sixth
validator and it starts sealing; suspending its entity votes it out again.

The hosts are network namespaces as in test_multihost.py (their own names, prefix `pcv`).
"""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from eth_account import Account

from pilotchain import artifacts, chain, keystore, registry
from pilotchain.chain import hosts as hostlib
from pilotchain.connection import connect
from pilotchain.registry import ActionKind, EntityKind, NewEntity, load_consortium, status_payload, validator_payload
from pilotchain.session import Session
from tests.integration.helpers import folder_processes, signers_of, wait_until

problem = hostlib.root_problem()
pytestmark = pytest.mark.skipif(problem is not None, reason=problem or "")

PERIOD = 1
CHAIN_ID = 16_420
JOIN_TIMEOUT = 120
NEWCOMER = "hangzhou"
CITIES = (*hostlib.CITIES, NEWCOMER)
FOUNDERS = 3  # founders' admins: operator-1..3, funded by the genesis
VOTE_TIMEOUT = 60


@dataclass
class Council:
    hosts: hostlib.Hosts
    net: chain.Network
    folder: Path
    founders: list[Session]  # one session per founding council member, through Beijing's node
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
        """The founders pass the proposal; returns the receipt of its execution."""
        proposer, *voters = self.founders
        pid = registry.propose(proposer, kind, payload)
        needed = registry.votes_needed(proposer, kind, proposer.call(
            proposer.contract("EntityRegistry").functions.electorateSize()))
        for voter in voters[: needed - 1]:
            registry.vote(voter, pid)
        return registry.execute(proposer, pid, payload)


def _join(hosts: hostlib.Hosts, folder: Path) -> None:
    """`pilotchain chain join` on every host at once; each must succeed."""
    processes = {}
    for city in hosts.cities:
        address = hosts.address[city]
        processes[city] = hosts.pilotchain(city, "chain", "join", str(folder / "out" / "bundles" / address),
                                           "--passwords", str(folder / "out" / "secrets" / address),
                                           log=folder / f"join-{city}.log")
    for city, process in processes.items():
        assert process.wait(timeout=JOIN_TIMEOUT) == 0, (folder / f"join-{city}.log").read_text()[-600:]


def _deploy_registry(net: chain.Network) -> list[Session]:
    """EntityRegistry with three founders (operator-1..3 their admins), deployed by the deployer
    through Beijing's node; the founders' sessions."""
    w3 = connect(net.node("beijing").rpc_url)
    consortium = load_consortium()
    consortium = dataclasses.replace(consortium, founders=consortium.founders[:FOUNDERS])
    admins = [keystore.load_keystore(*chain.operator_account(net.dir, f"operator-{i}")) for i in range(1, FOUNDERS + 1)]
    deployer = Session(w3, keystore.load_keystore(*chain.operator_account(net.dir)), {})
    artifact = artifacts.load("EntityRegistry")
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    receipt = deployer.transact(factory.constructor(*consortium.constructor_args([a.address for a in admins])))
    return [Session(w3, admin, {"EntityRegistry": receipt["contractAddress"]}) for admin in admins]


def _start_agent(hosts: hostlib.Hosts, city: str, registry_address: str, log: Path) -> subprocess.Popen:
    node = f"http://{hosts.address[city]}:{hostlib.NODE_PORTS['http']}"
    return hosts.pilotchain(city, "chain", "agent", "--network", node, "--registry", registry_address,
                            "--interval", str(PERIOD), log=log)


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    folder = tmp_path_factory.mktemp("council")
    hosts = hostlib.Hosts(CITIES, prefix="pcv", standby=(NEWCOMER,))
    agents: dict[str, subprocess.Popen] = {}
    try:
        hosts.create()
        hosts.start_proxies(folder)
        topology = hosts.write_topology(folder / "topology.yaml", period=PERIOD, chain_id=CHAIN_ID)
        net = chain.init_topology(topology, folder / "out")
        _join(hosts, folder)
        founders = _deploy_registry(net)
        # the newcomer's admin: an account of no entity, which never signs in this test
        newcomer = NewEntity(name="Hangzhou Commercial Bank", kind=EntityKind.Bank, region=330100,
                             code="91330100MA0000006H", admin=Account.create().address)
        registry.admit(founders[0], founders[1:], [newcomer])
        entity_id = registry.find_member(founders[0], newcomer.code).id
        address = founders[0].addresses["EntityRegistry"]
        for city in CITIES:
            agents[city] = _start_agent(hosts, city, address, folder / f"agent-{city}.log")
        for city in CITIES:  # each has looked once: the council names no validator yet
            log = folder / f"agent-{city}.log"
            wait_until(lambda: "the signer set matches" in log.read_text(), what=f"the agent on {city} to start")
        yield Council(hosts, net, folder, founders, entity_id, agents)
    finally:
        for process in agents.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in agents.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        hosts.remove()
        leftover = folder_processes(folder)
        for process in leftover:
            process.kill()
        assert not leftover, f"processes left behind: {[p.pid for p in leftover]}"
        assert not hosts.left_behind(), f"left behind: {hosts.left_behind()}"


def _voted_in(council: Council) -> int:
    """The council adds the newcomer's validator (unless it is in the set already); returns the
    block of the AddValidator execution, or of the check."""
    session = council.founders[0]
    if registry.validator_of(session, council.newcomer.address)[1]:
        return council.w3.eth.block_number
    receipt = council.enact(ActionKind.AddValidator, validator_payload(council.newcomer_entity, council.newcomer.address))
    wait_until(lambda: council.newcomer.address in council.signers(), timeout=VOTE_TIMEOUT,
               what="the agents to vote the newcomer's validator in")
    return receipt["blockNumber"]


def test_council_vote_adds_a_sixth_validator_on_a_new_host_and_it_seals(council):
    assert council.newcomer.address not in council.signers()
    assert len(council.signers()) == 5
    executed_at = _voted_in(council)
    executed = council.w3.eth.get_block(executed_at)
    sealed = wait_until(lambda: next((n for n, s in signers_of(council.w3, executed_at + 1, council.w3.eth.block_number).items()
                                      if s == council.newcomer.address), None),
                        timeout=VOTE_TIMEOUT, what="a block sealed by the newcomer")
    first = council.w3.eth.get_block(sealed)
    print(f"\nAddValidator executed in block {executed_at}; first block sealed by the newcomer: {sealed}, "
          f"{first['timestamp'] - executed['timestamp']} s later")
    assert len(council.signers()) == 6
    for city in CITIES:
        wait_until(lambda: "the signer set matches the council's (6 signers" in council.agent_log(city).read_text(),
                   what=f"the agent on {city} to report the match")


def test_suspending_its_entity_votes_the_validator_out(council):
    _voted_in(council)
    receipt = council.enact(ActionKind.Suspend, status_payload(council.newcomer_entity, "audit"))
    assert not registry.validator_of(council.founders[0], council.newcomer.address)[1]
    started = time.monotonic()
    wait_until(lambda: council.newcomer.address not in council.signers(), timeout=VOTE_TIMEOUT,
               what="the agents to vote the suspended entity's validator out")
    removed_at = council.w3.eth.block_number
    print(f"\nSuspend executed in block {receipt['blockNumber']}; validator out by block {removed_at} "
          f"({time.monotonic() - started:.1f} s)")
    wait_until(lambda: council.w3.eth.block_number >= removed_at + 6, what="six more blocks")
    later = signers_of(council.w3, removed_at + 1, removed_at + 6).values()
    assert council.newcomer.address not in later
    assert len(council.signers()) == 5


def test_agent_stops_cleanly_on_sigterm(council):
    log = council.folder / "agent-extra.log"
    agent = _start_agent(council.hosts, "beijing", council.founders[0].addresses["EntityRegistry"], log)
    wait_until(lambda: log.exists() and "the signer set matches" in log.read_text(), what="the extra agent to look once")
    agent.send_signal(signal.SIGTERM)
    assert agent.wait(timeout=10) == 0, log.read_text()[-400:]

"""The validator agent: its plan (which Clique votes follow the council's validator set), and
how it reports a node it cannot use. Its votes on real Clique signers are tested in
tests/integration/test_council_validators.py."""

import threading
import time

from pilotchain import endpoints
from pilotchain.chain.agent import Agent, plan, registry_session

A, B, C, D = (f"0x{'0' * 39}{n}" for n in range(1, 5))


def never_named(address: str) -> bool:
    return False


def test_council_validator_outside_the_signers_is_voted_in():
    found = plan(10, [A, B], {A: 1, B: 2, C: 3}, never_named)
    assert found.add == [C] and found.remove == [] and found.wanted == {C: True}


def test_named_signer_out_of_the_council_set_is_voted_out():
    found = plan(10, [A, B, C], {A: 1, B: 2}, lambda a: a == C)
    assert found.remove == [C] and found.wanted == {C: False}


def test_signer_the_council_never_named_is_left_alone():
    found = plan(10, [A, B, D], {A: 1, B: 2}, never_named)
    assert found.remove == [] and found.unnamed == [D] and found.matches


def test_empty_registry_votes_nobody_out():
    found = plan(10, [A, B, C], {}, never_named)
    assert found.wanted == {} and found.matches


def test_removal_that_would_leave_no_signer_is_held_back():
    found = plan(10, [A, B], {C: 3}, lambda a: True)
    assert found.remove == [] and found.held == [A, B] and found.add == [C]
    assert not found.matches


def test_signer_set_equal_to_the_council_matches():
    found = plan(10, [B, A], {A: 1, B: 2}, lambda a: True)
    assert found.matches and found.wanted == {}


def test_node_without_the_clique_api_is_reported_once_and_the_agent_stops_on_request(network, deployed):
    w3, _ = endpoints.connect(network)  # anvil: no clique_* methods
    lines: list[str] = []
    stop = threading.Event()
    follower = Agent(w3, registry_session(w3, deployed.deployment.addresses["EntityRegistry"]), lines.append)
    runner = threading.Thread(target=follower.run, args=(0.05, stop))
    runner.start()
    time.sleep(0.5)  # several rounds
    stop.set()
    runner.join(timeout=5)
    assert not runner.is_alive()
    assert len(lines) == 1
    assert lines[0].startswith("cannot follow the council this round: the node refused clique_getSigners")

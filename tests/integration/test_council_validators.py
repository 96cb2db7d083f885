"""Validators governed by the council, across hosts: five validators on five member hosts and a
sixth host whose validator is outside the genesis (a topology's `standby`), a
`pilotchain chain agent` beside every validator (built by `pilotchain.bench.council`, which
`make bench-council` measures). A council vote in EntityRegistry adds the sixth validator and it
starts sealing; suspending its entity votes it out again.

The hosts are network namespaces as in test_multihost.py, with names of their own (prefix `pcv`).
"""

from __future__ import annotations

import signal

import pytest

from pilotchain import registry
from pilotchain.bench import council as councillib
from pilotchain.chain import hosts as hostlib
from pilotchain.registry import ActionKind, status_payload, validator_payload
from tests.integration.helpers import folder_processes, signers_of, wait_until

problem = hostlib.root_problem()
pytestmark = pytest.mark.skipif(problem is not None, reason=problem or "")

AFTER_REMOVAL_BLOCKS = 6  # one more than the five remaining signers: each has had its turn


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    folder = tmp_path_factory.mktemp("council")
    built = councillib.build(folder)
    try:
        yield built
    finally:
        councillib.remove(built)
        leftover = folder_processes(folder)
        for process in leftover:
            process.kill()
        assert not leftover, f"processes left behind: {[p.pid for p in leftover]}"
        assert not built.hosts.left_behind(), f"left behind: {built.hosts.left_behind()}"


def _voted_in(council: councillib.Council) -> int:
    """The council adds the newcomer's validator unless it is in the set already; the block
    from which to look for its seals."""
    if not registry.validator_of(council.founders[0], council.newcomer.address)[1]:
        council.enact(ActionKind.AddValidator, validator_payload(council.newcomer_entity, council.newcomer.address))
    return councillib.wait_for_signer(council, present=True)


def test_council_vote_adds_a_sixth_validator_on_a_new_host_and_it_seals(council):
    assert set(council.signers()) == {n.address for n in council.net.genesis_signers}
    assert council.newcomer.address not in council.signers()

    added_at = _voted_in(council)

    assert len(council.signers()) == 6
    councillib.first_sealed(council, added_at - 1)
    for city in councillib.CITIES:
        wait_until(lambda: "the signer set matches the council's (6 signers" in council.agent_log(city).read_text(),
                   what=f"the agent on {city} to report the match")


def test_suspending_its_entity_votes_the_validator_out(council):
    _voted_in(council)
    council.enact(ActionKind.Suspend, status_payload(council.newcomer_entity, "audit"))
    assert not registry.validator_of(council.founders[0], council.newcomer.address)[1]

    removed_at = councillib.wait_for_signer(council, present=False)

    wait_until(lambda: council.w3.eth.block_number >= removed_at + AFTER_REMOVAL_BLOCKS,
               what=f"{AFTER_REMOVAL_BLOCKS} more blocks")
    later = signers_of(council.w3, removed_at + 1, removed_at + AFTER_REMOVAL_BLOCKS).values()
    assert council.newcomer.address not in later
    assert len(council.signers()) == 5


def test_agent_stops_cleanly_on_sigterm(council):
    # the newcomer's agent: the others outvote it either way (3 of 5 signers add, 4 of 6 remove)
    agent = council.agents[councillib.NEWCOMER]
    agent.send_signal(signal.SIGTERM)
    assert agent.wait(timeout=10) == 0
    summary = council.agent_log(councillib.NEWCOMER).read_text().splitlines()[-3:]
    assert any(line.startswith("stopped") for line in summary), summary

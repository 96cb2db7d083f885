"""Suspended council members and the electorate: no sequence of suspensions locks the council.

A suspended member keeps its seat (`councilSize`) but leaves the electorate of proposals
opened after its suspension (`electorateSize`); open proposals keep the electorate they were
opened with. Founders are entities 1-5; `council[i]` is the admin of entity i + 1.
"""

import brownie
import pytest

from pilotchain.registry import (
    ActionKind,
    EntityStatus,
    Vote,
    VotingRule,
    council_payload,
    rule_payload,
    status_payload,
)
from tests.fixtures.registry_extra import cast, emitted, err, open_proposal


def suspend_founders(registry, council, entity_ids):
    """Suspend founders one by one with the votes of founders 1-3 (each time a majority)."""
    for entity_id in entity_ids:
        payload = status_payload(entity_id, "lock-out")
        pid = open_proposal(registry, council[0], ActionKind.Suspend, payload)
        cast(registry, pid, council[1:3])
        registry.execute(pid, payload, {"from": council[0]})


def test_suspended_council_member_keeps_its_seat_but_leaves_the_electorate(registry, council):
    suspend_founders(registry, council, [5])
    assert (registry.councilSize(), registry.electorateSize()) == (5, 4)
    assert registry.entity(5)["council"]
    pid = open_proposal(registry, council[0], ActionKind.Revoke, status_payload(5, "x"))
    assert registry.proposal(pid)["proposal"]["electorate"] == 4
    assert not registry.hasVoted(pid, 5)


@pytest.mark.parametrize("kind,payload,event", [
    (ActionKind.Revoke, status_payload(5, "repair"), "EntityStatusChanged"),
    (ActionKind.RemoveCouncil, council_payload(5), "CouncilLeft"),
    (ActionKind.Reinstate, status_payload(5, "repair"), "EntityStatusChanged"),
    (ActionKind.AddCouncil, council_payload(6), "CouncilJoined"),
    (ActionKind.SetRule, rule_payload(ActionKind.Revoke, VotingRule(5001, 5001)), "RuleChanged"),
], ids=lambda v: getattr(v, "name", None))
def test_two_suspended_founders_of_five_do_not_lock_the_council(registry, council, kind, payload, event):
    """The issue's scenario: with 5 founders, 2 suspended, the 3 active ones still reach every
    two-thirds rule (2 of 3). Before the fix the electorate stayed 5, and 3 votes never reach 4."""
    suspend_founders(registry, council, [4, 5])
    assert registry.electorateSize() == 3
    pid = open_proposal(registry, council[0], kind, payload)
    registry.vote(pid, Vote.Yes, {"from": council[1]})
    view = registry.proposal(pid)
    assert (view["proposal"]["electorate"], view["proposal"]["yes"], view["passed"]) == (3, 2, True)
    tx = registry.execute(pid, payload, {"from": council[2]})
    assert event in tx.events
    assert "ProposalExecuted" in tx.events


def test_suspension_does_not_shrink_the_electorate_of_an_open_proposal(registry, council):
    revoke = status_payload(6, "pending")
    pending = open_proposal(registry, council[0], ActionKind.Revoke, revoke)
    suspend_founders(registry, council, [5])
    assert registry.proposal(pending)["proposal"]["electorate"] == 5
    with brownie.reverts(revert_pattern=err("RegistryEntityNotActive", 5, EntityStatus.Suspended)):
        registry.vote(pending, Vote.Yes, {"from": council[4]})


def test_reinstated_council_member_rejoins_the_electorate(registry, council):
    suspend_founders(registry, council, [5])
    reinstate = status_payload(5, "cleared")
    pid = open_proposal(registry, council[0], ActionKind.Reinstate, reinstate)
    cast(registry, pid, council[1:3])
    registry.execute(pid, reinstate, {"from": council[0]})
    assert (registry.councilSize(), registry.electorateSize()) == (5, 5)
    later = open_proposal(registry, council[0], ActionKind.Suspend, status_payload(6, "x"))
    assert registry.proposal(later)["proposal"]["electorate"] == 5
    assert emitted(registry.vote(later, Vote.No, {"from": council[4]}), "Voted")["entityId"] == 5


def test_reinstated_member_cannot_vote_on_a_proposal_opened_while_it_was_suspended(registry, council):
    suspend_founders(registry, council, [5])
    opened_meanwhile = open_proposal(registry, council[0], ActionKind.Suspend, status_payload(6, "x"))
    reinstate = status_payload(5, "cleared")
    pid = open_proposal(registry, council[0], ActionKind.Reinstate, reinstate)
    cast(registry, pid, council[1:3])
    registry.execute(pid, reinstate, {"from": council[0]})
    assert registry.proposal(opened_meanwhile)["proposal"]["electorate"] == 4
    with brownie.reverts(revert_pattern=err("RegistryNotInVotingSet", opened_meanwhile, 5)):
        registry.vote(opened_meanwhile, Vote.Yes, {"from": council[4]})


def test_reinstated_member_votes_on_its_older_proposals_when_none_opened_meanwhile(registry, council):
    """Suspension and reinstatement proposals opened first, executed back to back: the term
    continues, so the member votes on a proposal opened before its suspension."""
    older = open_proposal(registry, council[0], ActionKind.Suspend, status_payload(6, "x"))
    suspend, reinstate = status_payload(5, "audit"), status_payload(5, "cleared")
    s = open_proposal(registry, council[0], ActionKind.Suspend, suspend)
    r = open_proposal(registry, council[0], ActionKind.Reinstate, reinstate)
    cast(registry, s, council[1:3])
    cast(registry, r, council[1:3])
    registry.execute(s, suspend, {"from": council[0]})
    registry.execute(r, reinstate, {"from": council[0]})
    assert emitted(registry.vote(older, Vote.Yes, {"from": council[4]}), "Voted")["entityId"] == 5


def test_removing_a_suspended_member_frees_its_seat_only(registry, council):
    suspend_founders(registry, council, [5])
    payload = council_payload(5)
    pid = open_proposal(registry, council[0], ActionKind.RemoveCouncil, payload)
    cast(registry, pid, council[1:3])
    assert emitted(registry.execute(pid, payload, {"from": council[0]}), "CouncilLeft") == {"entityId": 5}
    assert (registry.councilSize(), registry.electorateSize()) == (4, 4)
    reinstate = status_payload(5, "cleared")
    pid = open_proposal(registry, council[0], ActionKind.Reinstate, reinstate)
    cast(registry, pid, council[1:3])
    registry.execute(pid, reinstate, {"from": council[0]})
    assert (registry.councilSize(), registry.electorateSize()) == (4, 4)
    assert not registry.entity(5)["council"]


def test_revoking_a_suspended_member_keeps_the_electorate(registry, council):
    suspend_founders(registry, council, [5])
    revoke = status_payload(5, "final")
    pid = open_proposal(registry, council[0], ActionKind.Revoke, revoke)
    cast(registry, pid, council[1:3])
    tx = registry.execute(pid, revoke, {"from": council[0]})
    assert emitted(tx, "CouncilLeft") == {"entityId": 5}
    assert (registry.councilSize(), registry.electorateSize()) == (4, 4)


def test_last_active_council_member_cannot_be_suspended(registry, council):
    """Suspending down to one active founder works; suspending that one is refused."""
    suspend_founders(registry, council, [5, 4])
    for entity_id in (3, 2):  # founders 1 and 2 now form the majority (2 of 3, then 1 of 2)
        payload = status_payload(entity_id, "lock-out")
        pid = open_proposal(registry, council[0], ActionKind.Suspend, payload)
        if not registry.proposal(pid)["passed"]:
            registry.vote(pid, Vote.Yes, {"from": council[1]})
        registry.execute(pid, payload, {"from": council[0]})
    assert registry.electorateSize() == 1
    payload = status_payload(1, "the last one")
    pid = open_proposal(registry, council[0], ActionKind.Suspend, payload)
    with brownie.reverts(revert_pattern=err("RegistryCouncilTooSmall", 1)):
        registry.execute(pid, payload, {"from": council[0]})
    reinstate = status_payload(2, "back")
    pid = open_proposal(registry, council[0], ActionKind.Reinstate, reinstate)
    assert emitted(registry.execute(pid, reinstate), "EntityStatusChanged")["status"] == EntityStatus.Active
    assert registry.electorateSize() == 2

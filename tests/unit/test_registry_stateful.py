"""Membership and governance against a plain-Python model (hypothesis state machine).

Rules: propose (admit / suspend / reinstate / revoke), vote, execute, cancel, a whole decision
on a council member in one step, add and remove accounts. Each rule predicts the outcome
from the model: it either succeeds and updates the model, or asserts the named error.
Invariants compare every entity, the council, the open proposals with their tallies, and the
memberships of every account the rules touch; and check that no sequence of suspensions locks
the council: a proposal of every action kind opened now can pass with the votes of the council
members that are active. The end of each example compares every entity's bit in the registry's
active-entity bitmap.

The model of the electorate, in words: a proposal's voting set is the council members that
are active when it is opened. A suspended member stays in the voting sets it was in; once
reinstated it votes there again only if no proposal was opened while it was suspended.
"""

import brownie
from brownie.test import strategy
from hypothesis import strategies as st

from pilotchain.registry import (
    AccountRole,
    ActionKind,
    EntityStatus,
    ProposalStatus,
    Vote,
    admit_payload,
    status_payload,
)
from tests.fixtures.fuzzing import fuzz_settings
from tests.fixtures.registry_extra import address_for, err, new_entity

STATUS_KINDS = {
    ActionKind.Suspend: ({EntityStatus.Active}, EntityStatus.Suspended),
    ActionKind.Reinstate: ({EntityStatus.Suspended}, EntityStatus.Active),
    ActionKind.Revoke: ({EntityStatus.Active, EntityStatus.Suspended}, EntityStatus.Revoked),
}
POOL = [address_for(f"stateful pool {i}") for i in range(5)]


class Governance:
    st_kind = st.sampled_from([ActionKind.Admit, *STATUS_KINDS])
    st_target = strategy("uint32", min_value=1, max_value=17)  # 16 and 17 exist once admitted
    st_founder = strategy("uint32", min_value=1, max_value=5)
    st_status_kind = st.sampled_from(list(STATUS_KINDS))
    st_voter = strategy("uint8", max_value=5)  # founders 1-5, and the hospital (not council)
    st_member = strategy("uint8", max_value=9)  # the admins of entities 6-15
    st_pick = strategy("uint8")
    st_support = st.sampled_from(list(Vote))
    st_account = st.sampled_from(POOL)
    st_role = st.sampled_from([AccountRole.Operator, AccountRole.Admin])

    def __init__(self, registry, voter_accounts, member_admins, rules):
        self.registry = registry
        self.voter_accounts = voter_accounts  # index -> (account, entity id)
        self.member_admins = member_admins
        self.voting_rules = rules

    def setup(self):
        self.status = {i: EntityStatus.Active for i in range(1, 16)}
        self.council = set(range(1, 6))
        self.admins = {i: 1 for i in range(1, 16)}
        self.accounts = {}  # account -> (entity id, role), for POOL and admitted admins
        self.proposals = {}  # pid -> dict
        self.proposal_count = self.registry.proposalCount()
        self.suspended_at = {}  # council member -> proposal count when it was suspended

    # ------------------------------------------------------------ helpers

    def _check_admin(self, entity_id):
        """The error `_requireActiveAdmin` owes an admin of `entity_id`, if any."""
        if self.status[entity_id] != EntityStatus.Active:
            return ("RegistryEntityNotActive", entity_id, self.status[entity_id])
        return None

    def _electorate(self):
        """The council members that can vote on a proposal opened now."""
        return {i for i in self.council if self.status[i] == EntityStatus.Active}

    def _pick(self, pick):
        return sorted(self.proposals)[pick % len(self.proposals)] if self.proposals else None

    def _passed(self, p):
        rule = self.voting_rules[p["kind"]]
        cast = p["yes"] + p["no"] + p["abstain"]
        return (
            p["yes"] * 10_000 >= rule.threshold_bps * p["electorate"]
            and cast * 10_000 >= rule.quorum_bps * p["electorate"]
        )

    def _expect(self, error, send):
        if error is None:
            return send()
        with brownie.reverts(revert_pattern=err(*error)):
            send()
        return None

    # ------------------------------------------------------------ governance

    def rule_propose(self, kind="st_kind", entity="st_target", voter="st_voter"):
        self._propose(kind, entity, voter)

    def _propose(self, kind, entity, voter):
        account, proposer = self.voter_accounts[voter]
        if kind == ActionKind.Admit:
            payload = admit_payload([new_entity(address_for(f"stateful admin {self.proposal_count}"))])
        else:
            payload = status_payload(entity, "stateful")
        error = self._check_admin(proposer)
        if error is None and proposer not in self.council:
            error = ("RegistryNotCouncil", proposer)
        tx = self._expect(error, lambda: self.registry.propose(kind, payload, {"from": account}))
        if tx is not None:
            self.proposal_count += 1
            assert tx.events["ProposalCreated"]["proposalId"] == self.proposal_count
            self.proposals[self.proposal_count] = dict(
                kind=kind, payload=payload, target=entity, status=ProposalStatus.Open, yes=1, no=0,
                abstain=0, electorate=len(self._electorate()), voting_set=self._electorate(), voted={proposer},
                proposer=proposer,
            )

    def rule_decide_on_founder(self, kind="st_status_kind", founder="st_founder"):
        """A whole decision on a council member in one step (suspend, reinstate or revoke it):
        the first active founder proposes, the other active founders vote yes until the model
        says it passed, and it is executed. Random single steps rarely get that far."""
        electorate = sorted(self._electorate())
        self._propose(kind, founder, electorate[0] - 1)
        pid = self.proposal_count
        for entity_id in electorate[1:]:
            if self._passed(self.proposals[pid]):
                break
            self._vote(pid, entity_id - 1, Vote.Yes)
        self._execute(pid)

    def rule_vote(self, pick="st_pick", voter="st_voter", support="st_support"):
        pid = self._pick(pick)
        if pid is None:
            return
        self._vote(pid, voter, support)

    def _vote(self, pid, voter, support):
        p = self.proposals[pid]
        account, entity_id = self.voter_accounts[voter]
        error = self._check_admin(entity_id)
        if error is None and p["status"] != ProposalStatus.Open:
            error = ("RegistryProposalNotOpen", pid, p["status"])
        if error is None and entity_id not in p["voting_set"]:
            error = ("RegistryNotInVotingSet", pid, entity_id)
        if error is None and entity_id in p["voted"]:
            error = ("RegistryAlreadyVoted", pid, entity_id)
        tx = self._expect(error, lambda: self.registry.vote(pid, support, {"from": account}))
        if tx is not None:
            assert tx.events["Voted"]["entityId"] == entity_id
            p["voted"].add(entity_id)
            p[{Vote.Yes: "yes", Vote.No: "no", Vote.Abstain: "abstain"}[support]] += 1

    def rule_cancel(self, pick="st_pick", voter="st_voter"):
        pid = self._pick(pick)
        if pid is None:
            return
        p = self.proposals[pid]
        account, entity_id = self.voter_accounts[voter]
        error = self._check_admin(entity_id)
        if error is None and p["status"] != ProposalStatus.Open:
            error = ("RegistryProposalNotOpen", pid, p["status"])
        if error is None and entity_id != p["proposer"]:
            error = ("RegistryNotProposer", pid, entity_id)
        if self._expect(error, lambda: self.registry.cancel(pid, {"from": account})) is not None:
            p["status"] = ProposalStatus.Cancelled

    def rule_execute(self, pick="st_pick"):
        pid = self._pick(pick)
        if pid is None:
            return
        self._execute(pid)

    def _execute(self, pid):
        p = self.proposals[pid]
        error = None
        if p["status"] != ProposalStatus.Open:
            error = ("RegistryProposalNotOpen", pid, p["status"])
        elif not self._passed(p):
            error = ("RegistryProposalNotPassed", pid, p["yes"], p["electorate"])
        elif p["kind"] in STATUS_KINDS:
            error = self._transition_error(p["kind"], p["target"])
        tx = self._expect(error, lambda: self.registry.execute(pid, p["payload"]))
        if tx is None:
            return
        p["status"] = ProposalStatus.Executed
        if p["kind"] == ActionKind.Admit:
            new_id = len(self.status) + 1
            (admitted,) = tx.events["EntityAdmitted"]
            assert admitted["entityId"] == new_id
            self.status[new_id] = EntityStatus.Active
            self.admins[new_id] = 1
            self.accounts[admitted["admin"]] = (new_id, AccountRole.Admin)
        else:
            self._change_status(p["kind"], p["target"])

    def _change_status(self, kind, target):
        self.status[target] = STATUS_KINDS[kind][1]
        if target not in self.council:
            return
        if kind == ActionKind.Suspend:
            self.suspended_at[target] = self.proposal_count
        elif kind == ActionKind.Reinstate:
            paused_at = self.suspended_at.pop(target)
            if self.proposal_count != paused_at:  # a new term: the paused one's proposals are lost
                for pid, p in self.proposals.items():
                    if pid <= paused_at:
                        p["voting_set"].discard(target)
        elif kind == ActionKind.Revoke:
            self.council.discard(target)
            self.suspended_at.pop(target, None)

    def _transition_error(self, kind, target):
        current = self.status.get(target, EntityStatus.None_)
        allowed, to = STATUS_KINDS[kind]
        if current == EntityStatus.None_ and kind != ActionKind.Revoke:
            return ("RegistryUnknownEntity", target)
        if current not in allowed:
            return ("RegistryInvalidTransition", target, current, to)
        leaves_electorate = kind in (ActionKind.Suspend, ActionKind.Revoke) and current == EntityStatus.Active
        if target in self.council and leaves_electorate and len(self._electorate()) == 1:
            return ("RegistryCouncilTooSmall", 1)
        return None

    # ------------------------------------------------------------ accounts

    def rule_add_account(self, member="st_member", account="st_account", role="st_role"):
        admin, entity_id = self.member_admins[member], 6 + member
        error = self._check_admin(entity_id)
        if error is None and account in self.accounts:
            error = ("RegistryAccountTaken", account, self.accounts[account][0])
        if self._expect(error, lambda: self.registry.addAccount(account, role, {"from": admin})) is not None:
            self.accounts[account] = (entity_id, role)
            self.admins[entity_id] += role == AccountRole.Admin

    def rule_remove_account(self, member="st_member", account="st_account"):
        admin, entity_id = self.member_admins[member], 6 + member
        error = self._check_admin(entity_id)
        holder, role = self.accounts.get(account, (0, AccountRole.None_))
        if error is None and holder != entity_id:
            error = ("RegistryUnknownAccount", account)
        if error is None and role == AccountRole.Admin and self.admins[entity_id] == 1:
            error = ("RegistryLastAdmin", entity_id, account)
        if self._expect(error, lambda: self.registry.removeAccount(account, {"from": admin})) is not None:
            del self.accounts[account]
            self.admins[entity_id] -= role == AccountRole.Admin

    # ------------------------------------------------------------ invariants

    def invariant_entities(self):
        page, cursor = self.registry.listEntities((False, 0, False, 0, False, 0), 1, 32)
        assert cursor == 0
        chain_view = {v["id"]: (v["entity"]["status"], v["entity"]["council"], v["entity"]["admins"]) for v in page}
        model = {i: (s, i in self.council, self.admins[i]) for i, s in self.status.items()}
        assert chain_view == model
        assert self.registry.councilSize() == len(self.council)
        assert self.registry.electorateSize() == len(self._electorate())

    def invariant_every_rule_reachable(self):
        """Read from the chain alone: the active council members are enough to pass a proposal
        of every kind opened now (the electorate is them, and never empty)."""
        page, _ = self.registry.listEntities((False, 0, True, EntityStatus.Active, False, 0), 1, 32)
        active_council = sum(1 for v in page if v["entity"]["council"])
        electorate = self.registry.electorateSize()
        assert electorate == active_council >= 1
        for kind in ActionKind:
            threshold, quorum = self.registry.votingRule(kind)
            needed = max(-(-threshold * electorate // 10_000), -(-quorum * electorate // 10_000), 1)
            assert needed <= active_council

    def invariant_open_proposals(self):
        page, _ = self.registry.listOpenProposals(1, 64)
        chain_view = {
            v["id"]: (v["proposal"]["electorate"], v["proposal"]["yes"], v["proposal"]["no"], v["proposal"]["abstain"], v["passed"])
            for v in page
        }
        model = {
            pid: (p["electorate"], p["yes"], p["no"], p["abstain"], self._passed(p))
            for pid, p in self.proposals.items()
            if p["status"] == ProposalStatus.Open
        }
        assert chain_view == model
        assert self.registry.proposalCount() == self.proposal_count

    def teardown(self):
        """At the end of each example: `memberOfAndActive` reads a bitmap that the registry writes
        beside the statuses; it must agree with the model for every id, and for the next unknown
        one. (Once per example: after every step it would add a call per entity to each step.)"""
        asker, asker_id = next((a, i) for a, i in self.voter_accounts if self.status[i] == EntityStatus.Active)
        for i in range(0, max(self.status) + 2):
            active = self.status.get(i) == EntityStatus.Active
            assert tuple(self.registry.memberOfAndActive(asker, i)) == (asker_id, active)

    def invariant_memberships(self):
        """memberOf of every account the rules add, remove or admit (active entities only)."""
        for account in POOL + [a for a in self.accounts if a not in POOL]:
            entity_id, role = self.accounts.get(account, (0, AccountRole.None_))
            if entity_id == 0 or self.status[entity_id] != EntityStatus.Active:
                entity_id, role = 0, AccountRole.None_
            assert tuple(self.registry.memberOf(account))[:2] == (entity_id, role)
            assert self.registry.memberOfAndActive(account, 1)[0] == entity_id

def test_membership_and_governance(state_machine_runner, registry, council, hospital_admin, members, accounts, consortium):
    voter_accounts = [(account, i + 1) for i, account in enumerate(council)] + [(hospital_admin, 6)]
    member_admins = [accounts.at(m.admin) for m in members]
    # 10 examples of up to 20 steps (brownie-config says 30): every rejected step is a traced
    # transaction; 10 take ~10 s on anvil and ~15 s on ganache, 30 took ~160 s on anvil here.
    state_machine_runner(
        Governance, registry, voter_accounts, member_admins, consortium.rules, settings=fuzz_settings(max_examples=10)
    )

"""Onboarding the roster: accounts for every entity, admission by council proposals and votes.

Each batch of entities is one admission proposal, committed by hash to a JSON document
published beside the journal (the council reads it, the chain checks it at execution). A batch
holds at most `batch_size` entities (a document the council can read) and never more than the
node's block gas limit lets one `execute` admit (`registry.admission_batches`). All
steps go through journals, so an interrupted onboarding resumes where it stopped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pilotchain.pilot.crew import Crew
from pilotchain.pilot.roster import RosterEntry
from pilotchain.registry import (
    AccountRole,
    ActionKind,
    Vote,
    admission_batches,
    admit_payload,
    block_gas_limit,
    payload_hash,
    proposal_id,
    votes_needed,
)

ENTITY_FUNDS = 1 * 10**18


@dataclass
class OnboardingResult:
    admitted: int
    proposals: list[int]
    operators: int


def onboard(crew: Crew, roster: list[RosterEntry], council: list[str], *, funder: str = "deployer",
            batch_size: int | None = 41, progress=None) -> OnboardingResult:
    admins = crew.store.ensure([e.account for e in roster])
    operators = crew.store.ensure([f"{e.account}-op" for e in roster])
    _fund(crew, funder, admins, progress)

    records = [entry.admission(admin) for entry, admin in zip(roster, admins)]
    cuts = admission_batches(records, block_gas_limit(crew.session(council[0])), batch_size)
    starts = [sum(len(cut) for cut in cuts[:i]) for i in range(len(cuts))]
    batches = [roster[start : start + len(cut)] for start, cut in zip(starts, cuts)]
    payloads = [admit_payload(cut) for cut in cuts]
    uris = [_publish(crew, number, batch, payload) for number, (batch, payload) in enumerate(zip(batches, payloads), 1)]

    registry = crew.session(council[0]).contract("EntityRegistry")
    receipts = crew.journal(council[0]).run(
        [(f"admission-{n}:propose", lambda s, p=p, u=u: registry.functions.proposeByHash(ActionKind.Admit, payload_hash(p), u))
         for n, (p, u) in enumerate(zip(payloads, uris), 1)],
        progress=progress,
    )
    proposals = [proposal_id(crew.session(council[0]), r) for r in receipts]

    electorate = crew.session(council[0]).call(registry.functions.electorateSize())
    voters = council[1 : votes_needed(crew.session(council[0]), ActionKind.Admit, electorate)]
    crew.in_parallel({
        voter: lambda journal: journal.run(
            [(f"admission-{n}:vote", lambda s, pid=pid: registry.functions.vote(pid, Vote.Yes)) for n, pid in enumerate(proposals, 1)],
            progress=progress,
        )
        for voter in voters
    })
    crew.journal(funder).run(
        [(f"admission-{n}:execute", lambda s, pid=pid, p=p: registry.functions.execute(pid, p))
         for n, (pid, p) in enumerate(zip(proposals, payloads), 1)],
        progress=progress,
    )
    _add_operators(crew, roster, operators, progress)
    return OnboardingResult(len(roster), proposals, len(operators))


def _fund(crew: Crew, funder: str, addresses: list[str], progress) -> None:
    balance = crew.w3.eth.get_balance
    crew.journal(funder).run(
        [(f"fund:{a}", lambda s, a=a: {"to": a, "value": ENTITY_FUNDS}) for a in addresses if balance(a) < ENTITY_FUNDS // 2],
        gas=21_000,
        progress=progress,
    )


def _add_operators(crew: Crew, roster: list[RosterEntry], operators: list[str], progress) -> None:
    """Each entity's admin adds the entity's operator account (one transaction per entity,
    all entities at once)."""
    registry = crew.session(roster[0].account).contract("EntityRegistry")
    crew.in_parallel({
        entry.account: lambda journal, op=op: journal.run(
            [("operator", lambda s: registry.functions.addAccount(op, AccountRole.Operator))], progress=progress
        )
        for entry, op in zip(roster, operators)
    })


def _publish(crew: Crew, number: int, batch: list[RosterEntry], payload: bytes) -> str:
    """Write the admission document the council votes on; returns its URI."""
    path = crew.journal_dir / f"admission-{number}.json"
    document = {
        "action": "Admit",
        "payloadHash": "0x" + payload_hash(payload).hex(),
        "payload": "0x" + payload.hex(),
        "entities": [{"code": e.code, "name": e.name, "kind": e.kind.name, "city": e.city} for e in batch],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1))
    return f"pilot://admissions/{number}/{document['payloadHash']}"

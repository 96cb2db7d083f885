"""EntityRegistry gas: accounts, votes, a suspension and a reinstatement, admissions (one by
vote, and 164 in one batch)."""

from __future__ import annotations

from pilotchain.bench.gas import Consortium, GasRow
from pilotchain.registry import AccountRole, ActionKind, EntityKind, NewEntity, Vote, admit_payload, status_payload

SECTION = "EntityRegistry"


def _entity(index: int, admin) -> NewEntity:
    return NewEntity(
        name=f"Pilot Entity {index:03d} of Guangzhou",
        kind=EntityKind(index % len(EntityKind)),
        region=440100,
        code=f"91440100MA{index:08d}",
        admin=str(admin),
        dossier_hash=bytes(31) + bytes([index % 256]),
        dossier_uri=f"pilot://dossiers/91440100MA{index:08d}",
    )


def measure(project, c: Consortium) -> list[GasRow]:
    from brownie import accounts

    registry, council, hospital = c.registry, c.council, c.admins["hospital"]
    rows = []
    fresh = [accounts.add() for _ in range(3)]

    tx = registry.addAccount(fresh[0], AccountRole.Operator, {"from": hospital})
    rows.append(GasRow(SECTION, "addAccount (operator)", tx.gas_used, 55_000))
    tx = registry.addAccount(fresh[1], AccountRole.Admin, {"from": hospital})
    rows.append(GasRow(SECTION, "addAccount (admin)", tx.gas_used, 55_000))
    tx = registry.rotateAccount(fresh[0], fresh[2], {"from": hospital})
    rows.append(GasRow(SECTION, "rotateAccount", tx.gas_used))
    tx = registry.removeAccount(fresh[2], {"from": hospital})
    rows.append(GasRow(SECTION, "removeAccount", tx.gas_used))

    payload = status_payload(c.entity_ids["bank"], "audit")
    propose = registry.propose(ActionKind.Suspend, payload, {"from": council[0]})
    pid = propose.return_value
    rows.append(GasRow(SECTION, "propose (suspend; proposer votes yes)", propose.gas_used))
    vote = registry.vote(pid, Vote.Yes, {"from": council[1]})
    rows.append(GasRow(SECTION, "vote", vote.gas_used, 60_000))
    registry.vote(pid, Vote.Yes, {"from": council[2]})
    execute = registry.execute(pid, payload, {"from": council[0]})
    rows.append(GasRow(SECTION, "execute (suspend)", execute.gas_used, note=(
        "43,691 before issue 9, 43,911 before the active-entity bitmap (issue 9's gas follow-up): +5,169 "
        "(+12 %) to clear the entity's bit, a second cold slot (2,100 + 2,900); every suspension, "
        "reinstatement and revocation (a revocation is the same write, not measured) pays it so that `canAccess` and every "
        "access receipt read one slot fewer")))
    reinstate = c.pass_proposal(ActionKind.Reinstate, status_payload(c.entity_ids["bank"], "audit closed"))[-1]
    rows.append(GasRow(SECTION, "execute (reinstate)", reinstate.gas_used,
                       note="43,948 before the active-entity bitmap; sets the entity's bit again (a second cold slot, "
                            "as a suspension)"))

    single = admit_payload([_entity(1, accounts.add())])
    txs = c.pass_proposal(ActionKind.Admit, single)
    rows.append(GasRow(SECTION, f"admit one entity end to end ({len(txs) - 2} votes, 5-member council)",
                       sum(t.gas_used for t in txs), 300_000,
                       "propose " + " + ".join(f"{t.gas_used:,}" for t in txs)
                       + "; 277,769 before the active-entity bitmap, whose word the execution now writes (+2.1 %)"))

    batch = admit_payload([_entity(100 + i, accounts.add()) for i in range(164)])
    txs = c.pass_proposal(ActionKind.Admit, batch, uri="pilot://proposals/admission-batch-1.json")
    total = sum(t.gas_used for t in txs)
    rows.append(GasRow(SECTION, "admit 164 entities in one proposal, per entity", total // 164, 80_000,
                       f"total {total:,} = propose {txs[0].gas_used:,} + votes + execute {txs[-1].gas_used:,}; "
                       "79,647 before the active-entity bitmap (one write of its word per batch)"))
    return rows

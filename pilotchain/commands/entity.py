"""`pilotchain entity …`: consortium membership and council governance."""

from __future__ import annotations

from pathlib import Path

from pilotchain import registry
from pilotchain.cli import arg, command, confirm, index_url
from pilotchain.endpoints import open_session
from pilotchain.errors import ConfigError
from pilotchain.registry import AccountRole, ActionKind, EntityKind, EntityStatus, Vote
from pilotchain.resolve import address

SESSION = ("network", "account", "json")
READS = ("network", "account", "index", "json")  # commands that only read: served from an index when given
ENTITY = arg("entity", help="entity id or registration code")
STATUS_ACTIONS = {"suspend": ActionKind.Suspend, "reinstate": ActionKind.Reinstate, "revoke": ActionKind.Revoke}
ENTITY_ACTIONS = {**STATUS_ACTIONS, "add-council": ActionKind.AddCouncil, "remove-council": ActionKind.RemoveCouncil}
VALIDATOR_ACTIONS = {"add-validator": ActionKind.AddValidator, "remove-validator": ActionKind.RemoveValidator}


def _member_rows(members):
    return [
        {"id": m.id, "name": m.name, "kind": m.kind.name, "region": m.region, "status": m.status.name,
         "council": "yes" if m.council else "", "code": m.code}
        for m in members
    ]


@command(
    "entity list", "member entities, filtered by kind, status or region",
    arg("--kind", choices=[k.name for k in EntityKind], help="only entities of this kind"),
    arg("--status", choices=[s.name for s in EntityStatus if s.value], help="only entities in this status"),
    arg("--region", type=int, help="administrative division code, e.g. 110000 (Beijing)"),
    shared=READS,
)
def list_entities(args):
    session = open_session(args.network, args.account, index=index_url(args))
    found = registry.members(
        session,
        kind=EntityKind[args.kind] if args.kind else None,
        status=EntityStatus[args.status] if args.status else None,
        region=args.region,
    )
    return _member_rows(found)


@command("entity show", "one entity: details and accounts", ENTITY, shared=READS)
def show(args):
    session = open_session(args.network, args.account, index=index_url(args))
    member = registry.find_member(session, args.entity)
    return {**_member_rows([member])[0], "capabilities": str(member.capabilities),
            "admins": member.admins, "accounts": registry.accounts_of(session, member.id)}


@command(
    "entity propose", "open a council proposal (the proposer's entity votes yes)",
    arg("action", choices=[*ENTITY_ACTIONS, *VALIDATOR_ACTIONS, "admit"], help="what to propose"),
    arg("--entity", help="entity id (every action but admit)"),
    arg("--validator", type=address, help="add-validator, remove-validator: the validator's signer address"),
    arg("--reason", default="", help="reason, kept on chain as a hash"),
    arg("--csv", type=Path, help="admit: a roster CSV (code,name,kind,region,city,capabilities) plus --admins; "
        "a roster too large for one block is proposed in batches, one proposal each"),
    arg("--admins", type=Path, help="admit: a CSV of code,admin_address"),
    shared=(*SESSION, "yes"),
)
def propose(args):
    if args.action == "revoke":
        confirm(args, f"propose to revoke entity {args.entity} (a revoked entity cannot be reinstated)")
    session = open_session(args.network, args.account)
    if args.action == "admit":
        if not args.csv or not args.admins:
            raise ConfigError("admit needs --csv (the entities) and --admins (code,admin_address)")
        return _propose_admissions(session, registry.admissions_from_files(args.csv, args.admins))
    if not args.entity or not args.entity.isdigit():
        raise ConfigError(f"{args.action} needs --entity ID")
    if args.action in VALIDATOR_ACTIONS:
        if not args.validator:
            raise ConfigError(f"{args.action} needs --validator ADDRESS (the node's signer address)")
        kind = VALIDATOR_ACTIONS[args.action]
        payload = registry.validator_payload(int(args.entity), args.validator)
    else:
        kind = ENTITY_ACTIONS[args.action]
        payload = registry.action_payload(kind, int(args.entity), args.reason)
    return {"proposal": registry.propose(session, kind, payload), "action": kind.name,
            "payload": "0x" + payload.hex()}


def _propose_admissions(session, entities: list) -> list[dict]:
    """One Admit proposal per batch that fits a block and a transaction
    (`registry.admission_batches`), in the roster's order: a row per proposal."""
    rows = []
    for batch in registry.admission_batches(entities, registry.block_gas_limit(session)):
        proposal = registry.propose(session, ActionKind.Admit, registry.admit_payload(batch))
        rows.append({"proposal": proposal, "action": ActionKind.Admit.name, "entities": len(batch),
                     "first": batch[0].code, "last": batch[-1].code})
    return rows


@command("entity validators", "the validator set the council governs (validators of active entities)",
         shared=SESSION)
def validators(args):
    session = open_session(args.network, args.account)
    return [{"validator": v, "entity": e} for v, e in registry.validators(session).items()]


@command("entity proposals", "council proposals and their tallies",
         arg("--all", action="store_true", help="also executed, cancelled and expired ones"), shared=READS)
def proposals(args):
    session = open_session(args.network, args.account, index=index_url(args))
    return [
        {"id": p.id, "action": p.kind.name, "status": p.status.name, "yes": p.yes, "no": p.no,
         "abstain": p.abstain, "electorate": p.electorate, "passed": "yes" if p.passed else "", "document": p.payload_uri}
        for p in registry.proposals(session, open_only=not args.all)
    ]


@command("entity vote", "vote on a proposal as your entity",
         arg("proposal", type=int, help="proposal id"),
         arg("--support", choices=[v.name.lower() for v in Vote], default="yes", help="your vote (default: yes)"),
         shared=SESSION)
def vote(args):
    session = open_session(args.network, args.account)
    receipt = registry.vote(session, args.proposal, Vote[args.support.capitalize()])
    return {"proposal": args.proposal, "vote": args.support, "tx": receipt["transactionHash"].to_0x_hex()}


@command("entity execute", "execute a passed proposal",
         arg("proposal", type=int, help="proposal id"),
         arg("--payload-file", type=Path, help="the published document (JSON with a 'payload' field) or raw hex"),
         shared=SESSION)
def execute(args):
    session = open_session(args.network, args.account)
    payload = _read_payload(args.payload_file) if args.payload_file else registry.proposal_payload(session, args.proposal)
    receipt = registry.execute(session, args.proposal, payload)
    return {"proposal": args.proposal, "executed": True, "tx": receipt["transactionHash"].to_0x_hex()}


def _read_payload(path: Path) -> bytes:
    import json

    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        raise ConfigError(f"no payload file {path}") from None
    value = json.loads(text)["payload"] if text.startswith("{") else text
    return bytes.fromhex(value.removeprefix("0x"))


@command("entity account", "add, remove or rotate an account of your entity (as its admin)",
         arg("action", choices=["add", "remove", "rotate"], help="what to do with the account"),
         arg("address", type=address, help="the account's 0x address"),
         arg("--role", choices=["operator", "admin"], default="operator", help="its role (default: operator)"),
         arg("--new", dest="new_address", type=address, help="rotate: the replacing address"),
         shared=SESSION)
def account(args):
    if args.action == "rotate" and not args.new_address:
        raise ConfigError("rotate needs --new ADDRESS")
    session = open_session(args.network, args.account)
    if args.action == "add":
        receipt = registry.add_account(session, args.address, AccountRole[args.role.capitalize()])
    elif args.action == "remove":
        receipt = registry.remove_account(session, args.address)
    else:
        receipt = registry.rotate_account(session, args.address, args.new_address)
    return {"action": args.action, "account": args.address, "tx": receipt["transactionHash"].to_0x_hex()}

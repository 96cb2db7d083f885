"""`pilotchain provenance …`: items and lots, EPCIS events, custody, certificates, recalls, QR checks."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from pilotchain import provenance as prov
from pilotchain import registry
from pilotchain.cli import arg, command, confirm, index_url, print_table, to_plain
from pilotchain.display import Names, amount, hex32
from pilotchain.endpoints import open_session
from pilotchain.errors import ConfigError
from pilotchain.journal import Journal
from pilotchain.epcis.store import DEFAULT_PATH, PATH_ENV, EventStore
from pilotchain.pilot.supply import ITEMS as PILOT_ITEMS
from pilotchain.resolve import account_store, entity_id

SESSION = ("network", "account", "json")
READS = ("network", "account", "index", "json")  # commands that only read: served from an index when given
ITEM = arg("item", help="EPC URI (urn:epc:id:sgtin:…, urn:epc:class:lgtin:…) or a 0x item id")
EVENT = (
    arg("--biz-step", help="CBV business step (shipping, receiving, inspecting, …) or a custom URI"),
    arg("--disposition", help="CBV disposition (in_transit, active, …) or a custom URI"),
    arg("--read-point", help="read point URI, e.g. urn:epc:id:sgln:4012345.00001.0"),
    arg("--biz-location", help="business location URI"),
    arg("--time", help="event time, ISO 8601 (default: now)"),
    arg("--epcis-hash", help="0x keccak of the full EPCIS event kept off chain (default: none)"),
)
STORE = arg("--store", help=f"event store file (default: $PILOTCHAIN_EVENTSTORE or {DEFAULT_PATH})")


def _time(text: str | None) -> int:
    if not text:
        return int(datetime.now(timezone.utc).timestamp())
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except ValueError:
        raise ConfigError(f"--time {text!r} is not an ISO 8601 date-time") from None


def _event(args) -> prov.EventData:
    epcis_hash = prov.as_item_id(args.epcis_hash) if args.epcis_hash else prov.ZERO32
    return prov.EventData.build(biz_step=args.biz_step, disposition=args.disposition, read_point=args.read_point,
                                biz_location=args.biz_location, event_time=_time(args.time),
                                epcis_hash=epcis_hash)  # fmt: skip


def _verification(v: prov.Verification, names: Names) -> dict:
    packed_in = None if v.parent == prov.ZERO32 else v.parent
    return {
        "item": v.item_id, "epc": names.epc(v.item_id), "known": v.known, "status": v.status.name,
        "owner": v.owner, "owner_name": names.entity(v.owner), "custodian": v.custodian,
        "custodian_name": names.entity(v.custodian), "pending_custodian": v.pending_custodian or None,
        "events": v.event_count, "chain_head": v.head, "packed_in": packed_in,
        "packed_in_epc": names.epc(packed_in) if packed_in else None,
        "stock": amount(v.available, v.unit) if v.lot else None,
    }  # fmt: skip


def _names(session, args) -> Names:
    """Names for this command's output: entities from the chain, EPCs from the event store."""
    path = Path(args.store or os.environ.get(PATH_ENV) or DEFAULT_PATH)
    # the pilot records hashes only (no stored EPCIS events): its items are named from its list
    return Names(session, EventStore(path) if path.exists() else None, known=(args.item, *PILOT_ITEMS))


class UnknownItem(ConfigError):
    """An item the chain has never seen."""


def _require_known(session, item: str) -> prov.Verification:
    """The item's verification; an item the chain has never seen is an error, not a result."""
    seen = prov.verify(session, item)
    if not seen.known:
        raise UnknownItem(f"unknown item {item}: this chain has no event for it (check the EPC, and --network)")
    return seen


@command(
    "provenance commission", "commission a new serialised item, or a lot with --amount and --unit",
    ITEM, arg("--amount", help="lot quantity in its unit, e.g. 250.5"), arg("--unit", help="UN/ECE unit, e.g. KGM"),
    *EVENT, shared=SESSION,
)
def commission(args):
    item = prov.as_item_id(args.item)
    if args.amount is None and args.unit is None:
        quantity = prov.Quantity.item(item)
    else:
        quantity = prov.Quantity.of_lot(item, prov.scaled(args.amount or 0), args.unit)
    return prov.commission(open_session(args.network, args.account), quantity, _event(args))


@command("provenance record", "record an observation (shipping, receiving, inspecting, …) of an item you hold",
         ITEM, *EVENT, shared=SESSION)
def record(args):
    return prov.observe(open_session(args.network, args.account), args.item, _event(args))


@command("provenance transfer", "offer custody (possession) of an item to another entity (it accepts with "
         "`accept`); the owner stays the same until `transfer-ownership`",
         ITEM, arg("--to", required=True, help="receiving entity: id, registration code, account name or address"),
         shared=SESSION)
def transfer(args):
    session = open_session(args.network, args.account)
    return prov.offer_custody(session, args.item, entity_id(session, args.to, account_store(args.network)))


@command(
    "provenance transfer-ownership", "sell an item you own to another entity: the owner changes at once "
    "(custody moves separately, with `transfer` and `accept`)",
    ITEM, arg("--to", required=True, help="new owner entity: id, registration code, account name or address"),
    arg("--biz-transaction", default="", help="the sale's business transaction, e.g. a purchase order number"),
    shared=SESSION,
)
def transfer_ownership(args):
    session = open_session(args.network, args.account)
    to = entity_id(session, args.to, account_store(args.network))
    return prov.transfer_ownership(session, args.item, to, args.biz_transaction)


@command("provenance accept", "accept custody of an item offered to your entity", ITEM, shared=SESSION)
def accept(args):
    return prov.accept_custody(open_session(args.network, args.account), args.item)


@command(
    "provenance certify", "attach a certificate to an item (inspector entities only)",
    ITEM, arg("--type", dest="cert_type", required=True, help="certificate type, e.g. battery-safety"),
    arg("--hash", dest="cert_hash", required=True, help="0x hash of the certificate document"),
    arg("--valid-until", help="expiry, ISO 8601 (default: none)"), shared=SESSION,
)
def certify(args):
    valid_until = _time(args.valid_until) if args.valid_until else 0
    return prov.certify(open_session(args.network, args.account), args.item, args.cert_type,
                        prov.as_item_id(args.cert_hash), valid_until)  # fmt: skip


def _render_recall(result: dict) -> None:
    print(f"recalled {result['epc'] or to_plain(result['recalled']['itemId'])}")
    print("affected (made from it, or packed around it):")
    print_table([{"item": a["epc"] or a["item"], "via": a["via"]} for a in result["affected"]], ["item", "via"])


@command(
    "provenance recall", "recall an item or lot (owner or recall authority) and list what was made from it",
    ITEM, arg("--reason", required=True, help="reason code or text"), STORE, shared=(*SESSION, "yes"),
    render=_render_recall,
)
def recall(args):
    confirm(args, f"recall {args.item}")
    session = open_session(args.network, args.account)
    recalled = prov.recall(session, args.item, args.reason)
    reach = prov.trace(session, args.item, "forward")
    names = _names(session, args)
    affected = [{"item": e.target, "epc": names.epc(e.target), "via": e.via} for e in reach.edges]
    return {"recalled": recalled, "epc": names.epc(prov.as_item_id(args.item)), "affected": affected}


def _render_acknowledgements(result: dict) -> None:
    print(f"recall of {result['recalled']}: {len(result['acknowledged'])} items acknowledged in "
          f"{len(result['transactions'])} transactions, {len(result['already'])} acknowledged before")  # fmt: skip
    for item in result["acknowledged"]:
        print(f"acknowledged {item}")
    for tx in result["transactions"]:
        print(f"transaction {tx}")


@command(
    "provenance acknowledge",
    "as custodian of items made from a recalled lot (or of the item itself), acknowledge the recall on each: "
    "multicall batches sized from the block gas limit, sent together",
    arg("items", nargs="+", metavar="item", help="EPC URIs (urn:epc:id:sgtin:…) or 0x item ids"),
    arg("--recalled", required=True, help="the recalled lot or item (URI or 0x id)"),
    arg("--journal", type=Path, help="a file recording the signed batches: a run stopped halfway, run again with "
        "it, sends those again (or finds them mined) and only the rest anew"),
    shared=SESSION, render=_render_acknowledgements,
)
def acknowledge(args):
    session = open_session(args.network, args.account)
    journal = Journal(args.journal, session) if args.journal else None
    done = prov.acknowledge_recalls(session, args.items, args.recalled, journal=journal)
    return to_plain({"recalled": done.recalled, "acknowledged": done.acknowledged, "already": done.already,
                     "transactions": done.transactions})


def _render_import(result: dict) -> None:
    print(f"{result['events']} events: {result['recorded']} recorded, {result['skipped']} already recorded, "
          f"{len(result['held'])} held, {len(result['refused'])} not recordable; "
          f"{result['released']} held earlier now recorded")  # fmt: skip
    for event in result["plan"]:
        print(f"  {event['event']}: {', '.join(event['calls'])}")
    for event in result["held"]:
        print(f"held: {event['event']}: {event['reason']}")
    for line in result["refused"]:
        print(f"not recorded: {line}")
    for tx in result["transactions"]:
        print(f"transaction {tx}")


@command(
    "provenance withdraw-recall",
    "withdraw a recall (a recall authority, or the owner for its own recall) and release its acknowledgements",
    ITEM, arg("--reason", required=True, help="reason code or text"), shared=(*SESSION, "yes"),
)
def withdraw_recall(args):
    confirm(args, f"withdraw the recall of {args.item}")
    return prov.withdraw_recall(open_session(args.network, args.account), args.item, args.reason)


@command(
    "provenance import-epcis", "record an EPCIS 2.0 JSON document: hashes on chain, events in the store",
    arg("document", type=Path, help="EPCISDocument JSON / JSON-LD file"), STORE,
    arg("--batch-size", type=int, default=20, help="events per transaction (default: 20)"),
    arg("--dry-run", action="store_true", help="validate and show what would be recorded; send nothing"),
    shared=SESSION, render=_render_import,
)
def import_epcis(args):
    with EventStore(args.store) as store:
        session = None if args.dry_run else open_session(args.network, args.account)
        result = prov.import_epcis(session, args.document, store, args.batch_size, dry_run=args.dry_run)
    return _import_result(result)


def _import_result(result: prov.ImportResult) -> dict:
    return {
        "events": result.events, "recorded": result.recorded, "skipped": result.skipped,
        "released": result.released, "transactions": result.transactions,
        "plan": [{"event": p.label, "epcis_hash": p.epcis_hash, "calls": [fn for fn, _ in p.calls]} for p in result.plan],
        "held": [{"event": h.label, "epcis_hash": h.epcis_hash, "reason": h.reason} for h in result.held],
        "refused": [str(r) for r in result.refused],
    }  # fmt: skip


def _render_held(rows: list[dict]) -> None:
    if not rows:
        print("no event is held")
    for row in rows:
        print(f"{row['event']} ({row['event_hash_id']}): waits: {row['reason']}")


@command(
    "provenance held", "events captured but held until the state they depend on is on chain, and why; "
    "--retry records those whose state has landed",
    STORE, arg("--retry", action="store_true", help="retry the held events now (sends transactions)"),
    shared=SESSION, render=_render_held,
)
def held(args):
    from pilotchain.epcis import event_hash_id

    with EventStore(args.store) as store:
        if args.retry:
            prov.release_held(open_session(args.network, args.account), store)
        return [{"event": s.label, "event_hash_id": event_hash_id(s.event, s.context), "epcis_hash": s.hash,
                 "reason": s.held} for s in store.held()]  # fmt: skip


@command(
    "provenance register-prefix", "propose to the council that a GS1 company prefix belongs to an entity "
    "(only it may then create items under the prefix); --remove proposes to remove the registration",
    arg("entity", help="entity id or registration code"),
    arg("prefix", help="GS1 company prefix, 6 to 12 digits, e.g. 6901234"),
    arg("--remove", action="store_true", help="propose removing the prefix's registration instead"),
    shared=SESSION,
)
def register_prefix(args):
    session = open_session(args.network, args.account)
    entity = registry.find_member(session, args.entity).id
    proposal = prov.propose_prefixes(session, [(entity, args.prefix)], remove=args.remove)
    return {"proposal": proposal, "entity": entity, "prefix": args.prefix, "action": "remove" if args.remove else "register",
            "registered_to": prov.prefix_owner(session, args.prefix) or None}  # fmt: skip


def _render_document(document: dict) -> None:
    print(json.dumps(document, indent=2))
    events = document["epcisBody"]["eventList"]
    print(f"verified: {len(events)} events; {VERIFIED_HOW}", file=sys.stderr)


VERIFIED_HOW = ("the item's on-chain logs fold into the hash-chain head the contract holds, and each "
                "event's canonical JSON hashes (keccak-256) to the hash recorded on chain")


@command("provenance export", "an item's history as EPCIS 2.0 JSON, every event checked against the chain "
         "(how, on stderr; with --json in the document's `verification` field)",
         ITEM, STORE, shared=READS, render=_render_document)
def export(args):
    session = open_session(args.network, args.account, index=index_url(args))
    _require_known(session, args.item)
    with EventStore(args.store) as store:
        document = prov.export_item(session, store, args.item)
    if args.json:
        document["verification"] = {"events": len(document["epcisBody"]["eventList"]), "method": VERIFIED_HOW}
    return document


def _render_trace(edges: list[dict]) -> None:
    if not edges:
        print("nothing: the item is known, but nothing was made from it or went into it")
        return
    print_table([{"from": e["from_epc"] or hex32(e["from"]), "to": e["to_epc"] or hex32(e["to"]), "via": e["via"]}
                 for e in edges])  # fmt: skip


@command(
    "provenance trace", "what an item was made from (backward) or what was made from it (forward)",
    ITEM, arg("--direction", choices=["forward", "backward"], default="backward",
              help="backward: its inputs and contents; forward: what was made from it (default: backward)"),
    STORE, shared=READS, render=_render_trace,
)
def trace(args):
    session = open_session(args.network, args.account, index=index_url(args))
    _require_known(session, args.item)
    reach = prov.trace(session, args.item, args.direction)
    names = _names(session, args)
    return [{"from": e.source, "from_epc": names.epc(e.source), "to": e.target, "to_epc": names.epc(e.target),
             "via": e.via} for e in reach.edges]  # fmt: skip


def _render_verification(v: dict) -> None:
    rows = {
        "item": v["epc"] or hex32(v["item"]), "status": v["status"], "owner": v["owner_name"],
        "custodian": v["custodian_name"], "events": v["events"],
        "history": "verified: the events rebuilt from logs fold into the on-chain head",
    }  # fmt: skip
    if v["pending_custodian"]:
        rows["offered to"] = f"entity {v['pending_custodian']}"
    if v["packed_in"]:
        rows["packed in"] = v["packed_in_epc"] or hex32(v["packed_in"])
    if v["stock"]:
        rows["stock"] = v["stock"]
    width = max(map(len, rows))
    for key, value in rows.items():
        print(f"{key.ljust(width)}  {value}")


@command("provenance verify", "what a QR-code scan shows: status, owner, custodian, events, chain head; "
         "the history is rebuilt from logs and checked against the head", ITEM, STORE, shared=READS,
         render=_render_verification)
def verify(args):
    session = open_session(args.network, args.account, index=index_url(args))
    _require_known(session, args.item)
    checked = prov.history(session, args.item)
    return {**_verification(checked.verification, _names(session, args)), "history_verified": True}


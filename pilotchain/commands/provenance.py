"""`pilotchain provenance …`: items and lots, EPCIS events, custody, certificates, recalls, QR checks."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from pilotchain import provenance as prov
from pilotchain import registry
from pilotchain.cli import arg, command, confirm, print_table, to_plain
from pilotchain.endpoints import open_session
from pilotchain.errors import ConfigError
from pilotchain.eventstore import DEFAULT_PATH, EventStore

SESSION = ("network", "account", "json")
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


def _verification(v: prov.Verification) -> dict:
    return {
        "item": v.item_id, "known": v.known, "status": v.status.name, "owner": v.owner,
        "custodian": v.custodian, "pending_custodian": v.pending_custodian or None, "events": v.event_count,
        "chain_head": v.head, "packed_in": None if v.parent == prov.ZERO32 else v.parent,
        "stock": f"{v.available / prov.QUANTITY_SCALE:g} {v.unit}".strip() if v.lot else None,
    }  # fmt: skip


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


@command("provenance transfer", "offer custody of an item to another entity (it accepts with `accept`)",
         ITEM, arg("--to", type=int, required=True, help="receiving entity id"), shared=SESSION)
def transfer(args):
    return prov.offer_custody(open_session(args.network, args.account), args.item, args.to)


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
    print(f"recalled {to_plain(result['recalled']['itemId'])}")
    print_table(result["affected"] or [], ["item", "via"])


@command(
    "provenance recall", "recall an item or lot (owner or recall authority) and list what was made from it",
    ITEM, arg("--reason", required=True, help="reason code or text"), shared=(*SESSION, "yes"),
    render=_render_recall,
)
def recall(args):
    confirm(args, f"recall {args.item}")
    session = open_session(args.network, args.account)
    recalled = prov.recall(session, args.item, args.reason)
    reach = prov.trace(session, args.item, "forward")
    affected = [{"item": e.target, "via": e.via} for e in reach.edges]
    return {"recalled": recalled, "affected": affected}


@command(
    "provenance acknowledge", "as custodian of an item made from a recalled lot, acknowledge the recall",
    ITEM, arg("--recalled", required=True, help="the recalled lot or item (URI or 0x id)"), shared=SESSION,
)
def acknowledge(args):
    return prov.acknowledge_recall(open_session(args.network, args.account), args.item, args.recalled)


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


@command("provenance export", "an item's history as EPCIS 2.0 JSON, every event checked against the chain",
         ITEM, STORE, shared=SESSION, render=_render_document)
def export(args):
    with EventStore(args.store) as store:
        return prov.export_item(open_session(args.network, args.account), store, args.item)


@command(
    "provenance trace", "what an item was made from (backward) or what was made from it (forward)",
    ITEM, arg("--direction", choices=["forward", "backward"], default="backward"), shared=SESSION,
)
def trace(args):
    reach = prov.trace(open_session(args.network, args.account), args.item, args.direction)
    return [{"from": e.source, "to": e.target, "via": e.via} for e in reach.edges]


@command("provenance verify", "what a QR-code scan shows: status, owner, custodian, events, chain head; "
         "the history is rebuilt from logs and checked against the head", ITEM, shared=SESSION)
def verify(args):
    checked = prov.history(open_session(args.network, args.account), args.item)
    return {**_verification(checked.verification), "history_verified": True}

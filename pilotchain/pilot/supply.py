"""The pilot's provenance scenario: battery cells → battery pack → vehicle.

The council first registers each maker's GS1 company prefix to it (one proposal), so only the
cell maker creates cell lots and only the car maker packs and vehicles. A cell maker commissions
two cell lots; a test lab certifies them; a logistics firm carries them
to a car maker (two-phase custody at each hand-over); the car maker builds one pack from each
lot (transformations) and installs each pack in a vehicle (aggregation); the dealer takes the
vehicles. Then the regulator recalls one cell lot: tracing forward from the lot finds its pack
and vehicle — and not the other ones — the dealer acknowledges (`acknowledge_recalls`: its
affected vehicles in multicall batches), and a QR-style verification of
each vehicle shows which is recalled, its history checked against the on-chain hash chain.
"""

from __future__ import annotations

import time

from eth_utils import keccak

from pilotchain import provenance as pv
from pilotchain.epcis.codes import item_id
from pilotchain.pilot.crew import Crew
from pilotchain.pilot.roster import RosterEntry
from pilotchain.pilot.sharing import pick
from pilotchain.provenance import EventData, Quantity, Status
from pilotchain.registry import ActionKind, Capability, entity_id_of, pass_proposal

GS1 = "6901234"  # the car maker's company prefix, in China's GS1 range (690-699)
CELL_GS1 = "6912345"  # the cell maker's
CELLS = [f"urn:epc:class:lgtin:{CELL_GS1}.011111.CELLS-{lot}" for lot in ("A", "B")]
PACKS = [f"urn:epc:id:sgtin:{GS1}.055555.PACK-{n}" for n in (1, 2)]
VEHICLES = [f"urn:epc:id:sgtin:{GS1}.066666.LGWEF4A5{n}MB00000{n}" for n in (1, 2)]
ITEMS = (*CELLS, *PACKS, *VEHICLES)
CELLS_PER_LOT = 1_000_000  # thousandths of H87 (pieces): 1,000 cells
CELLS_PER_PACK = 96_000


def _event(step: str, where: str, subject: str, disposition: str | None = None) -> EventData:
    """Event data for `step` on `subject` at location `where`. Each event carries the hash that
    identifies its off-chain EPCIS record (here the hash of its description), which also keeps two
    otherwise identical transformations apart: their ids derive from the event data."""
    now = int(time.time())
    return EventData.build(biz_step=step, disposition=disposition, read_point=f"urn:epc:id:sgln:{GS1}.{where}",
                           biz_location=f"urn:epc:id:sgln:{GS1}.{where}", event_time=now,
                           epcis_hash=keccak(text=f"{step} {subject} at {where}, {now}"))


def run_supply(crew: Crew, roster: list[RosterEntry], council: list[str], log) -> dict:
    cellmaker = pick(roster, "Other", "Shenzhen", "Battery Cell Works")
    lab = pick(roster, "Other", "Beijing", "Test and Certification Lab")
    logistics = pick(roster, "Other", "Shanghai", "Logistics")
    carmaker = pick(roster, "CarMaker", "Guangzhou")
    dealer = pick(roster, "Other", "Beijing", "Auto Sales")
    regulator = next(e for e in roster if Capability.RECALL_AUTHORITY in e.capabilities)
    s = {e.code: crew.session(e.account) for e in (cellmaker, lab, logistics, carmaker, dealer, regulator)}
    ids = {code: entity_id_of(session) for code, session in s.items()}
    named = {e.code: e.name for e in (cellmaker, lab, logistics, carmaker, dealer, regulator)}
    names = {entity: f"{named[code]} ({entity})" for code, entity in ids.items()}
    prefixes = [(ids[cellmaker.code], CELL_GS1), (ids[carmaker.code], GS1)]
    voters = [crew.session(name) for name in council[1:]]
    pass_proposal(crew.session(council[0]), voters, ActionKind.Call, pv.prefix_payload(s[carmaker.code], prefixes))
    log(f"  the council registered company prefix {CELL_GS1} to {cellmaker.name} and {GS1} to {carmaker.name}")

    def hand_over(item: str, giver: RosterEntry, taker: RosterEntry) -> None:
        pv.offer_custody(s[giver.code], item, ids[taker.code])
        pv.accept_custody(s[taker.code], item)

    for lot in CELLS:
        pv.commission(s[cellmaker.code], Quantity.of_lot(item_id(lot), CELLS_PER_LOT, "H87"),
                      _event("commissioning", "00001.0", lot, "active"))
        pv.certify(s[lab.code], lot, "UN38.3 transport test", keccak(text=f"certificate {lot}"), int(time.time()) + 365 * 86400)
    log(f"  {cellmaker.name} commissioned 2 lots of 1,000 cells; {lab.name} certified both (UN38.3)")
    for lot in CELLS:
        hand_over(lot, cellmaker, logistics)
        pv.observe(s[logistics.code], lot, _event("shipping", "00002.0", lot, "in_transit"))
        hand_over(lot, logistics, carmaker)
        pv.observe(s[carmaker.code], lot, _event("receiving", "00003.0", lot, "in_progress"))
    log(f"  {logistics.name} carried them to {carmaker.name} (custody offered and accepted at each hand-over)")

    for lot, pack, vehicle in zip(CELLS, PACKS, VEHICLES):
        pv.transform(s[carmaker.code], [Quantity.of_lot(item_id(lot), CELLS_PER_PACK, "H87")],
                     [Quantity.item(item_id(pack))], _event("assembling", "00003.0", pack, "active"))
        pv.commission(s[carmaker.code], Quantity.item(item_id(vehicle)), _event("commissioning", "00003.0", vehicle, "active"))
        pv.pack(s[carmaker.code], vehicle, [pack], _event("installing", "00003.0", vehicle, "active"))
        hand_over(vehicle, carmaker, dealer)
        pv.transfer_ownership(s[carmaker.code], vehicle, ids[dealer.code], "PO-2025-GZ-0042")
    log(f"  {carmaker.name} built 2 packs of 96 cells and 2 vehicles; {dealer.name} took both")

    recalled_lot = CELLS[0]
    pv.recall(s[regulator.code], recalled_lot, "thermal-runaway-risk")
    reached = pv.trace(s[dealer.code], recalled_lot, "forward")
    affected = {bytes(i) for i in reached.items}
    acknowledged = pv.acknowledge_recalls(s[dealer.code], [item_id(v) for v in VEHICLES if item_id(v) in affected],
                                          recalled_lot)  # fmt: skip
    log(f"  {regulator.name} recalled {recalled_lot.rsplit('.', 1)[-1]}; the trace reaches "
        f"{len(reached.items)} items; the dealer acknowledged it on {len(acknowledged.acknowledged)} of its vehicles "
        f"({len(acknowledged.transactions)} multicall transaction{'s' * (len(acknowledged.transactions) != 1)})")

    scans = {}
    for vehicle in VEHICLES:
        seen = pv.verify(s[dealer.code], vehicle)
        checked = pv.history(s[dealer.code], vehicle)  # raises TamperError on a mismatch
        scans[vehicle.rsplit(".", 1)[-1]] = f"{seen.status.name}, {seen.event_count} events, chain head verified ({len(checked.events)} logs)"
        log(f"  QR scan {vehicle.rsplit('.', 1)[-1]}: {seen.status.name}, owner {names[seen.owner]}, "
            f"custodian {names[seen.custodian]}")
    return {
        "company prefixes": f"{CELL_GS1} (cells), {GS1} (packs, vehicles)",
        "prefixes held by their makers": [pv.prefix_owner(s[dealer.code], p) for _, p in prefixes] == [e for e, _ in prefixes],
        "items": f"{len(CELLS)} cell lots, {len(PACKS)} packs, {len(VEHICLES)} vehicles",
        "custody hand-overs": 2 * len(CELLS) + len(VEHICLES),
        "certificates": len(CELLS),
        "recall": f"{recalled_lot} reaches {len(reached.items)} items",
        "recall reaches the vehicle": item_id(VEHICLES[0]) in affected,
        "other vehicle untouched": pv.verify(s[dealer.code], VEHICLES[1]).status == Status.Active,
        **{f"scan {name}": result for name, result in scans.items()},
    }

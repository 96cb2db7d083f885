"""Use the library: what the CLI does, from Python (README, "Use the library").

    python examples/use_the_library.py --network pilot-poa --account council-1

Opens a session on a network with a stored account, reads members page by page, shares a
dataset with another member, commissions and verifies an item, records a batch of
observations through a journal (run twice, the second run sends nothing) and catches a
contract's custom error. Every call here is one the CLI makes too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pilotchain
from pilotchain import datasharing as ds
from pilotchain import provenance as pv
from pilotchain import registry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", default="pilot-poa", help="network name or URL (default: pilot-poa)")
    parser.add_argument("--account", default="council-1", help="account of a member entity (default: council-1)")
    parser.add_argument("--journals", type=Path, help="journal folder (default: a temporary one)")
    args = parser.parse_args(argv)

    # 1. A session: one connection (chain id checked), one signer, the deployed contracts.
    session = pilotchain.open_session(args.network, args.account)
    me = registry.entity_id_of(session)
    print(f"connected to chain {session.w3.eth.chain_id} as {session.account} (entity {me})")

    # 2. Paged reads: `members` walks `listEntities` a page at a time.
    members = registry.members(session, status=registry.EntityStatus.Active, page=50)
    print(f"{len(members)} active members; the first: {members[0].name} ({members[0].id})")

    # 3. Data sharing: register an asset, grant another member access for research, check it.
    asset = ds.register_asset(session, ds.text_hash(f"example dataset {time.time()}"),
                              "https://gateway.example/datasets/1", sensitivity=ds.Sensitivity.Confidential)
    other = next(m for m in members if m.id != me)
    now = session.w3.eth.get_block("latest")["timestamp"]
    ds.grant(session, asset.asset_id, other.id, [ds.Purpose.Research], now + 30 * 86400)
    allowed = ds.can_access(session, asset.asset_id, other.admin, ds.Purpose.Research)
    print(f"asset {asset.asset_id} ({asset.sensitivity.name}): {other.name} may use it for research: {allowed}")

    # 4. Provenance: commission an item, then the QR scan.
    epc = f"urn:epc:id:sgtin:6901234.099999.EXAMPLE-{time.time_ns()}"
    pv.commission(session, pv.Quantity.item(pv.as_item_id(epc)),
                  pv.EventData.build(biz_step="commissioning", disposition="active", event_time=int(time.time())))
    seen = pv.verify(session, epc)
    print(f"{epc}: {seen.status.name}, owner entity {seen.owner}, {seen.event_count} event(s)")

    # 5. A batch through a journal: each step signed and written down before it is sent, so a
    #    killed batch resumes without sending anything twice; a second run sends nothing.
    folder = args.journals or Path(tempfile.mkdtemp(prefix="pilotchain-journal-"))
    inspect = pv.EventData.build(biz_step="inspecting", event_time=int(time.time())).as_tuple()
    steps = [(f"inspect {epc} #{n}", lambda s: s.contract("Provenance").functions.observe(pv.as_item_id(epc), inspect))
             for n in range(3)]  # fmt: skip
    for attempt in (1, 2):
        journal = pilotchain.Journal(folder / f"{args.account}.jsonl", session)
        receipts = journal.run(steps)
        print(f"journal run {attempt}: {len(receipts)} steps done, {journal.sent} sent now")

    # 6. Errors: one root class; a contract's custom error arrives decoded.
    try:
        registry.vote(session, 10**9)
    except pilotchain.ContractError as exc:
        print(f"caught {exc.name} {exc.args_by_name}")
    except pilotchain.PilotchainError as exc:  # any other failure pilotchain foresees
        print(f"failed: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

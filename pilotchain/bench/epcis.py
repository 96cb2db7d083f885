"""EPCIS import and export time per 1,000 events, on a fresh anvil node (instant mining).

`python -m pilotchain.bench.epcis [--events N]` starts anvil on a free port with accounts and
deployment records in a temporary folder, deploys the suite, and times, for a document of N
events (half commissionings, half observations of the same items written in UTC, and every event
carries an extension field):

- validation: `parse_document` (GS1's JSON Schema, identifier grammar, Event Hash IDs);
- import: `import_epcis` (validation, planning, store, `multicall` transactions of 20 events);
- export: `export_item` of every item (history from logs, store, Event Hash ID recomputed from the
  exported JSON and compared with the chain).

Prints the table (seconds per 1,000 events); nothing is written to reports/.
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import time
from pathlib import Path

from pilotchain import devnode, endpoints
from pilotchain.deploy import deploy_network
from pilotchain.endpoints import open_session
from pilotchain.epcis import parse_document
from pilotchain.epcis.store import EventStore
from pilotchain.provenance import export_item, import_epcis

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": "https://example.org/bench/"}]


def document(events: int) -> dict:
    """A document of `events` events: commission N/2 SGTINs, then observe each."""
    half = events // 2
    made = [{"type": "ObjectEvent", "eventTime": f"2026-11-20T09:00:{n % 60:02d}.000+08:00",
             "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "commissioning",
             "epcList": [f"urn:epc:id:sgtin:4012345.022222.B{n}"], "ex:line": n % 7} for n in range(half)]  # fmt: skip
    seen = [{"type": "ObjectEvent", "eventTime": f"2026-11-20T10:00:{n % 60:02d}Z", "eventTimeZoneOffset": "+08:00",
             "action": "OBSERVE", "bizStep": "shipping", "readPoint": {"id": "urn:epc:id:sgln:4012345.00001.0"},
             "epcList": [f"urn:epc:id:sgtin:4012345.022222.B{n}"], "ex:line": n % 7} for n in range(half)]  # fmt: skip
    return {"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2026-11-20T08:00:00.000Z", "epcisBody": {"eventList": made + seen}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args(argv)
    doc = document(args.events)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PILOTCHAIN_ACCOUNTS"] = str(Path(folder) / "accounts")
        os.environ["PILOTCHAIN_DEPLOYMENTS"] = str(Path(folder) / "deployments")
        node = devnode.start_anvil(_free_port(), chain_id=31337)
        try:
            w3, _ = endpoints.connect(node.url)
            deploy_network(node.url, w3, funder=w3.eth.accounts[0], log=lambda _m: None)
            session = open_session(node.url, "council-2")
            with EventStore(Path(folder) / "events.sqlite") as store:
                start = time.perf_counter()
                parse_document(doc)
                validated = time.perf_counter() - start
                start = time.perf_counter()
                result = import_epcis(session, doc, store)
                imported = time.perf_counter() - start
                start = time.perf_counter()
                exported = sum(len(export_item(session, store, f"urn:epc:id:sgtin:4012345.022222.B{n}")
                                   ["epcisBody"]["eventList"]) for n in range(args.events // 2))  # fmt: skip
                export_time = time.perf_counter() - start
        finally:
            node.stop()
    per = 1000 / args.events
    print(f"{args.events} events, {result.recorded} recorded in {len(result.transactions)} transactions, "
          f"{exported} exported")  # fmt: skip
    print("| step | seconds | seconds per 1,000 events |")
    print("|---|---:|---:|")
    for step, seconds in (("validate (parse_document)", validated), ("import (validate + store + chain)", imported),
                          ("export, item by item, verified", export_time)):  # fmt: skip
        print(f"| {step} | {seconds:.2f} | {seconds * per:.2f} |")


if __name__ == "__main__":
    main()

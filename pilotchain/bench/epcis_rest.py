"""EPCIS REST query latency: `python -m pilotchain.bench.epcis_rest [--events N] [--postgres]`.

Fills the binding's EPCIS view (`pilotchain.api.epcis.projection`) of a fresh index database
with N synthetic events written straight into its tables (the chain and the indexer are not
in this measurement: their speed is reports/indexer.md), then times `GET /epcis/events` with
two filters through the FastAPI app in process (starlette's TestClient: routing, the view's
refresh, the SQL, JSON rendering; no network) — first pages and next pages. Writes
reports/epcis-rest.md and prints it.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

from pilotchain import devdb
from pilotchain.toolchain import ROOT

REPORT = ROOT / "reports" / "epcis-rest.md"
TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")
STEPS = ("receiving", "shipping", "storing", "inspecting", "packing", "commissioning", "loading", "picking")
READ_POINTS = [f"urn:epc:id:sgln:4012345.{n:05d}.0" for n in range(200)]
SAMPLES = 200

# (label, query parameters): two filters each
QUERIES = (
    ("eventType + bizStep", {"eventType": "ObjectEvent", "EQ_bizStep": "shipping"}),
    ("bizStep + readPoint", {"EQ_bizStep": "receiving", "EQ_readPoint": READ_POINTS[7]}),
    ("bizStep + eventTime range", {"EQ_bizStep": "storing", "GE_eventTime": "2026-03-01T00:00:00Z",
                                   "LT_eventTime": "2026-04-01T00:00:00Z"}),
    ("MATCH_epc + eventType", {"MATCH_epc": "urn:epc:id:sgtin:4012345.011111.777", "eventType": "ObjectEvent"}),
)


def fill(engine, events: int, seed: int = 11) -> None:
    """`events` synthetic EPCIS events in the view, one EPC each (urn:epc:id:sgtin:4012345.011111.<n>),
    a year of event times; the index and the view say everything is final (a caught-up indexer;
    the events have no rows in the index's own tables, which the view would take for rolled back)."""
    from pilotchain.api.epcis.projection import SCANNED, Projection, events as table, identifiers, state, to_ms
    from pilotchain.epcis.identifiers import canonical
    from pilotchain.indexer import schema as index

    projection = Projection(engine)
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    rows, named = [], []
    for n in range(1, events + 1):
        epc = f"urn:epc:id:sgtin:4012345.011111.{n}"
        when = start + timedelta(seconds=rng.randrange(365 * 86400))
        event = {"type": rng.choice(TYPES), "action": "OBSERVE", "eventTime": when.isoformat().replace("+00:00", "Z"),
                 "eventTimeZoneOffset": "+00:00", "epcList": [epc], "bizStep": rng.choice(STEPS),
                 "readPoint": {"id": rng.choice(READ_POINTS)}}
        rows.append({"seq": n, "epcis_hash": "0x%064x" % n, "event_type": event["type"], "event_id": None,
                     "action": "OBSERVE", "event_time": to_ms(when), "record_time": to_ms(start) + n,
                     "biz_step": event["bizStep"], "disposition": None, "read_point": event["readPoint"]["id"],
                     "biz_location": None, "entity_id": 1, "block_number": n, "block_hash": "0x%064x" % n,
                     "log_index": 0, "event": event, "context": []})
        named.append({"seq": n, "role": "epc", "is_class": False, "uri": epc, "canonical": canonical(epc)})
    with engine.begin() as conn:
        for at in range(0, events, 5000):
            conn.execute(table.insert(), rows[at:at + 5000])
            conn.execute(identifiers.insert(), named[at:at + 5000])
        conn.execute(index.meta.insert().values(key="final_height", value=events))
        conn.execute(state.insert().values(key=SCANNED, value=events))
    projection.keep_statistics()  # as a refresh that brought these events would


def measure(url: str, label: str, events: int, log=print) -> list[dict]:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from pilotchain.api.epcis import EpcisServices, mount
    from pilotchain.indexer.store import connect_db

    engine = connect_db(url)
    started = time.monotonic()
    fill(engine, events)
    log(f"  {label}: {events:,} events written in {time.monotonic() - started:.0f} s")
    app = FastAPI()
    services = EpcisServices(engine=engine, member=lambda: SimpleNamespace(account="0x0", entity_id=1),
                             capture=None, public_queries=True)
    router = mount(app, services)
    results = []
    with TestClient(app) as client:
        for name, params in QUERIES:
            first, following, matched = [], [], 0
            for _ in range(SAMPLES):
                t = time.perf_counter()
                response = client.get("/epcis/events", params=params)
                first.append(time.perf_counter() - t)
                assert response.status_code == 200, response.text
                matched = len(response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"])
                link = response.links.get("next")
                if link:
                    t = time.perf_counter()
                    assert client.get(link["url"]).status_code == 200
                    following.append(time.perf_counter() - t)
            results.append({"store": label, "query": name, "page": matched, **_percentiles("first", first),
                            **_percentiles("next", following)})
            log(f"  {label} {name}: p50 {results[-1]['first_p50']:.1f} ms, p95 {results[-1]['first_p95']:.1f} ms")
        baseline = []
        for _ in range(SAMPLES):
            t = time.perf_counter()
            assert client.get("/epcis/eventTypes").status_code == 200
            baseline.append(time.perf_counter() - t)
        results.append({"store": label, "query": "baseline: GET /epcis/eventTypes (no database)", "page": "–",
                        **_percentiles("first", baseline), **_percentiles("next", [])})
    router.captures.close()
    engine.dispose()
    return results


def _percentiles(prefix: str, seconds: list[float]) -> dict:
    if not seconds:
        return {f"{prefix}_p50": None, f"{prefix}_p95": None}
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=20)
    return {f"{prefix}_p50": statistics.median(seconds) * 1000, f"{prefix}_p95": cuts[18]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="events in the view (default 100,000)")
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL server")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pilotchain-bench-epcis-") as folder:
        runs = measure(f"sqlite:///{Path(folder) / 'index.sqlite'}", "SQLite", args.events)
        if args.postgres:
            if not devdb.available():
                raise SystemExit(f"no PostgreSQL server in {devdb.POSTGRES_BIN} (apt-get install postgresql)")
            with devdb.local_postgres() as url:
                runs += measure(url, "PostgreSQL 15", args.events)
    write_report(runs, args.events)
    return 0


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def write_report(runs: list[dict], events: int) -> None:
    rows = "\n".join(f"| {r['store']} | {r['query']} | {r['page']} | {_ms(r['first_p50'])} | {_ms(r['first_p95'])} | "
                     f"{_ms(r['next_p50'])} | {_ms(r['next_p95'])} |" for r in runs)
    text = f"""# EPCIS REST binding figures

Measured by `python -m pilotchain.bench.epcis_rest` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC
({platform.machine()}, {os.cpu_count()} cores shared with other work).

## `GET /epcis/events` with two filters over {events:,} events

The binding's EPCIS view holds {events:,} synthetic events (5 event types, 8 business steps,
200 read points, event times over a year, one EPC each), written straight into its tables: this
measures the query side only (the chain and the indexer are in reports/indexer.md). Each query
is asked {SAMPLES} times through the FastAPI app in process (starlette's TestClient: routing,
the view's refresh against the index, the SQL, JSON rendering; no network); "next" follows the
first page's `nextPageToken` link. perPage is the default, 30. Milliseconds. The baseline row is
a route that touches no database: the cost of the app and the test client alone on this
machine at the time (its 2 cores are shared with other jobs, so the figures vary between runs).

| store | filters | events on the first page | first page p50 | p95 | next page p50 | p95 |
|---|---|---|---|---|---|---|
{rows}

Goal from issue 11: a filtered EPCIS query p95 ≤ 100 ms.
"""
    REPORT.write_text(text)
    print(text)


if __name__ == "__main__":
    raise SystemExit(main())

"""Members and list views at scale: a section of reports/scale.md (`pilotchain.bench.scale`).

Starts an anvil dev node on a free port (accounts and records in a temporary folder), or uses a
running network (`--network`, e.g. a geth Clique network), deploys the suite and admits entities through council proposals, batched by the block gas limit
(`registry.admission_batches`), up to 164, 2,000 and 10,000 entities. At each size it measures
the gas of every list view that grows with the consortium (`eth_estimateGas` of the call minus
the 21,000 base: execution and calldata), filtered and unfiltered, limit 100 and 1,000, from the
first id, and the wall time of the library's listing `registry.members(...)`, with the
admission events from logs and from an index of the chain (`pilotchain.indexer`, caught up to
the head before the listing). The admission time is the sum over the three stages of proposing,
voting and executing every batch.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from eth_utils import keccak, to_checksum_address

from pilotchain import registry
from pilotchain.bench.scale_reads import build_index, deployed_node, heading_node, node_description
from pilotchain.endpoints import open_session
from pilotchain.indexer.reads import IndexSource
from pilotchain.registry import EntityKind, EntityStatus, NewEntity

SIZES = (164, 2_000, 10_000)
LIMITS = (100, 1_000)
BASE_GAS = 21_000
GOAL_GAS = 10_000_000
GOAL_ADMISSION_SECONDS = 60
GOAL_LISTING_SECONDS = 1.0
LISTING_RUNS = 3  # each listing's time is the median of this many runs (the machine is shared)


def synthetic_entity(n: int) -> NewEntity:
    """Entity n of the synthetic consortium: kinds and regions in rotation, an admin nobody holds."""
    code = f"91110000SC{n:08d}"
    return NewEntity(
        name=f"Scale Test Entity {n:05d}", kind=EntityKind(n % len(EntityKind)), region=110000 + 100 * (n % 16),
        code=code, admin=to_checksum_address(keccak(text=f"pilotchain-bench-scale:{n}")[-20:]),
        dossier_hash=keccak(text=code), dossier_uri=f"pilot://dossiers/{code}",
    )


@dataclass
class Stage:
    size: int
    gas: dict[str, int]
    listing: dict[str, float]
    listing_rows: dict[str, int]
    indexing: float  # seconds the index took to catch up with the admissions since the last size
    load: float  # the machine's 1-minute load average after the listing


def _filter(kind=None, status=None, region=None) -> tuple:
    return (kind is not None, int(kind or 0), status is not None, int(status or 0), region is not None, int(region or 0))


VIEWS = {
    "listEntities, no filter": _filter(),
    "listEntities, kind = Hospital (1 in 8)": _filter(kind=EntityKind.Hospital),
    "listEntities, status = Suspended (no match: MAX_SCAN ids)": _filter(status=EntityStatus.Suspended),
}


LISTINGS = {
    "members()": {},
    "members(kind=Hospital)": {"kind": EntityKind.Hospital},
    # the segments one after another, as the listing read its pages before (issue 16)
    "members(kind=Hospital, readers=1)": {"kind": EntityKind.Hospital, "readers": 1},
}
# the same listings with the session's index set (`session.index`): the EntityAdmitted events
# from the index, which covers the head, and no log query
INDEXED = ("members()", "members(kind=Hospital)")
FROM_INDEX = ", from the index"


def _view_gas(w3, fn) -> int:
    return w3.eth.estimate_gas({"to": fn.address, "data": fn._encode_transaction_data()}) - BASE_GAS


def _listing(session, kwargs: dict) -> tuple[float, list]:
    """The median wall time of `LISTING_RUNS` listings, and the members listed."""
    times = []
    for _ in range(LISTING_RUNS):
        started = time.monotonic()
        found = registry.members(session, **kwargs)
        times.append(time.monotonic() - started)
    return statistics.median(times), found


def _measure(w3, session, size: int, target: str, index_url: str) -> Stage:
    reg = session.contract("EntityRegistry")
    sharing = session.contract("DataSharing")
    gas = {}
    for limit in LIMITS:
        for label, query in VIEWS.items():
            gas[f"{label}, limit {limit:,}"] = _view_gas(w3, reg.functions.listEntities(query, 1, limit))
        gas[f"listOpenProposals, limit {limit:,}"] = _view_gas(w3, reg.functions.listOpenProposals(1, limit))
        gas[f"DataSharing.listAssetGrants (scans entity ids, no grant), limit {limit:,}"] = _view_gas(
            w3, sharing.functions.listAssetGrants(1, 1, limit))
    listing, rows, found = {}, {}, {}
    for label, kwargs in LISTINGS.items():
        listing[label], found[label] = _listing(session, kwargs)
        rows[label] = len(found[label])
    started = time.monotonic()
    build_index(target, index_url)
    indexing = time.monotonic() - started
    session.index = IndexSource(index_url)
    try:
        for label in INDEXED:
            listing[label + FROM_INDEX], members = _listing(session, LISTINGS[label])
            if members != found[label]:
                raise AssertionError(f"{label} from the index differs from the listing from logs")
            rows[label + FROM_INDEX] = len(members)
    finally:
        session.index.close()
        session.index = None
    return Stage(size, gas, listing, rows, indexing, os.getloadavg()[0])


def run(sizes: tuple[int, ...] = SIZES, *, network: str | None = None, records: Path | None = None, log=print) -> str:
    """Measure at each size (entities in the registry) on a fresh anvil node, or on a fresh
    deployment on `network`; returns the markdown section."""
    with tempfile.TemporaryDirectory(prefix="pilotchain-bench-scale-") as folder:
        with deployed_node(Path(folder), "members", network=network, records=records) as target:
            council = [open_session(target, f"council-{i}") for i in range(1, 6)]
            w3 = council[0].w3
            node = node_description(w3)
            reg = council[0].contract("EntityRegistry")
            gas_limit = registry.block_gas_limit(council[0])
            stages, admitted_seconds, proposals = [], 0.0, 0
            for size in sizes:
                have = council[0].call(reg.functions.entityCount())
                started = time.monotonic()
                entities = [synthetic_entity(n) for n in range(have + 1, size + 1)]
                proposals += len(registry.admit(council[0], council[1:], entities))
                admitted_seconds += time.monotonic() - started
                log(f"  {size:,} entities ({admitted_seconds:.1f} s of admission so far); measuring the views")
                stages.append(_measure(w3, council[0], size, target, f"sqlite:///{Path(folder) / 'index.sqlite'}"))
            founders = len(council)
            bounds = {name: council[0].call(getattr(reg.functions, name)()) for name in ("SCAN_WINDOW", "MAX_SCAN")}
    return _render(stages, admitted_seconds, proposals, sizes[-1] - founders, gas_limit, bounds, node, network)


def _render(stages: list[Stage], seconds: float, proposals: int, admitted: int, gas_limit: int,
            bounds: dict[str, int], node: str, network: str | None) -> str:
    sizes = " | ".join(f"{s.size:,} entities" for s in stages)
    lines = [
        f"## Members and list views {heading_node(network)}",
        "",
        f"On {node}.",
        "",
        "Gas of each view is `eth_estimateGas` of the call minus the 21,000 base (execution and",
        "calldata), from the first id, on the synthetic consortium (kinds in rotation: 1 in 8 is a",
        f"hospital). Goal: every view ≤ {GOAL_GAS:,} gas at 10,000 entities, whatever the size (a scan reads at",
        f"most MAX_SCAN = {bounds['MAX_SCAN']:,} ids and returns once it has rows after SCAN_WINDOW = "
        f"{bounds['SCAN_WINDOW']:,}).",
        "",
        f"| view | {sizes} |",
        "|---|" + "---:|" * len(stages),
    ]
    for label in stages[0].gas:
        lines.append(f"| {label} | " + " | ".join(f"{s.gas[label]:,}" for s in stages) + " |")
    worst = max(s.gas[label] for s in stages for label in s.gas)
    lines += [
        "",
        f"Worst view: {worst:,} gas ({'meets' if worst <= GOAL_GAS else 'MISSES'} the {GOAL_GAS:,} goal).",
        "",
        f"Wall time of the library's listing, the median of {LISTING_RUNS} runs (`registry.members`: segments of MAX_PAGE ids read",
        f"{registry.PAGE_READERS} at a time, then the EntityAdmitted logs of the rows returned; one process, the node on",
        "the same machine; `readers=1` reads the segments one after another, as the listing read its",
        "pages before this change, which took 1.42 s filtered at 10,000 entities on anvil). Rows",
        f"`{FROM_INDEX.lstrip(', ')}`: the same listing with the session's index set, the EntityAdmitted events read from",
        "an index of the chain (SQLite, `pilotchain.indexer`) that covers the head, so no log query;",
        "the index caught up with each size's admissions before its listing (untimed there) in",
        ", ".join(f"{s.indexing:.1f} s at {s.size:,}" for s in stages) + ". The machine's",
        "1-minute load average after each size's listing: "
        + ", ".join(f"{s.load:.1f} at {s.size:,}" for s in stages) + ".",
        "",
        f"| call | {sizes} |",
        "|---|" + "---:|" * len(stages),
    ]
    for label in stages[0].listing:
        lines.append(f"| {label} | " + " | ".join(
            f"{s.listing[label]:.2f} s ({s.listing_rows[label]:,} rows)" for s in stages) + " |")
    goal = stages[-1].listing["members(kind=Hospital)"]
    indexed = stages[-1].listing["members(kind=Hospital)" + FROM_INDEX]
    lines += [
        "",
        f"Filtered listing at {stages[-1].size:,} entities: {goal:.2f} s from logs "
        f"({'meets' if goal <= GOAL_LISTING_SECONDS else 'MISSES'} the {GOAL_LISTING_SECONDS:.0f} s goal), "
        f"{indexed:.2f} s from the index ({'meets' if indexed <= GOAL_LISTING_SECONDS else 'MISSES'} it).",
        "",
        f"Admission end to end: {admitted:,} entities in {proposals} proposals (batches sized by",
        f"`registry.admission_batches` for the {gas_limit:,}-gas block; each proposal: propose, 2 votes,",
        f"execute with the model's gas limit, one receipt awaited after the other) in {seconds:.1f} s "
        + (f"({'meets' if seconds <= GOAL_ADMISSION_SECONDS else 'MISSES'} the {GOAL_ADMISSION_SECONDS} s goal)."
           if network is None else f"(the {GOAL_ADMISSION_SECONDS} s goal is anvil's: here each step waits for a block)."),
        "",
    ]
    return "\n".join(lines)

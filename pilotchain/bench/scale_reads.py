"""Library reads and per-item writes at scale: `python -m pilotchain.bench.scale_reads`.

Starts anvil dev nodes on free ports (state, accounts and records in a temporary folder), deploys
the suite and records through the batch path (`commissionBatch`, `observeBatch`, `transform`
with many outputs), then measures with a web3 provider that counts every JSON-RPC request:

- `history()` and `verify` of one item with 1,000 and 10,000 events (time, requests, gas of verify);
- a recall traced forward over 1,000 derived items, from logs and from the index, at the chain's
  height after recording, after `anvil_mine` of MINE empty blocks, and on a chain whose genesis
  is block 1,000,000 (a long history before the deployment);
- 100 recall acknowledgements one transaction each (`acknowledge_recall` in a loop, as before)
  and batched (`acknowledge_recalls`): time and transactions.

`run(...)` returns the markdown section (`pilotchain.bench.scale` assembles reports/scale.md);
run as a module it prints that section only.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from eth_utils import keccak
from web3 import Web3
from web3.middleware import ExtraDataToPOAMiddleware
from web3.providers import HTTPProvider

from pilotchain import deployments, devnode, endpoints
from pilotchain import provenance as prov
from pilotchain.accounts import AccountStore
from pilotchain.deploy import deploy_network
from pilotchain.errors import ConfigError
from pilotchain.epcis.codes import item_id
from pilotchain.indexer import Indexer
from pilotchain.indexer.reads import IndexSource
from pilotchain.provenance import EventData, Quantity
from pilotchain.session import Session

DATA = EventData.build(biz_step="storing", disposition="active", read_point="urn:epc:id:sgln:6901234.00009.0")
OBSERVATIONS_PER_TX = 500
OUTPUTS_PER_TX = 200
TRACE_GOAL_S = 2.0


class CountingProvider(HTTPProvider):
    """An HTTP provider that counts the JSON-RPC requests made through it, by method."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls: Counter[str] = Counter()

    def make_request(self, method, params):
        self.calls[method] += 1
        return super().make_request(method, params)


def _web3(network: str, provider=HTTPProvider) -> Web3:
    """A Web3 on `network` (a URL or a network name) with a long timeout; web3's extra-data
    middleware reads Clique's 97-byte extraData and leaves anvil's blocks as they are."""
    w3 = Web3(provider(endpoints.resolve(network).url, request_kwargs={"timeout": 600}))
    w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return w3


def counting_session(network: str, account: str = "council-1") -> Session:
    """A session on the deployment on `network` whose provider counts requests (`session.w3.provider.calls`)."""
    w3 = _web3(network, CountingProvider)
    deployment = deployments.for_chain(w3)
    signer = AccountStore(endpoints.resolve(network).accounts_dir).load(account)
    return Session(w3, signer, deployment.addresses, start_blocks=deployment.start_blocks)


# ---------------------------------------------------------------- recording through the batch path


def commission_items(session: Session, tag: str, count: int, *, lot_amount: int = 0) -> list[bytes]:
    """`count` new items (or lots of `lot_amount` thousandths of a kilogram) in one `commissionBatch`."""
    ids = [item_id(f"urn:epc:id:sgtin:6901234.077777.{tag}-{n}") for n in range(count)]
    quantities = [(Quantity.of_lot(i, lot_amount, "KGM") if lot_amount else Quantity.item(i)).as_tuple() for i in ids]
    session.transact(session.contract("Provenance").functions.commissionBatch(quantities, [DATA.as_tuple()] * count))
    return ids


def observe_many(session: Session, item: bytes, events: int) -> None:
    """`events` observations of one item, `OBSERVATIONS_PER_TX` per `observeBatch`, all in flight at once."""
    contract = session.contract("Provenance")
    pending = []
    for start in range(0, events, OBSERVATIONS_PER_TX):
        batch = [(item, keccak(text=f"observation {item.hex()} {n}"), DATA.event_time)
                 for n in range(start, min(events, start + OBSERVATIONS_PER_TX))]  # fmt: skip
        pending.append(session.send(contract.functions.observeBatch(DATA.as_tuple(), batch)))
    for p in pending:
        session.wait(p)


def derive(session: Session, lot: bytes, tag: str, count: int) -> list[bytes]:
    """`count` serialised items made from `lot`, `OUTPUTS_PER_TX` per transformation (1 unit each)."""
    outputs = [item_id(f"urn:epc:id:sgtin:6901234.088888.{tag}-{n}") for n in range(count)]
    for start in range(0, count, OUTPUTS_PER_TX):
        made = outputs[start:start + OUTPUTS_PER_TX]
        data = EventData.build(biz_step="assembling", disposition="active", epcis_hash=keccak(text=f"{tag} {start}"))
        prov.transform(session, [Quantity.of_lot(lot, len(made), "KGM")], [Quantity.item(i) for i in made], data)
    return outputs


# ---------------------------------------------------------------- measuring


@contextmanager
def _measured(session: Session, into: dict):
    calls = session.w3.provider.calls
    before, started = sum(calls.values()), time.perf_counter()
    yield
    into["seconds"] = time.perf_counter() - started
    into["requests"] = sum(calls.values()) - before


def _history_row(session: Session, item: bytes, events: int) -> dict:
    row: dict = {"events": events}
    with _measured(session, row):
        checked = prov.history(session, item)
    assert len(checked.events) == events + 1, "history lost events"  # + the commissioning
    verify_row: dict = {}
    with _measured(session, verify_row):
        prov.verify(session, item)
    fn = session.contract("Provenance").functions.verify(item)
    row.update(verify_seconds=verify_row["seconds"], verify_requests=verify_row["requests"],
               verify_gas=fn.estimate_gas({"from": session.account}))  # fmt: skip
    return row


def _trace_rows(session: Session, lot: bytes, label: str, index_url: str | None) -> list[dict]:
    rows = []
    for source in ("logs", "index"):
        if source == "index" and index_url is None:
            continue
        session.index = IndexSource(index_url) if source == "index" else None
        row: dict = {"chain": label, "height": session.w3.eth.block_number, "source": source}
        with _measured(session, row):
            reached = prov.trace(session, lot, "forward")
        row["items"] = len(reached.items)
        rows.append(row)
        if session.index is not None:
            session.index.close()
    session.index = None
    return rows


def build_index(network: str, db: str) -> None:
    """Index the deployment on `network` into `db` up to the head (or from where it stopped)."""
    w3 = _web3(network)
    with Indexer(w3, deployments.for_chain(w3), db, confirmations=0, batch_blocks=10_000_000) as indexer:
        indexer.sync()


@contextmanager
def deployed_node(work: Path, name: str, *extra: str, network: str | None = None, records: Path | None = None):
    """The suite freshly deployed, on a new anvil node (`extra` are anvil's arguments), or on
    `network` when given (a running node whose account store, where the environment says,
    holds a funded `deployer`). The deployment's records go to `(records or work)/name`, and
    on anvil its accounts beside them. Yields what `open_session` takes: the node's URL, or
    the network."""
    folder = (records or work) / name
    if (folder / "deployments").exists():
        raise ConfigError(f"{folder / 'deployments'} exists: a fresh deployment needs a folder of its own")
    saved = {k: os.environ.get(k) for k in ("PILOTCHAIN_ACCOUNTS", "PILOTCHAIN_DEPLOYMENTS")}
    os.environ["PILOTCHAIN_DEPLOYMENTS"] = str(folder / "deployments")
    node = None
    try:
        if network is None:
            os.environ["PILOTCHAIN_ACCOUNTS"] = str(folder / "accounts")
            node = devnode.start_anvil(devnode.free_port(), extra_args=list(extra))
            network = node.url
        w3, _ = endpoints.connect(network)
        deploy_network(network, w3, funder=w3.eth.accounts[0] if node else None, log=lambda _m: None)
        yield network
    finally:
        if node is not None:
            node.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def node_description(w3: Web3) -> str:
    """The client, block gas limit, mean block interval and the gas cap of its calls, as the
    node answers them (the cap from the allowance it names when a call never ends)."""
    head = w3.eth.get_block("latest")
    # From block 1: the genesis carries its file's timestamp (0 on a Clique network), not a seal's.
    before = w3.eth.get_block(min(head["number"], max(1, head["number"] - 20)))
    interval = (head["timestamp"] - before["timestamp"]) / max(1, head["number"] - before["number"])
    answer = w3.provider.make_request("eth_estimateGas", [{"data": "0x5b600056"}])  # JUMPDEST PUSH1 0 JUMP
    message = str(answer.get("error", {}).get("message", ""))
    cap = message.rsplit("(", 1)[-1].rstrip(")") if "allowance (" in message else "not stated"
    cap = f"{int(cap):,}" if cap.isdigit() else cap
    return (f"{w3.client_version.split('/')[0]} {w3.client_version.split('/')[1]}, block gas limit {head['gasLimit']:,}, "
            f"{'instant mining' if interval < 0.5 else f'{interval:.1f} s between blocks'}, call gas cap {cap}")


def run(*, derived: int = 1_000, acknowledgements: int = 100, mine: int = 20_000, genesis: int = 1_000_000,
        histories: tuple[int, ...] = (1_000, 10_000), network: str | None = None, records: Path | None = None,
        log=print) -> str:
    """Measure everything on fresh anvil nodes, or on `network` (a fresh deployment there;
    without anvil's `anvil_mine` and tall genesis, so the trace is measured at the chain's own
    height only); returns the markdown section."""
    with tempfile.TemporaryDirectory(prefix="pilotchain-bench-scale-reads-") as folder:
        work = Path(folder)
        with deployed_node(work, "reads", network=network, records=records) as url:
            session = counting_session(url)
            node = node_description(session.w3)
            history_rows = []
            for events in histories:
                [item] = commission_items(session, f"HISTORY{events}", 1)
                observe_many(session, item, events)
                history_rows.append(_history_row(session, item, events))
                log(f"  history of {events:,} events: {history_rows[-1]['seconds']:.2f} s")
            [lot] = commission_items(session, "LOT", 1, lot_amount=10 * (derived + 2 * acknowledgements))
            outputs = derive(session, lot, "DERIVED", derived)
            prov.recall(session, lot, "bench")
            db = f"sqlite:///{work / 'index.sqlite'}"
            build_index(url, db)
            trace_rows = _trace_rows(session, lot, "as recorded", db)
            log(f"  trace over {derived:,} items: {trace_rows[0]['seconds']:.2f} s from logs")
            ack_rows = _acknowledgement_rows(session, lot, outputs, acknowledgements)
            log(f"  acknowledgements: {ack_rows[0]['seconds']:.1f} s one by one, {ack_rows[1]['seconds']:.1f} s batched")
            if network is None:
                session.w3.provider.make_request("anvil_mine", [hex(mine)])
                build_index(url, db)
                trace_rows += _trace_rows(session, lot, f"after anvil_mine of {mine:,} empty blocks", db)
        if network is None:
            with deployed_node(work, "tall", "--number", str(genesis)) as url:
                session = counting_session(url)
                [lot] = commission_items(session, "LOT", 1, lot_amount=10 * derived)
                derive(session, lot, "DERIVED", derived)
                db = f"sqlite:///{work / 'tall.sqlite'}"
                build_index(url, db)
                trace_rows += _trace_rows(session, lot, f"genesis at block {genesis:,}", db)
        log(f"  traces: {[round(r['seconds'], 2) for r in trace_rows]}")
    return section(history_rows, trace_rows, ack_rows, derived=derived, node=node, network=network)


def _acknowledgement_rows(session: Session, lot: bytes, outputs: list[bytes], count: int) -> list[dict]:
    one_by_one, batched = outputs[:count], outputs[count:2 * count]
    mined = session.sender.mined
    before: dict = {"how": f"`acknowledge_recall` per item ({count})"}
    with _measured(session, before):
        for item in one_by_one:
            prov.acknowledge_recall(session, item, lot)
    before["transactions"] = session.sender.mined - mined
    after: dict = {"how": f"`acknowledge_recalls` ({count} items)"}
    mined = session.sender.mined
    with _measured(session, after):
        result = prov.acknowledge_recalls(session, batched, lot)
    after["transactions"] = session.sender.mined - mined
    assert sorted(result.acknowledged) == sorted(batched), "batched acknowledgements missed items"
    return [before, after]


def section(history_rows: list[dict], trace_rows: list[dict], ack_rows: list[dict], *, derived: int, node: str,
            network: str | None = None) -> str:
    histories = "\n".join(
        f"| {r['events']:,} | {r['seconds']:.2f} | {r['requests']} | {r['verify_seconds'] * 1000:.1f} | "
        f"{r['verify_requests']} | {r['verify_gas']:,} |" for r in history_rows)  # fmt: skip
    traces = "\n".join(f"| {r['chain']} | {r['height']:,} | {r['source']} | {r['items']:,} | {r['seconds']:.2f} | "
                       f"{r['requests']} |" for r in trace_rows)  # fmt: skip
    acks = "\n".join(f"| {r['how']} | {r['seconds']:.2f} | {r['transactions']} | {r['requests']:,} |" for r in ack_rows)
    worst = max(r["seconds"] for r in trace_rows)
    command = "python -m pilotchain.bench.scale_reads" + (f" --network {network}" if network else "")
    return f"""## Library reads and per-item writes {heading_node(network)}

Measured by `{command}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC
({platform.machine()}, {os.cpu_count()} cores shared with other work; {node}).
Requests are every JSON-RPC request the library made, counted by its provider. Single
runs, not best-of.

### One item's history

`history()` rebuilds the item's hash chain from its logs (one `eth_getLogs` from the deployment
block, decoded with the compiled ABI) and checks it against the contract's head; `verify` is the
QR-code view (gas by `eth_estimateGas` of the view call).

| events | history s | history requests | verify ms | verify requests | verify gas |
|---|---|---|---|---|---|
{histories}

### A recall traced over {derived:,} derived items

`trace(lot, "forward")`: a lot turned into {derived:,} items by transformations of {OUTPUTS_PER_TX}
outputs. Each level of the search is one query per event kind for the whole frontier (item ids
OR-ed in one topic position); from the index, the same queries go to its `events` table (up to
its last block still on the chain) and to logs above it. Before this change (issue 16): 58.5 s
and 6,004 `eth_getLogs` on a 5,476-block chain, growing with the height. Goal: ≤ {TRACE_GOAL_S:g} s,
independent of height; worst here {worst:.2f} s.

| chain | height | source | items reached | seconds | requests |
|---|---|---|---|---|---|
{traces}

### Recall acknowledgements

Custodian of the derived items acknowledges the lot's recall on each: one transaction per item
sent one after another, against `multicall` batches sized from the block gas limit (half of it
per transaction), all in flight at once. Before this change (issue 16): 100 took 14.4 s.

| how | seconds | transactions | requests |
|---|---|---|---|
{acks}
"""


def heading_node(network: str | None) -> str:
    """What a section's heading says of where it was measured."""
    return f"(on {network})" if network else "(on anvil)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--derived", type=int, default=1_000, help="items derived from the recalled lot (default 1,000)")
    parser.add_argument("--mine", type=int, default=20_000, help="empty blocks mined before the second trace")
    parser.add_argument("--network", help="measure on this running network (e.g. pilot-poa-16410) instead of anvil")
    parser.add_argument("--records", type=Path, help="keep the deployment records in this folder (default: a temporary one)")
    args = parser.parse_args(argv)
    print(run(derived=args.derived, mine=args.mine, network=args.network, records=args.records))  # `make bench-scale` writes it into reports/scale.md
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

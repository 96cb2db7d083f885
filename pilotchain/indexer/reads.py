"""The index as a source for the library's reads (`session.index = IndexSource(url)`).

A read asks the index what it would ask `eth_getLogs`: events of one contract (whose topic 1 or 2
is one of many values, when the read names them). The index answers only up to the height it
covers, and only when that height is still on the chain: the index must be of this deployment
(its identity names the same chain, genesis and contract addresses) and the hash it stored for
its last indexed block must be the chain's (by the hash chain, that vouches for every block below
it). The caller reads the
blocks above from logs; with no coverage it reads everything from logs. An index that lags is
therefore never a stale answer, only a smaller share of one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from web3.exceptions import BlockNotFound

from pilotchain.deployments import chain_identity
from pilotchain.errors import ConfigError
from pilotchain.indexer import schema as s
from pilotchain.indexer.store import connect_db, database_url


class IndexSource:
    """Reads from an index database (a URL as `pilotchain index --db` takes, or an engine). A
    URL names an index that exists: a SQLite file that is not there is refused rather than
    created empty, which would read everything from logs without a word."""

    def __init__(self, source: str | sa.Engine):
        if isinstance(source, str):
            parsed = database_url(source, "--index")
            if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
                raise ConfigError(f"--index: no index database at {parsed.database or source!r} "
                                  "(`pilotchain index --db URL` builds one)")
            source = connect_db(source, option="--index")
        self.engine = source

    def coverage(self, session, head: int) -> int | None:
        """The last block this index serves for `session`'s chain at `head`, or None when it is
        of another deployment, empty, or its last indexed block is no longer on the chain."""
        with self.engine.connect() as conn:
            identity = _meta(conn, "identity")
            cursor = _meta(conn, "cursor")
            stored = conn.execute(sa.select(s.blocks.c.hash).where(s.blocks.c.number == cursor)).scalar_one_or_none() \
                if cursor is not None else None  # fmt: skip
        if identity is None or stored is None:
            return None
        chain_id, genesis = chain_identity(session.w3)
        contracts = {name: address.lower() for name, address in identity["contracts"].items()}
        ours = {name: address.lower() for name, address in session.addresses.items()}
        if (identity["chain_id"], identity["genesis_hash"]) != (chain_id, genesis) or any(
            contracts.get(name) != address for name, address in ours.items()
        ):
            return None
        height = min(cursor, head)
        try:
            on_chain = session.w3.eth.get_block(cursor)["hash"].to_0x_hex()
        except BlockNotFound:
            return None
        return height if on_chain == stored else None

    def events(self, contract: str, names: list[str], position: int | None, words: list[str] | None,
               upto: int) -> list[dict[str, Any]]:
        """Events `names` of `contract` up to block `upto` whose topic `position` (1 or 2) is one
        of `words` (all of them when `words` is None), in chain order: event, args (as the
        indexer decoded them), block_number, log_index, tx_hash."""
        query = (sa.select(s.events.c.event, s.events.c.args, s.events.c.block_number, s.events.c.log_index,
                           s.events.c.tx_hash)
                 .where(s.events.c.contract == contract, s.events.c.event.in_(names), s.events.c.block_number <= upto))  # fmt: skip
        found: list[dict[str, Any]] = []
        with self.engine.connect() as conn:
            if words is None:
                found += [dict(row) for row in conn.execute(query).mappings()]
            else:
                column = s.events.c.topic1 if position == 1 else s.events.c.topic2
                for start in range(0, len(words), 500):  # SQLite binds at most 32,766 parameters
                    chunk = [w.lower() for w in words[start:start + 500]]
                    found += [dict(row) for row in conn.execute(query.where(column.in_(chunk))).mappings()]
        return sorted(found, key=lambda row: (row["block_number"], row["log_index"]))

    def close(self) -> None:
        self.engine.dispose()


def _meta(conn: sa.Connection, key: str) -> Any:
    return conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == key)).scalar_one_or_none()

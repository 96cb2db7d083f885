"""`pilotchain index`: the deployment's events into SQLite or PostgreSQL tables."""

from __future__ import annotations

from pilotchain import indexer
from pilotchain.cli import arg, command
from pilotchain.indexer.core import DEFAULT_BATCH_BLOCKS


@command("index", "index the deployment's events into a database (reorg-safe, resumable)",
         arg("--db", help="SQLAlchemy URL: sqlite:///path or postgresql://user@host/db "
                          "(default: SQLite in .pilotchain/index/<chain id>.sqlite)"),
         arg("--follow", action="store_true", help="keep polling for new blocks until interrupted"),
         arg("--confirmations", type=int, default=indexer.DEFAULT_CONFIRMATIONS,
             help=f"blocks below the head before a row is final (default: {indexer.DEFAULT_CONFIRMATIONS})"),
         arg("--batch-blocks", type=int, default=DEFAULT_BATCH_BLOCKS,
             help=f"blocks per database transaction (default: {DEFAULT_BATCH_BLOCKS})"),
         arg("--interval", type=float, default=1.0, help="seconds between polls with --follow (default: 1)"),
         arg("--store", help="EPCIS event store whose documents go beside the on-chain hashes "
                             "(default: $PILOTCHAIN_EVENTSTORE or .pilotchain/eventstore.sqlite)"),
         arg("--quiet", action="store_true", help="no progress lines"),
         shared=("network", "json"))
def index(args):
    log = (lambda _m: None) if args.quiet or args.json else print
    return indexer.run(args.network, db=args.db, follow=args.follow, confirmations=args.confirmations,
                       batch_blocks=args.batch_blocks, interval=args.interval, eventstore=args.store, log=log)

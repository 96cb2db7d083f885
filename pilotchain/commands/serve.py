"""`pilotchain serve`: the HTTP API over the index (and the indexer keeping it current)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pilotchain import indexer
from pilotchain.cli import arg, command


@command("serve", "serve the HTTP API (/api/v1) and the web console, indexing new blocks as they come",
         arg("--db", help="SQLAlchemy URL of the index: sqlite:///path or postgresql://user@host/db "
                          "(default: SQLite in .pilotchain/index/<chain id>.sqlite)"),
         arg("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"),
         arg("--port", type=int, default=8600, help="port to listen on (default: 8600)"),
         arg("--index", action=argparse.BooleanOptionalAction, default=True,
             help="follow the chain into the index in a background thread (default); --no-index serves the "
                  "index as it is (another process runs `pilotchain index --follow`)"),
         arg("--confirmations", type=int, default=indexer.DEFAULT_CONFIRMATIONS,
             help=f"blocks below the head before a row is final (default: {indexer.DEFAULT_CONFIRMATIONS})"),
         arg("--rpc-url", help="the JSON-RPC URL browsers should use (default: this server's /api/v1/rpc, which forwards to the node)"),
         arg("--web-dir", type=Path, help="the built web console (default: web/dist)"),
         arg("--store", help="EPCIS event store whose documents go beside the on-chain hashes"),
         shared=("network",))
def serve(args):
    from pilotchain.api.app import WEB_DIR
    from pilotchain.api.serve import serve as run

    return run(args.network, db=args.db, host=args.host, port=args.port, index=args.index,
               confirmations=args.confirmations, rpc_url=args.rpc_url, web_dir=args.web_dir or WEB_DIR,
               eventstore=args.store)

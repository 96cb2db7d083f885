"""`pilotchain gateway serve`: an owner's data gateway (see pilotchain.gateway.server)."""

from __future__ import annotations

from pathlib import Path

from pilotchain.cli import arg, command
from pilotchain.endpoints import open_session
from pilotchain.errors import ConfigError
from pilotchain.toolchain import ROOT


@command(
    "gateway serve",
    "serve your entity's asset files to whom the chain allows, recording a receipt of every delivery",
    arg("--asset-dir", type=Path, required=True, help="folder holding the files the assets' locators name"),
    arg("--state-dir", type=Path, help="folder for spent nonces, deliveries and the receipt journal "
        "(default: .pilotchain/gateway/CHAIN-ACCOUNT)"),
    arg("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"),
    arg("--port", type=int, default=8600, help="port to listen on (default: 8600)"),
    arg("--tls-cert", help="PEM certificate chain: serve HTTPS (with --tls-key)"),
    arg("--tls-key", help="PEM private key of --tls-cert"),
    arg("--batch-seconds", type=float, default=2.0, help="seconds between receipt batches (default: 2)"),
    arg("--batch-size", type=int, default=100, help="deliveries that trigger a batch at once (default: 100)"),
    arg("--rate", type=float, default=50.0, help="requests per second allowed per client address (default: 50)"),
    arg("--burst", type=int, default=100, help="requests a client address may send at once (default: 100)"),
    arg("--max-lifetime", type=int, default=300,
        help="seconds ahead a signed request's expiry may be (default: 300)"),
    shared=("network", "account"),
)
def serve(args):
    from pilotchain.gateway.server import Gateway, Limits, Tls, serve as run

    if not args.account:
        raise ConfigError("gateway serve needs --account: an account (operator) of the entity owning the assets")
    if bool(args.tls_cert) != bool(args.tls_key):
        raise ConfigError("give both --tls-cert and --tls-key, or neither")
    if not args.asset_dir.is_dir():
        raise ConfigError(f"--asset-dir {args.asset_dir} is not a folder")
    session = open_session(args.network, args.account)
    state_dir = args.state_dir or ROOT / ".pilotchain" / "gateway" / f"{session.sender.chain_id}-{session.account}"
    gateway = Gateway(session, args.asset_dir, state_dir,
                      limits=Limits(rate=args.rate, burst=args.burst, max_lifetime=args.max_lifetime),
                      batch_interval=args.batch_seconds, batch_size=args.batch_size)
    scheme = "https" if args.tls_cert else "http"
    print(f"gateway of entity {gateway.owner} as {gateway.account} on {scheme}://{args.host}:{args.port} "
          f"(state in {state_dir})", flush=True)
    run(gateway, host=args.host, port=args.port, tls=Tls(args.tls_cert, args.tls_key) if args.tls_cert else None)

"""`pilotchain chain …`: the local proof-of-authority network (geth Clique validators)."""

from __future__ import annotations

import json
import time

from pilotchain import chain, deployments, endpoints, toolchain
from pilotchain.chain import agent, network, nodes
from pilotchain.cli import arg, command, print_table, to_plain
from pilotchain.errors import ConfigError
from pilotchain.resolve import address

DIR = arg(
    "--dir",
    default=None,
    help=f"network folder (default: $PILOTCHAIN_NETWORK_DIR or {chain.DEFAULT_DIR})",
)
CLEAR_SCREEN = "\x1b[H\x1b[J"  # cursor home, erase to the end: a refresh draws over the last
NODES = arg("--node", action="append", dest="nodes", metavar="NODE", help="only this node (repeatable)")


def render_status(result: dict) -> None:
    """The per-node table, then the signer set."""
    print(f"network {result['dir']}  chain id {result['chain_id']}  period {result['period']} s")
    rows = [
        {
            "node": n["name"],
            "running": "yes" if n["running"] else "no",
            "block": _shown(n["block"]),
            "lag": _shown(n["lag"]),
            "peers": _shown(n["peers"]),
            "signer": "yes" if n["signer"] else "no",
            "sealing": "" if n["sealing"] is None else "yes" if n["sealing"] else "no",
            f"share of last {nodes.SHARE_WINDOW}": "" if n["share"] is None else f"{n['share']:.0%}",
            "last sealed": "" if n["since_sealed_s"] is None else f"{n['since_sealed_s']:.0f} s ago",
            "address": n["address"],
            "rpc": n["rpc_url"],
        }
        for n in result["nodes"]
    ]
    print_table(rows)
    print("signers: " + (", ".join(result["signers"]) or "(unknown: no node answers)"))


def _shown(value) -> str:
    return "" if value is None else str(value)


def watch(net: chain.Network, interval: float, as_json: bool) -> dict:
    """Status every `interval` seconds, redrawn in place (with --json: one line each) until Ctrl-C;
    returns the last."""
    try:
        while True:
            result = _status(net)
            if as_json:
                print(json.dumps(result), flush=True)
            else:
                print(CLEAR_SCREEN, end="")
                render_status(result)
            time.sleep(interval)
    except KeyboardInterrupt:
        return result


def _status(net: chain.Network) -> dict:
    return to_plain(chain.status(net))


@command(
    "chain init",
    "create a network folder: validator and operator keystores, Clique genesis, node data dirs; "
    "registers Brownie network pilot-poa (default folder) or pilot-poa-<chain id>, never redirecting one",
    DIR,
    arg("--validators", type=int, default=3, help="number of validators, 1-7 (default: 3)"),
    arg("--chain-id", type=int, default=network.DEFAULT_CHAIN_ID, help="default: %(default)s"),
    arg("--period", type=int, default=network.DEFAULT_PERIOD, help="block period in seconds (default: %(default)s)"),
    arg("--gas-limit", type=int, default=network.DEFAULT_GAS_LIMIT, help="block gas limit (default: %(default)s)"),
    arg("--base-port", type=int, default=network.DEFAULT_BASE_PORT,
        help="node i listens on base+3i (HTTP RPC), +1 (p2p), +2 (engine API) (default: %(default)s)"),
    arg("--topology", metavar="FILE",
        help="a network over several hosts (YAML: members, host addresses, node roles and ports; "
             "see pilotchain/chain/topology.py): writes the genesis and one bundle per host into --out"),
    arg("--out", metavar="DIR", help="with --topology: output folder (network/, bundles/<host>/, secrets/<host>/)"),
)
def init(args):
    if args.topology:
        return _init_topology(args)
    brownie_id = network.brownie_network(args.dir, args.chain_id)
    change = toolchain.check_poa_network(brownie_id, f"http://{network.HOST}:{args.base_port}", args.chain_id)
    net = chain.init_network(
        args.dir,
        validators=args.validators,
        chain_id=args.chain_id,
        period=args.period,
        gas_limit=args.gas_limit,
        base_port=args.base_port,
    )
    return {
        "dir": str(net.dir),
        "chain_id": net.chain_id,
        "validators": [n.address for n in net.validators],
        "rpc_url": net.nodes[0].rpc_url,
        "brownie_network": brownie_id,
        "brownie_change": change or "none (already registered as above)",
        "use": f"--network {brownie_id}" + ("" if brownie_id == "pilot-poa" else
                                           f" (its accounts: PILOTCHAIN_ACCOUNTS={net.dir / 'accounts'})"),
    }


def _init_topology(args) -> dict:
    if not args.out:
        raise ConfigError("--topology needs --out DIR, the folder for the bundles")
    net = chain.init_topology(args.topology, args.out)
    out = net.dir.parent
    hosts = sorted({n.host for n in net.nodes})
    return {
        "network": str(net.dir),
        "chain_id": net.chain_id,
        "validators": [n.address for n in net.genesis_signers],
        "standby": [n.address for n in net.validators if n.standby],  # seal once the council votes them in
        "bundles": {host: str(out / "bundles" / host) for host in hosts},
        "passwords": {host: str(out / "secrets" / host) for host in hosts if any(
            n.validator for n in net.nodes if n.host == host)},
        "next": "copy bundles/<host> to each host; there: pilotchain chain join BUNDLE --passwords DIR",
    }


@command(
    "chain join",
    "on a member's host: start its nodes from their bundle (of `chain init --topology`) and switch "
    "sealing on in the start order; returns once they have two new blocks",
    arg("bundle", help="the host's bundle folder"),
    arg("--passwords", metavar="DIR", help="folder with <node>.password of each validator (first start)"),
    NODES,
    render=render_status,
)
def join(args):
    chain.join_bundle(args.bundle, passwords=args.passwords, names=args.nodes)
    return _status(chain.Network.load(args.bundle))


@command("chain start",
         "start the network's nodes and wait until every node has two new blocks (a head that stops "
         "moving is recovered, or reported with what to do); on a running network, check that it seals",
         DIR, NODES, render=render_status)
def start(args):
    net = chain.Network.load(args.dir)
    chain.start(net, args.nodes)
    return _status(net)


@command("chain stop", "stop the nodes this network started (SIGTERM, then SIGKILL)", DIR, NODES)
def stop(args):
    stopped = chain.stop(chain.Network.load(args.dir), args.nodes)
    return {"stopped": [n.name for n in stopped]}


@command("chain status",
         f"per node: running, head, lag, peers, signer, sealing, share of the last {nodes.SHARE_WINDOW} blocks, "
         "time since it last sealed; and the signer set. Works on a bundle or the operator's folder of a "
         "network over several hosts (nodes elsewhere are asked on their RPC address)",
         DIR,
         arg("--watch", action="store_true", help="refresh in place every block period until Ctrl-C"),
         render=render_status)
def status(args):
    net = chain.Network.load(args.dir)
    if args.watch:
        return watch(net, net.period, args.json)
    return _status(net)


@command("chain add-validator", "start a new node and vote it into the signer set", DIR)
def add_validator(args):
    node = chain.add_validator(chain.Network.load(args.dir))
    return {"added": node.name, "address": node.address, "rpc_url": node.rpc_url}


@command(
    "chain remove-validator",
    "vote a validator out of the signer set (its node keeps running as a follower)",
    DIR,
    arg("node", help="node name (e.g. node3) or signer address"),
)
def remove_validator(args):
    node = chain.remove_validator(chain.Network.load(args.dir), args.node)
    return {"removed": node.name, "address": node.address}


@command(
    "chain agent",
    "beside one validator: cast its Clique votes (clique_propose) so that the signer set follows the "
    "council's validator set in EntityRegistry, reporting each vote and when the sets match; "
    "runs until SIGTERM or Ctrl-C",
    arg("--registry", type=address, help="EntityRegistry's address (default: the chain's deployment record)"),
    arg("--interval", type=float, default=float(network.DEFAULT_PERIOD),
        help="seconds between two looks at the registry and the signers (default: %(default)g)"),
    shared=("network",),
)
def run_agent(args):
    """`--network` is the validator's own node (the clique API must be served to the agent)."""
    w3, _endpoint = endpoints.connect(args.network)
    registry_address = args.registry or deployments.for_chain(w3).addresses["EntityRegistry"]
    stop = agent.wait_for_stop()
    print(f"following the council of EntityRegistry {registry_address} on {args.network}", flush=True)
    follower = agent.Agent(w3, agent.registry_session(w3, registry_address), lambda line: print(line, flush=True))
    last = follower.run(args.interval, stop)
    return {"stopped": "on request", "last_block": last and last.block, "matched": last is not None and last.matches}

"""`pilotchain chain …`: the local proof-of-authority network (geth Clique validators)."""

from __future__ import annotations

from pilotchain import chain, toolchain
from pilotchain.chain import network
from pilotchain.cli import arg, command, print_table, to_plain

DIR = arg(
    "--dir",
    default=None,
    help=f"network folder (default: $PILOTCHAIN_NETWORK_DIR or {chain.DEFAULT_DIR})",
)
NODES = arg("--node", action="append", dest="nodes", metavar="NODE", help="only this node (repeatable)")


def render_status(result: dict) -> None:
    """The per-node table, then the signer set."""
    print(f"network {result['dir']}  chain id {result['chain_id']}  period {result['period']} s")
    rows = [
        {
            "node": n["name"],
            "running": "yes" if n["running"] else "no",
            "block": "" if n["block"] is None else n["block"],
            "peers": "" if n["peers"] is None else n["peers"],
            "signs": "yes" if n["signer"] else "no",
            "address": n["address"],
            "rpc": n["rpc_url"],
        }
        for n in result["nodes"]
    ]
    print_table(rows)
    print("signers: " + (", ".join(result["signers"]) or "(unknown: no node answers)"))


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
)
def init(args):
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


@command("chain status", "per node: process, block height, peers, signer; and the signer set", DIR,
         render=render_status)
def status(args):
    return _status(chain.Network.load(args.dir))


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

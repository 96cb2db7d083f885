"""The folder of a local Clique network: its description, keys, genesis and node data.

Layout of a network folder::

    network.json                 chain settings and the nodes (ports, signer address, node id)
    genesis.json                 Clique genesis: signers in extraData, operators prefunded
    accounts/<name>.json         operator keystores (deployer, operator-1..3) ...
    accounts/<name>.password     ... and their generated passwords (mode 0600)
    nodes/<node>/                geth data dir: keystore/, password, nodekey, config.toml,
                                 geth.log, geth.pid

Node i (0-based) uses three consecutive ports from the network's base port: HTTP RPC at
base + 3i, p2p at base + 3i + 1, the engine API (unused by Clique, but always opened by
geth) at base + 3i + 2; all bound to 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import socket
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from eth_keys import keys

from pilotchain import keystore, toolchain
from pilotchain.errors import ChainError, ConfigError

DEFAULT_DIR = toolchain.ROOT / ".pilotchain" / "networks" / "local"
DEFAULT_CHAIN_ID = 16400
DEFAULT_PERIOD = 2
DEFAULT_GAS_LIMIT = 30_000_000
DEFAULT_BASE_PORT = 8645
MAX_VALIDATORS = 7
OPERATORS = ("deployer", "operator-1", "operator-2", "operator-3")
OPERATOR_BALANCE = 10**6 * 10**18
EPOCH = 30_000
HOST = "127.0.0.1"
PORTS_PER_NODE = 3


def network_dir(path: str | Path | None = None) -> Path:
    """`path`, else $PILOTCHAIN_NETWORK_DIR, else the project's default network folder."""
    return Path(path or os.environ.get("PILOTCHAIN_NETWORK_DIR") or DEFAULT_DIR).resolve()


def brownie_network(folder: str | Path | None, chain_id: int) -> str:
    """The Brownie network id of the network in `folder` (see `toolchain.poa_network_id`)."""
    return toolchain.poa_network_id(network_dir(folder) == network_dir(), chain_id)


def geth_binary() -> Path:
    """The geth 1.13 executable ($PILOTCHAIN_GETH, else the one `make` builds into .cache/bin)."""
    geth = Path(os.environ.get("PILOTCHAIN_GETH") or toolchain.CACHE_BIN / "geth")
    if not os.access(geth, os.X_OK):
        raise ChainError(f"geth not found at {geth}: run `make chain-start` (or `make`), which builds geth 1.13.15 into .cache/bin")
    return geth


@dataclass
class Node:
    """One geth process of the network."""

    name: str
    address: str  # the node's signer key; it seals blocks while `validator` is true
    validator: bool
    http_port: int
    p2p_port: int
    authrpc_port: int
    node_id: str  # secp256k1 public key of the p2p identity, hex
    # Where the node listens: loopback for a local network, the member's host address from a
    # topology (`pilotchain.chain.topology`); it never listens on any other address.
    host: str = HOST
    organisation: str = ""
    metrics_port: int | None = None  # geth's Prometheus endpoint on `host`, where the topology asks
    # Peers reached through a relay instead of their own address (a topology's `links`): node
    # name -> "address:port" this node dials for it.
    via: dict[str, str] = field(default_factory=dict)
    # A validator outside the genesis signer set (a topology's `standby: true`): it runs with its
    # signer key and sealing on, and seals once the signers vote it in (the council's AddValidator,
    # cast by the agents of `pilotchain chain agent`). Every node knows it as a peer from the start.
    standby: bool = False

    @property
    def rpc_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    @property
    def enode(self) -> str:
        return f"enode://{self.node_id}@{self.host}:{self.p2p_port}"

    def enode_for(self, peer: Node) -> str:
        """The enode this node dials to reach `peer`: its own address, or the relay the topology names."""
        if peer.name in self.via:
            return f"enode://{peer.node_id}@{self.via[peer.name]}"
        return peer.enode

    @property
    def ports(self) -> dict[str, int]:
        ports = {"http": self.http_port, "p2p": self.p2p_port, "authrpc": self.authrpc_port}
        if self.metrics_port is not None:
            ports["metrics"] = self.metrics_port
        return ports


@dataclass
class Network:
    """A local Clique network as described by its folder's network.json."""

    dir: Path
    chain_id: int
    period: int
    gas_limit: int
    base_port: int
    nodes: list[Node] = field(default_factory=list)
    netrestrict: str = "127.0.0.0/8"  # the only addresses peers may have (geth --netrestrict)
    # geth's MaxPeers, set where every node is known from the start (a topology). geth syncs to
    # a peer's heavier chain at once only with min(5, MaxPeers) peers, otherwise on its 10 s
    # cycle; a node not yet sealing drops the blocks it is sent, so at the default (50) a
    # network of up to 5 nodes waits up to 10 s at every join and every heal. (DialRatio 1
    # lets a node dial all of them: by default it dials only MaxPeers / 3.)
    max_peers: int | None = None

    @classmethod
    def load(cls, path: str | Path | None = None) -> Network:
        folder = network_dir(path)
        try:
            data = json.loads((folder / "network.json").read_text())
        except FileNotFoundError:
            raise ChainError(f"no network at {folder}: create one with `pilotchain chain init --dir {folder}`") from None
        nodes = [Node(**n) for n in data.pop("nodes")]
        return cls(dir=folder, nodes=nodes, **data)

    def save(self) -> None:
        data = asdict(self)
        del data["dir"]
        tmp = self.dir / "network.json.tmp"
        tmp.write_text(json.dumps(data, indent=2) + "\n")
        tmp.replace(self.dir / "network.json")

    def node(self, name_or_address: str) -> Node:
        for node in self.nodes:
            if name_or_address in (node.name, node.address) or name_or_address.lower() == node.address.lower():
                return node
        raise ChainError(f"no node {name_or_address!r} in {self.dir} (nodes: {', '.join(n.name for n in self.nodes)})")

    @property
    def validators(self) -> list[Node]:
        return [n for n in self.nodes if n.validator]

    @property
    def genesis_signers(self) -> list[Node]:
        """The validators the genesis names as signers (all but the standby ones)."""
        return [n for n in self.validators if not n.standby]

    def node_dir(self, node: Node) -> Path:
        return self.dir / "nodes" / node.name

    def log_path(self, node: Node) -> Path:
        return self.node_dir(node) / "geth.log"

    def pid_path(self, node: Node) -> Path:
        return self.node_dir(node) / "geth.pid"

    def signer_keystore(self, node: Node) -> Path:
        return self.node_dir(node) / "keystore" / f"{node.address}.json"


def operator_account(net_dir: str | Path | None = None, name: str = "deployer") -> tuple[Path, str]:
    """The keystore path and password of an operator account of the network at `net_dir`.

    For Brownie scripts: `accounts.load(*operator_account())` (Brownie's `accounts.load` takes a
    keystore path). `net_dir` defaults as in `network_dir`.
    """
    folder = network_dir(net_dir)
    path = folder / "accounts" / f"{name}.json"
    try:
        password = (folder / "accounts" / f"{name}.password").read_text()
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in (folder / "accounts").glob("*.json"))) or "none"
        raise ConfigError(f"no operator account {name!r} in {folder} (accounts: {known})") from None
    return path, password


def free_base_port(nodes: int, low: int = 20_000, high: int = 30_000) -> int:
    """A base port below the ephemeral range whose ports for `nodes` nodes are all free now."""
    count = nodes * PORTS_PER_NODE
    for _ in range(200):
        base = random.randrange(low, high - count)
        if all(port_is_free(p) for p in range(base, base + count)):
            return base
    raise ChainError(f"found no {count} consecutive free ports between {low} and {high}")


def port_is_free(port: int, host: str = HOST) -> bool:
    """Whether geth could listen on `port` of `host` now (like geth, ignoring TIME_WAIT)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def init_network(
    path: str | Path | None = None,
    *,
    validators: int = 3,
    chain_id: int = DEFAULT_CHAIN_ID,
    period: int = DEFAULT_PERIOD,
    gas_limit: int = DEFAULT_GAS_LIMIT,
    base_port: int = DEFAULT_BASE_PORT,
    register_brownie: bool = True,
) -> Network:
    """Create a network folder: validator and operator keys, genesis, initialised geth data dirs.

    With `register_brownie`, the network gets a Brownie network pointing at its first node:
    `pilot-poa` for the default folder, `pilot-poa-<chain id>` for another; one that exists and
    points elsewhere is never redirected (ConfigError, before anything is created).
    """
    if not 1 <= validators <= MAX_VALIDATORS:
        raise ConfigError(f"a network has 1 to {MAX_VALIDATORS} validators, not {validators}")
    if period < 1:
        raise ConfigError(f"the block period is at least 1 second, not {period}")
    if not 1024 <= base_port <= 65535 - PORTS_PER_NODE * MAX_VALIDATORS:
        raise ConfigError(f"base port {base_port} is out of range")
    folder = network_dir(path)
    if (folder / "network.json").exists():
        raise ChainError(f"{folder} already holds a network: start it, or choose another --dir")
    brownie_id = brownie_network(folder, chain_id)
    if register_brownie:
        toolchain.check_poa_network(brownie_id, f"http://{HOST}:{base_port}", chain_id)
    geth = geth_binary()
    if folder.exists() and any(folder.iterdir()):
        raise ChainError(f"{folder} exists and is not empty: choose another --dir")
    net = Network(dir=folder, chain_id=chain_id, period=period, gas_limit=gas_limit, base_port=base_port)
    try:
        for _ in range(validators):
            _new_node(net, validator=True)
        operators = {name: _new_operator(net, name) for name in OPERATORS}
        _write_genesis(net, operators.values())
        for node in net.nodes:
            _geth_init(geth, net, node)
        write_node_configs(net)
        net.save()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if register_brownie:
        toolchain.register_poa_network(brownie_id, net.nodes[0].rpc_url, chain_id)
    return net


def add_node(net: Network, *, validator: bool) -> Node:
    """A new node with fresh keys, its data dir initialised from the network's genesis."""
    node = _new_node(net, validator=validator)
    _geth_init(geth_binary(), net, node)
    write_node_configs(net)
    net.save()
    return node


def write_node_configs(net: Network) -> None:
    """Each node's config.toml: p2p on the node's own address only (geth's --port would listen
    on every interface), every other node a trusted peer and the ones it dials (`dialled_peers`)
    static peers (discovery is off)."""
    for node in net.nodes:
        node_config(net, node, net.node_dir(node) / "config.toml")


def dialled_peers(net: Network, node: Node) -> list[Node]:
    """The nodes `node` dials: those listed before it in the network file; the others dial it.

    Each pair of nodes is dialled from one side only. When two geth nodes dial each other at
    once, each may keep the connection it made and refuse the other's as "already connected",
    which drops both; each then re-dials only when its dial history lets it, ~35 s after its
    first dial, that is at the same moment again. Hosts joining a network together did this
    (a pair still apart a minute after `chain join`). A node added later dials every node
    already there, which need not know it yet."""
    return net.nodes[: net.nodes.index(node)]


def node_config(net: Network, node: Node, path: Path) -> None:
    """Write `node`'s config.toml to `path` (see `write_node_configs`)."""
    def enodes(peers: list[Node]) -> str:
        return ", ".join(json.dumps(node.enode_for(n)) for n in peers)

    limits = f"MaxPeers = {net.max_peers}\nDialRatio = 1\n" if net.max_peers is not None else ""
    path.write_text(
        f'[Node.P2P]\nListenAddr = "{node.host}:{node.p2p_port}"\n{limits}'
        f"StaticNodes = [{enodes(dialled_peers(net, node))}]\n"
        f"TrustedNodes = [{enodes([n for n in net.nodes if n is not node])}]\n"
    )


def _new_node(net: Network, *, validator: bool, name: str | None = None, ports: tuple[int, int, int] | None = None,
              **placement) -> Node:
    """A node with fresh signer and p2p keys in nodes/<name>/; by default the next `nodeN` on
    the network's loopback ports, else named and placed as a topology says (`placement`:
    host, organisation, metrics_port, via)."""
    index = len(net.nodes)
    name = name or f"node{index + 1}"
    folder = net.dir / "nodes" / name
    password = keystore.generate_password()
    keystore.write_secret(folder / "password", password)
    # Geth reads any file in keystore/; named by address so the layout is self-explanatory.
    draft = folder / "keystore" / "new.json"
    address = keystore.create_keystore(draft, password)
    draft.rename(folder / "keystore" / f"{address}.json")
    node_key = secrets.token_bytes(32)
    keystore.write_secret(folder / "nodekey", node_key.hex())
    port = net.base_port + PORTS_PER_NODE * index
    http, p2p, authrpc = ports or (port, port + 1, port + 2)
    node = Node(
        name=name,
        address=address,
        validator=validator,
        http_port=http,
        p2p_port=p2p,
        authrpc_port=authrpc,
        node_id=keys.PrivateKey(node_key).public_key.to_bytes().hex(),
        **placement,
    )
    net.nodes.append(node)
    return node


def _new_operator(net: Network, name: str) -> str:
    password = keystore.generate_password()
    keystore.write_secret(net.dir / "accounts" / f"{name}.password", password)
    return keystore.create_keystore(net.dir / "accounts" / f"{name}.json", password)


def _write_genesis(net: Network, funded: Iterable[str]) -> None:
    signers = sorted((n.address for n in net.genesis_signers), key=lambda a: int(a, 16))
    extra = "0x" + "00" * 32 + "".join(a[2:].lower() for a in signers) + "00" * 65
    # Every pre-merge fork through London at block 0 (EIP-1559 fees); geth 1.13's Clique
    # has no Shanghai, so the contracts target london.
    forks = ["homestead", "eip150", "eip155", "eip158", "byzantium", "constantinople",
             "petersburg", "istanbul", "muirGlacier", "berlin", "london", "arrowGlacier", "grayGlacier"]
    genesis = {
        "config": {
            "chainId": net.chain_id,
            **{f"{fork}Block": 0 for fork in forks},
            "clique": {"period": net.period, "epoch": EPOCH},
        },
        "difficulty": "0x1",
        "gasLimit": hex(net.gas_limit),
        "extraData": extra,
        "alloc": {address: {"balance": hex(OPERATOR_BALANCE)} for address in funded},
    }
    (net.dir / "genesis.json").write_text(json.dumps(genesis, indent=2) + "\n")


def _geth_init(geth: Path, net: Network, node: Node) -> None:
    result = subprocess.run(
        [str(geth), "init", "--datadir", str(net.node_dir(node)), str(net.dir / "genesis.json")],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        last = result.stderr.strip().splitlines()[-1:] or ["no output"]
        raise ChainError(f"geth init failed for {node.name}: {last[0]}")

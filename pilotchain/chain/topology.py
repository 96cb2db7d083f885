"""A Clique network over several hosts, from a topology file, and the bundle each host starts.

A topology (YAML) names the member organisations, the host address of each, and the nodes it
runs with their roles and ports::

    chain_id: 16400              # optional: as `chain init` (chain id, period, gas limit)
    period: 2
    network: 10.77.0.0/24        # every member host is in it; peers from elsewhere are refused
    members:
      - organisation: Beijing Hospital
        host: 10.77.0.11
        nodes:
          - name: beijing-1
            roles: [validator]   # validator: seals blocks; rpc: the node applications use
            ports: {http: 8545, p2p: 30303, authrpc: 8551, metrics: 6060}   # metrics optional
      - organisation: Hangzhou Bank
        host: 10.77.0.16
        nodes:
          - name: hangzhou-1
            roles: [validator]
            standby: true        # not in the genesis: seals once the council votes it in
            ports: {http: 8545, p2p: 30303, authrpc: 8551}
    links:                       # optional: dial a node through a relay, not its host address
      - {from: beijing-1, to: shanghai-1, via: "10.77.0.11:40001"}

`init_topology` writes into its output folder:

    network/                     the operator's network folder: network.json (every node with
                                 its host), genesis.json, accounts/ (operator keystores and
                                 passwords); `pilotchain chain status --dir network` from any
                                 machine that reaches the hosts
    bundles/<host>/              what goes to one host: network.json, genesis.json, and per
                                 node nodes/<node>/ (keystore/, nodekey, config.toml with the
                                 static and trusted peers), start-<node>.sh and
                                 pilotchain-<node>.service
    secrets/<host>/<node>.password   each validator keystore's password, handed to the host's
                                 operator apart from the bundle (never inside it)

`join_bundle` runs on the host: it puts the passwords in place (owner-only), initialises the
data dirs from the genesis, and starts the nodes with `nodes.join`. Every node listens on its
host address only (p2p, HTTP RPC, metrics); the miner API is served on its IPC socket alone.
"""

from __future__ import annotations

import ipaddress
import shlex
import shutil
from pathlib import Path

import yaml

from pilotchain import keystore
from pilotchain.chain.network import (
    DEFAULT_CHAIN_ID,
    DEFAULT_GAS_LIMIT,
    DEFAULT_PERIOD,
    MAX_VALIDATORS,
    OPERATORS,
    Network,
    Node,
    _geth_init,
    _new_node,
    _new_operator,
    _write_genesis,
    geth_binary,
    node_config,
)
from pilotchain.chain.nodes import geth_command, join
from pilotchain.errors import ChainError, ConfigError

ROLES = {"validator", "rpc"}
PORT_KINDS = ("http", "p2p", "authrpc")
INSTALL_DIR = "/opt/pilotchain"


def load_topology(path: str | Path) -> dict:
    """The topology file, checked: one ConfigError line naming the first thing wrong."""
    path = Path(path)
    try:
        topology = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"no topology file {path}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not YAML: {exc}".splitlines()[0]) from None
    if not isinstance(topology, dict) or not topology.get("members"):
        raise ConfigError(f"{path}: a topology names its members (see `pilotchain chain init --help`)")
    try:
        network = ipaddress.ip_network(topology.get("network", ""))
    except ValueError:
        raise ConfigError(f"{path}: `network` must be the member hosts' address range, e.g. 10.77.0.0/24") from None
    names: set[str] = set()
    validators = signers = 0
    for member in topology["members"]:
        where = f"{path}: member {member.get('organisation', '?')!r}"
        try:
            host = ipaddress.ip_address(member.get("host", ""))
        except ValueError:
            raise ConfigError(f"{where} needs a host address") from None
        if host not in network:
            raise ConfigError(f"{where}: host {host} is outside the network {network}")
        used: set[int] = set()
        for node in member.get("nodes") or []:
            name = node.get("name", "")
            roles = set(node.get("roles") or [])
            ports = node.get("ports") or {}
            if not name or name in names or not name.replace("-", "").isalnum():
                raise ConfigError(f"{where}: node names are unique, letters, digits and '-' ({name!r})")
            if not roles or roles - ROLES:
                raise ConfigError(f"{where}: node {name} has roles from {sorted(ROLES)}, not {sorted(roles)}")
            if any(not isinstance(ports.get(k), int) or not 1024 <= ports[k] <= 65535 for k in PORT_KINDS):
                raise ConfigError(f"{where}: node {name} needs ports {', '.join(PORT_KINDS)} (1024-65535)")
            mine = [ports[k] for k in (*PORT_KINDS, "metrics") if k in ports]
            if used & set(mine) or len(set(mine)) < len(mine):
                raise ConfigError(f"{where}: node {name} reuses a port of host {host}")
            used |= set(mine)
            if node.get("standby") and "validator" not in roles:
                raise ConfigError(f"{where}: node {name} is standby, which only a validator can be")
            names.add(name)
            validators += "validator" in roles
            signers += "validator" in roles and not node.get("standby")
    if not 1 <= validators <= MAX_VALIDATORS:
        raise ConfigError(f"{path}: a network has 1 to {MAX_VALIDATORS} validators, not {validators}")
    if signers == 0:
        raise ConfigError(f"{path}: at least one validator is not standby (the genesis needs a signer)")
    for link in topology.get("links") or []:
        if not {link.get("from"), link.get("to")} <= names or ":" not in str(link.get("via", "")):
            raise ConfigError(f"{path}: a link names two nodes and a relay address:port ({link})")
    return topology


def init_topology(topology_path: str | Path, out: str | Path, *, install_dir: str = INSTALL_DIR) -> Network:
    """Create the operator's network folder, one bundle per host and the validators' passwords
    (layout in the module docstring); returns the network as the operator's folder holds it.
    `install_dir` is where the systemd units expect each bundle on its host."""
    topology = load_topology(topology_path)
    out = Path(out).resolve()
    if out.exists() and any(out.iterdir()):
        raise ChainError(f"{out} exists and is not empty: choose another output folder")
    geth = geth_binary()
    net = Network(
        dir=out / "network",
        chain_id=topology.get("chain_id", DEFAULT_CHAIN_ID),
        period=topology.get("period", DEFAULT_PERIOD),
        gas_limit=topology.get("gas_limit", DEFAULT_GAS_LIMIT),
        base_port=0,
        netrestrict=str(ipaddress.ip_network(topology["network"])),
    )
    via: dict[str, dict[str, str]] = {}
    for link in topology.get("links") or []:
        via.setdefault(link["from"], {})[link["to"]] = link["via"]
    try:
        for member in topology["members"]:
            for spec in member["nodes"]:
                ports = spec["ports"]
                _new_node(net, validator="validator" in spec["roles"], name=spec["name"],
                          ports=(ports["http"], ports["p2p"], ports["authrpc"]), host=str(member["host"]),
                          organisation=member.get("organisation", ""), metrics_port=ports.get("metrics"),
                          via=via.get(spec["name"], {}), standby=bool(spec.get("standby")))
        net.max_peers = max(1, len(net.nodes) - 1)
        operators = {name: _new_operator(net, name) for name in OPERATORS}
        _write_genesis(net, operators.values())
        hosts = sorted({n.host for n in net.nodes}, key=ipaddress.ip_address)
        for host in hosts:
            _write_bundle(net, host, out, install_dir)
        shutil.rmtree(net.dir / "nodes")  # the keys now live in the bundles, the passwords in secrets/
        net.save()
        # Checked once here, so that a bundle never fails on its host for a genesis geth refuses.
        probe = Network(dir=out / "genesis-check", chain_id=net.chain_id, period=net.period,
                        gas_limit=net.gas_limit, base_port=0)
        shutil.copy(net.dir / "genesis.json", _mkdir(probe.dir) / "genesis.json")
        _geth_init(geth, probe, net.nodes[0])
        shutil.rmtree(probe.dir)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return net


def _write_bundle(net: Network, host: str, out: Path, install_dir: str) -> Path:
    bundle = Network(dir=_mkdir(out / "bundles" / host), chain_id=net.chain_id, period=net.period,
                     gas_limit=net.gas_limit, base_port=0, nodes=net.nodes, netrestrict=net.netrestrict,
                     max_peers=net.max_peers)
    shutil.copy(net.dir / "genesis.json", bundle.dir / "genesis.json")
    for node in (n for n in net.nodes if n.host == host):
        source, target = net.node_dir(node), bundle.node_dir(node)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("password"))
        node_config(net, node, target / "config.toml")
        if node.validator:
            keystore.write_secret(_mkdir(out / "secrets" / host) / f"{node.name}.password",
                                  (source / "password").read_text())
        script = bundle.dir / f"start-{node.name}.sh"
        script.write_text(_start_script(bundle, node))
        script.chmod(0o755)
        (bundle.dir / f"pilotchain-{node.name}.service").write_text(_systemd_unit(node, f"{install_dir}/{host}"))
    bundle.save()
    return bundle.dir


def _start_script(bundle: Network, node: Node) -> str:
    """geth for `node` in the foreground, from wherever the bundle lies (systemd runs this;
    `pilotchain chain join` runs the same command in the background)."""
    data = f'"$BUNDLE"/nodes/{node.name}'
    command = " ".join(shlex.quote(part) for part in geth_command(bundle, node)[1:])
    command = command.replace(str(bundle.dir), '"$BUNDLE"')
    return (
        "#!/bin/sh\n"
        f"# {node.name} of {node.organisation or 'its member'} on {node.host}. A validator's keystore password\n"
        f"# must be in nodes/{node.name}/password (mode 0600): `pilotchain chain join` puts it there.\n"
        "set -e\n"
        'BUNDLE=$(cd "$(dirname "$0")" && pwd)\n'
        'GETH=${GETH:-geth}\n'
        f'[ -d {data}/geth/chaindata ] || "$GETH" init --datadir {data} "$BUNDLE"/genesis.json\n'
        f"echo $$ > {data}/geth.pid\n"
        f'exec "$GETH" {command}\n'
    )


def _systemd_unit(node: Node, bundle_dir: str) -> str:
    """A unit that runs the node and, once it is up, switches its sealing on in the start order."""
    return (
        "[Unit]\n"
        f"Description=pilotchain node {node.name} ({node.organisation or node.host})\n"
        "After=network-online.target\nWants=network-online.target\n\n"
        "[Service]\n"
        f"ExecStart={bundle_dir}/start-{node.name}.sh\n"
        f"ExecStartPost=/usr/local/bin/pilotchain chain join {bundle_dir} --node {node.name}\n"
        "TimeoutStartSec=300\nRestart=on-failure\nKillSignal=SIGTERM\nTimeoutStopSec=30\n\n"
        "[Install]\nWantedBy=multi-user.target\n"
    )


def join_bundle(bundle: str | Path, *, passwords: str | Path | None = None, names: list[str] | None = None,
                timeout: float = 120.0) -> list[Node]:
    """Start this host's nodes of `bundle` (all it holds, or `names`) and switch their sealing
    on; `passwords` is the folder with each validator's `<node>.password` (from the init's
    secrets/<host>/), needed the first time. Returns the nodes started."""
    net = Network.load(bundle)
    local = [n for n in net.nodes if net.node_dir(n).is_dir()]
    if names:
        local = [net.node(name) for name in names]
        if missing := [n.name for n in local if not net.node_dir(n).is_dir()]:
            raise ConfigError(f"{net.dir} does not hold {', '.join(missing)}: it is another host's bundle")
    if not local:
        raise ConfigError(f"{net.dir} holds no node: is it a bundle from `pilotchain chain init --topology`?")
    geth = geth_binary()
    for node in local:
        secret = net.node_dir(node) / "password"
        if node.validator and not secret.exists():
            source = Path(passwords or ".") / f"{node.name}.password"
            if passwords is None or not source.is_file():
                raise ConfigError(f"{node.name} is a validator: pass --passwords DIR holding {node.name}.password "
                                  "(from secrets/<host>/ of `chain init --topology`)")
            keystore.write_secret(secret, source.read_text())
        if not (net.node_dir(node) / "geth" / "chaindata").is_dir():
            _geth_init(geth, net, node)
    return join(net, local, timeout=timeout)


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path

"""`chain init --topology`: the bundles it writes, what it refuses; and `chain status --watch`."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pilotchain import chain, keystore, toolchain
from pilotchain.chain import nodes
from pilotchain.errors import ConfigError

HOSTS = ("127.0.0.11", "127.0.0.12", "127.0.0.13")
PORTS = {"http": 28545, "p2p": 28303, "authrpc": 28551}


def topology(**changes) -> dict:
    members = [
        {"organisation": f"Member {i}", "host": host,
         "nodes": [{"name": f"m{i}", "roles": ["validator"] if i else ["validator", "rpc"], "ports": dict(PORTS)}]}
        for i, host in enumerate(HOSTS)
    ]
    return {"chain_id": 16_700, "period": 1, "network": "127.0.0.0/8", "members": members, **changes}


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "topology.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture(scope="module")
def initialised(tmp_path_factory) -> chain.Network:
    folder = tmp_path_factory.mktemp("topology")
    return chain.init_topology(write(folder, topology()), folder / "out")


def test_each_host_bundle_holds_its_node_with_keys_and_peers_but_no_password(initialised):
    out = initialised.dir.parent
    for node in initialised.nodes:
        bundle = chain.Network.load(out / "bundles" / node.host)
        data = bundle.node_dir(node)
        assert sorted(p.name for p in data.iterdir()) == ["config.toml", "keystore", "nodekey"]
        assert [n.name for n in bundle.nodes if bundle.node_dir(n).exists()] == [node.name]
        config = (data / "config.toml").read_text()
        others = [n.enode for n in initialised.nodes if n is not node]
        before = [n.enode for n in initialised.nodes[: initialised.nodes.index(node)]]
        assert f'ListenAddr = "{node.host}:{PORTS["p2p"]}"' in config
        assert f"StaticNodes = {json.dumps(before)}" in config  # each pair dialled from one side
        assert f"TrustedNodes = {json.dumps(others)}" in config
        password = (out / "secrets" / node.host / f"{node.name}.password").read_text()
        assert keystore.load_keystore(data / "keystore" / f"{node.address}.json", password).address == node.address
    assert not [p for p in (out / "bundles").rglob("*password*")]


def test_start_script_binds_the_host_address_and_restricts_peers_to_the_network(initialised):
    node = initialised.nodes[1]
    script = (initialised.dir.parent / "bundles" / node.host / f"start-{node.name}.sh").read_text()

    assert f"--http.addr {node.host} " in script and f"--authrpc.addr {node.host} " in script
    assert "--netrestrict 127.0.0.0/8 " in script
    assert "0.0.0.0" not in script and "personal" not in script and "miner" not in script.split("--http.api")[1].split()[0]
    assert f"--unlock {node.address}" in script


def test_host_outside_the_network_is_refused(tmp_path):
    data = topology(network="10.77.0.0/24")
    with pytest.raises(ConfigError, match=r"host 127\.0\.0\.11 is outside the network 10\.77\.0\.0/24"):
        chain.init_topology(write(tmp_path, data), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_two_nodes_on_one_port_of_a_host_are_refused(tmp_path):
    data = topology()
    data["members"][0]["nodes"].append({"name": "m0-rpc", "roles": ["rpc"], "ports": dict(PORTS)})
    with pytest.raises(ConfigError, match=r"node m0-rpc reuses a port of host 127\.0\.0\.11"):
        chain.load_topology(write(tmp_path, data))


def test_standby_validator_is_outside_the_genesis_but_a_peer_of_every_node(tmp_path):
    data = topology()
    data["members"][2]["nodes"][0]["standby"] = True
    net = chain.init_topology(write(tmp_path, data), tmp_path / "out")
    standby = net.node("m2")
    extra = json.loads((net.dir / "genesis.json").read_text())["extraData"]
    assert standby.address[2:].lower() not in extra
    assert all(n.address[2:].lower() in extra for n in net.nodes if n is not standby)
    config = (tmp_path / "out" / "bundles" / HOSTS[0] / "nodes" / "m0" / "config.toml").read_text()
    assert standby.enode in config and "MaxPeers = 2" in config
    assert (tmp_path / "out" / "secrets" / HOSTS[2] / "m2.password").exists()


def test_topology_of_standby_validators_only_is_refused(tmp_path):
    data = topology()
    for member in data["members"]:
        member["nodes"][0]["standby"] = True
    with pytest.raises(ConfigError, match=r"at least one validator is not standby"):
        chain.load_topology(write(tmp_path, data))


def test_join_of_a_validator_without_its_password_names_the_option(initialised):
    bundle = initialised.dir.parent / "bundles" / HOSTS[0]
    with pytest.raises(ConfigError, match=r"m0 is a validator: pass --passwords DIR holding m0\.password"):
        chain.join_bundle(bundle)


def test_status_watch_redraws_in_place_until_interrupted(network):
    # Ctrl-C as in a terminal: a suite started in the background inherits SIGINT ignored, and a
    # Python started with SIGINT ignored never raises KeyboardInterrupt, so give the child the default.
    process = subprocess.Popen([sys.executable, "-m", "pilotchain", "chain", "status", "--dir", str(network.dir),
                                "--watch"], stdout=subprocess.PIPE, text=True, cwd=toolchain.ROOT,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    header = f"share of last {nodes.SHARE_WINDOW}"
    lines: list[str] = []
    try:
        while sum(header in line for line in lines) < 2:  # a redraw every period
            line = process.stdout.readline()
            if not line:
                break  # it exited: the asserts below say how
            lines.append(line)
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
    output = "".join(lines) + rest

    assert process.returncode == 0
    assert output.count("\x1b[H\x1b[J") >= 2
    assert output.count(header) >= 2

"""`pilotchain chain …` from the command line: JSON status, and one clear line for each failure."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from pilotchain import chain, toolchain

def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`pilotchain chain ARGS` of this checkout (`python -m pilotchain` from its root: the
    console script runs whichever checkout the shared venv was installed from)."""
    return subprocess.run([sys.executable, "-m", "pilotchain", "chain", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120, cwd=toolchain.ROOT)


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_status_json_gives_each_node_with_its_rpc_url(network):
    result = run("status", "--dir", str(network.dir), "--json")

    status = json.loads(result.stdout)
    assert result.returncode == 0
    assert [n["rpc_url"] for n in status["nodes"]] == [n.rpc_url for n in network.nodes]
    assert sorted(status["signers"]) == sorted(n.address for n in network.validators)


def test_unknown_folder_is_one_clear_error(tmp_path):
    assert_one_line_error(run("status", "--dir", str(tmp_path / "nowhere")), "no network at", "chain init")


def test_too_many_validators_is_refused(tmp_path):
    assert_one_line_error(run("init", "--dir", str(tmp_path / "net"), "--validators", "8"), "1 to 7 validators")
    assert not (tmp_path / "net").exists()


def test_missing_geth_says_how_to_build_it(tmp_path):
    result = run("init", "--dir", str(tmp_path / "net"), PILOTCHAIN_GETH=str(tmp_path / "geth"))

    assert_one_line_error(result, "geth not found", "make")


def test_port_taken_is_named(tmp_path):
    net = chain.init_network(tmp_path / "net", validators=1, base_port=chain.free_base_port(1), register_brownie=False)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", net.nodes[0].p2p_port))
        squatter.listen()
        result = run("start", "--dir", str(net.dir))

    assert_one_line_error(result, f"port {net.nodes[0].p2p_port}", "already in use")


def test_node_dying_at_start_is_reported_with_its_log_and_cleaned_up(tmp_path):
    net = chain.init_network(tmp_path / "net", validators=1, base_port=chain.free_base_port(1), register_brownie=False)
    (net.dir / "nodes" / "node1" / "password").write_text("not the password")

    result = run("start", "--dir", str(net.dir))

    # "exited at start" while `start` waits for its RPC, "exited" once it waits for blocks: when
    # geth dies after opening its RPC, the second says it (seen on a loaded machine)
    assert_one_line_error(result, "node1 exited", "geth.log", "could not decrypt key")
    assert not chain.status(net).nodes[0].running

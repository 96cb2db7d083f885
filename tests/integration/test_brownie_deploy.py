"""`brownie run scripts/deploy.py` against the suite's own network, then the result from Python."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from pilotchain import toolchain
from pilotchain.connection import connect

DEPLOY_SCRIPT = toolchain.ROOT / "scripts" / "deploy.py"
BROWNIE_NETWORK = "pilot-poa-itest"


@pytest.fixture
def brownie_network(network):
    """A test-only Brownie network pointing at node 1, removed again afterwards."""
    config = toolchain.BROWNIE_DATA / "network-config.yaml"
    entry = {"name": "pilotchain integration tests", "id": BROWNIE_NETWORK,
             "host": network.nodes[0].rpc_url, "chainid": network.chain_id}
    _edit(config, lambda live: live + [{"name": "pilotchain-itest", "networks": [entry]}])
    try:
        yield BROWNIE_NETWORK
    finally:
        _edit(config, lambda live: live)


def _edit(config, change) -> None:
    data = yaml.safe_load(config.read_text())
    live = [c for c in data["live"] if c["name"] != "pilotchain-itest"]
    data["live"] = change(live)
    config.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.skipif(not DEPLOY_SCRIPT.exists(), reason="scripts/deploy.py is not written yet")
def test_brownie_run_deploys_the_suite_and_python_sees_it(network, brownie_network, tmp_path):
    env = toolchain.tool_env()
    env.update(
        PILOTCHAIN_NETWORK_DIR=str(network.dir),
        PILOTCHAIN_ACCOUNTS=str(network.dir / "accounts"),
        PILOTCHAIN_DEPLOYMENTS=str(tmp_path),
    )
    result = subprocess.run(
        ["brownie", "run", str(DEPLOY_SCRIPT.relative_to(toolchain.ROOT)), "--network", brownie_network],
        cwd=toolchain.ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]

    record = json.loads((tmp_path / f"{network.chain_id}.json").read_text())
    w3 = connect(network.nodes[0].rpc_url)
    assert record["contracts"]
    for contract in record["contracts"].values():
        assert len(w3.eth.get_code(contract["address"])) > 0

"""Networks, chain checks, deployment records and keystores."""

import json

import pytest

from pilotchain import deployments, endpoints, keystore
from pilotchain.accounts import AccountStore
from pilotchain.deploy import deploy_network
from pilotchain.errors import ConfigError, ConnectionFailed, WrongChain


def test_deploy_again_sends_nothing(network, deployed):
    w3, _ = endpoints.connect(network)
    nonce = w3.eth.get_transaction_count(deployed.deployment.deployer)
    again = deploy_network(network, w3, log=lambda _m: None)
    assert again.deployed == []
    assert again.kept == ["EntityRegistry", "DataSharing", "Provenance"]
    assert w3.eth.get_transaction_count(deployed.deployment.deployer) == nonce


def test_record_names_chain_addresses_and_bytecode(network, deployed):
    w3, _ = endpoints.connect(network)
    record = deployments.for_chain(w3)
    assert record.chain_id == 31337
    assert set(record.contracts) == {"EntityRegistry", "DataSharing", "Provenance"}
    for contract in record.contracts.values():
        assert len(w3.eth.get_code(contract.address)) > 0
        assert w3.eth.get_transaction_receipt(contract.tx_hash)["contractAddress"] == contract.address


def test_record_of_another_chain_with_the_same_id_is_refused(network, deployed, workdir):
    w3, _ = endpoints.connect(network)
    other = workdir / "other-records"
    stale = deployments.Deployment(31337, "0x" + "ab" * 32, "elsewhere", deployed.deployment.deployer)
    deployments.save(stale, other)
    with pytest.raises(WrongChain, match="belongs to another chain"):
        deployments.for_chain(w3, other)


def test_network_whose_chain_id_differs_is_refused(anvil, monkeypatch):
    monkeypatch.setattr(endpoints, "resolve", lambda name: endpoints.Endpoint(name, anvil.url, 16400, False))
    with pytest.raises(WrongChain, match="should be chain 16400.*is chain 31337"):
        endpoints.connect("pilot-poa")


def test_unanswering_node_is_a_clear_error():
    with pytest.raises(ConnectionFailed, match="no node answers at http://127.0.0.1:9"):
        endpoints.connect("http://127.0.0.1:9")


def test_keystore_round_trip(tmp_path):
    password = keystore.generate_password()
    address = keystore.create_keystore(tmp_path / "k.json", password)
    assert keystore.load_keystore(tmp_path / "k.json", password).address == address
    assert json.loads((tmp_path / "k.json").read_text())["crypto"]["kdf"] == "scrypt"
    with pytest.raises(ConfigError, match="wrong password"):
        keystore.load_keystore(tmp_path / "k.json", password + "x")


def test_account_store_never_keeps_a_given_password(tmp_path, monkeypatch):
    store = AccountStore(tmp_path)
    address = store.create("operator", "correct horse")
    assert not (tmp_path / "operator.password").exists()
    monkeypatch.setenv("PILOTCHAIN_PASSWORD", "correct horse")
    assert AccountStore(tmp_path).load("operator").address == address
    assert [a.name for a in store.list()] == ["operator"]

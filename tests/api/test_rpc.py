"""The JSON-RPC pass-through the console uses on the API's own origin (geth sends no CORS)."""

from eth_account import Account

from pilotchain.api.app import API_PREFIX as API


def _call(client, method, params=(), ident=1):
    return client.post(f"{API}/rpc", json={"jsonrpc": "2.0", "id": ident, "method": method, "params": list(params)})


def test_reads_are_answered_by_the_node(client, w3):
    answer = _call(client, "eth_chainId").json()
    assert answer == {"jsonrpc": "2.0", "id": 1, "result": hex(w3.eth.chain_id)}


def test_a_batch_is_answered_call_by_call_with_its_ids(client, w3):
    batch = [{"jsonrpc": "2.0", "id": 7, "method": "eth_blockNumber", "params": []},
             {"jsonrpc": "2.0", "id": 8, "method": "eth_accounts", "params": []}]
    first, second = client.post(f"{API}/rpc", json=batch).json()
    assert first["id"] == 7 and int(first["result"], 16) <= w3.eth.block_number
    assert second["id"] == 8 and second["error"]["code"] == -32601


def test_methods_that_would_use_the_nodes_keys_or_admin_are_refused(client):
    for method in ("eth_sendTransaction", "personal_unlockAccount", "admin_peers", "miner_start", "clique_propose",
                   "debug_traceTransaction"):
        error = _call(client, method).json()["error"]
        assert error["code"] == -32601 and method in error["message"]


def test_a_transaction_signed_in_the_page_is_forwarded(client, w3):
    sender = Account.create()
    # an account with no ether: the node itself refuses it, and says why, through the pass-through
    raw = sender.sign_transaction({"to": sender.address, "value": 1, "gas": 21_000, "gasPrice": w3.eth.gas_price,
                                   "nonce": 0, "chainId": w3.eth.chain_id}).raw_transaction
    error = _call(client, "eth_sendRawTransaction", ["0x" + raw.hex()]).json()["error"]
    assert "fund" in error["message"].lower()


def test_a_body_that_is_not_json_rpc_is_a_problem(client):
    response = client.post(f"{API}/rpc", content=b"not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["type"] == "urn:pilotchain:problem:invalid-json-rpc"
    assert client.post(f"{API}/rpc", json=[]).json()["type"] == "urn:pilotchain:problem:invalid-json-rpc"

"""The shared log scanner: topic lists, chunk sizes adapted to the node, the deployment block.

The refusing nodes are fakes (a provider that answers eth_getLogs like a node with limits);
the rest runs on the session's anvil node.
"""

from __future__ import annotations

import json

import pytest
from web3 import Web3
from web3.providers import BaseProvider

from pilotchain import deployments, endpoints
from pilotchain.bench.scale_reads import commission_items
from pilotchain.endpoints import open_session
from pilotchain.logscan import LogScanError, LogScanner, word


class LimitedNode(BaseProvider):
    """eth_getLogs on a chain of `height` blocks with one log in every block, from a node that
    refuses ranges wider than `max_range` blocks and topic lists longer than `max_topics`."""

    def __init__(self, height: int, max_range: int, max_topics: int = 10_000, message: str | None = None):
        super().__init__()
        self.height, self.max_range, self.max_topics = height, max_range, max_topics
        self.message = message or f"query exceeds max block range {max_range}"
        self.asked: list[tuple[int, int, int]] = []  # (first, last, topic values) of each request

    def make_request(self, method, params):
        if method == "eth_blockNumber":
            return {"jsonrpc": "2.0", "id": 1, "result": hex(self.height)}
        query = params[0]
        first, last = int(query["fromBlock"], 16), int(query["toBlock"], 16)
        wanted = query["topics"][1] if len(query["topics"]) > 1 else None
        self.asked.append((first, last, len(wanted) if isinstance(wanted, list) else 1))
        if isinstance(wanted, list) and len(wanted) > self.max_topics:
            return {"jsonrpc": "2.0", "id": 1, "error": {"code": -32602, "message": "exceed max topics per position"}}
        if last - first + 1 > self.max_range:
            return {"jsonrpc": "2.0", "id": 1, "error": {"code": -32005, "message": self.message}}
        logs = [{"blockNumber": hex(n), "logIndex": "0x0", "topics": [], "data": "0x"} for n in range(first, last + 1)]
        return {"jsonrpc": "2.0", "id": 1, "result": logs}


def test_a_refused_range_is_asked_again_in_halves_and_every_block_is_read_once():
    node = LimitedNode(height=999, max_range=300)
    scanner = LogScanner(Web3(node))
    logs = scanner.scan("0x" + "11" * 20, [None], 0)
    assert [entry["blockNumber"] for entry in logs] == list(range(1000))
    assert scanner.refusals > 0 and scanner.span <= 300


def test_the_span_learnt_from_a_range_limit_is_kept_for_the_next_scan():
    node = LimitedNode(height=999, max_range=300, message="range 1000 exceeds limit of 300")
    scanner = LogScanner(Web3(node))
    scanner.scan("0x" + "11" * 20, [None], 0)
    refused = scanner.refusals
    node.asked.clear()
    scanner.scan("0x" + "11" * 20, [None], 0)
    assert scanner.refusals == refused  # no refusal the second time
    assert all(last - first + 1 <= 300 for first, last, _ in node.asked)


def test_after_too_many_results_small_chunks_grow_the_span_again():
    node = LimitedNode(height=99_999, max_range=40_000, message="query returned more than 10000 results")
    scanner = LogScanner(Web3(node))
    scanner.scan("0x" + "11" * 20, [None], 0, 49_999)  # refused once at 50,000 blocks, then 25,000 a chunk
    assert scanner.span == 25_000
    scanner.w3 = Web3(LimitedNode(height=99_999, max_range=100_000))
    scanner.scan("0x" + "11" * 20, [None], 0, 999)  # 1,000 logs: a small chunk
    assert scanner.span == 50_000


def test_a_node_that_refuses_one_block_is_an_error_naming_its_message():
    node = LimitedNode(height=10, max_range=0, message="limit exceeded for this plan")
    with pytest.raises(LogScanError, match="limit exceeded for this plan"):
        LogScanner(Web3(node)).scan("0x" + "11" * 20, [None], 0)


def test_long_topic_lists_are_split_into_requests_of_at_most_max_ids():
    node = LimitedNode(height=0, max_range=10)
    ids = [word(n) for n in range(2_500)]
    LogScanner(Web3(node), max_ids=1_000).scan("0x" + "11" * 20, [None, ids], 0)
    assert [values for _, _, values in node.asked] == [1_000, 1_000, 500]


def test_a_topic_list_refused_after_a_range_refusal_keeps_the_logs_already_read():
    node = LimitedNode(height=999, max_range=500, max_topics=2, message="range 1000 exceeds limit of 500")
    logs = LogScanner(Web3(node)).scan("0x" + "11" * 20, [None, [word(1), word(2), word(3)]], 0)
    assert len(logs) == 1000 * 2  # the fake answers every block once per request


def test_a_node_that_refuses_long_topic_lists_gets_shorter_ones():
    node = LimitedNode(height=0, max_range=10, max_topics=300)
    scanner = LogScanner(Web3(node))
    scanner.scan("0x" + "11" * 20, [None, [word(n) for n in range(1_000)]], 0)
    assert scanner.max_ids <= 300
    answered = [values for _, _, values in node.asked if values <= 300]
    assert sum(answered) == 1_000


def test_topic_lists_or_their_values_on_a_real_node(network, deployed):
    """Many ids in one topic position: one request finds the logs of all of them (anvil)."""
    session = open_session(network, "council-1")
    items = commission_items(session, "LOGSCAN", 5)
    commission_items(session, "LOGSCAN-OTHER", 3)
    before = session.scanner.requests
    logs = session.scan("Provenance", [None, [word(i) for i in items]])
    assert session.scanner.requests - before == 1
    assert {bytes.fromhex(entry["topics"][1][2:]) for entry in logs} == set(items)


def test_scans_start_at_the_deployment_block(network, deployed):
    session = open_session(network, "council-1")
    assert session.start_blocks["Provenance"] == deployed.deployment.contracts["Provenance"].block > 0
    session.scan("Provenance", [None])
    assert session.scanner.requests == 1


def test_a_record_without_blocks_finds_them_from_the_deployment_transactions(network, deployed, tmp_path):
    """Records written before blocks were kept: the block comes from the deployment receipt."""
    record = deployed.deployment.to_json()
    for contract in record["contracts"].values():
        del contract["block"]
    (tmp_path / f"{record['chain_id']}.json").write_text(json.dumps(record))
    w3, _ = endpoints.connect(network)
    found = deployments.for_chain(w3, tmp_path)
    assert found.start_blocks == deployed.deployment.start_blocks

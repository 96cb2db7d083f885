"""Clique consensus: who sealed a block, and changing the signer set by vote."""

from __future__ import annotations

import time

import rlp
from eth_keys import keys
from eth_utils import keccak
from web3 import Web3
from web3.types import RPCEndpoint

from pilotchain.chain.network import MAX_VALIDATORS, Network, Node, add_node
from pilotchain.chain.nodes import clique_signers, running_pid, start
from pilotchain.connection import connect
from pilotchain.errors import ChainError, ConfigError

SEAL_LENGTH = 65


def raw_block(w3: Web3, number: int) -> dict:
    """A block header as geth sends it (hex fields), bypassing web3's formatters."""
    block = w3.provider.make_request("eth_getBlockByNumber", [hex(number), False]).get("result")
    if block is None:
        raise ChainError(f"no block {number} on the node")
    return block


def raw_blocks(w3: Web3, numbers: list[int]) -> list[dict | None]:
    """The headers of blocks `numbers` as geth sends them, in one JSON-RPC batch (None for a
    block the node does not have)."""
    responses = w3.provider.make_batch_request(
        [(RPCEndpoint("eth_getBlockByNumber"), [hex(n), False]) for n in numbers])
    return [response.get("result") for response in responses]


def block_signer(block: dict) -> str:
    """The address that sealed `block` (a raw header, see `raw_block`), from its signature.

    The seal is a secp256k1 signature over the keccak of the RLP header whose extraData lacks
    its last 65 bytes, the signature itself.
    """
    extra = _bytes(block["extraData"])
    fields = [
        _bytes(block["parentHash"]), _bytes(block["sha3Uncles"]), _bytes(block["miner"]),
        _bytes(block["stateRoot"]), _bytes(block["transactionsRoot"]), _bytes(block["receiptsRoot"]),
        _bytes(block["logsBloom"]), int(block["difficulty"], 16), int(block["number"], 16),
        int(block["gasLimit"], 16), int(block["gasUsed"], 16), int(block["timestamp"], 16),
        extra[:-SEAL_LENGTH], _bytes(block["mixHash"]), _bytes(block["nonce"]),
    ]
    if "baseFeePerGas" in block:
        fields.append(int(block["baseFeePerGas"], 16))
    seal = extra[-SEAL_LENGTH:]
    signature = keys.Signature(vrs=(seal[64], int.from_bytes(seal[:32]), int.from_bytes(seal[32:64])))
    return signature.recover_public_key_from_msg_hash(keccak(rlp.encode(fields))).to_checksum_address()


def add_validator(net: Network, *, timeout: float | None = None) -> Node:
    """Create and start a new node, and have a majority of the signers vote it in."""
    if len(net.validators) >= MAX_VALIDATORS:
        raise ConfigError(f"the network already has {MAX_VALIDATORS} validators, the most it may have")
    voters = _voters(net, exclude=None)
    node = add_node(net, validator=True)
    start(net, [node.name])
    _vote(net, voters, node, authorize=True, timeout=timeout)
    return node


def remove_validator(net: Network, name_or_address: str, *, timeout: float | None = None) -> Node:
    """Have a majority of the signers vote a validator out; its node keeps running as a follower."""
    node = net.node(name_or_address)
    if not node.validator:
        raise ConfigError(f"{node.name} is not a validator")
    if len(net.validators) == 1:
        raise ConfigError(f"{node.name} is the only validator; a Clique network needs at least one")
    _vote(net, _voters(net, exclude=node), node, authorize=False, timeout=timeout)
    node.validator = False
    net.save()
    return node


def _voters(net: Network, exclude: Node | None) -> list[Node]:
    """A majority of the current signers, all running, preferring nodes other than `exclude`."""
    running = [n for n in net.nodes if running_pid(net, n) is not None]
    if not running:
        raise ChainError(f"the network in {net.dir} is not running: `pilotchain chain start --dir {net.dir}`")
    signers = clique_signers(connect(running[0].rpc_url))
    candidates = sorted((n for n in running if n.address in signers), key=lambda n: n is exclude)
    needed = len(signers) // 2 + 1
    if len(candidates) < needed:
        raise ChainError(f"a vote needs {needed} of the {len(signers)} signers, but only {len(candidates)} are running")
    return candidates[:needed]


def _vote(net: Network, voters: list[Node], node: Node, *, authorize: bool, timeout: float | None) -> None:
    """Propose (authorize or drop) `node` from every voter and wait until the signer set agrees."""
    connections = [connect(v.rpc_url) for v in voters]
    for w3 in connections:
        w3.manager.request_blocking("clique_propose", [node.address, authorize])
    timeout = timeout or net.period * (4 * len(voters) + 10)
    deadline = time.monotonic() + timeout
    try:
        while (node.address in clique_signers(connections[0])) != authorize:
            if time.monotonic() > deadline:
                verb = "add" if authorize else "remove"
                raise ChainError(f"the vote to {verb} {node.name} ({node.address}) did not pass within {timeout:.0f} s")
            time.sleep(net.period / 4)
    finally:
        # A standing proposal would be cast again whenever it becomes valid (e.g. re-adding
        # a node after a later removal), so every voter drops it once the vote is over.
        for w3 in connections:
            w3.manager.request_blocking("clique_discard", [node.address])


def _bytes(value: str) -> bytes:
    return bytes.fromhex(value[2:])

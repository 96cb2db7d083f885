"""Who sealed a Clique block, recovered from its header, and who sealed the recent blocks."""

from __future__ import annotations

from dataclasses import dataclass

import rlp
from eth_keys import keys
from eth_utils import keccak
from web3 import Web3
from web3.types import RPCEndpoint

from pilotchain.errors import ChainError

SEAL_LENGTH = 65


def raw_block(w3: Web3, number: int) -> dict:
    """A block header as geth sends it (hex fields), bypassing web3's formatters."""
    block = w3.provider.make_request("eth_getBlockByNumber", [hex(number), False]).get("result")
    if block is None:
        raise ChainError(f"no block {number} on the node")
    return block


def raw_blocks(w3: Web3, numbers: list[int]) -> list[dict | None]:
    """The headers of blocks `numbers` as geth sends them, in one JSON-RPC batch (None for a
    block the node does not have, e.g. past the head of a node that fell behind just now)."""
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


@dataclass
class SealerShare:
    blocks: int  # of the window sealed by this signer
    last_timestamp: int  # of the newest of them


def recent_sealers(w3: Web3, head: int, window: int) -> dict[str, SealerShare]:
    """Signer -> its blocks among the last `window` up to `head`, read in one batch request."""
    first = max(1, head - window + 1)
    shares: dict[str, SealerShare] = {}
    for block in raw_blocks(w3, list(range(first, head + 1))):
        if block is None:
            continue  # past the head of a node that fell behind just now
        share = shares.setdefault(block_signer(block), SealerShare(0, 0))
        share.blocks += 1
        share.last_timestamp = max(share.last_timestamp, int(block["timestamp"], 16))
    return shares


def _bytes(value: str) -> bytes:
    return bytes.fromhex(value[2:])

"""Chain status on a Clique chain: who sealed each block, recovered from the header's seal
(anvil, under the other API tests, has no seals; this builds signed Clique headers)."""

from __future__ import annotations

from types import SimpleNamespace

import rlp
from eth_account import Account
from eth_keys import keys
from eth_utils import keccak

from pilotchain.api.routers.status import sealers

ZERO32 = "0x" + "00" * 32


def clique_header(number: int, key: bytes) -> dict:
    """A raw header (hex fields, as geth sends them) sealed by `key` the way Clique seals."""
    header = {"parentHash": ZERO32, "sha3Uncles": ZERO32, "miner": "0x" + "00" * 20, "stateRoot": ZERO32,
              "transactionsRoot": ZERO32, "receiptsRoot": ZERO32, "logsBloom": "0x" + "00" * 256,
              "difficulty": "0x2", "number": hex(number), "gasLimit": hex(30_000_000), "gasUsed": "0x0",
              "timestamp": hex(1_700_000_000 + number), "mixHash": ZERO32, "nonce": "0x" + "00" * 8,
              "baseFeePerGas": "0x7"}
    vanity = bytes(32)
    raw = lambda v: bytes.fromhex(v[2:])  # noqa: E731
    fields = [raw(header["parentHash"]), raw(header["sha3Uncles"]), raw(header["miner"]), raw(header["stateRoot"]),
              raw(header["transactionsRoot"]), raw(header["receiptsRoot"]), raw(header["logsBloom"]), 2, number,
              30_000_000, 0, 1_700_000_000 + number, vanity, raw(header["mixHash"]), raw(header["nonce"]), 7]
    signature = keys.PrivateKey(key).sign_msg_hash(keccak(rlp.encode(fields)))
    header["extraData"] = "0x" + (vanity + signature.to_bytes()).hex()
    return header


def test_each_block_is_credited_to_the_validator_whose_key_sealed_it():
    validators = [keccak(text=f"validator-{n}") for n in range(3)]
    addresses = [Account.from_key(k).address for k in validators]
    headers = [clique_header(n, validators[n % 2]) for n in range(1, 6)]  # the third validator sealed none
    node = SimpleNamespace(manager=SimpleNamespace(request_blocking=lambda method, params: addresses),
                           to_checksum_address=lambda a: a)
    consensus, signers, sealed = sealers(node, headers)
    assert (consensus, signers) == ("clique", addresses)
    assert dict(sealed) == {addresses[1]: 3, addresses[0]: 2}  # blocks 1, 3, 5 and 2, 4

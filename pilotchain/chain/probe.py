"""A 24-byte contract to exercise a chain without a compiler (integration tests, benchmark).

It holds one word: a call with calldata stores the first 32 bytes, a call without returns the
word. Runtime code, by offset::

    00 CALLDATASIZE ISZERO PUSH1 0x0c JUMPI          no calldata: go to the read at 0x0c
    05 PUSH1 0 CALLDATALOAD PUSH1 0 SSTORE STOP      store calldata[0:32] in slot 0
    0c JUMPDEST PUSH1 0 SLOAD PUSH1 0 MSTORE         return slot 0
       PUSH1 0x20 PUSH1 0 RETURN

The init code copies those 24 bytes (at offset 0x0c of itself) to memory and returns them.
"""

from __future__ import annotations

RUNTIME_CODE = bytes.fromhex("3615600c57600035600055005b60005460005260206000f3")
INIT_CODE = bytes.fromhex("6018600c60003960186000f3") + RUNTIME_CODE


def store_call(value: int) -> bytes:
    """Calldata that stores `value`."""
    return value.to_bytes(32, "big")

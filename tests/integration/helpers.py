"""Polling and header helpers shared by the integration tests."""

from __future__ import annotations

import time
from pathlib import Path

import psutil
from web3 import Web3

from pilotchain import chain


def wait_until(condition, timeout: float = 30.0, what: str = "condition"):
    """Poll `condition` until it returns a truthy value, which is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def signers_of(w3: Web3, first: int, last: int) -> dict[int, str]:
    """Block number -> sealer, recovered from each header's seal."""
    return {n: chain.block_signer(chain.raw_block(w3, n)) for n in range(first, last + 1)}


def folder_processes(folder: Path) -> list[psutil.Process]:
    """Every process whose command line names `folder` (what a test leaves running there)."""
    return [p for p in psutil.process_iter(["cmdline"]) if any(str(folder) in a for a in p.info["cmdline"] or [])]

"""A dev node (anvil) that the pilot starts for `make demo NETWORK=anvil` and stops by PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from pilotchain import toolchain
from pilotchain.errors import ChainError

STATE_DIR = toolchain.ROOT / ".pilotchain" / "devnode"


@dataclass
class DevNode:
    process: subprocess.Popen
    url: str
    log: Path

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        (STATE_DIR / "anvil.pid").unlink(missing_ok=True)


def free_port() -> int:
    """A loopback TCP port nobody listens on now (for a node started right after)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        return requests.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}, timeout=1).ok
    except requests.RequestException:
        return False


def start_anvil(port: int = 8545, *, chain_id: int = 31337, accounts: int = 20, timeout: float = 15.0,
                extra_args: list[str] | None = None) -> DevNode:
    """Start anvil on 127.0.0.1:`port` (london rules, instant mining) and wait until it answers;
    `extra_args` go to anvil as they are (e.g. `["--number", "1000000"]` for a tall genesis)."""
    url = f"http://127.0.0.1:{port}"
    if _answers(url):
        raise ChainError(f"something already answers at {url}; stop it or choose another port")
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    log = STATE_DIR / "anvil.log"
    command = [
        "anvil", "--host", "127.0.0.1", "--port", str(port), "--chain-id", str(chain_id),
        "--accounts", str(accounts), "--hardfork", "london", "--gas-limit", "30000000", *(extra_args or []),
    ]
    try:
        process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT,
                                   env=toolchain.tool_env(), start_new_session=True)
    except FileNotFoundError:
        raise ChainError("anvil not found: run `make demo` (it installs the npm packages)") from None
    (STATE_DIR / "anvil.pid").write_text(str(process.pid))
    node = DevNode(process, url, log)
    deadline = time.monotonic() + timeout
    while not _answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            node.stop()
            raise ChainError(f"anvil did not start: {log.read_text()[-500:]}")
        time.sleep(0.1)
    return node


def stale_pid() -> int | None:
    """The PID of an anvil a previous run left behind, if it still runs."""
    path = STATE_DIR / "anvil.pid"
    try:
        pid = int(path.read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None

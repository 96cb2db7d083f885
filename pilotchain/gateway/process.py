"""A gateway run as its own process (`pilotchain gateway serve`), started and stopped by PID:
what the pilot, the benchmark and the tests use."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from pilotchain.errors import PilotchainError
from pilotchain.toolchain import ROOT


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class GatewayProcess:
    process: subprocess.Popen
    url: str
    state_dir: Path
    log: Path

    def wait_until_ready(self, timeout: float = 60.0) -> None:
        """Wait until it answers (a start takes a few seconds: Python imports FastAPI and web3)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(self.url + "/", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop(signal.SIGKILL)
                raise PilotchainError(f"the gateway did not start: {self.log.read_text()[-1500:]}")
            time.sleep(0.1)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
        """Stop it (SIGTERM: it sends its waiting receipts first) and wait until it has exited."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout)


def start(network: str, account: str, asset_dir: Path, state_dir: Path, port: int, *options: str,
          accounts_dir: Path | None = None, wait: bool = True, timeout: float = 60.0) -> GatewayProcess:
    """Start a gateway on 127.0.0.1:`port` as account `account` of the network's account store
    (or of `accounts_dir`) and, unless `wait` is false, wait until it answers; its output goes
    to `<state_dir>.log`.
    One running gateway per operator account: two processes sending receipts as one account
    would take each other's nonces."""
    state_dir.parent.mkdir(parents=True, exist_ok=True)
    log = state_dir.with_suffix(".log")
    command = [sys.executable, "-m", "pilotchain.cli", "gateway", "serve", "--network", network,
               "--account", account, "--asset-dir", str(asset_dir), "--state-dir", str(state_dir),
               "--host", "127.0.0.1", "--port", str(port), *options]
    with log.open("a") as out:
        env = {**os.environ, "PILOTCHAIN_ACCOUNTS": str(accounts_dir)} if accounts_dir else None
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    gateway = GatewayProcess(process, f"http://127.0.0.1:{port}", state_dir, log)
    if wait:
        gateway.wait_until_ready(timeout)
    return gateway

"""A gateway run as its own process (`pilotchain gateway serve`), started and stopped by PID:
what the pilot, the benchmark and the tests use."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from pilotchain.errors import PilotchainError
from pilotchain.toolchain import ROOT


@dataclass
class GatewayProcess:
    process: subprocess.Popen
    url: str
    state_dir: Path
    log: Path

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
        """Stop it (SIGTERM: it sends its waiting receipts first) and wait until it has exited."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout)


def start(network: str, account: str, asset_dir: Path, state_dir: Path, port: int, *options: str,
          timeout: float = 60.0) -> GatewayProcess:
    """Start a gateway on 127.0.0.1:`port` as store account `account` (one running gateway per
    operator account: two processes sending receipts as one account would take each other's
    nonces) and wait until it answers. Its output goes to `<state_dir>.log`."""
    state_dir.parent.mkdir(parents=True, exist_ok=True)
    log = state_dir.with_suffix(".log")
    command = [sys.executable, "-m", "pilotchain.cli", "gateway", "serve", "--network", network,
               "--account", account, "--asset-dir", str(asset_dir), "--state-dir", str(state_dir),
               "--host", "127.0.0.1", "--port", str(port), *options]
    with log.open("a") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    gateway = GatewayProcess(process, f"http://127.0.0.1:{port}", state_dir, log)
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(gateway.url + "/", timeout=1).ok:
                return gateway
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            gateway.stop(signal.SIGKILL)
            raise PilotchainError(f"the gateway did not start: {log.read_text()[-1500:]}")
        time.sleep(0.1)

"""`pilotchain serve`: a real uvicorn on a free loopback port, indexing in the background,
stopped by SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from eth_utils import keccak

from pilotchain import datasharing
from pilotchain.endpoints import open_session
from tests.library.conftest import _free_port


def _get(url: str) -> dict | None:
    """The JSON answer at `url`, or None while nothing listens there."""
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return json.load(answer)
    except (urllib.error.URLError, ConnectionError):
        return None


def _wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"{what} within {timeout} s")


@pytest.fixture
def served(network, world, tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pilotchain.cli", "serve", "--network", network, "--port", str(port),
         "--db", f"sqlite:///{tmp_path / 'served.sqlite'}", "--confirmations", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _get(f"{base}/api/v1/status/index") or process.poll() is not None, 60, "the server answers")
        assert process.poll() is None, process.stdout.read()
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_answers_on_loopback_keeps_the_index_at_the_head_and_stops_on_sigterm(served, network):
    process, base = served
    _wait_for(lambda: _get(f"{base}/api/v1/status/index")["lag"] == 0, 30, "the index caught up")
    before = len(_get(f"{base}/api/v1/entities/1")["assets"])
    datasharing.register_asset(open_session(network, "council-1"), keccak(text="served"), "https://gw.example/served")
    _wait_for(lambda: len(_get(f"{base}/api/v1/entities/1")["assets"]) == before + 1, 10,
              "the new asset is served")
    assert _get(f"{base}/api/v1/status/index")["lag"] <= 1

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    output = process.stdout.read()
    assert f"serving {base}/" in output and "Traceback" not in output
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", int(base.rsplit(":", 1)[1]))) != 0


def test_serve_refuses_a_bad_database_url_in_one_line(network, deployed, capsys):
    from pilotchain.cli import main

    assert main(["serve", "--network", network, "--db", "mysql://x/y", "--no-index"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: --db mysql: only sqlite and postgresql") and len(err.strip().splitlines()) == 1

"""Browser tests of the web console: headless Debian Chromium driven by Playwright for Python.

The chain and its activity are the indexer tests' (an anvil node of the session, the suite
deployed, a lot of cells recalled and the vehicle built from it acknowledging the recall). The
console is the built `web/dist` (`make web`) served by `pilotchain serve` with the API and an
index of its own; the page talks to anvil itself for everything the chain can prove. Every
server and the browser are stopped at the end of the session.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from eth_utils import keccak
from playwright.sync_api import expect, sync_playwright

from pilotchain import datasharing, provenance, registry
from pilotchain.accounts import AccountStore
from pilotchain.endpoints import open_session, resolve
from pilotchain.registry import ActionKind
from pilotchain.toolchain import ROOT
from tests.indexer.conftest import CELLS, PACK, VIN, activity, deployment, eventstore_path, w3  # noqa: F401  (fixtures)
from tests.library.conftest import anvil, deployed, isolated_state, network, workdir  # noqa: F401  (fixtures)

DIST = ROOT / "web" / "dist"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
__all__ = ["CELLS", "PACK", "VIN", "PHONE", "DESKTOP"]


def _chromium() -> str:
    found = shutil.which("chromium")
    if not found:
        pytest.fail("Debian's chromium is not installed: run  sudo apt-get install chromium  (make test-web does it as root)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def open_proposal(network, activity):
    """A proposal left open for the browser to vote on: council-1 proposes a council seat for entity 6."""
    return registry.propose(open_session(network, "council-1"), ActionKind.AddCouncil, registry.council_payload(6))


@pytest.fixture(scope="session")
def access_request(network, activity):
    """Entity 3 asks entity 1 for three days of research access to its asset."""
    requester = open_session(network, "council-3")
    return datasharing.request_access(requester, activity["asset"], datasharing.Purpose.Research, 3 * 86400,
                                      keccak(text="study")).request_id


@pytest.fixture(scope="session")
def registered_prefix(network, activity):
    """The council registers company prefix 6901234 (the vehicle's) to entity 2, so a GS1 Digital
    Link of the vehicle, which does not say where its prefix ends, names the same item."""
    council = [open_session(network, f"council-{n}") for n in range(1, 6)]
    registry.pass_proposal(council[0], council[1:], ActionKind.Call, provenance.prefix_payload(council[0], [(2, "6901234")]))
    return "6901234"


@pytest.fixture(scope="session")
def request_to_reject(network, activity):
    """Entity 4 asks entity 1 for a week of regulatory-reporting access to its asset."""
    requester = open_session(network, "council-4")
    return datasharing.request_access(requester, activity["asset"], datasharing.Purpose.RegulatoryReporting, 7 * 86400,
                                      keccak(text="inspection")).request_id


@pytest.fixture(scope="session")
def revocable_grants(network, activity):
    """A second asset of entity 1 granted to entity 4 under a ten-day hold and to entity 5 with none."""
    owner = open_session(network, "council-1")
    asset = datasharing.register_asset(owner, keccak(text="registry-extract"), "https://gw.example/extract").asset_id
    now = int(time.time())
    datasharing.grant(owner, asset, 4, [datasharing.Purpose.Research], now + 30 * 86400, hold_until=now + 10 * 86400)
    datasharing.grant(owner, asset, 5, [datasharing.Purpose.Research], now + 30 * 86400)
    return asset


@pytest.fixture(scope="session")
def delivery(network, activity):
    """Entity 1's gateway delivered its asset to entity 2 (which holds a research grant): the receipt's hash."""
    delivery_hash = keccak(text="delivery of the ledger, 2026-11-30")
    datasharing.record_access(open_session(network, "council-1"), activity["asset"], 2, datasharing.Purpose.Research,
                              delivery_hash, keccak(text="gateway request 1"))
    return "0x" + delivery_hash.hex()


@pytest.fixture(scope="session")
def passed_admission(network, activity):
    """An admission that has passed (council-1 proposes, councils 2 and 3 vote yes) and waits to be executed."""
    newcomer = registry.NewEntity(name="Chengdu Battery Recycling Co.", kind=registry.EntityKind.Other, region=510100,
                                  code="91510100MA0000WEB1", admin="0x" + keccak(text="chengdu admin")[:20].hex())
    pid = registry.propose(open_session(network, "council-1"), ActionKind.Admit, registry.admit_payload([newcomer]))
    for voter in ("council-2", "council-3"):
        registry.vote(open_session(network, voter), pid)
    return pid


def keystore_of(network: str, name: str) -> tuple[Path, str]:
    """The keystore file of a dev account and its generated password."""
    store = AccountStore(resolve(network).accounts_dir)
    return store.folder / f"{name}.json", (store.folder / f"{name}.password").read_text()


def sign_in(page, console_url: str, network: str, name: str) -> None:
    """Sign in as `name` the way a member does: open the keystore, type the password."""
    keystore, password = keystore_of(network, name)
    page.goto(f"{console_url}/signin")
    page.get_by_label("Keystore file (encrypted JSON)").set_input_files(keystore)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Unlock and sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=15_000)


@pytest.fixture(scope="session")
def console_url(network, deployment, activity, open_proposal, access_request, registered_prefix, eventstore_path,
                request_to_reject, revocable_grants, delivery, passed_admission, tmp_path_factory):
    """`pilotchain serve` (API, index following the chain, the built console) on a free loopback
    port, stopped by its PID at the end; the fixture returns once the index has caught up."""
    if not (DIST / "index.html").is_file():
        pytest.fail("web/dist is not built: run  make web")
    folder = tmp_path_factory.mktemp("serve")
    port = _free_port()
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "pilotchain.cli", "serve", "--network", network, "--port", str(port),
         "--db", f"sqlite:///{folder / 'index.sqlite'}", "--store", str(eventstore_path), "--confirmations", "1"],
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_index(url, process, folder / "serve.log")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _wait_for_index(url: str, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pilotchain serve exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/status/index", timeout=2) as answer:
                if json.load(answer)["lag"] == 0:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    pytest.fail(f"pilotchain serve did not index the chain within {timeout:.0f} s: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh English page at phone width (the verification page's main reader), its clock in UTC
    (dates the page writes can be compared with the chain's times)."""
    context = browser.new_context(viewport=PHONE, locale="en-US", timezone_id="UTC")
    opened = context.new_page()
    yield opened
    context.close()

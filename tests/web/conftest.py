"""Browser tests of the web console: headless Debian Chromium driven by Playwright for Python.

The chain and its activity are the indexer tests' (an anvil node of the session, the suite
deployed, a lot of cells recalled and the vehicle built from it acknowledging the recall). The
console is the built `web/dist` (`make web`), served with the deployment export at
`/api/v1/deployment` by `console_url`; the page talks to anvil itself for everything the chain
can prove. Every server and the browser are stopped at the end of the session.
"""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from pilotchain import deployments
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


def _console_handler(dist: Path, deployment_document: dict):
    body = json.dumps(deployment_document).encode()

    class Handler(http.server.SimpleHTTPRequestHandler):
        """web/dist with the SPA fallback, and the deployment export."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(dist), **kwargs)

        def do_GET(self):
            if self.path == "/api/v1/deployment":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if self.path.startswith("/api/"):
                self.send_error(404, "not served by the static console")
                return
            if not (dist / self.path.split("?", 1)[0].lstrip("/")).is_file():
                self.path = "/index.html"
            super().do_GET()

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture(scope="session")
def console_url(network, deployment, activity):
    """The built console on a free loopback port, with the chain's deployment export."""
    if not (DIST / "index.html").is_file():
        pytest.fail("web/dist is not built: run  make web")
    document = deployments.hardhat_export(deployment) | {"rpc": network}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), _console_handler(DIST, document))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh English page at phone width (the verification page's main reader)."""
    context = browser.new_context(viewport=PHONE, locale="en-US")
    opened = context.new_page()
    yield opened
    context.close()

"""The request-size and rate limits, and the web console with SPA routing."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from pilotchain import problems
from pilotchain.api import create_app
from pilotchain.api.limits import BodySizeLimit, RateLimit
from tests.api.conftest import settings


def _echo_app(**limits) -> TestClient:
    """A small app behind the limits: POST /echo answers the body's length."""
    app = FastAPI()
    problems.install(app)

    @app.post("/echo")
    async def echo(request: Request):
        return {"length": len(await request.body())}

    if "max_bytes" in limits:
        app.add_middleware(BodySizeLimit, max_bytes=limits["max_bytes"])
    if "rate" in limits:
        app.add_middleware(RateLimit, rate=limits["rate"], burst=limits["burst"], clock=limits["clock"])
    return TestClient(app)


def test_a_body_over_the_limit_is_refused_with_413_from_its_content_length():
    client = _echo_app(max_bytes=100)
    assert client.post("/echo", content=b"x" * 100).json() == {"length": 100}
    answer = client.post("/echo", content=b"x" * 101)
    assert answer.status_code == 413 and answer.json()["type"] == "urn:pilotchain:problem:request-too-large"


def test_a_streamed_body_over_the_limit_is_refused_while_it_is_read():
    client = _echo_app(max_bytes=100)
    answer = client.post("/echo", content=iter([b"x" * 60, b"x" * 60]))  # chunked: no Content-Length
    assert answer.status_code == 413 and answer.json()["max_bytes"] == 100


def test_a_client_past_its_burst_gets_429_with_retry_after_until_the_bucket_refills():
    now = [1000.0]
    client = _echo_app(rate=2.0, burst=3, clock=lambda: now[0])
    assert [client.post("/echo").status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = client.post("/echo")
    assert refused.headers["retry-after"] == "1" and refused.json()["type"] == "urn:pilotchain:problem:rate-limited"
    now[0] += 0.5  # one token back at 2 per second
    assert [client.post("/echo").status_code for _ in range(2)] == [200, 429]


def test_the_api_applies_its_configured_limits(index_url, w3, deployment):
    app = create_app(settings(index_url, w3, deployment, max_body_bytes=64, rate_per_second=0.001, rate_burst=2))
    with TestClient(app) as client:
        assert client.post("/api/v1/auth/siwe", content=b"{" * 65).status_code == 413
        assert [client.get("/api/v1/entities").status_code for _ in range(2)] == [200, 429]  # a burst of 2


@pytest.fixture
def console(tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>pilotchain</title>")
    (dist / "assets" / "app.js").write_text("console.log('pilotchain')")
    return dist


def test_the_console_serves_its_files_and_index_html_for_every_other_path(index_url, w3, deployment, console):
    with TestClient(create_app(settings(index_url, w3, deployment, web_dir=console))) as client:
        assert client.get("/assets/app.js").text == "console.log('pilotchain')"
        for path in ("/", "/verify/urn:epc:id:sgtin:6901234.055555.PACK-3", "/items/0x01"):
            answer = client.get(path)
            assert answer.status_code == 200 and "<title>pilotchain</title>" in answer.text
        assert client.get("/../../etc/passwd").text.startswith("<!doctype html>")


def test_unknown_api_paths_stay_404_problems_beside_the_console(index_url, w3, deployment, console):
    with TestClient(create_app(settings(index_url, w3, deployment, web_dir=console))) as client:
        for path in ("/api/v1/nothing", "/epcis/nothing"):
            answer = client.get(path)
            assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"


def test_a_console_that_is_not_built_is_a_problem_saying_how_to_build_it(client):
    answer = client.get("/")
    assert answer.status_code == 404 and answer.json()["type"] == "urn:pilotchain:problem:console-not-built"
    assert "npm run build" in answer.json()["detail"]

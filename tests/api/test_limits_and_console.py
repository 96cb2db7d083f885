"""The request-size and rate limits, compressed answers, and the web console with SPA routing and caching."""

from __future__ import annotations

import gzip

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


APP_JS = b"console.log('pilotchain');\n" * 40
INDEX_HTML = b"<!doctype html><title>pilotchain</title>"


def test_a_large_api_answer_is_gzipped_for_a_client_that_accepts_gzip_and_decodes_to_the_same_json(client):
    plain, plain_body = _raw(client, "/api/v1/deployment", "identity")
    packed, packed_body = _raw(client, "/api/v1/deployment", "gzip")
    assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
    assert packed.headers["content-type"] == plain.headers["content-type"] == "application/json"
    assert gzip.decompress(packed_body) == plain_body and len(packed_body) < len(plain_body) / 4


@pytest.fixture
def console(tmp_path):
    """A build as `npm run build` leaves it: hashed assets, index.html, and the gzip of each text file."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(INDEX_HTML)
    (dist / "index.html.gz").write_bytes(gzip.compress(INDEX_HTML, 9))
    (dist / "assets" / "app-C3rGwPmu.js").write_bytes(APP_JS)
    (dist / "assets" / "app-C3rGwPmu.js.gz").write_bytes(gzip.compress(APP_JS, 9))
    (dist / "assets" / "logo-BhiJ5AW-.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return dist


def _raw(client: TestClient, path: str, accept_encoding: str):
    """The answer to GET `path` and its body as sent (httpx would otherwise decompress it)."""
    with client.stream("GET", path, headers={"Accept-Encoding": accept_encoding}) as answer:
        return answer, b"".join(answer.iter_raw())


def test_the_console_serves_its_files_and_index_html_for_every_other_path(index_url, w3, deployment, console):
    with TestClient(create_app(settings(index_url, w3, deployment, web_dir=console))) as client:
        assert client.get("/assets/app-C3rGwPmu.js").content == APP_JS
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


def test_a_client_that_accepts_gzip_gets_the_compressed_file(index_url, w3, deployment, console):
    with TestClient(create_app(settings(index_url, w3, deployment, web_dir=console))) as client:
        answer, body = _raw(client, "/assets/app-C3rGwPmu.js", "gzip, deflate, br")
    assert answer.headers["content-encoding"] == "gzip" and answer.headers["vary"] == "Accept-Encoding"
    assert int(answer.headers["content-length"]) == len(body) < len(APP_JS)
    assert gzip.decompress(body) == APP_JS and answer.headers["content-type"].startswith("text/javascript")


@pytest.mark.parametrize("accept_encoding", ["identity", "gzip;q=0", "br", "*, gzip;q=0"])
def test_a_client_that_refuses_gzip_gets_the_plain_file(index_url, w3, deployment, console, accept_encoding):
    with TestClient(create_app(settings(index_url, w3, deployment, web_dir=console))) as client:
        answer, body = _raw(client, "/assets/app-C3rGwPmu.js", accept_encoding)
    assert "content-encoding" not in answer.headers and answer.headers["vary"] == "Accept-Encoding"
    assert body == APP_JS


def test_a_file_the_build_left_uncompressed_is_sent_as_it_is(index_url, w3, deployment, console):
    with TestClient(create_app(settings(index_url, w3, deployment, web_dir=console))) as client:
        answer, body = _raw(client, "/assets/logo-BhiJ5AW-.png", "gzip")
    assert "content-encoding" not in answer.headers and answer.headers["content-type"] == "image/png"
    assert body == (console / "assets" / "logo-BhiJ5AW-.png").read_bytes()


def test_hashed_assets_are_cached_for_good_and_index_html_is_revalidated(index_url, w3, deployment, console):
    with TestClient(create_app(settings(index_url, w3, deployment, web_dir=console))) as client:
        asset = client.get("/assets/app-C3rGwPmu.js")
        pages = [client.get(path) for path in ("/", "/index.html", "/verify/urn:epc:id:sgtin:6901234.055555.PACK-3")]
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert [page.headers["cache-control"] for page in pages] == ["no-cache"] * 3
    assert all(page.content == INDEX_HTML and page.headers["content-encoding"] == "gzip" for page in pages)

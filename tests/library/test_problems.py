"""The shared RFC 9457 problem format of pilotchain's HTTP servers."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from pilotchain.problems import PROBLEM_JSON, Problem, install


def _client() -> TestClient:
    app = FastAPI()
    install(app)

    @app.get("/refused")
    def refused():
        raise Problem(403, "grant-expired", "The grant expired", detail="grant 7 ended", grant=7)

    @app.get("/number/{n}")
    def number(n: int):
        return {"n": n}

    @app.get("/broken")
    def broken():
        raise RuntimeError("secret internals")

    return TestClient(app, raise_server_exceptions=False)


def test_a_raised_problem_is_answered_with_its_type_title_detail_and_extensions():
    response = _client().get("/refused")
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == {"type": "urn:pilotchain:problem:grant-expired", "title": "The grant expired",
                               "status": 403, "detail": "grant 7 ended", "instance": "/refused", "grant": 7}


def test_a_malformed_parameter_names_the_parameter():
    body = _client().get("/number/seven").json()
    assert body["status"] == 422 and body["type"] == "urn:pilotchain:problem:invalid-request"
    assert body["detail"].startswith("path.n:")


def test_an_unknown_route_is_a_problem_not_html():
    response = _client().get("/nowhere")
    assert response.status_code == 404 and response.json()["type"] == "urn:pilotchain:problem:not-found"


def test_an_unexpected_failure_shows_no_stack_trace():
    response = _client().get("/broken")
    assert response.status_code == 500
    assert "secret" not in response.text and response.json()["type"] == "urn:pilotchain:problem:internal-error"

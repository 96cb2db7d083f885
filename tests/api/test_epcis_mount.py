"""The EPCIS 2.0 REST binding (`pilotchain.api.epcis`, built beside this app) is mounted under
/epcis with this app's sign-in when the package is there, and absent otherwise."""

from __future__ import annotations

import importlib.util

from tests.api.conftest import OWNER

BINDING = importlib.util.find_spec("pilotchain.api.epcis") is not None


def test_the_binding_is_mounted_exactly_when_its_package_is_there(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert any(p.startswith("/epcis/") for p in paths) is BINDING


def test_the_binding_takes_the_bearer_token_of_this_app_and_refuses_without_one(client, tokens):
    without, signed_in = client.get("/epcis/capture"), client.get("/epcis/capture", headers=tokens[OWNER])
    if BINDING:
        assert (without.status_code, signed_in.status_code) == (401, 200)
    else:  # the console's catch-all keeps /epcis a 404 problem
        assert (without.status_code, signed_in.status_code) == (404, 404)

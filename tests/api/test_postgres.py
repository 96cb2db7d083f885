"""The API answers the same from a PostgreSQL index as from SQLite (tuple cursors, bit filters,
JSON lookups and day arithmetic are portable)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pilotchain.api import create_app
from pilotchain.indexer import Indexer
from tests.api.conftest import CELLS, REGULATOR, VIN, settings

PATHS = [
    "/api/v1/entities?limit=2", "/api/v1/entities?city=beijing&status=active", "/api/v1/proposals/1",
    f"/api/v1/items/{CELLS}/history?limit=2", f"/api/v1/items/{VIN}/trace?direction=backward",
    f"/api/v1/items/{CELLS}/verify", "/api/v1/recalls", "/api/v1/stats/events-per-day",
    "/api/v1/stats/sharing-per-day", "/api/v1/grants?purpose=research", "/api/v1/receipts",
]


@pytest.fixture(scope="module")
def on_postgres(world, w3, deployment, eventstore_path, postgres_url, index_url):
    with Indexer(w3, deployment, postgres_url, confirmations=1, eventstore=eventstore_path) as indexer:
        indexer.sync()
    with TestClient(create_app(settings(postgres_url, w3, deployment))) as client:
        yield client


@pytest.mark.parametrize("path", PATHS)
def test_postgresql_answers_like_sqlite(on_postgres, client, tokens, path):
    headers = tokens[REGULATOR]
    expected = client.get(path, headers=headers)
    assert expected.status_code == 200
    answer = on_postgres.get(path, headers=headers)
    assert answer.status_code == 200 and answer.json() == expected.json()

"""Fixtures for the EPCIS tests: GS1's example documents and a throw-away event store.

Plain pytest: nothing here needs brownie or a chain.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pilotchain.epcis.store import EventStore

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "data" / "epcis-examples"  # GS1's own documents
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.jsonld"))


def load_example(name: str) -> dict:
    """A fresh copy of an example document, safe to edit in a test."""
    return json.loads((EXAMPLES_DIR / name).read_text())


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.sqlite") as opened:
        yield opened

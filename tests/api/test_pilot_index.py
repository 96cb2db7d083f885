"""The pilot leaves an up-to-date index for `pilotchain serve` (a library call at its end)."""

from __future__ import annotations

from pilotchain.commands.pilot import next_steps
from pilotchain.pilot import index_deployment


def test_the_pilot_indexes_the_deployment_up_to_the_head(world, w3, deployment, tmp_path, monkeypatch):
    monkeypatch.setenv("PILOTCHAIN_INDEX", str(tmp_path))
    lines = []
    section = index_deployment(w3, deployment, lines.append)
    assert section["indexed to block"] == w3.eth.block_number and section["events"] > 40
    assert section["database"] == f"sqlite:///{tmp_path / f'{deployment.chain_id}.sqlite'}"
    assert lines == ["indexing the deployment's events"]


def test_the_pilot_summary_says_how_to_serve_the_index():
    assert "  pilotchain serve         (http://127.0.0.1:8600/, API docs at /api/v1/docs)" in next_steps("pilot-poa")

"""Running the CLI in-process from tests: exit code and captured output."""

from __future__ import annotations

import json

from pilotchain.cli import main


def run(capsys, *argv):
    """Exit code, stdout and stderr of `pilotchain ARGV…` (arguments stringified)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    """The parsed `--json` output of a command that must succeed."""
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)

"""Journaled transfers sent through one node, as an application on a member's host would send
them: `python -m tests.integration.journal_client RPC_URL KEYSTORE PASSWORD_FILE JOURNAL PREFIX COUNT TO`
(run in a test host's network namespace by test_multihost.py, which may kill it at any point).
"""

from __future__ import annotations

import sys
from pathlib import Path

from pilotchain import keystore
from pilotchain.connection import connect
from pilotchain.journal import Journal
from pilotchain.session import Session

TRANSFER_GAS = 21_000


def transfers(prefix: str, count: int, to: str) -> list[tuple[str, object]]:
    """The journal's items: `count` transfers of 1 wei to `to`, keyed `<prefix>-<i>`."""
    return [(f"{prefix}-{i}", lambda session: {"to": to, "value": 1}) for i in range(count)]


def send(rpc_url: str, account, journal: Path, prefix: str, count: int, to: str) -> list[dict]:
    """Run (or resume) the journal through `rpc_url`; the receipts, in order."""
    session = Session(connect(rpc_url), account, {})
    return Journal(journal, session).run(transfers(prefix, count, to), gas=TRANSFER_GAS)


if __name__ == "__main__":
    rpc_url, keystore_path, password_file, journal, prefix, count, to = sys.argv[1:]
    account = keystore.load_keystore(keystore_path, Path(password_file).read_text())
    send(rpc_url, account, Path(journal), prefix, int(count), to)

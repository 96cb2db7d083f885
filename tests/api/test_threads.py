"""The API's module-level query objects stay whole when request threads first use them at once."""

from __future__ import annotations

import importlib
import sys
import threading

import pilotchain.api.routers.items as items

ITEM = "0x" + "11" * 32


def _compile_together(module, threads: int = 4) -> list[Exception]:
    """Build and compile both directions' transformation query in `threads` threads released together."""
    start, errors = threading.Barrier(threads), []

    def build(forward: bool) -> None:
        start.wait()
        try:
            module.transformation_edges([ITEM], forward).compile()
        except Exception as error:  # noqa: BLE001 — collected and asserted below
            errors.append(error)

    workers = [threading.Thread(target=build, args=(n % 2 == 0,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return errors


def test_transformation_queries_built_by_threads_at_once_on_freshly_imported_aliases():
    """The item page asks for its forward and backward traces at once, on a server that has just
    started. Before the aliases' columns were built at import, 208 of 300 fresh pairs of aliases
    failed so with "Can't determine which FROM clause to join from" (SQLAlchemy 2.1.9), and this
    test collected 106 such errors."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    try:
        errors = [error for _ in range(100) for error in _compile_together(importlib.reload(items))]
    finally:
        sys.setswitchinterval(interval)
        importlib.reload(items)
    assert errors == []

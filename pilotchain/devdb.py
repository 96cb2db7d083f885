"""A throwaway PostgreSQL server for tests and benchmarks (Debian's `postgresql` package).

    with local_postgres() as url:      # postgresql://indexer@/postgres?host=<socket folder>
        ...

The server listens only on a Unix socket in a temporary folder (no TCP), trusts local
connections, and is stopped and deleted on exit. PostgreSQL refuses to run as root, so as root
it runs as the `postgres` user the package creates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pilotchain.errors import ConfigError

POSTGRES_BIN = Path(os.environ.get("PILOTCHAIN_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def available() -> bool:
    return (POSTGRES_BIN / "postgres").exists()


@contextmanager
def local_postgres() -> Iterator[str]:
    if not available():
        raise ConfigError(f"no PostgreSQL server in {POSTGRES_BIN} (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="pilotchain-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    ctl = [*as_owner, str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log")]
    try:
        subprocess.run([*as_owner, str(POSTGRES_BIN / "initdb"), "-D", str(data), "-U", "indexer", "-A", "trust"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*ctl, "-o", f"-k {folder} -c listen_addresses=''", "-w", "start"], check=True,
                       stdout=subprocess.DEVNULL)
        yield f"postgresql://indexer@/postgres?host={folder}"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*ctl, "-m", "fast", "-w", "stop"], check=True, stdout=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)

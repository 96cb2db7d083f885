"""The pilot's 164 entities, read from data/entities.csv."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from eth_utils import keccak

from pilotchain.errors import ConfigError
from pilotchain.registry import Capability, EntityKind, NewEntity
from pilotchain.toolchain import ROOT

ROSTER = ROOT / "data" / "entities.csv"


@dataclass(frozen=True)
class RosterEntry:
    code: str
    name: str
    kind: EntityKind
    region: int
    city: str
    capabilities: Capability

    @property
    def account(self) -> str:
        """Name of the entity's admin account in the account store."""
        return f"entity-{self.code}"

    def admission(self, admin: str) -> NewEntity:
        return NewEntity(
            name=self.name,
            kind=self.kind,
            region=self.region,
            code=self.code,
            admin=admin,
            dossier_hash=keccak(text=f"dossier:{self.code}:{self.name}"),
            dossier_uri=f"pilot://dossiers/{self.code}",
            capabilities=self.capabilities,
        )


def load_roster(path: Path = ROSTER) -> list[RosterEntry]:
    entries, codes = [], set()
    try:
        rows = list(csv.DictReader(path.open(newline="")))
    except FileNotFoundError:
        raise ConfigError(f"roster not found: {path}") from None
    for line, row in enumerate(rows, start=2):
        try:
            caps = Capability(0)
            for name in row["capabilities"].split():
                caps |= Capability[name]
            entry = RosterEntry(row["code"], row["name"], EntityKind[row["kind"]], int(row["region"]), row["city"], caps)
        except (KeyError, ValueError) as exc:
            raise ConfigError(f"{path.name} line {line}: invalid value {exc}") from None
        if entry.code in codes:
            raise ConfigError(f"{path.name} line {line}: duplicate registration code {entry.code}")
        codes.add(entry.code)
        entries.append(entry)
    return entries

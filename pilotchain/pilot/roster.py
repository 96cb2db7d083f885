"""The pilot's 164 entities, read from data/entities.csv."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from pilotchain.registry import EntityRow, read_entity_rows
from pilotchain.toolchain import ROOT

ROSTER = ROOT / "data" / "entities.csv"


@dataclass(frozen=True)
class RosterEntry(EntityRow):
    """An entity of the pilot: a row of the entity list plus its account name."""

    @property
    def account(self) -> str:
        """Name of the entity's admin account in the account store."""
        return f"entity-{self.code}"


def load_roster(path: Path = ROSTER) -> list[RosterEntry]:
    return [RosterEntry(**dataclasses.asdict(row)) for row in read_entity_rows(path)]

"""A small sample consortium: the founders of config/consortium.yaml plus ten members.

Used by the contract tests, the gas benchmark and examples, so all of them talk about the same
hospital, university, bank and car maker. Entity ids follow admission order: founders 1-5,
then `MEMBERS` 6-15.
"""

from __future__ import annotations

from eth_utils import keccak

from pilotchain.registry import Capability, EntityKind, NewEntity

# (short name, name, kind, region, capabilities)
MEMBERS = [
    ("hospital", "Peking Union Medical College Hospital", EntityKind.Hospital, 110000, Capability.INSPECTOR),
    ("university", "Tsinghua University", EntityKind.University, 110000, Capability(0)),
    ("bank", "Bank of Shanghai", EntityKind.Bank, 310000, Capability(0)),
    ("gov", "Guangzhou Municipal Tax Service", EntityKind.GovernmentDepartment, 440100, Capability(0)),
    ("power", "China Southern Power Grid, Guangzhou", EntityKind.PowerCompany, 440100, Capability(0)),
    ("carmaker", "GAC Motor", EntityKind.CarMaker, 440100, Capability(0)),
    ("cellmaker", "Shenzhen Cell Works", EntityKind.Other, 440300, Capability(0)),
    ("logistics", "Shanghai Port Logistics", EntityKind.Other, 310000, Capability(0)),
    ("dealer", "Beijing Auto Dealer Group", EntityKind.Other, 110000, Capability(0)),
    ("lab", "China Automotive Battery Test Lab", EntityKind.Other, 110000, Capability.INSPECTOR),
]
FOUNDER_IDS = [1, 2, 3, 4, 5]
REGULATOR_ID = 4
ENTITY_IDS = {short: 6 + i for i, (short, *_rest) in enumerate(MEMBERS)} | {"regulator": REGULATOR_ID}


def member_entities(admins: list[str]) -> list[NewEntity]:
    """The ten members as admission records, with one admin account each."""
    records = []
    for index, ((_, name, kind, region, caps), admin) in enumerate(zip(MEMBERS, admins, strict=True)):
        code = f"91{region:06d}MA{index + 1:08d}"
        records.append(
            NewEntity(
                name=name,
                kind=kind,
                region=region,
                code=code,
                admin=str(admin),
                dossier_hash=keccak(text=f"dossier:{code}"),
                dossier_uri=f"pilot://dossiers/{code}",
                capabilities=caps,
            )
        )
    return records

"""DataSharing gas: registering an asset, a direct grant, a revocation, access receipts
(one, and a batch of 100) and `canAccess`, against the targets of the data-sharing issue."""

from __future__ import annotations

from eth_utils import keccak

from pilotchain.bench.gas import GasRow
from pilotchain.datasharing import Purpose, Sensitivity, constructor_args, purpose_mask

SECTION = "DataSharing"
BATCH = 100
DAY = 86400
LOCATOR = "https://gateway.pumch.example/datasets/icu-2025"


def measure(project, consortium) -> list[GasRow]:
    hospital = consortium.admins["hospital"]
    ids = consortium.entity_ids
    datasharing = project.DataSharing.deploy(*constructor_args(consortium.registry.address), {"from": consortium.deployer})
    research = purpose_mask([Purpose.Research])

    def register(n):
        return datasharing.registerAsset(
            keccak(text=f"dataset {n}"), 1, Sensitivity.Confidential, LOCATOR, {"from": hospital}
        )

    register(0)  # the hospital's first asset: every later one costs the same
    reg = register(1)
    asset = reg.events["AssetRegistered"]["assetId"]
    until = datasharing.asset(asset)["registeredAt"] + 365 * DAY

    grant = datasharing.grant(asset, ids["university"], research, 0, until, 0, {"from": hospital})
    datasharing.grant(asset, ids["bank"], research, 0, until, 0, {"from": hospital})
    revoke = datasharing.revoke(asset, ids["bank"], 3, {"from": hospital})

    one = datasharing.recordAccess(
        asset, ids["university"], Purpose.Research, keccak(text="delivery 0"), keccak(text="req 0"), {"from": hospital}
    )
    receipts = [
        (asset, ids["university"], Purpose.Research, keccak(text=f"delivery {i}"), keccak(text=f"req {i}"))
        for i in range(1, BATCH + 1)
    ]
    batch = datasharing.recordAccessBatch(receipts, {"from": hospital})

    university = consortium.admins["university"]
    check = datasharing.canAccess.estimate_gas(asset, university, Purpose.Research) - 21_000
    assert datasharing.canAccess(asset, university, Purpose.Research)

    return [
        GasRow(SECTION, "register an asset (content hash + 48-char locator)", reg.gas_used, 90_000),
        GasRow(SECTION, "direct grant (one purpose, new grantee)", grant.gas_used, 75_000),
        GasRow(SECTION, "revoke a grant", revoke.gas_used, 40_000),
        GasRow(
            SECTION,
            "one access receipt",
            one.gas_used,
            35_000,
            "missed before issue 9 as well (42,586 in the first report and before issue 9); 42,663 until one "
            "registry call (`memberOfAndActive`) answered for the recorder and the grantee from the active-entity "
            "bitmap. The floor of the live checks: 21,000 base + ~1,500 calldata + registry call with 2 cold slots "
            "(recorder's account, the bitmap word) 6,800 + asset and grant slots 4,200 + LOG4 2,643",
        ),
        GasRow(
            SECTION,
            f"access receipts in a batch of {BATCH}, per receipt",
            batch.gas_used // BATCH,
            6_000,
            f"{batch.gas_used:,} for the batch (same asset and grantee); 5,303 before the registry's one call",
        ),
        GasRow(
            SECTION,
            "canAccess (eth_estimateGas - 21,000)",
            check,
            15_000,
            "execution gas of the view. 14,759 before the suspended-owner check (issue 9), 17,868 with it as a "
            "second registry call, 16,590 with one (`memberOfAndActive`, issue 16); met again since the registry "
            "keeps a bitmap of active entities beside their statuses: one word answers for the account's entity and "
            "the owner (ids below 256). Cold reads: registry account 2,600 + four slots 8,400 (membership, bitmap "
            "word, asset, grant) + ~700 calldata. Paid for by ~5,000 on each status change (see execute (suspend))",
        ),
    ]

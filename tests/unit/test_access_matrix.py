"""The outsider matrix, generated from the compiled ABIs: every state-changing function of
EntityRegistry, DataSharing and Provenance is called by

- an outsider (an account of no entity),
- the admin and an operator of a suspended entity (the hospital, suspended by the council),
- an active operator, for the functions that need more than an operator (admin, council or
  registry only),

and each call must be refused with the named custom error in EXPECTED. The functions come from
build/contracts/*.json, so a state-changing function missing from EXPECTED fails
`test_every_state_changing_function_has_a_row`: a new function cannot be forgotten.

Arguments are the ABI types' zero values (0, empty, zero address), except for the few functions
in ARGS that need real values to reach their permission check (an existing asset, request,
proposal or item). Adding a function is one line in EXPECTED (and one in ARGS if zeros do not
reach the check).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import brownie
import pytest
from eth_account import Account
from eth_utils import keccak

from pilotchain.datasharing import Purpose, Sensitivity, purpose_mask, sign_grant
from pilotchain.registry import ActionKind, status_payload
from tests.fixtures.provenance import event, serial

BUILD = Path(__file__).resolve().parents[2] / "build" / "contracts"
CONTRACTS = ("EntityRegistry", "DataSharing", "Provenance")
CALLERS = ("outsider", "suspended_admin", "suspended_operator", "operator")


class Row(NamedTuple):
    """The error each caller gets; operator None: an active operator may call the function."""

    outsider: str
    suspended_admin: str
    suspended_operator: str
    operator: str | None = None


ENTITY_REGISTRY_REFUSED = Row("RegistryNotMember", "RegistryEntityNotActive", "RegistryNotAdmin", "RegistryNotAdmin")
PROVENANCE_REFUSED = Row("ProvenanceNotMember", "ProvenanceNotMember", "ProvenanceNotMember")
# an asset's owner admins: a suspended owner is named as such (DataSharingEntityNotActive)
OWNER_ADMIN_REFUSED = Row("DataSharingNotOwnerAdmin", "DataSharingEntityNotActive", "DataSharingNotOwnerAdmin",
                          "DataSharingNotOwnerAdmin")  # fmt: skip

# contract -> function -> Row(outsider, suspended admin, suspended operator, active operator)
EXPECTED: dict[str, dict[str, Row]] = {
    "EntityRegistry": {
        "addAccount": ENTITY_REGISTRY_REFUSED,
        "cancel": ENTITY_REGISTRY_REFUSED,
        # anyone may execute a passed proposal: the votes are the authority
        "execute": Row(*["RegistryProposalNotPassed"] * 4),
        "propose": ENTITY_REGISTRY_REFUSED,
        "proposeByHash": ENTITY_REGISTRY_REFUSED,
        "removeAccount": ENTITY_REGISTRY_REFUSED,
        "rotateAccount": ENTITY_REGISTRY_REFUSED,
        "updateDossier": ENTITY_REGISTRY_REFUSED,
        "vote": ENTITY_REGISTRY_REFUSED,
    },
    "DataSharing": {
        "addPurpose": Row(*["DataSharingNotRegistry"] * 4),
        "approveRequest": OWNER_ADMIN_REFUSED,
        "grant": OWNER_ADMIN_REFUSED,
        "cancelNonce": Row(*["DataSharingNotSignerAdmin"] * 4),
        "invalidateNonces": Row(*["DataSharingNotSignerAdmin"] * 4),
        "recordAccess": Row("DataSharingNotOwnerAccount", *["DataSharingEntityNotActive"] * 2),
        "recordAccessBatch": Row("DataSharingNotOwnerAccount", *["DataSharingEntityNotActive"] * 2),
        "registerAsset": Row(*["DataSharingNotAdmin"] * 4),
        "rejectRequest": OWNER_ADMIN_REFUSED,
        "renew": OWNER_ADMIN_REFUSED,
        "requestAccess": Row(*["DataSharingNotAdmin"] * 4),
        "retireAsset": OWNER_ADMIN_REFUSED,
        "revoke": OWNER_ADMIN_REFUSED,
        # anyone may submit a signed grant: the signature is the authority, so each caller
        # submits one signed by its own kind of key (a stranger's for the outsider)
        "submitSignedGrant": Row("DataSharingNotOwnerAdmin", "DataSharingEntityNotActive", "DataSharingNotOwnerAdmin",
                                 "DataSharingNotOwnerAdmin"),  # fmt: skip
        "updateLocator": OWNER_ADMIN_REFUSED,
        "withdrawRequest": Row(*["DataSharingNotRequesterAdmin"] * 4),
    },
    "Provenance": {
        "acceptCustody": PROVENANCE_REFUSED,
        "acknowledgeRecall": PROVENANCE_REFUSED,
        "associate": PROVENANCE_REFUSED,
        "cancelCustody": PROVENANCE_REFUSED,
        "certify": PROVENANCE_REFUSED,
        "commission": PROVENANCE_REFUSED,
        "commissionBatch": PROVENANCE_REFUSED,
        "declareError": PROVENANCE_REFUSED,
        "decommission": PROVENANCE_REFUSED,
        "dissociate": PROVENANCE_REFUSED,
        "multicall": PROVENANCE_REFUSED,
        "observe": PROVENANCE_REFUSED,
        "observeBatch": PROVENANCE_REFUSED,
        "offerCustody": PROVENANCE_REFUSED,
        "pack": PROVENANCE_REFUSED,
        "recall": PROVENANCE_REFUSED,
        "recordTransaction": PROVENANCE_REFUSED,
        # company prefixes are the council's: only the registry (an executed Call proposal)
        "registerPrefix": Row(*["ProvenanceNotRegistry"] * 4),
        "releaseRecall": PROVENANCE_REFUSED,
        "removePrefix": Row(*["ProvenanceNotRegistry"] * 4),
        "rejectCustody": PROVENANCE_REFUSED,
        "transferOwnership": PROVENANCE_REFUSED,
        "transform": PROVENANCE_REFUSED,
        "unpack": PROVENANCE_REFUSED,
        "withdrawRecall": PROVENANCE_REFUSED,
    },
}

# (contract, function) -> args from the caller's context `c` (see the `context` fixture), for
# functions whose permission check comes after a check that zeros would fail.
ARGS = {
    ("EntityRegistry", "execute"): lambda c: (c.proposal, c.payload),
    ("DataSharing", "approveRequest"): lambda c: (c.request, 30, 0),
    ("DataSharing", "cancelNonce"): lambda c: (c.signer, 7),
    ("DataSharing", "invalidateNonces"): lambda c: (c.signer, 0, 1),
    ("DataSharing", "grant"): lambda c: (c.asset, c.grantee, 1, 0, c.until, 0),
    ("DataSharing", "recordAccess"): lambda c: (c.asset, c.grantee, 0, c.hash, c.hash),
    ("DataSharing", "recordAccessBatch"): lambda c: ([(c.asset, c.grantee, 0, c.hash, c.hash)],),
    ("DataSharing", "rejectRequest"): lambda c: (c.request, 1),
    ("DataSharing", "renew"): lambda c: (c.asset, c.grantee, c.until, 0),
    ("DataSharing", "requestAccess"): lambda c: (c.asset, 0, 86400, c.hash),
    ("DataSharing", "retireAsset"): lambda c: (c.asset,),
    ("DataSharing", "revoke"): lambda c: (c.asset, c.grantee, 1),
    ("DataSharing", "submitSignedGrant"): lambda c: c.signed_grant(),
    ("DataSharing", "updateLocator"): lambda c: (c.asset, "https://gateway.example/moved"),
    ("DataSharing", "withdrawRequest"): lambda c: (c.request,),
    ("Provenance", "multicall"): lambda c: ([c.observe_call],),
    ("Provenance", "pack"): lambda c: (c.hash, [c.item], event()),
    ("Provenance", "recordTransaction"): lambda c: ([c.item], c.hash, 0, event()),
    ("Provenance", "transform"): lambda c: ([serial("urn:epc:id:sgtin:4012345.099999.IN")],
                                            [serial("urn:epc:id:sgtin:4012345.099999.OUT")], event()),
    ("Provenance", "unpack"): lambda c: (c.hash, [c.item], event()),
}


def state_changing(contract: str) -> list[dict]:
    abi = json.loads((BUILD / f"{contract}.json").read_text())["abi"]
    return [f for f in abi if f["type"] == "function" and f["stateMutability"] not in ("view", "pure")]


def zero(param: dict):
    """The zero value of an ABI parameter (recursing into tuples)."""
    kind = param["type"]
    if kind.endswith("]"):
        return []
    if kind == "tuple":
        return tuple(zero(c) for c in param["components"])
    if kind.startswith(("uint", "int")):
        return 0
    if kind == "address":
        return "0x" + "00" * 20
    if kind == "bool":
        return False
    if kind == "string":
        return ""
    if kind == "bytes":
        return b""
    if kind.startswith("bytes"):
        return b"\x00" * int(kind[5:])
    raise ValueError(f"no zero value for ABI type {kind}")


def matrix_cases() -> list:
    cases = []
    for contract in CONTRACTS:
        for fn in state_changing(contract):
            row = EXPECTED.get(contract, {}).get(fn["name"])
            callers = [c for c in CALLERS if row is None or getattr(row, c) is not None]
            cases += [pytest.param(contract, fn, caller, id=f"{contract}.{fn['name']}-{caller}") for caller in callers]
    return cases


def test_every_state_changing_function_has_a_row():
    in_abi = {(c, f["name"]) for c in CONTRACTS for f in state_changing(c)}
    in_table = {(c, name) for c, rows in EXPECTED.items() for name in rows}
    assert sorted(in_abi - in_table) == [], "state-changing functions without a row in EXPECTED"
    assert sorted(in_table - in_abi) == [], "rows in EXPECTED for functions no longer in the ABI"
    assert sorted(set(ARGS) - in_abi) == [], "ARGS for functions no longer in the ABI"


@pytest.fixture(scope="module")
def context(registry, datasharing, provenance, asset, council, suspend, entity_ids, outsider, accounts,
            hospital_admin, hospital_operator, hospital_signer, university_admin, university_operator,
            bank_admin):  # fmt: skip
    """Per caller: its account and the objects it aims at. The suspended hospital's admin and
    operator aim at the hospital's own asset, request, grant and item; the outsider and the
    university operator at the university's. `signed_grant()` is a grant for the caller's asset
    signed by a key like the caller's (the outsider's by a stranger's key)."""
    university_asset = datasharing.registerAsset(
        keccak(text="matrix: university asset"), 1, Sensitivity.Internal, "https://gw.example/u", {"from": university_admin}
    ).events["AssetRegistered"]["assetId"]
    request = {}
    for owner, asset_id in (("hospital", asset), ("university", university_asset)):
        tx = datasharing.requestAccess(asset_id, Purpose.Research, 30 * 86400, keccak(text=owner), {"from": bank_admin})
        request[owner] = tx.events["RequestOpened"]["requestId"]
    until = brownie.chain.time() + 90 * 86400
    for admin, asset_id in ((hospital_admin, asset), (university_admin, university_asset)):
        datasharing.grant(asset_id, entity_ids["bank"], purpose_mask([Purpose.Research]), 0, until, 0, {"from": admin})
    hospital_signing_operator = accounts.add()
    registry.addAccount(hospital_signing_operator, 1, {"from": hospital_admin})
    item = {}
    for owner, admin in (("hospital", hospital_admin), ("university", university_admin)):
        quantity = serial(f"urn:epc:id:sgtin:4012345.077777.MATRIX-{owner}")
        provenance.commission(quantity, event(), {"from": admin})
        item[owner] = quantity[0]
    payload = status_payload(entity_ids["bank"], "matrix: an open proposal")
    proposal = registry.propose(ActionKind.Suspend, payload, {"from": council[0]}).events["ProposalCreated"]["proposalId"]
    suspend(entity_ids["hospital"])

    common = dict(proposal=proposal, payload=payload, grantee=entity_ids["bank"], until=until, hash=keccak(text="matrix"))
    own = {  # caller: (account, whose objects, the key its signed grant carries)
        "outsider": (outsider, "university", accounts.add()),
        "suspended_admin": (hospital_admin, "hospital", hospital_signer),
        "suspended_operator": (hospital_operator, "hospital", hospital_signing_operator),
        "operator": (university_operator, "university", university_operator),
    }
    contexts = {}
    for caller, (account, owner, key) in own.items():
        asset_id = asset if owner == "hospital" else university_asset
        signed = sign_grant(Account.from_key(key.private_key), chain_id=brownie.chain.id, contract=datasharing.address,
                            asset_id=asset_id, grantee=entity_ids["university" if owner == "hospital" else "gov"],
                            purposes=[Purpose.Research], valid_until=until, nonce=1, deadline=until)  # fmt: skip
        contexts[caller] = SimpleNamespace(
            account=account, signer=key.address, asset=asset_id, request=request[owner], item=item[owner],
            observe_call=provenance.observe.encode_input(item[owner], event()),
            signed_grant=lambda s=signed: (signed_grant_tuple(s), s.signature), **common,
        )  # fmt: skip
    return contexts


def signed_grant_tuple(s) -> tuple:
    return (s.asset_id, s.grantee, s.purposes, s.valid_from, s.valid_until, s.hold_until, s.signer, s.nonce, s.deadline)


@pytest.mark.parametrize("contract, fn, caller", matrix_cases())
def test_refused_with_named_error(registry, datasharing, provenance, context, contract, fn, caller):
    row = EXPECTED.get(contract, {}).get(fn["name"])
    assert row is not None, f"{contract}.{fn['name']} has no row in EXPECTED: add the error each caller gets"
    c = context[caller]
    make_args = ARGS.get((contract, fn["name"]))
    args = make_args(c) if make_args else [zero(p) for p in fn["inputs"]]
    target = {"EntityRegistry": registry, "DataSharing": datasharing, "Provenance": provenance}[contract]
    error = getattr(row, caller)
    with brownie.reverts(revert_pattern=rf"{error}(:.*)?"):
        getattr(target, fn["name"])(*args, {"from": c.account})

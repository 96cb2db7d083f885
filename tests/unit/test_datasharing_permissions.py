"""Permission matrix: every guarded DataSharing function against every role, outsiders included."""

import brownie
import pytest
from brownie import chain
from eth_utils import keccak

from pilotchain.datasharing import Purpose, label_bytes, purpose_mask
from tests.fixtures.datasharing import DAY, LOCATOR
from tests.fixtures.registry_extra import err

ROLES = ["owner_admin", "owner_operator", "grantee_admin", "requester_admin", "other_admin", "outsider"]


@pytest.fixture
def scene(datasharing, grant_to, asset, entity_ids, gov_admin):
    """A hospital asset granted to the university, with a pending request from the tax service."""
    grant_to(entity_ids["university"], days=30)
    tx = datasharing.requestAccess(asset, Purpose.PublicService, 10 * DAY, keccak(text="audit"), {"from": gov_admin})
    return {"asset": asset, "request": int(tx.events["RequestOpened"]["requestId"]), **entity_ids}


@pytest.fixture
def role_account(hospital_admin, hospital_operator, university_admin, gov_admin, bank_admin, outsider):
    return {
        "owner_admin": hospital_admin,
        "owner_operator": hospital_operator,
        "grantee_admin": university_admin,
        "requester_admin": gov_admin,
        "other_admin": bank_admin,
        "outsider": outsider,
    }


def _until():
    return chain.time() + 60 * DAY


# function -> (call(datasharing, scene, sender), roles allowed, error name, error arguments(scene, account));
# the owner's own admin asking for its own asset is refused for another reason (DataSharingOwnEntity).
MATRIX = {
    "registerAsset": (
        lambda ds, s, a: ds.registerAsset(keccak(text="x"), 1, 0, LOCATOR, {"from": a}),
        {"owner_admin", "grantee_admin", "requester_admin", "other_admin"},
        "DataSharingNotAdmin", lambda s, a: [a],
    ),
    "updateLocator": (
        lambda ds, s, a: ds.updateLocator(s["asset"], LOCATOR + "/v2", {"from": a}),
        {"owner_admin"}, "DataSharingNotOwnerAdmin", lambda s, a: [a, s["asset"]],
    ),
    "retireAsset": (
        lambda ds, s, a: ds.retireAsset(s["asset"], {"from": a}),
        {"owner_admin"}, "DataSharingNotOwnerAdmin", lambda s, a: [a, s["asset"]],
    ),
    "requestAccess": (
        lambda ds, s, a: ds.requestAccess(s["asset"], Purpose.Treatment, DAY, keccak(text="j"), {"from": a}),
        {"grantee_admin", "requester_admin", "other_admin"}, "DataSharingNotAdmin", lambda s, a: [a],
        {"owner_admin": ("DataSharingOwnEntity", lambda s, a: [s["asset"], s["hospital"]])},
    ),
    "approveRequest": (
        lambda ds, s, a: ds.approveRequest(s["request"], 0, 0, {"from": a}),
        {"owner_admin"}, "DataSharingNotOwnerAdmin", lambda s, a: [a, s["asset"]],
    ),
    "rejectRequest": (
        lambda ds, s, a: ds.rejectRequest(s["request"], 1, {"from": a}),
        {"owner_admin"}, "DataSharingNotOwnerAdmin", lambda s, a: [a, s["asset"]],
    ),
    "withdrawRequest": (
        lambda ds, s, a: ds.withdrawRequest(s["request"], {"from": a}),
        {"requester_admin"}, "DataSharingNotRequesterAdmin", lambda s, a: [a, s["request"]],
    ),
    "grant": (
        lambda ds, s, a: ds.grant(s["asset"], s["bank"], purpose_mask([Purpose.CreditAssessment]), 0, _until(), 0, {"from": a}),
        {"owner_admin"}, "DataSharingNotOwnerAdmin", lambda s, a: [a, s["asset"]],
    ),
    "renew": (
        lambda ds, s, a: ds.renew(s["asset"], s["university"], _until(), 0, {"from": a}),
        {"owner_admin"}, "DataSharingNotOwnerAdmin", lambda s, a: [a, s["asset"]],
    ),
    "revoke": (
        lambda ds, s, a: ds.revoke(s["asset"], s["university"], 1, {"from": a}),
        {"owner_admin"}, "DataSharingNotOwnerAdmin", lambda s, a: [a, s["asset"]],
    ),
    "recordAccess": (
        lambda ds, s, a: ds.recordAccess(s["asset"], s["university"], Purpose.Research, keccak(text="d"), keccak(text="r"), {"from": a}),
        {"owner_admin", "owner_operator"}, "DataSharingNotOwnerAccount", lambda s, a: [a, s["asset"]],
    ),
    "addPurpose": (
        lambda ds, s, a: ds.addPurpose(label_bytes("statistics"), {"from": a}),
        set(), "DataSharingNotRegistry", lambda s, a: [a],
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("function", MATRIX)
def test_permission(datasharing, scene, role_account, function, role):
    call, allowed, error, arguments, *special = MATRIX[function]
    error, arguments = (special[0] if special else {}).get(role, (error, arguments))
    account = role_account[role]
    if role in allowed:
        assert call(datasharing, scene, account).status == 1
    else:
        with brownie.reverts(revert_pattern=err(error, *arguments(scene, account))):
            call(datasharing, scene, account)

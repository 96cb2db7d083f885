"""Permission matrix: every guarded function × every role, on an item the car maker owns while
logistics holds custody. Roles: the owner, the custodian, another member, an inspector (the lab),
the regulator (inspector and recall authority), and an outsider."""

import brownie
import pytest

from tests.fixtures.provenance import event

ZERO = "0x" + "00" * 32
SENSOR = "0x" + "5e" * 32

ACTIONS = {
    "observe": lambda p, item, ids: (p.observe, item, event()),
    "decommission": lambda p, item, ids: (p.decommission, item, event()),
    "associate": lambda p, item, ids: (p.associate, item, SENSOR, event()),
    "pack": lambda p, item, ids: (p.pack, "0x" + "9a" * 32, [item], event()),
    "offerCustody": lambda p, item, ids: (p.offerCustody, item, ids["hospital"]),
    "transferOwnership": lambda p, item, ids: (p.transferOwnership, item, ids["hospital"], ZERO),
    "declareError": lambda p, item, ids: (p.declareError, item, ZERO, ZERO, event()),
    "certify": lambda p, item, ids: (p.certify, item, "0x" + "ce" * 32, "0x" + "11" * 32, 0),
    "recall": lambda p, item, ids: (p.recall, item, "0x" + "77" * 32),
}
ROLES = ["owner", "custodian", "member", "inspector", "regulator", "outsider"]
CUSTODIAN_ONLY = {"custodian": None, "owner": "NotCustodian", "member": "NotCustodian",
                  "inspector": "NotCustodian", "regulator": "NotCustodian"}  # fmt: skip
EXPECTED = {
    "observe": CUSTODIAN_ONLY,
    "decommission": CUSTODIAN_ONLY,
    "associate": CUSTODIAN_ONLY,
    "pack": CUSTODIAN_ONLY,
    "offerCustody": CUSTODIAN_ONLY,
    "transferOwnership": {"owner": None, "custodian": "NotOwner", "member": "NotOwner",
                          "inspector": "NotOwner", "regulator": "NotOwner"},  # fmt: skip
    "declareError": {"owner": None, "custodian": None, "member": "NotOwnerOrCustodian",
                     "inspector": "NotOwnerOrCustodian", "regulator": "NotOwnerOrCustodian"},  # fmt: skip
    "certify": {"owner": "NotInspector", "custodian": "NotInspector", "member": "NotInspector",
                "inspector": None, "regulator": None},  # fmt: skip
    "recall": {"owner": None, "custodian": "NotRecallAuthority", "member": "NotRecallAuthority",
               "inspector": "NotRecallAuthority", "regulator": None},  # fmt: skip
}


@pytest.fixture
def held_by_logistics(provenance, gadget, carmaker_admin, logistics_admin, entity_ids):
    provenance.offerCustody(gadget, entity_ids["logistics"], {"from": carmaker_admin})
    provenance.acceptCustody(gadget, {"from": logistics_admin})
    return gadget


@pytest.fixture
def role_account(carmaker_admin, logistics_admin, dealer_admin, lab_admin, regulator_admin, outsider):
    return {"owner": carmaker_admin, "custodian": logistics_admin, "member": dealer_admin,
            "inspector": lab_admin, "regulator": regulator_admin, "outsider": outsider}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission(provenance, held_by_logistics, role_account, entity_ids, action, role):
    fn, *args = ACTIONS[action](provenance, held_by_logistics, entity_ids)
    expected = "NotMember" if role == "outsider" else EXPECTED[action][role]
    if expected is None:
        tx = fn(*args, {"from": role_account[role]})
        assert tx.status == 1 and tx.events[-1]["itemId"] in (held_by_logistics, "0x" + "9a" * 32)
    else:
        with brownie.reverts(revert_pattern=rf"Provenance{expected}.*"):
            fn(*args, {"from": role_account[role]})

"""The permission matrix: every guarded registry function x every role, outsiders included.

Roles: an outsider; the hospital's operator; the hospital's admin (a member, not on the
council); the admin of founder 2 (council); the admin of founder 1, who opened the open
proposal; the admin of the suspended bank. Each call either succeeds (its event is checked)
or reverts with the named error the guard owes that role.
"""

import brownie
import pytest
from eth_utils import keccak

from pilotchain.registry import AccountRole, ActionKind, EntityStatus, Vote, payload_hash, status_payload
from tests.fixtures.registry_extra import address_for, err

ROLES = ["outsider", "operator", "member_admin", "council_admin", "proposer", "suspended_admin"]


@pytest.fixture(scope="module")
def world(registry, council, hospital_admin, hospital_operator, bank_admin, outsider, entity_ids, suspend):
    """Module setup: every admin role has an operator to remove or rotate, the bank is
    suspended, and founder 1 has opened a proposal that has already passed."""
    callers = {
        "outsider": (outsider, 0),
        "operator": (hospital_operator, entity_ids["hospital"]),
        "member_admin": (hospital_admin, entity_ids["hospital"]),
        "council_admin": (council[1], 2),
        "proposer": (council[0], 1),
        "suspended_admin": (bank_admin, entity_ids["bank"]),
    }
    operators = {"member_admin": hospital_operator}
    for role in ("council_admin", "proposer", "suspended_admin"):
        operators[role] = address_for(f"operator of {role}")
        registry.addAccount(operators[role], AccountRole.Operator, {"from": callers[role][0]})
    suspend(entity_ids["bank"])
    payload = status_payload(entity_ids["dealer"], "permission matrix")
    pid = registry.propose(ActionKind.Suspend, payload, {"from": council[0]}).return_value
    for voter in council[2:4]:
        registry.vote(pid, Vote.Yes, {"from": voter})
    return {"callers": callers, "operators": operators, "pid": pid, "payload": payload}


def call(registry, world, function, role):
    caller, _ = world["callers"][role]
    own_operator = world["operators"].get(role, address_for("nobody's operator"))
    tx = {"from": caller}
    if function == "addAccount":
        return registry.addAccount(address_for(f"new account of {role}"), AccountRole.Operator, tx)
    if function == "removeAccount":
        return registry.removeAccount(own_operator, tx)
    if function == "rotateAccount":
        return registry.rotateAccount(own_operator, address_for(f"rotated account of {role}"), tx)
    if function == "updateDossier":
        return registry.updateDossier(keccak(text=role), f"pilot://dossiers/{role}", tx)
    if function == "propose":
        return registry.propose(ActionKind.Suspend, status_payload(14, role), tx)
    if function == "proposeByHash":
        return registry.proposeByHash(ActionKind.Suspend, payload_hash(status_payload(14, role)), "pilot://p", tx)
    if function == "vote":
        return registry.vote(world["pid"], Vote.No, tx)
    if function == "cancel":
        return registry.cancel(world["pid"], tx)
    if function == "execute":
        return registry.execute(world["pid"], world["payload"], tx)
    raise AssertionError(function)


SUCCESS_EVENT = {
    "addAccount": "AccountAdded",
    "removeAccount": "AccountRemoved",
    "rotateAccount": "AccountAdded",
    "updateDossier": "DossierUpdated",
    "propose": "ProposalCreated",
    "proposeByHash": "ProposalCreated",
    "vote": "Voted",
    "cancel": "ProposalCancelled",
    "execute": "ProposalExecuted",
}
ACCOUNT_FUNCTIONS = ["addAccount", "removeAccount", "rotateAccount", "updateDossier"]


def expected_error(function, role, world):
    """None when `role` may call `function`, else the error name and arguments."""
    caller, entity = world["callers"][role]
    if function == "execute":
        return None  # anyone executes a passed proposal
    if role == "outsider":
        return ("RegistryNotMember", caller)
    if role == "operator":
        return ("RegistryNotAdmin", caller, entity)
    if role == "suspended_admin":
        return ("RegistryEntityNotActive", entity, EntityStatus.Suspended)
    if function in ACCOUNT_FUNCTIONS:
        return None
    pid = world["pid"]
    if function in ("propose", "proposeByHash"):
        return ("RegistryNotCouncil", entity) if role == "member_admin" else None
    if function == "vote":
        return {
            "member_admin": ("RegistryNotInVotingSet", pid, entity),
            "council_admin": None,
            "proposer": ("RegistryAlreadyVoted", pid, entity),
        }[role]
    if function == "cancel":
        return None if role == "proposer" else ("RegistryNotProposer", pid, entity)
    raise AssertionError(function)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("function", list(SUCCESS_EVENT))
def test_permission(registry, world, function, role):
    expected = expected_error(function, role, world)
    if expected is None:
        tx = call(registry, world, function, role)
        assert SUCCESS_EVENT[function] in tx.events
    else:
        with brownie.reverts(revert_pattern=err(*expected)):
            call(registry, world, function, role)

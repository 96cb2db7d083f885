"""The library's Session against the registry on a dev chain."""

import brownie
import pytest

from pilotchain.errors import ContractError
from pilotchain.registry import ActionKind, Vote, status_payload
from pilotchain.session import Session


@pytest.fixture
def council_session(registry, council):
    return Session(brownie.web3, str(council[1]), {"EntityRegistry": registry.address})


def test_transact_returns_receipt_with_decoded_events(registry, council, council_session, entity_ids):
    pid = registry.propose(ActionKind.Suspend, status_payload(entity_ids["bank"], "audit"), {"from": council[0]}).return_value
    receipt = council_session.transact(council_session.contract("EntityRegistry").functions.vote(pid, Vote.No))
    [voted] = council_session.events(receipt, "EntityRegistry", "Voted")
    assert (voted["proposalId"], voted["entityId"], voted["vote"]) == (pid, 2, Vote.No)


def test_revert_is_decoded_into_custom_error(registry, outsider):
    session = Session(brownie.web3, str(outsider), {"EntityRegistry": registry.address})
    fn = session.contract("EntityRegistry").functions.propose(ActionKind.Suspend, b"")
    with pytest.raises(ContractError) as raised:
        session.transact(fn)
    assert raised.value.name == "RegistryNotMember"
    assert raised.value.args_by_name == {"account": str(outsider)}


def test_view_error_is_decoded(registry, council_session):
    with pytest.raises(ContractError, match=r"RegistryUnknownEntity\(entityId=99\)"):
        council_session.call(council_session.contract("EntityRegistry").functions.entity(99))

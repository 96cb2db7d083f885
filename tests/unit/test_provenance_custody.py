"""Two-phase custody (offer, then accept, reject or cancel) and one-step ownership transfer."""

import brownie

from pilotchain.provenance import Status
from tests.fixtures.provenance import event


def test_offer_puts_item_in_transit(provenance, gadget, carmaker_admin, entity_ids):
    tx = provenance.offerCustody(gadget, entity_ids["logistics"], {"from": carmaker_admin})
    offered = tx.events["CustodyOffered"]
    assert (offered["from"], offered["to"]) == (entity_ids["carmaker"], entity_ids["logistics"])
    v = provenance.verify(gadget)
    assert (v["status"], v["pendingCustodian"], v["custodian"]) == (
        Status.InTransit, entity_ids["logistics"], entity_ids["carmaker"],
    )


def test_accept_moves_custody_not_ownership(provenance, shipped, logistics_admin, entity_ids):
    tx = provenance.acceptCustody(shipped, {"from": logistics_admin})
    assert tx.events["CustodyAccepted"]["to"] == entity_ids["logistics"]
    v = provenance.verify(shipped)
    assert (v["status"], v["custodian"], v["owner"], v["pendingCustodian"]) == (
        Status.Active, entity_ids["logistics"], entity_ids["carmaker"], 0,
    )


def test_reject_leaves_custody_with_sender(provenance, shipped, logistics_admin, entity_ids):
    tx = provenance.rejectCustody(shipped, {"from": logistics_admin})
    assert tx.events["CustodyRejected"]["from"] == entity_ids["carmaker"]
    v = provenance.verify(shipped)
    assert (v["status"], v["custodian"]) == (Status.Active, entity_ids["carmaker"])


def test_sender_cancels_offer(provenance, shipped, carmaker_admin, entity_ids):
    tx = provenance.cancelCustody(shipped, {"from": carmaker_admin})
    assert tx.events["CustodyCancelled"]["to"] == entity_ids["logistics"]
    assert provenance.verify(shipped)["pendingCustodian"] == 0


def test_accept_by_other_entity_reverts(provenance, shipped, dealer_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceNotPendingReceiver.*"):
        provenance.acceptCustody(shipped, {"from": dealer_admin})


def test_accept_without_offer_reverts(provenance, gadget, logistics_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceNoPendingTransfer.*"):
        provenance.acceptCustody(gadget, {"from": logistics_admin})


def test_cancel_without_offer_reverts(provenance, gadget, carmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceNoPendingTransfer.*"):
        provenance.cancelCustody(gadget, {"from": carmaker_admin})


def test_second_offer_while_in_transit_reverts(provenance, shipped, carmaker_admin, entity_ids):
    with brownie.reverts(revert_pattern=r"ProvenanceInTransit.*"):
        provenance.offerCustody(shipped, entity_ids["dealer"], {"from": carmaker_admin})


def test_offer_to_self_reverts(provenance, gadget, carmaker_admin, entity_ids):
    with brownie.reverts(revert_pattern=r"ProvenanceSelfTransfer.*"):
        provenance.offerCustody(gadget, entity_ids["carmaker"], {"from": carmaker_admin})


def test_offer_to_unknown_entity_reverts(provenance, gadget, carmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceInactiveEntity.*"):
        provenance.offerCustody(gadget, 999, {"from": carmaker_admin})


def test_offer_of_decommissioned_item_reverts(provenance, gadget, carmaker_admin, entity_ids):
    provenance.decommission(gadget, event(), {"from": carmaker_admin})
    with brownie.reverts(revert_pattern=r"ProvenanceItemClosed.*"):
        provenance.offerCustody(gadget, entity_ids["logistics"], {"from": carmaker_admin})


def test_sender_keeps_recording_while_in_transit(provenance, shipped, carmaker_admin):
    provenance.observe(shipped, event(biz_step=33), {"from": carmaker_admin})
    assert provenance.verify(shipped)["eventCount"] == 3


def test_receiver_records_only_after_accepting(provenance, shipped, logistics_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
        provenance.observe(shipped, event(), {"from": logistics_admin})
    provenance.acceptCustody(shipped, {"from": logistics_admin})
    provenance.observe(shipped, event(biz_step=24), {"from": logistics_admin})


def test_owner_transfers_ownership_custody_stays(provenance, gadget, carmaker_admin, entity_ids):
    tx = provenance.transferOwnership(gadget, entity_ids["dealer"], "0x" + "ab" * 32, {"from": carmaker_admin})
    assert tx.events["OwnershipTransferred"]["to"] == entity_ids["dealer"]
    v = provenance.verify(gadget)
    assert (v["owner"], v["custodian"]) == (entity_ids["dealer"], entity_ids["carmaker"])


def test_custodian_who_is_not_owner_cannot_transfer_ownership(provenance, shipped, logistics_admin, entity_ids):
    provenance.acceptCustody(shipped, {"from": logistics_admin})
    with brownie.reverts(revert_pattern=r"ProvenanceNotOwner.*"):
        provenance.transferOwnership(shipped, entity_ids["logistics"], "0x" + "00" * 32, {"from": logistics_admin})

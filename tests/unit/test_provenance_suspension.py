"""Suspension in the registry stops an entity's provenance rights at once; reinstatement restores them."""

import brownie

from tests.fixtures.provenance import event


def test_suspended_custodian_cannot_record_event(provenance, gadget, carmaker_admin, suspend, entity_ids):
    suspend(entity_ids["carmaker"])
    with brownie.reverts(revert_pattern=r"ProvenanceNotMember.*"):
        provenance.observe(gadget, event(), {"from": carmaker_admin})


def test_reinstated_custodian_records_again(provenance, gadget, carmaker_admin, suspend, entity_ids):
    suspend(entity_ids["carmaker"])
    suspend(entity_ids["carmaker"], reinstate=True)
    tx = provenance.observe(gadget, event(), {"from": carmaker_admin})
    assert tx.events["Observed"]["entityId"] == entity_ids["carmaker"]


def test_suspended_receiver_cannot_accept_pending_offer(provenance, shipped, logistics_admin, suspend, entity_ids):
    suspend(entity_ids["logistics"])
    with brownie.reverts(revert_pattern=r"ProvenanceNotMember.*"):
        provenance.acceptCustody(shipped, {"from": logistics_admin})


def test_custody_cannot_be_offered_to_suspended_entity(provenance, gadget, carmaker_admin, suspend, entity_ids):
    suspend(entity_ids["logistics"])
    with brownie.reverts(revert_pattern=r"ProvenanceInactiveEntity.*"):
        provenance.offerCustody(gadget, entity_ids["logistics"], {"from": carmaker_admin})


def test_suspended_inspector_cannot_certify(provenance, gadget, lab_admin, suspend, entity_ids):
    suspend(entity_ids["lab"])
    with brownie.reverts(revert_pattern=r"ProvenanceNotMember.*"):
        provenance.certify(gadget, "0x" + "ce" * 32, "0x" + "11" * 32, 0, {"from": lab_admin})


def test_suspended_regulator_cannot_recall(provenance, gadget, regulator_admin, suspend, entity_ids):
    suspend(entity_ids["regulator"])
    with brownie.reverts(revert_pattern=r"ProvenanceNotMember.*"):
        provenance.recall(gadget, "0x" + "77" * 32, {"from": regulator_admin})


def test_suspension_leaves_item_records_intact(provenance, gadget, suspend, entity_ids):
    before = provenance.verify(gadget)
    suspend(entity_ids["carmaker"])
    assert provenance.verify(gadget) == before

"""Certification and recall: a recalled cell lot reaches the battery pack and the vehicle through
the derivation logs; custodians acknowledge on chain; a QR scan then shows the vehicle recalled."""

import brownie
from brownie import chain

from pilotchain import provenance as lib
from pilotchain.provenance import Status
from tests.fixtures.provenance import hexed

REASON = "0x" + "72" * 32


def test_inspector_certifies_item(provenance, gadget, lab_admin, entity_ids):
    tx = provenance.certify(gadget, "0x" + "ce" * 32, "0x" + "11" * 32, 0, {"from": lab_admin})
    certified = tx.events["Certified"]
    assert (certified["inspector"], certified["certHash"]) == (entity_ids["lab"], "0x" + "11" * 32)


def test_certificate_valid_until_a_future_time_is_recorded(provenance, gadget, lab_admin):
    valid_until = chain.time() + 365 * 86400
    tx = provenance.certify(gadget, "0x" + "ce" * 32, "0x" + "11" * 32, valid_until, {"from": lab_admin})
    assert tx.events["Certified"]["validUntil"] == valid_until
    assert provenance.verify(gadget)["eventCount"] == 2


def test_expired_certificate_reverts(provenance, gadget, lab_admin):
    now = chain.time()
    with brownie.reverts(revert_pattern=r"ProvenanceCertificateExpired.*"):
        provenance.certify(gadget, "0x" + "ce" * 32, "0x" + "11" * 32, now - 1, {"from": lab_admin})


def test_owner_recalls_lot(provenance, cell_lot, cellmaker_admin, entity_ids):
    tx = provenance.recall(cell_lot, REASON, {"from": cellmaker_admin})
    assert (tx.events["Recalled"]["entityId"], tx.events["Recalled"]["reason"]) == (entity_ids["cellmaker"], REASON)
    assert provenance.verify(cell_lot)["status"] == Status.Recalled


def test_regulator_recalls_lot_it_does_not_own(provenance, cell_lot, regulator_admin):
    provenance.recall(cell_lot, REASON, {"from": regulator_admin})
    assert provenance.verify(cell_lot)["status"] == Status.Recalled


def test_recall_twice_reverts(provenance, cell_lot, cellmaker_admin):
    provenance.recall(cell_lot, REASON, {"from": cellmaker_admin})
    with brownie.reverts(revert_pattern=r"ProvenanceRecalled.*"):
        provenance.recall(cell_lot, REASON, {"from": cellmaker_admin})


def test_consumed_lot_can_still_be_recalled(provenance, bill_of_materials, cellmaker_admin):
    provenance.recall(bill_of_materials["cells"], REASON, {"from": cellmaker_admin})
    assert provenance.verify(bill_of_materials["cells"])["status"] == Status.Recalled


def test_trace_forward_reaches_pack_and_vehicle(bill_of_materials, session_for, cellmaker_admin):
    reached = lib.trace(session_for(cellmaker_admin), bill_of_materials["cells"], "forward")
    assert [hexed(i) for i in reached.items] == [bill_of_materials["pack"], bill_of_materials["vehicle"]]
    assert [e.via for e in reached.edges] == ["transformation", "aggregation"]


def test_trace_backward_from_vehicle_reaches_cells(bill_of_materials, session_for, dealer_admin):
    reached = lib.trace(session_for(dealer_admin), bill_of_materials["vehicle"], "backward")
    assert [hexed(i) for i in reached.items] == [bill_of_materials["pack"], bill_of_materials["cells"]]


def test_vehicle_custodian_acknowledges_recall(provenance, bill_of_materials, path_of, cellmaker_admin, dealer_admin,
                                               entity_ids):  # fmt: skip
    cells, vehicle = bill_of_materials["cells"], bill_of_materials["vehicle"]
    provenance.recall(cells, REASON, {"from": cellmaker_admin})
    tx = provenance.acknowledgeRecall(vehicle, cells, path_of(vehicle, cells), {"from": dealer_admin})
    acknowledged = tx.events["RecallAcknowledged"]
    assert (acknowledged["recalledId"], acknowledged["entityId"]) == (cells, entity_ids["dealer"])
    assert provenance.verify(vehicle)["status"] == Status.Recalled


def test_packed_pack_is_acknowledged_by_vehicle_custodian(provenance, bill_of_materials, path_of, cellmaker_admin,
                                                          dealer_admin):  # fmt: skip
    pack, cells = bill_of_materials["pack"], bill_of_materials["cells"]
    provenance.recall(cells, REASON, {"from": cellmaker_admin})
    provenance.acknowledgeRecall(pack, cells, path_of(pack, cells), {"from": dealer_admin})
    assert provenance.verify(bill_of_materials["pack"])["status"] == Status.Recalled


def test_custodian_acknowledges_its_items_own_recall_without_a_second_flag(provenance, gadget, carmaker_admin,
                                                                          entity_ids):  # fmt: skip
    provenance.recall(gadget, REASON, {"from": carmaker_admin})
    tx = provenance.acknowledgeRecall(gadget, gadget, [], {"from": carmaker_admin})
    acknowledged = tx.events["RecallAcknowledged"]
    assert (acknowledged["itemId"], acknowledged["recalledId"], acknowledged["entityId"]) == (
        gadget, gadget, entity_ids["carmaker"],
    )
    provenance.withdrawRecall(gadget, REASON, {"from": carmaker_admin})
    assert provenance.verify(gadget)["status"] == Status.Active  # nothing left to release


def test_acknowledging_unrecalled_lot_reverts(provenance, bill_of_materials, path_of, dealer_admin):
    vehicle, cells = bill_of_materials["vehicle"], bill_of_materials["cells"]
    with brownie.reverts(revert_pattern=r"ProvenanceNotRecalled.*"):
        provenance.acknowledgeRecall(vehicle, cells, path_of(vehicle, cells), {"from": dealer_admin})


def test_acknowledgement_by_non_custodian_reverts(provenance, bill_of_materials, path_of, cellmaker_admin,
                                                  logistics_admin):  # fmt: skip
    vehicle, cells = bill_of_materials["vehicle"], bill_of_materials["cells"]
    provenance.recall(cells, REASON, {"from": cellmaker_admin})
    with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
        provenance.acknowledgeRecall(vehicle, cells, path_of(vehicle, cells), {"from": logistics_admin})


def test_qr_verification_of_recalled_vehicle(bill_of_materials, session_for, cellmaker_admin, dealer_admin, entity_ids):
    lib.recall(session_for(cellmaker_admin), bill_of_materials["cells"], "thermal runaway risk")
    dealer = session_for(dealer_admin)
    for item in lib.trace(dealer, bill_of_materials["cells"], "forward").items:
        lib.acknowledge_recall(dealer, item, bill_of_materials["cells"])
    scan = lib.verify(dealer, bill_of_materials["vehicle"])
    assert (scan.known, scan.status, scan.owner, scan.custodian) == (
        True, Status.Recalled, entity_ids["carmaker"], entity_ids["dealer"],
    )

"""EPCIS events: each records a chained event, changes the item as specified, or names its revert."""

import brownie

from pilotchain.provenance import Status
from tests.fixtures.provenance import event, lot, serial, uid
from tests.fixtures.registry_extra import err

SENSOR = uid("urn:epc:id:giai:4000001.SENSOR-7")
PALLET = uid("urn:epc:id:sscc:4012345.0000000001")


def test_commission_registers_owner_and_custodian(provenance, carmaker_admin, entity_ids):
    quantity, data = serial("urn:epc:id:sgtin:4012345.022222.9"), event()
    tx = provenance.commission(quantity, data, {"from": carmaker_admin})
    assert tx.events["Commissioned"]["itemId"] == quantity[0]
    assert tx.events["Commissioned"]["entityId"] == entity_ids["carmaker"]
    v = provenance.verify(quantity[0])
    assert (v["known"], v["status"], v["owner"], v["custodian"], v["eventCount"]) == (
        True, Status.Active, entity_ids["carmaker"], entity_ids["carmaker"], 1,
    )


def test_commission_lot_records_stock(provenance, cellmaker_admin):
    quantity = lot("urn:epc:class:lgtin:4012345.011111.L1", 250_500, "KGM")
    provenance.commission(quantity, event(), {"from": cellmaker_admin})
    v = provenance.verify(quantity[0])
    assert (v["lot"], v["available"], v["unit"]) == (True, 250_500, "0x4b474d")


def test_commission_existing_item_reverts(provenance, gadget, carmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceItemExists.*"):
        provenance.commission((gadget, False, 0, "0x000000"), event(), {"from": carmaker_admin})


def test_serialised_item_with_amount_reverts(provenance, carmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceInvalidQuantity.*"):
        provenance.commission((uid("urn:x"), False, 5, "0x000000"), event(), {"from": carmaker_admin})


def test_serialised_item_with_unit_reverts(provenance, carmaker_admin):
    item = uid("urn:epc:id:sgtin:4012345.022222.U1")
    with brownie.reverts(revert_pattern=err("ProvenanceInvalidQuantity", bytes.fromhex(item[2:]), False, 0)):
        provenance.commission((item, False, 0, "0x4b474d"), event(), {"from": carmaker_admin})
    assert provenance.verify(item)["known"] is False


def test_commission_batch_commissions_each(provenance, cellmaker_admin):
    quantities = [lot(f"urn:epc:class:lgtin:4012345.011111.B{i}", 1000) for i in range(3)]
    tx = provenance.commissionBatch(quantities, [event() for _ in quantities], {"from": cellmaker_admin})
    assert [e["itemId"] for e in tx.events["Commissioned"]] == [q[0] for q in quantities]


def test_commission_batch_length_mismatch_reverts(provenance, cellmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceLengthMismatch.*"):
        provenance.commissionBatch([serial("urn:a"), serial("urn:b")], [event()], {"from": cellmaker_admin})


def test_observe_logs_event_data(provenance, gadget, carmaker_admin, entity_ids):
    data = event(biz_step=33, disposition=15)  # shipping, in_transit
    tx = provenance.observe(gadget, data, {"from": carmaker_admin})
    observed = tx.events["Observed"]
    assert (observed["itemId"], observed["entityId"], tuple(observed["data"])) == (gadget, entity_ids["carmaker"], data)
    assert provenance.verify(gadget)["eventCount"] == 2


def test_observation_of_unknown_item_reverts_and_registers_nothing(provenance, logistics_admin):
    unknown = uid("urn:epc:id:sgtin:4012345.033333.1")
    with brownie.reverts(revert_pattern=err("ProvenanceUnknownItem", bytes.fromhex(unknown[2:]))):
        provenance.observe(unknown, event(), {"from": logistics_admin})
    assert provenance.verify(unknown)["known"] is False


def test_observe_by_non_custodian_reverts(provenance, gadget, dealer_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
        provenance.observe(gadget, event(), {"from": dealer_admin})


def test_observe_batch_logs_each_observation_with_shared_context(provenance, carmaker_admin):
    context = event(biz_step=24)  # receiving
    items = [uid(f"urn:epc:id:sgtin:4012345.044444.{i}") for i in range(3)]
    provenance.commissionBatch([(i, False, 0, "0x000000") for i in items], [event() for _ in items], {"from": carmaker_admin})
    observations = [(item, uid(f"epcis:batch-{i}"), 1_767_300_000 + i) for i, item in enumerate(items)]
    tx = provenance.observeBatch(context, observations, {"from": carmaker_admin})
    logged = [tuple(e["data"]) for e in tx.events["Observed"]]
    assert logged == [(o[1], context[1], context[2], o[2], context[4], context[5]) for o in observations]


def test_decommission_closes_item(provenance, gadget, carmaker_admin):
    provenance.decommission(gadget, event(biz_step=9), {"from": carmaker_admin})
    assert provenance.verify(gadget)["status"] == Status.Decommissioned
    with brownie.reverts(revert_pattern=r"ProvenanceItemClosed.*"):
        provenance.observe(gadget, event(), {"from": carmaker_admin})


def test_decommission_in_transit_reverts(provenance, shipped, carmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceInTransit.*"):
        provenance.decommission(shipped, event(), {"from": carmaker_admin})


def test_pack_links_children_to_parent(provenance, gadget, carmaker_admin, entity_ids):
    tx = provenance.pack(PALLET, [gadget], event(biz_step=22), {"from": carmaker_admin})
    assert (tx.events["PackedInto"]["itemId"], tx.events["PackedInto"]["parentId"]) == (gadget, PALLET)
    assert (tx.events["AggregationRecorded"]["added"], tx.events["AggregationRecorded"]["children"]) == (True, 1)
    assert provenance.verify(gadget)["parent"] == PALLET


def test_packed_child_follows_parent_custodian(provenance, gadget, carmaker_admin, logistics_admin, entity_ids):
    provenance.pack(PALLET, [gadget], event(), {"from": carmaker_admin})
    provenance.offerCustody(PALLET, entity_ids["logistics"], {"from": carmaker_admin})
    provenance.acceptCustody(PALLET, {"from": logistics_admin})
    assert provenance.verify(gadget)["custodian"] == entity_ids["logistics"]
    provenance.observe(gadget, event(), {"from": logistics_admin})


def test_pack_already_packed_child_reverts(provenance, gadget, carmaker_admin):
    provenance.pack(PALLET, [gadget], event(), {"from": carmaker_admin})
    with brownie.reverts(revert_pattern=r"ProvenanceAlreadyPacked.*"):
        provenance.pack(uid("urn:other-pallet"), [gadget], event(), {"from": carmaker_admin})


def test_pack_into_own_descendant_reverts(provenance, gadget, carmaker_admin):
    provenance.pack(PALLET, [gadget], event(), {"from": carmaker_admin})
    with brownie.reverts(revert_pattern=r"ProvenancePackingCycle.*"):
        provenance.pack(gadget, [PALLET], event(), {"from": carmaker_admin})


def test_child_packs_into_a_parent_that_is_itself_packed(provenance, gadget, carmaker_admin, entity_ids):
    box = uid("urn:epc:id:sscc:4012345.0000000002")
    provenance.commission((box, False, 0, "0x000000"), event(), {"from": carmaker_admin})
    provenance.pack(PALLET, [box], event(), {"from": carmaker_admin})
    tx = provenance.pack(box, [gadget], event(), {"from": carmaker_admin})
    assert (tx.events["PackedInto"]["itemId"], tx.events["PackedInto"]["parentId"]) == (gadget, box)
    v = provenance.verify(gadget)
    assert (v["parent"], v["custodian"]) == (box, entity_ids["carmaker"])
    assert provenance.verify(box)["parent"] == PALLET


def test_pack_without_children_reverts(provenance, carmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceEmptyList.*"):
        provenance.pack(PALLET, [], event(), {"from": carmaker_admin})


def test_unpack_gives_custody_of_children_to_parent_custodian(provenance, gadget, carmaker_admin, logistics_admin, entity_ids):
    provenance.pack(PALLET, [gadget], event(), {"from": carmaker_admin})
    provenance.offerCustody(PALLET, entity_ids["logistics"], {"from": carmaker_admin})
    provenance.acceptCustody(PALLET, {"from": logistics_admin})
    tx = provenance.unpack(PALLET, [gadget], event(biz_step=40), {"from": logistics_admin})
    assert tx.events["UnpackedFrom"]["parentId"] == PALLET
    v = provenance.verify(gadget)
    assert (v["parent"], v["custodian"]) == ("0x" + "00" * 32, entity_ids["logistics"])


def test_unpack_without_children_reverts(provenance, gadget, carmaker_admin):
    provenance.pack(PALLET, [gadget], event(), {"from": carmaker_admin})
    with brownie.reverts(revert_pattern=r"ProvenanceEmptyList.*"):
        provenance.unpack(PALLET, [], event(), {"from": carmaker_admin})
    assert provenance.verify(gadget)["parent"] == PALLET


def test_unpack_child_of_other_parent_reverts(provenance, gadget, carmaker_admin):
    provenance.commission((PALLET, False, 0, "0x000000"), event(), {"from": carmaker_admin})
    with brownie.reverts(revert_pattern=r"ProvenanceNotPacked.*"):
        provenance.unpack(PALLET, [gadget], event(), {"from": carmaker_admin})


def test_transaction_event_links_business_transaction(provenance, gadget, carmaker_admin):
    po = uid("urn:epcglobal:cbv:bt:0614141073467:PO-1152")
    tx = provenance.recordTransaction([gadget], po, 0, event(), {"from": carmaker_admin})
    recorded = tx.events["TransactionRecorded"]
    assert (recorded["itemId"], recorded["bizTransaction"], recorded["action"]) == (gadget, po, 0)


def test_transaction_event_without_items_reverts(provenance, carmaker_admin):
    po = uid("urn:epcglobal:cbv:bt:0614141073467:PO-1153")
    with brownie.reverts(revert_pattern=r"ProvenanceEmptyList.*"):
        provenance.recordTransaction([], po, 0, event(), {"from": carmaker_admin})


def test_associate_then_dissociate_sensor(provenance, gadget, carmaker_admin):
    tx = provenance.associate(gadget, SENSOR, event(), {"from": carmaker_admin})
    assert tx.events["DeviceAssociated"]["deviceId"] == SENSOR
    assert provenance.isAssociated(gadget, SENSOR)
    tx = provenance.dissociate(gadget, SENSOR, event(), {"from": carmaker_admin})
    assert tx.events["DeviceDissociated"]["deviceId"] == SENSOR
    assert not provenance.isAssociated(gadget, SENSOR)


def test_associate_twice_reverts(provenance, gadget, carmaker_admin):
    provenance.associate(gadget, SENSOR, event(), {"from": carmaker_admin})
    with brownie.reverts(revert_pattern=r"ProvenanceAlreadyAssociated.*"):
        provenance.associate(gadget, SENSOR, event(), {"from": carmaker_admin})


def test_dissociate_unattached_sensor_reverts(provenance, gadget, carmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceNotAssociated.*"):
        provenance.dissociate(gadget, SENSOR, event(), {"from": carmaker_admin})


def test_error_declaration_references_erroneous_event(provenance, gadget, carmaker_admin):
    wrong = event("wrong-shipping")
    provenance.observe(gadget, wrong, {"from": carmaker_admin})
    reason = uid("incorrect_data")
    tx = provenance.declareError(gadget, wrong[0], reason, event("declaration"), {"from": carmaker_admin})
    declared = tx.events["ErrorDeclared"]
    assert (declared["erroneousHash"], declared["reason"]) == (wrong[0], reason)
    assert provenance.verify(gadget)["eventCount"] == 3  # the erroneous event stays in the chain


def test_error_declaration_by_stranger_reverts(provenance, gadget, dealer_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceNotOwnerOrCustodian.*"):
        provenance.declareError(gadget, uid("x"), uid("y"), event(), {"from": dealer_admin})


def test_error_declaration_on_unknown_item_reverts(provenance, logistics_admin):
    unknown = uid("urn:epc:id:sgtin:4012345.088888.1")
    with brownie.reverts(revert_pattern=err("ProvenanceUnknownItem", bytes.fromhex(unknown[2:]))):
        provenance.declareError(unknown, uid("x"), uid("incorrect_data"), event(), {"from": logistics_admin})
    assert provenance.verify(unknown)["known"] is False


def test_event_on_unknown_item_reverts_where_registration_is_not_implied(provenance, carmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceUnknownItem.*"):
        provenance.offerCustody(uid("urn:nothing"), 6, {"from": carmaker_admin})


def test_multicall_records_several_events_atomically(provenance, gadget, carmaker_admin):
    calls = [
        provenance.observe.encode_input(gadget, event()),
        provenance.associate.encode_input(gadget, SENSOR, event()),
    ]
    tx = provenance.multicall(calls, {"from": carmaker_admin})
    assert len(tx.events["Observed"]) == 1 and len(tx.events["DeviceAssociated"]) == 1


def test_multicall_reverts_with_inner_error(provenance, gadget, carmaker_admin, dealer_admin):
    calls = [provenance.observe.encode_input(gadget, event())]
    with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
        provenance.multicall(calls, {"from": dealer_admin})


def test_verify_unknown_item(provenance):
    v = provenance.verify(uid("urn:epc:id:sgtin:0.0.0"))
    assert (v["known"], v["status"], v["eventCount"]) == (False, Status.Unknown, 0)


"""Transformations: inputs consumed within their stock, outputs registered, edges by transformation id."""

import brownie
from eth_abi import encode
from eth_utils import keccak

from pilotchain.provenance import Status
from tests.fixtures.provenance import event, lot, serial, uid
from tests.fixtures.registry_extra import err

PACK = serial("urn:epc:id:sgtin:4012345.055555.P1")


def _use(lot_id, amount, unit="0x483837"):  # H87
    return (lot_id, True, amount, unit)


def test_transform_consumes_stock_and_registers_output(provenance, cell_lot, cellmaker_admin, entity_ids):
    tx = provenance.transform([_use(cell_lot, 96_000)], [PACK], event(), {"from": cellmaker_admin})
    consumed = tx.events["InputConsumed"]
    assert (consumed["itemId"], consumed["amount"], consumed["remaining"]) == (cell_lot, 96_000, 904_000)
    assert tx.events["OutputProduced"]["itemId"] == PACK[0]
    assert (tx.events["Transformed"]["inputs"], tx.events["Transformed"]["outputs"]) == (1, 1)
    assert provenance.verify(cell_lot)["available"] == 904_000
    assert provenance.verify(PACK[0])["owner"] == entity_ids["cellmaker"]


def test_transformation_id_is_hash_of_entity_and_data(provenance, cell_lot, cellmaker_admin, entity_ids):
    data = event()
    tx = provenance.transform([_use(cell_lot, 1)], [PACK], data, {"from": cellmaker_admin})
    types = ["uint32", "(bytes32,bytes32,bytes32,uint40,uint16,uint16)"]
    values = [entity_ids["cellmaker"], tuple(bytes.fromhex(v[2:]) if isinstance(v, str) else v for v in data)]
    expected = "0x" + keccak(encode(types, values)).hex()
    assert tx.events["Transformed"]["transformationId"] == expected
    assert tx.return_value == expected


def test_consuming_all_stock_closes_lot(provenance, cell_lot, cellmaker_admin):
    provenance.transform([_use(cell_lot, 1_000_000)], [PACK], event(), {"from": cellmaker_admin})
    assert provenance.verify(cell_lot)["status"] == Status.Consumed


def test_consuming_more_than_stock_reverts(provenance, cell_lot, cellmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceQuantityExceeded.*"):
        provenance.transform([_use(cell_lot, 1_000_001)], [PACK], event(), {"from": cellmaker_admin})


def test_consuming_in_another_unit_reverts(provenance, cell_lot, cellmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceUnitMismatch.*"):
        provenance.transform([_use(cell_lot, 1, "0x4b474d")], [PACK], event(), {"from": cellmaker_admin})


def test_unspecified_amount_leaves_stock(provenance, cell_lot, cellmaker_admin):
    provenance.transform([_use(cell_lot, 0)], [PACK], event(), {"from": cellmaker_admin})
    v = provenance.verify(cell_lot)
    assert (v["status"], v["available"]) == (Status.Active, 1_000_000)


def test_serialised_input_is_consumed_whole(provenance, gadget, carmaker_admin):
    provenance.transform([(gadget, False, 0, "0x000000")], [PACK], event(), {"from": carmaker_admin})
    assert provenance.verify(gadget)["status"] == Status.Consumed
    with brownie.reverts(revert_pattern=r"ProvenanceItemClosed.*"):
        provenance.transform([(gadget, False, 0, "0x000000")], [serial("urn:p2")], event(), {"from": carmaker_admin})


def test_packed_crate_consumed_whole_is_closed_as_a_serialised_item(provenance, crate, carmaker_admin):
    tx = provenance.transform([(crate["parent"], False, 0, "0x000000")], [PACK], event(), {"from": carmaker_admin})
    consumed = tx.events["InputConsumed"]
    assert (consumed["itemId"], consumed["amount"], consumed["remaining"]) == (crate["parent"], 0, 0)
    v = provenance.verify(crate["parent"])
    assert (v["status"], v["lot"]) == (Status.Consumed, False)


def test_packed_crate_used_as_lot_holds_exactly_the_amount_used_up(provenance, crate, carmaker_admin):
    tx = provenance.transform([_use(crate["parent"], 5_000)], [PACK], event(), {"from": carmaker_admin})
    consumed = tx.events["InputConsumed"]
    assert (consumed["amount"], consumed["remaining"]) == (5_000, 0)
    v = provenance.verify(crate["parent"])
    assert (v["status"], v["lot"], v["available"], v["unit"]) == (Status.Consumed, True, 0, "0x483837")


def test_packed_crate_used_as_lot_of_unspecified_amount_stays_open(provenance, crate, carmaker_admin):
    provenance.transform([_use(crate["parent"], 0)], [PACK], event(), {"from": carmaker_admin})
    v = provenance.verify(crate["parent"])
    assert (v["status"], v["lot"], v["available"], v["unit"]) == (Status.Active, True, 0, "0x483837")
    with brownie.reverts(revert_pattern=r"ProvenanceInvalidQuantity.*"):  # it is a lot from now on
        provenance.transform([(crate["parent"], False, 0, "0x000000")], [serial("urn:p3")], event(),
                             {"from": carmaker_admin})  # fmt: skip


def test_lot_used_as_serialised_item_reverts(provenance, cell_lot, cellmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceInvalidQuantity.*"):
        provenance.transform([(cell_lot, False, 0, "0x000000")], [PACK], event(), {"from": cellmaker_admin})


def test_serialised_item_used_as_lot_reverts(provenance, gadget, carmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceInvalidQuantity.*"):
        provenance.transform([(gadget, True, 1, "0x483837")], [PACK], event(), {"from": carmaker_admin})


def test_recalled_input_reverts(provenance, cell_lot, cellmaker_admin):
    provenance.recall(cell_lot, "0x" + "01" * 32, {"from": cellmaker_admin})
    with brownie.reverts(revert_pattern=r"ProvenanceRecalled.*"):
        provenance.transform([_use(cell_lot, 1)], [PACK], event(), {"from": cellmaker_admin})


def test_input_in_transit_reverts(provenance, cell_lot, cellmaker_admin, entity_ids):
    provenance.offerCustody(cell_lot, entity_ids["carmaker"], {"from": cellmaker_admin})
    with brownie.reverts(revert_pattern=r"ProvenanceInTransit.*"):
        provenance.transform([_use(cell_lot, 1)], [PACK], event(), {"from": cellmaker_admin})


def test_input_of_another_custodian_reverts(provenance, cell_lot, carmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
        provenance.transform([_use(cell_lot, 1)], [PACK], event(), {"from": carmaker_admin})


def test_known_lot_output_gains_stock(provenance, cell_lot, cellmaker_admin):
    scrap = lot("urn:epc:class:lgtin:4012345.099999.SCRAP", 0, "H87")
    provenance.transform([_use(cell_lot, 10_000)], [scrap[:2] + (4_000, scrap[3])], event(), {"from": cellmaker_admin})
    provenance.transform([_use(cell_lot, 10_000)], [scrap[:2] + (6_000, scrap[3])], event(), {"from": cellmaker_admin})
    assert provenance.verify(scrap[0])["available"] == 10_000


def test_known_lot_output_in_another_unit_reverts(provenance, cell_lot, cellmaker_admin):
    scrap = lot("urn:epc:class:lgtin:4012345.099999.SCRAP", 4_000, "H87")
    provenance.transform([_use(cell_lot, 10_000)], [scrap], event(), {"from": cellmaker_admin})
    in_kilograms = scrap[:3] + ("0x4b474d",)
    with brownie.reverts(revert_pattern=r"ProvenanceUnitMismatch.*"):
        provenance.transform([_use(cell_lot, 10_000)], [in_kilograms], event(), {"from": cellmaker_admin})
    assert provenance.verify(scrap[0])["available"] == 4_000


def test_reworked_serialised_item_is_an_output_again(provenance, gadget, carmaker_admin, entity_ids):
    """A held item that a transformation reworks (a part fitted into it) stays the same item."""
    part = serial("urn:epc:id:sgtin:4012345.033333.PART-1")
    provenance.commission(part, event(), {"from": carmaker_admin})
    tx = provenance.transform([part], [(gadget, False, 0, "0x000000")], event(biz_step=3), {"from": carmaker_admin})
    produced = tx.events["OutputProduced"]
    assert (produced["itemId"], produced["lot"], produced["amount"]) == (gadget, False, 0)
    v = provenance.verify(gadget)
    assert (v["status"], v["lot"], v["owner"], v["eventCount"]) == (Status.Active, False, entity_ids["carmaker"], 2)


def test_transform_without_inputs_reverts(provenance, cellmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceEmptyList.*"):
        provenance.transform([], [PACK], event(), {"from": cellmaker_admin})


def test_transform_without_outputs_reverts(provenance, cell_lot, cellmaker_admin):
    with brownie.reverts(revert_pattern=r"ProvenanceEmptyList.*"):
        provenance.transform([_use(cell_lot, 1_000)], [], event(), {"from": cellmaker_admin})
    assert provenance.verify(cell_lot)["available"] == 1_000_000


def test_unknown_input_reverts_and_registers_nothing(provenance, carmaker_admin):
    source = uid("urn:epc:class:lgtin:4012345.077777.X")
    with brownie.reverts(revert_pattern=err("ProvenanceUnknownItem", bytes.fromhex(source[2:]))):
        provenance.transform([_use(source, 5_000, "0x4b474d")], [PACK], event(), {"from": carmaker_admin})
    assert (provenance.verify(source)["known"], provenance.verify(PACK[0])["known"]) == (False, False)

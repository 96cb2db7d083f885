"""Item squatting: no member can take hold of an id before its rightful creator.

The attack (issue 9): an operator of the logistics firm names the id of a vehicle the car maker
has not commissioned yet (decommission, error declaration, transformation input, ...) to make it
its own and lock the car maker out. Only creating events (commission, transformation outputs, a
packing parent) register an unknown id, and under a GS1 company prefix the council registered,
only the prefix's entity creates ids at all.
"""

import brownie
import pytest

from pilotchain.epcis.codes import item_id, prefix_key
from pilotchain.provenance import Status
from pilotchain.registry import ActionKind, call_payload
from tests.fixtures.datasharing import custom_error, emitted
from tests.fixtures.provenance import event, key, lot, serial, uid
from tests.fixtures.registry import pass_proposal
from tests.fixtures.registry_extra import err

CAR_PREFIX = "6901234"  # the car maker's company prefix
VEHICLE = "urn:epc:id:sgtin:6901234.066666.VIN-LGWEF4A59MB000009"
SENSOR = uid("urn:epc:id:giai:4000001.SENSOR-7")
NO_PREFIX = "urn:epc:id:gid:95100000.12345.400"  # GID: a general manager number, no GS1 prefix
ZERO_UNIT = "0x000000"


def _raw(hex_id: str) -> bytes:
    return bytes.fromhex(hex_id[2:])


# ---------------------------------------------------------------- the attack: naming an unknown id

ATTACKS = {
    "decommission": lambda p, v, own: p.decommission(v, event(), own),
    "declareError": lambda p, v, own: p.declareError(v, uid("epcis:x"), uid("incorrect_data"), event(), own),
    "transform input": lambda p, v, own: p.transform([(v, False, 0, ZERO_UNIT)], [serial("urn:x:scrap")], event(), own),
    "observe": lambda p, v, own: p.observe(v, event(), own),
    "observeBatch": lambda p, v, own: p.observeBatch(event(), [(v, uid("epcis:o"), 1_767_225_600)], own),
    "associate": lambda p, v, own: p.associate(v, SENSOR, event(), own),
    "dissociate": lambda p, v, own: p.dissociate(v, SENSOR, event(), own),
    "recordTransaction": lambda p, v, own: p.recordTransaction([v], uid("urn:po:1"), 0, event(), own),
    "pack as child": lambda p, v, own: p.pack(uid("urn:x:crate"), [v], event(), own),
    "unpack as parent": lambda p, v, own: p.unpack(v, [uid("urn:x:crate")], event(), own),
    "multicall decommission": lambda p, v, own: p.multicall([p.decommission.encode_input(v, event())], own),
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_member_cannot_claim_an_item_another_has_not_commissioned(
    provenance, attack, logistics_operator, carmaker_admin, entity_ids
):
    victim = uid(VEHICLE)
    with brownie.reverts(revert_pattern=err("ProvenanceUnknownItem", _raw(victim))):
        ATTACKS[attack](provenance, victim, {"from": logistics_operator})
    assert provenance.verify(victim)["known"] is False
    tx = provenance.commission(serial(VEHICLE), event(), {"from": carmaker_admin})
    assert tx.events["Commissioned"]["entityId"] == entity_ids["carmaker"]
    v = provenance.verify(victim)
    assert (v["owner"], v["custodian"], v["status"]) == (entity_ids["carmaker"], entity_ids["carmaker"], Status.Active)


def test_packing_creates_an_unknown_parent_but_not_an_unknown_child(provenance, gadget, carmaker_admin, entity_ids):
    crate = uid("urn:epc:id:sscc:4012345.0000000077")
    tx = provenance.pack(crate, [gadget], event(), {"from": carmaker_admin})
    assert tx.events["AggregationRecorded"]["itemId"] == crate
    assert provenance.verify(crate)["owner"] == entity_ids["carmaker"]


def test_transformation_creates_its_outputs(provenance, cell_lot, cellmaker_admin, entity_ids):
    made = serial("urn:epc:id:sgtin:4012345.055555.NEW")
    provenance.transform([(cell_lot, True, 1_000, "0x483837")], [made], event(), {"from": cellmaker_admin})
    assert provenance.verify(made[0])["owner"] == entity_ids["cellmaker"]


# ---------------------------------------------------------------- company prefixes: the council


def test_council_registers_prefix_through_registry_call(provenance, register_prefix, entity_ids):
    tx = register_prefix(entity_ids["carmaker"], CAR_PREFIX)
    assert emitted(tx, "PrefixRegistered") == {"entityId": entity_ids["carmaker"], "prefix": key(CAR_PREFIX)}
    assert provenance.prefixOwner(key(CAR_PREFIX)) == entity_ids["carmaker"]


def test_council_registers_several_prefixes_in_one_multicall(provenance, registry, council, entity_ids):
    calls = [provenance.registerPrefix.encode_input(entity_ids["carmaker"], key(CAR_PREFIX)),
             provenance.registerPrefix.encode_input(entity_ids["cellmaker"], key("6912345"))]  # fmt: skip
    data = provenance.multicall.encode_input(calls)
    pass_proposal(registry, council, ActionKind.Call, call_payload(provenance.address, bytes.fromhex(data[2:])))
    assert (provenance.prefixOwner(key(CAR_PREFIX)), provenance.prefixOwner(key("6912345"))) == (
        entity_ids["carmaker"], entity_ids["cellmaker"],
    )


@pytest.mark.parametrize("caller", ["council", "carmaker_admin", "outsider"])
def test_prefix_cannot_be_registered_outside_the_council(provenance, caller, request, entity_ids):
    account = request.getfixturevalue(caller)
    account = account[0] if caller == "council" else account
    with brownie.reverts(revert_pattern=err("ProvenanceNotRegistry", account)):
        provenance.registerPrefix(entity_ids["carmaker"], key(CAR_PREFIX), {"from": account})


def test_prefix_cannot_be_removed_outside_the_council(provenance, register_prefix, council, entity_ids):
    register_prefix(entity_ids["carmaker"], CAR_PREFIX)
    with brownie.reverts(revert_pattern=err("ProvenanceNotRegistry", council[0])):
        provenance.removePrefix(key(CAR_PREFIX), {"from": council[0]})
    assert provenance.prefixOwner(key(CAR_PREFIX)) == entity_ids["carmaker"]


def test_council_removes_prefix_and_ids_under_it_go_to_the_first_creator(
    provenance, register_prefix, logistics_admin, entity_ids
):
    register_prefix(entity_ids["carmaker"], CAR_PREFIX)
    tx = register_prefix(None, CAR_PREFIX)
    assert emitted(tx, "PrefixRemoved") == {"entityId": entity_ids["carmaker"], "prefix": key(CAR_PREFIX)}
    assert provenance.prefixOwner(key(CAR_PREFIX)) == 0
    provenance.commission(serial(VEHICLE), event(), {"from": logistics_admin})
    assert provenance.verify(uid(VEHICLE))["owner"] == entity_ids["logistics"]


def test_registered_prefix_cannot_be_registered_again(provenance, register_prefix, entity_ids):
    register_prefix(entity_ids["carmaker"], CAR_PREFIX)
    inner = custom_error("ProvenancePrefixTaken(bytes6,uint32)", key(CAR_PREFIX), entity_ids["carmaker"])
    with brownie.reverts(revert_pattern=err("RegistryCallFailed", provenance.address, inner)):
        register_prefix(entity_ids["logistics"], CAR_PREFIX)


@pytest.mark.parametrize("raw", [
    bytes(6),  # the "no prefix" key
    bytes.fromhex("12345fffffff"),  # 5 digits
    bytes.fromhex("6901234fff0f"),  # a digit after the fill
    bytes.fromhex("a901234fffff"),  # not a digit
    bytes.fromhex("ffffffffffff"),  # no digits
], ids=["zero", "five-digits", "digit-after-fill", "not-a-digit", "no-digits"])  # fmt: skip
def test_malformed_prefix_key_is_refused(provenance, register_prefix, entity_ids, raw):
    inner = custom_error("ProvenanceInvalidPrefix(bytes6)", raw)
    with brownie.reverts(revert_pattern=err("RegistryCallFailed", provenance.address, inner)):
        register_prefix(entity_ids["carmaker"], raw)


def test_twelve_digit_prefix_is_accepted(provenance, register_prefix, entity_ids):
    register_prefix(entity_ids["carmaker"], "061414112345")
    assert provenance.prefixOwner(key("061414112345")) == entity_ids["carmaker"]


def test_prefix_cannot_be_registered_to_an_unknown_entity(provenance, register_prefix):
    inner = custom_error("ProvenanceInactiveEntity(uint32)", 999)
    with brownie.reverts(revert_pattern=err("RegistryCallFailed", provenance.address, inner)):
        register_prefix(999, CAR_PREFIX)


def test_removing_an_unregistered_prefix_is_refused(provenance, register_prefix):
    inner = custom_error("ProvenancePrefixNotRegistered(bytes6)", key(CAR_PREFIX))
    with brownie.reverts(revert_pattern=err("RegistryCallFailed", provenance.address, inner)):
        register_prefix(None, CAR_PREFIX)


# ---------------------------------------------------------------- company prefixes: creating items

CREATIONS = {
    "commission": lambda p, v, own: p.commission(serial(VEHICLE), event(), own["tx"]),
    "commissionBatch": lambda p, v, own: p.commissionBatch([serial(VEHICLE)], [event()], own["tx"]),
    "transform output": lambda p, v, own: p.transform([own["lot"]], [serial(VEHICLE)], event(), own["tx"]),
    "pack parent": lambda p, v, own: p.pack(v, [own["child"]], event(), own["tx"]),
    "multicall commission": lambda p, v, own: p.multicall([p.commission.encode_input(serial(VEHICLE), event())], own["tx"]),
}


@pytest.mark.parametrize("creation", CREATIONS, ids=list(CREATIONS))
def test_member_cannot_create_an_id_under_another_entitys_prefix(
    provenance, register_prefix, creation, logistics_operator, entity_ids
):
    register_prefix(entity_ids["carmaker"], CAR_PREFIX)
    own = {"from": logistics_operator}
    # what the attacker holds: a lot to transform, an item to pack (under an unregistered prefix)
    cells = lot("urn:epc:class:lgtin:4012345.011111.OWN", 10_000, "H87")
    crate = serial("urn:epc:id:sscc:4012345.0000000099")
    provenance.commissionBatch([cells, crate], [event(), event()], own)
    context = {"tx": own, "lot": (cells[0], True, 1_000, cells[3]), "child": crate[0]}
    victim = uid(VEHICLE)
    expected = err("ProvenancePrefixNotOwned", _raw(victim), key(CAR_PREFIX), entity_ids["carmaker"])
    with brownie.reverts(revert_pattern=expected):
        CREATIONS[creation](provenance, victim, context)
    assert provenance.verify(victim)["known"] is False


def test_entity_creates_ids_under_its_own_prefix(provenance, register_prefix, carmaker_admin, entity_ids):
    register_prefix(entity_ids["carmaker"], CAR_PREFIX)
    tx = provenance.commission(serial(VEHICLE), event(), {"from": carmaker_admin})
    assert tx.events["Commissioned"]["itemId"] == uid(VEHICLE)
    assert provenance.verify(uid(VEHICLE))["owner"] == entity_ids["carmaker"]


def test_scheme_without_company_prefix_keeps_first_creator_rule(
    provenance, register_prefix, logistics_operator, carmaker_admin, entity_ids
):
    register_prefix(entity_ids["carmaker"], "951000")  # digits like the GID's, but GID carries no prefix
    assert provenance.prefixOf(uid(NO_PREFIX)) == "0x" + "00" * 6
    provenance.commission(serial(NO_PREFIX), event(), {"from": logistics_operator})
    with brownie.reverts(revert_pattern=err("ProvenanceItemExists", _raw(uid(NO_PREFIX)))):
        provenance.commission(serial(NO_PREFIX), event(), {"from": carmaker_admin})
    assert provenance.verify(uid(NO_PREFIX))["owner"] == entity_ids["logistics"]


def test_unregistered_prefix_keeps_first_creator_rule(provenance, logistics_operator, entity_ids):
    provenance.commission(serial(VEHICLE), event(), {"from": logistics_operator})
    assert provenance.verify(uid(VEHICLE))["owner"] == entity_ids["logistics"]


@pytest.mark.parametrize("uri, prefix", [
    ("urn:epc:id:sgtin:6901234.066666.VIN-1", "6901234"),
    ("urn:epc:id:sscc:0614141.1234567890", "0614141"),
    ("urn:epc:id:sgln:061414112345.00001.0", "061414112345"),
    ("urn:epc:id:grai:0614141.12345.400", "0614141"),
    ("urn:epc:id:giai:4000001.SENSOR-7", "4000001"),
    ("urn:epc:id:gsrn:0614141.1234567890", "0614141"),
    ("urn:epc:id:gdti:0614141.12345.400", "0614141"),
    ("urn:epc:class:lgtin:4012345.012345.998877", "4012345"),
    ("urn:epc:idpat:sgtin:4012345.012345.*", "4012345"),
], ids=lambda v: v.split(":")[3] if v.startswith("urn") else v)  # fmt: skip
def test_contract_reads_the_prefix_the_library_puts_in_the_id(provenance, uri, prefix):
    assert provenance.prefixOf(item_id(uri)) == "0x" + prefix_key(prefix).hex()

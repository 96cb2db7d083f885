"""Compact codes for bizStep/disposition and bytes32 ids for items and locations."""

from __future__ import annotations

import pytest
from Crypto.Hash import keccak as pycryptodome_keccak

from pilotchain.epcis import parse_document
from pilotchain.epcis_codes import (
    BIZ_STEPS,
    CUSTOM_CODE_FLAG,
    DISPOSITIONS,
    VocabularyError,
    biz_step,
    disposition,
    item_id,
    location_id,
)
from tests.epcis.conftest import load_example


@pytest.mark.parametrize(
    "spelling",
    ["shipping", "urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping",
     "https://gs1.org/voc/BizStep-shipping"],
)
def test_every_spelling_of_a_cbv_bizstep_has_one_name_and_code(spelling):
    code = biz_step(spelling)
    assert (code.name, code.code, code.standard) == ("shipping", 33, True)
    assert code.uri == "https://ref.gs1.org/cbv/BizStep-shipping"


@pytest.mark.parametrize(
    "spelling", ["in_transit", "urn:epcglobal:cbv:disp:in_transit", "https://ref.gs1.org/cbv/Disp-in_transit"]
)
def test_every_spelling_of_a_cbv_disposition_has_one_name_and_code(spelling):
    code = disposition(spelling)
    assert (code.name, code.code) == ("in_transit", 15)
    assert code.uri == "https://ref.gs1.org/cbv/Disp-in_transit"


def test_standard_codes_are_small_distinct_and_below_the_custom_flag():
    for terms, coder in ((BIZ_STEPS, biz_step), (DISPOSITIONS, disposition)):
        codes = [coder(term).code for term in terms]
        assert codes == list(range(1, len(terms) + 1))
        assert max(codes) < CUSTOM_CODE_FLAG


def test_custom_uri_keeps_its_text_and_gets_a_stable_hashed_code():
    uri = "http://epcis.example.org/hc/bizstep/summarising_discharge"
    code = biz_step(uri)
    expected = CUSTOM_CODE_FLAG | (
        int(pycryptodome_keccak.new(digest_bits=256, data=uri.encode()).hexdigest()[:4], 16)
        & (CUSTOM_CODE_FLAG - 1)
    )
    assert (code.name, code.standard, code.uri, code.code) == (uri, False, uri, expected)
    assert biz_step(uri) == code


@pytest.mark.parametrize(
    "value", ["shiping", "urn:epcglobal:cbv:bizstep:shiping", "https://ref.gs1.org/cbv/BizStep-x"]
)
def test_unknown_cbv_terms_are_rejected(value):
    with pytest.raises(VocabularyError):
        biz_step(value)


def test_item_and_location_ids_are_keccak_of_the_canonical_digital_link():
    uri = "urn:epc:id:sgtin:0614141.107346.2017"
    link = b"https://id.gs1.org/01/10614141073464/21/2017"
    expected = bytes.fromhex(pycryptodome_keccak.new(digest_bits=256, data=link).hexdigest())
    assert item_id(uri) == location_id(uri) == expected
    assert len(item_id(uri)) == 32


@pytest.mark.parametrize("spelling", [
    "urn:epc:id:sgtin:0614141.107346.2017",
    "https://id.gs1.org/01/10614141073464/21/2017",
    "https://example.com/shop/01/10614141073464/21/2017",
    "https://example.com/01/10614141073464/21/2017?linkType=all",
])
def test_urn_and_digital_links_of_one_object_are_one_item(spelling):
    assert item_id(spelling) == item_id("urn:epc:id:sgtin:0614141.107346.2017")


def test_different_objects_and_non_gs1_uris_stay_apart():
    assert item_id("urn:epc:id:sgtin:0614141.107346.2017") != item_id("urn:epc:id:sgtin:0614141.107346.2018")
    uuid = "urn:uuid:0e2a2dd8-4c0e-4bb6-8d8c-2c5f8fd0a3d1"
    assert item_id(uuid) == bytes.fromhex(pycryptodome_keccak.new(digest_bits=256, data=uuid.encode()).hexdigest())
    assert location_id("urn:epc:id:sgln:0614141.00777.0") == location_id("https://example.org/414/0614141007776")


def test_event_exposes_location_ids_and_identifier_roles():
    event = parse_document(load_example("Example_9.6.3-AggregationEvent.jsonld")).events[0]
    assert event.read_point_id == location_id("urn:epc:id:sgln:0614141.00777.0")
    assert event.biz_location_id == location_id("urn:epc:id:sgln:0614141.00888.0")
    roles = [(i.uri, i.role, i.is_class) for i in event.identifiers()]
    assert roles == [
        ("urn:epc:id:sscc:0614141.1234567890", "parent", False),
        ("urn:epc:id:sgtin:0614141.107346.2017", "child", False),
        ("urn:epc:id:sgtin:0614141.107346.2018", "child", False),
        ("urn:epc:idpat:sgtin:4012345.098765.*", "child", True),
        ("urn:epc:class:lgtin:4012345.012345.998877", "child", True),
    ]
    assert event.identifiers()[0].item_id == item_id("urn:epc:id:sscc:0614141.1234567890")


def test_transformation_identifiers_separate_inputs_outputs_and_sensors():
    doc = parse_document(load_example("transformation_event_all_possible_fields.jsonld"))
    roles = {}
    for ident in doc.events[0].identifiers():
        roles.setdefault(ident.role, []).append(ident.uri)
    assert set(roles) == {"input", "output", "sensor"}
    assert roles["sensor"] == ["urn:epc:id:giai:4000001.111"]
    assert "urn:epc:id:sgtin:4012345.011122.25" in roles["input"]
    assert "urn:epc:id:sgtin:4012345.077889.28" in roles["output"]

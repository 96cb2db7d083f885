"""Compact codes for bizStep/disposition and bytes32 ids for items and locations."""

from __future__ import annotations

import pytest
from Crypto.Hash import keccak as pycryptodome_keccak

from pilotchain.epcis import parse_document
from pilotchain.epcis.codes import (
    BIZ_STEPS,
    CUSTOM_CODE_FLAG,
    DISPOSITIONS,
    VocabularyError,
    biz_step,
    company_prefix,
    disposition,
    item_id,
    known_prefixes,
    location_id,
    prefix_key,
    prefix_text,
    unresolved_prefix,
)
from pilotchain.epcis.identifiers import canonical
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


def _keccak(text: str) -> bytes:
    return bytes.fromhex(pycryptodome_keccak.new(digest_bits=256, data=text.encode()).hexdigest())


def test_item_id_is_the_prefix_key_then_the_canonical_keccak_and_a_location_id_the_keccak():
    uri = "urn:epc:id:sgtin:0614141.107346.2017"
    link = "https://id.gs1.org/01/10614141073464/21/2017"  # its canonical form
    assert item_id(uri) == bytes.fromhex("0614141fffff") + _keccak(link)[6:]
    assert location_id(uri) == _keccak(link)


@pytest.mark.parametrize("uri, prefix", [
    ("urn:epc:id:sgtin:0614141.107346.2017", "0614141"),
    ("urn:epc:id:sscc:0614141.1234567890", "0614141"),
    ("urn:epc:id:sgln:061414112345.00001.0", "061414112345"),
    ("urn:epc:id:grai:0614141.12345.400", "0614141"),
    ("urn:epc:id:giai:4000001.SENSOR-7", "4000001"),
    ("urn:epc:id:gsrn:0614141.1234567890", "0614141"),
    ("urn:epc:id:gdti:0614141.12345.400", "0614141"),
    ("urn:epc:class:lgtin:4012345.012345.998877", "4012345"),
    ("urn:epc:idpat:sgtin:4012345.012345.*", "4012345"),
    ("urn:epc:idpat:sgtin:*.*.*", None),  # a wildcard prefix names no company
    ("urn:epc:id:gid:95100000.12345.400", None),  # GID: a manager number, not a GS1 prefix
    ("urn:epc:id:sgtin:06141.107346.1", None),  # 5 digits: not a company prefix
    ("https://id.gs1.org/01/09521234543213/21/1", None),  # digital link: the prefix length is not in it
    ("urn:uuid:a5f5a8c6-7bc6-4b0e-9b9c-1c2c3f1e0d00", None),
])  # fmt: skip
def test_company_prefix_is_the_first_component_of_a_gs1_scheme(uri, prefix):
    assert company_prefix(uri) == prefix
    assert item_id(uri)[:6] == (prefix_key(prefix) if prefix else bytes(6))
    assert item_id(uri)[6:] == _keccak(canonical(uri))[6:]


def test_prefix_key_is_bcd_filled_with_f_and_reads_back():
    assert prefix_key("6901234") == bytes.fromhex("6901234fffff")
    assert prefix_key("061414112345") == bytes.fromhex("061414112345")
    assert prefix_text(prefix_key("0614141")) == "0614141" and prefix_text(bytes(6)) == ""


@pytest.mark.parametrize("prefix", ["12345", "1234567890123", "69O1234", "000000000000", ""])
def test_malformed_company_prefix_is_rejected(prefix):
    with pytest.raises(ValueError, match="not a GS1 company prefix"):
        prefix_key(prefix)


@pytest.mark.parametrize("spelling", [
    "urn:epc:id:sgtin:0614141.107346.2017",
    "https://id.gs1.org/01/10614141073464/21/2017",
    "https://example.com/shop/01/10614141073464/21/2017",
    "https://example.com/01/10614141073464/21/2017?linkType=all",
])
def test_urn_and_digital_links_of_one_object_are_one_item_once_the_prefix_is_known(spelling):
    with known_prefixes({"0614141", "061414"}):  # the longest prefix the key begins with
        assert item_id(spelling) == item_id("urn:epc:id:sgtin:0614141.107346.2017")
        assert not unresolved_prefix(spelling)
    if spelling.startswith("https://"):
        assert unresolved_prefix(spelling), "without the prefix a Digital Link's item id cannot match the URN's"
        assert item_id(spelling)[:6] == bytes(6)


def test_different_objects_and_non_gs1_uris_stay_apart():
    assert item_id("urn:epc:id:sgtin:0614141.107346.2017") != item_id("urn:epc:id:sgtin:0614141.107346.2018")
    uuid = "urn:uuid:0e2a2dd8-4c0e-4bb6-8d8c-2c5f8fd0a3d1"
    assert item_id(uuid) == bytes(6) + _keccak(uuid)[6:] and not unresolved_prefix(uuid)
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

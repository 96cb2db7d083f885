"""Canonical GS1 identifiers (pilotchain.epcis.identifiers): EPC URN and Digital Link agree."""

from __future__ import annotations

import pytest

from pilotchain.epcis.identifiers import canonical, check_digit, identifier_problem

# (EPC URN, a Digital Link of the same object on another host, the canonical form)
SAME_OBJECT = [
    ("urn:epc:id:sgtin:0614141.107346.2018", "https://example.com/01/10614141073464/21/2018",
     "https://id.gs1.org/01/10614141073464/21/2018"),
    ("urn:epc:id:sscc:0614141.1234567890", "https://example.com/00/106141412345678908",
     "https://id.gs1.org/00/106141412345678908"),
    ("urn:epc:id:sgln:0012345.11111.400", "https://example.com/414/0012345111112/254/400",
     "https://id.gs1.org/414/0012345111112/254/400"),
    ("urn:epc:id:sgln:0012345.11111.0", "https://example.com/414/0012345111112",
     "https://id.gs1.org/414/0012345111112"),
    ("urn:epc:id:grai:4012345.55555.987", "https://example.com/8003/04012345555554987",
     "https://id.gs1.org/8003/04012345555554987"),
    ("urn:epc:id:giai:4000001.111", "https://example.com/8004/4000001111", "https://id.gs1.org/8004/4000001111"),
    ("urn:epc:id:gsrn:0614141.0000010253", "https://example.com/8018/061414100000102534",
     "https://id.gs1.org/8018/061414100000102534"),
    ("urn:epc:id:gdti:0614141.00001.1618034", "https://example.com/253/06141410000121618034",
     "https://id.gs1.org/253/06141410000121618034"),
    ("urn:epc:class:lgtin:4012345.012345.998877", "https://example.com/01/04012345123456/10/998877",
     "https://id.gs1.org/01/04012345123456/10/998877"),
    ("urn:epc:idpat:sgtin:4012345.098765.*", "https://example.com/01/04012345987652",
     "https://id.gs1.org/01/04012345987652"),
]


@pytest.mark.parametrize("urn,link,expected", SAME_OBJECT, ids=[s[0].split(":")[3] for s in SAME_OBJECT])
def test_urn_and_digital_link_of_one_object_have_one_canonical_form(urn, link, expected):
    assert canonical(urn) == canonical(link) == canonical(expected) == expected
    assert identifier_problem(urn) is None and identifier_problem(link) is None


def test_digital_link_query_and_qualifier_order_do_not_matter():
    assert canonical("https://example.com/01/04012345123456/21/7/10/LOT?linkType=all") == \
        "https://id.gs1.org/01/04012345123456/10/LOT/21/7"


def test_short_gtin_is_padded_to_fourteen_digits():
    assert canonical("https://id.gs1.org/01/4012345123456") == "https://id.gs1.org/01/04012345123456"


def test_check_digit_matches_gs1_examples():
    assert check_digit("1061414107346") == "4"
    assert check_digit("10614141234567890") == "8"


@pytest.mark.parametrize("uri", [
    "urn:epc:id:sgtin:0614141.107346",            # no serial
    "urn:epc:id:sgtin:0614141.10734.1",            # 12 digits of company prefix + item reference
    "urn:epc:id:sscc:0614141.12345",
    "urn:epc:id:sgln:0012345.11111",               # no extension
    "urn:epc:idpat:sgtin:4012345.098765.5",         # a pattern needs *
    "urn:epc:nonsense",
    "https://id.gs1.org/01/10614141073465/21/2018",  # wrong check digit
    "https://id.gs1.org/414/0012345111113",
    "https://id.gs1.org/01/10614141073464/99/x",      # 99 does not qualify a GTIN
])
def test_malformed_identifier_is_named(uri):
    assert identifier_problem(uri)


@pytest.mark.parametrize("uri", ["urn:uuid:6d1c6f3b-7e1a-4d9b-a6fb-8f1f3ac5a1f1", "https://example.com/shipment/7",
                                 "urn:epc:id:gid:95100000.12345.400"])
def test_other_identifiers_are_their_own_canonical_form(uri):
    assert canonical(uri) == uri and identifier_problem(uri) is None

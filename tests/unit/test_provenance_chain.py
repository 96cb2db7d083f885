"""The hash chain: every item's history rebuilt from logs in Python folds into the contract's head."""

import pytest
from eth_utils import keccak

from pilotchain import provenance as lib
from tests.fixtures.provenance import event, hexed


@pytest.fixture
def busy_history(provenance, bill_of_materials, path_of, cellmaker_admin, dealer_admin, lab_admin):
    """The bill of materials plus a certificate, a recall, its acknowledgement and an observation."""
    vehicle, cells = bill_of_materials["vehicle"], bill_of_materials["cells"]
    provenance.certify(vehicle, "0x" + "ce" * 32, "0x" + "11" * 32, 0, {"from": lab_admin})
    provenance.recall(cells, "0x" + "72" * 32, {"from": cellmaker_admin})
    provenance.acknowledgeRecall(vehicle, cells, path_of(vehicle, cells), {"from": dealer_admin})
    provenance.observe(bill_of_materials["vehicle"], event(biz_step=30), {"from": dealer_admin})
    return bill_of_materials


@pytest.mark.parametrize("name", ["cells", "pack", "vehicle"])
def test_history_recomputed_in_python_matches_head(provenance, busy_history, session_for, dealer_admin, name):
    item = busy_history[name]
    history = lib.history(session_for(dealer_admin), item)
    on_chain = provenance.verify(item)
    assert hexed(history.events[-1].head) == on_chain["head"]
    assert len(history.events) == on_chain["eventCount"]


def test_vehicle_history_lists_its_events_in_order(busy_history, session_for, dealer_admin):
    names = [e.name for e in lib.history(session_for(dealer_admin), busy_history["vehicle"]).events]
    assert names == ["Commissioned", "AggregationRecorded", "CustodyOffered", "CustodyAccepted", "Certified",
                     "RecallAcknowledged", "Observed"]  # fmt: skip


def test_altered_event_breaks_the_chain(busy_history, session_for, dealer_admin, provenance):
    history = lib.history(session_for(dealer_admin), busy_history["vehicle"])
    abi = next(e for e in provenance.abi if e.get("name") == "Certified")
    certified = next(e for e in history.events if e.name == "Certified")
    forged = lib.event_hash(abi, {**certified.args, "certHash": keccak(text="forged")})
    hashes = [forged if e is certified else e.event_hash for e in history.events]
    assert lib.chain_head(hashes) != history.verification.head
    assert lib.chain_head(e.event_hash for e in history.events) == history.verification.head


def test_empty_chain_head_is_zero(provenance):
    assert lib.chain_head([]) == b"\0" * 20
    assert provenance.verify("0x" + "42" * 32)["head"] == "0x" + "00" * 20

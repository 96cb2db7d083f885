"""The pilot scenario runs to the end on an anvil dev node (what `make demo NETWORK=anvil` does)."""

import re

from pilotchain.pilot import run_pilot


def test_pilot_runs_to_the_end_on_anvil(workdir, monkeypatch):
    # its own chain (pilot-anvil, also chain id 31337): its own records, accounts and journals
    for name in ("JOURNALS", "DEPLOYMENTS", "ACCOUNTS"):
        monkeypatch.setenv(f"PILOTCHAIN_{name}", str(workdir / "pilot" / name.lower()))
    lines = []
    summary = run_pilot("anvil", log=lines.append, progress=False)

    assert summary.members == 5 + 164
    assert set(summary.members_by_kind) == {
        "GovernmentDepartment", "University", "Bank", "Hospital", "CarMaker", "PowerCompany", "Regulator", "Other"
    }
    assert {"Beijing", "Shanghai", "Guangzhou"} <= set(summary.members_by_city)
    assert len(summary.proposals) == 4

    sharing = summary.sections["data sharing"]
    assert re.search(r"received \S+ \([\d,]+ bytes, hash verified\) through ", sharing["gateway deliveries"])
    assert re.search(r"on-chain receipts: 0x[0-9a-f]{64} \(block \d+\)$", sharing["gateway deliveries"])
    assert sharing["research term granted (days)"] == 90
    assert sharing["revocation during hold"] == "DataSharingGrantOnHold"
    assert sharing["receipt for suspended bank"] == "DataSharingEntityNotActive"
    assert sharing["suspended bank could access"] is False
    assert "university after revocation=no" in sharing["access checks"]

    supply = summary.sections["provenance"]
    assert supply["prefixes held by their makers"] is True
    assert supply["recall reaches the vehicle"] is True
    assert supply["other vehicle untouched"] is True
    assert supply["scan LGWEF4A51MB000001"].startswith("Recalled")

    assert summary.transactions > 350 and summary.gas > 0
    assert any("stopped at the end" in line for line in lines)

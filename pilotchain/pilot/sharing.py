"""The pilot's data-sharing scenario.

- A hospital registers an anonymised extract (its SHA-256 and its gateway's URL); a university
  requests it for research, the hospital approves a shorter term; the university fetches the
  file through the hospital's gateway (started for the scenario on a free 127.0.0.1 port as the
  hospital's operator, stopped after), which checks the chain and records the receipt; at the
  end the hospital revokes the grant.
- A government department signs a grant of company filings to a bank for credit assessment
  off chain (EIP-712); the bank submits it itself.
- A power company grants metering data to a city office directly, with a 30-day hold.
- The council suspends the bank: its access ends everywhere at once and a receipt for it is
  refused; reinstated, the still-valid grant works again.
"""

from __future__ import annotations

import hashlib
import random
import time
from pathlib import Path

from eth_utils import keccak

from pilotchain import datasharing as ds
from pilotchain.datasharing import Purpose, Sensitivity
from pilotchain.gateway import client, process
from pilotchain.errors import ContractError
from pilotchain.pilot.crew import Crew
from pilotchain.pilot.roster import RosterEntry
from pilotchain.registry import ActionKind, entity_id_of, pass_proposal, status_payload

DAY = 86_400
OPERATOR_FUNDS = 10**18


def pick(roster: list[RosterEntry], kind: str, city: str, word: str = "") -> RosterEntry:
    return next(e for e in roster if e.kind.name == kind and e.city == city and word in e.name)


def run_sharing(crew: Crew, roster: list[RosterEntry], council: list[str], log) -> dict:
    hospital = pick(roster, "Hospital", "Beijing")
    university = pick(roster, "University", "Beijing")
    department = pick(roster, "GovernmentDepartment", "Shanghai")
    bank = pick(roster, "Bank", "Shanghai")
    power = pick(roster, "PowerCompany", "Guangzhou")
    city_office = pick(roster, "GovernmentDepartment", "Guangzhou")
    # the hospital's gateway starts (a few seconds of imports) while the scenario makes the grant
    folder = crew.journal_dir / "hospital-gateway"
    extract = write_extract(folder / "assets" / EXTRACT)
    gateway = process.start(crew.w3.provider.endpoint_uri, f"{hospital.account}-op", folder / "assets",
                            folder / "state", process.free_port(), "--batch-seconds", "0.5",
                            accounts_dir=crew.store.folder, wait=False)
    try:
        gateways = [hospital, department, power]
        deployer = crew.session("deployer")
        deployer.sender.top_up([crew.store.address(f"{e.account}-op") for e in gateways],
                               minimum=OPERATOR_FUNDS // 2, amount=OPERATOR_FUNDS)
        ids = {e.code: entity_id_of(deployer, crew.store.address(e.account)) for e in (hospital, university, department, bank, power, city_office)}
        checks: list[tuple[str, bool]] = []

        def check(who: RosterEntry, asset: int, purpose: Purpose, label: str) -> bool:
            allowed = ds.can_access(deployer, asset, crew.store.address(who.account), purpose)
            checks.append((label, allowed))
            log(f"  canAccess {label}: {allowed}")
            return allowed

        # 1. hospital -> university, by request and approval; the extract moves through the
        #    hospital's gateway, which records the receipt
        h = crew.session(hospital.account)
        dataset = ds.register_asset(h, hashlib.sha256(extract).digest(), f"{gateway.url}/files/{EXTRACT}",
                                    schema=101, sensitivity=Sensitivity.Confidential)
        request = ds.request_access(crew.session(university.account), dataset.asset_id, Purpose.Research, 180 * DAY,
                                    keccak(text="IRB protocol 2025-117: readmission risk study"))
        research = ds.approve_request(h, request.request_id, term=90 * DAY)
        log(f"  {hospital.name} shares dataset {dataset.asset_id} with {university.name}: research, 90 days (asked 180)")
        check(university, dataset.asset_id, Purpose.Research, "university / dataset / research")
        check(university, dataset.asset_id, Purpose.Treatment, "university / dataset / treatment")
        waited = time.monotonic()
        gateway.wait_until_ready()
        fetch_started = time.monotonic()
        fetched = client.fetch(crew.session(university.account), crew.store.load(university.account), dataset.asset_id,
                               Purpose.Research, folder / f"received-by-{university.code.lower()}-{EXTRACT}")
        log(f"  {university.name} fetched {EXTRACT} through {hospital.name}'s gateway: {fetched.bytes:,} bytes, "
            f"SHA-256 matches the asset's content hash on chain")
        stopping = time.monotonic()
    finally:
        gateway.stop()  # sends its waiting receipts first
    added = {"waiting for its start": fetch_started - waited, "the fetch": fetched.seconds,
             "its stop": time.monotonic() - stopping}
    delivered = client.audit(h, dataset.asset_id, folder / "state")
    for row in delivered:
        log(f"  receipt {row['tx'] or '(none)'}: {row['gateway_log']}")
    on_chain = [row for row in delivered if row["tx"]]
    receipts: list = list(on_chain)

    # 2. department -> bank, a grant signed off chain and submitted by the bank
    d = crew.session(department.account)
    filings = ds.register_asset(d, keccak(text="pilot: company annual filings 2024"),
                                f"https://gateway.{department.code.lower()}.pilot/filings", schema=202)
    nonce = 0
    while ds.nonce_used(d, d.account, nonce):
        nonce += 1
    signed = ds.sign_grant(crew.store.load(department.account), chain_id=d.sender.chain_id,
                           contract=d.addresses["DataSharing"], asset_id=filings.asset_id, grantee=ids[bank.code],
                           purposes=[Purpose.CreditAssessment], valid_until=int(time.time()) + 365 * DAY,
                           nonce=nonce, deadline=int(time.time()) + DAY)
    ds.submit_signed_grant(crew.session(bank.account), signed)
    log(f"  {department.name} signed a grant of filings {filings.asset_id} to {bank.name}; the bank submitted it")
    check(bank, filings.asset_id, Purpose.CreditAssessment, "bank / filings / credit assessment")
    receipts.append(ds.record_access(crew.session(f"{department.account}-op"), filings.asset_id, ids[bank.code],
                                     Purpose.CreditAssessment, keccak(text="filings-extract"), keccak(text="bank-req-1")))

    # 3. power company -> city office, granted directly with a hold
    p = crew.session(power.account)
    metering = ds.register_asset(p, keccak(text="pilot: district metering 2025-Q3"),
                                 f"https://gateway.{power.code.lower()}.pilot/metering", schema=303)
    now = int(time.time())
    ds.grant(p, metering.asset_id, ids[city_office.code], [Purpose.PublicService], now + 180 * DAY, hold_until=now + 30 * DAY)
    log(f"  {power.name} granted metering {metering.asset_id} to {city_office.name} (public service, 30-day hold)")
    check(city_office, metering.asset_id, Purpose.PublicService, "city office / metering / public service")
    receipts.append(ds.record_access(crew.session(f"{power.account}-op"), metering.asset_id, ids[city_office.code],
                                     Purpose.PublicService, keccak(text="metering-extract"), keccak(text="city-req-1")))
    try:
        ds.revoke(p, metering.asset_id, ids[city_office.code], 1)
        held = "not enforced"
    except ContractError as refused:
        held = refused.name
    log(f"  revoking during the hold is refused: {held}")

    # 4. the council suspends the bank, then reinstates it
    _council_action(crew, council, ActionKind.Suspend, ids[bank.code], "pilot: audit of credit checks")
    suspended_access = check(bank, filings.asset_id, Purpose.CreditAssessment, "bank while suspended")
    try:
        ds.record_access(crew.session(f"{department.account}-op"), filings.asset_id, ids[bank.code],
                         Purpose.CreditAssessment, keccak(text="filings-extract-2"), keccak(text="bank-req-2"))
        refused_receipt = "accepted"
    except ContractError as refused:
        refused_receipt = refused.name
    log(f"  a receipt for the suspended bank is refused: {refused_receipt}")
    _council_action(crew, council, ActionKind.Reinstate, ids[bank.code], "pilot: audit closed")
    check(bank, filings.asset_id, Purpose.CreditAssessment, "bank reinstated")

    # 5. the hospital revokes the university's grant
    ds.revoke(h, dataset.asset_id, ids[university.code], 2)
    check(university, dataset.asset_id, Purpose.Research, "university after revocation")

    return {
        "gateway deliveries": f"{university.name} received {EXTRACT} ({fetched.bytes:,} bytes, hash verified) "
                              f"through {hospital.name}'s gateway; on-chain receipts: "
                              + (", ".join(f"{r['tx']} (block {r['block']})" for r in on_chain) or "none"),
        "time the gateway added (s)": f"{sum(added.values()):.1f} ("
                                      + ", ".join(f"{what} {seconds:.1f}" for what, seconds in added.items()) + ")",
        "assets registered": 3,
        "grants": "3 (approved request, signed EIP-712 grant, direct grant)",
        "research term granted (days)": (research.valid_until - research.valid_from) // DAY,
        "access receipts": len(receipts),
        "access checks": ", ".join(f"{label}={'yes' if ok else 'no'}" for label, ok in checks),
        "revocation during hold": held,
        "receipt for suspended bank": refused_receipt,
        "suspended bank could access": suspended_access,
    }


EXTRACT = "discharge-summaries-2025.csv"


def write_extract(path: Path, rows: int = 5_000) -> bytes:
    """The hospital's anonymised extract (synthetic and the same in every run, so its hash is too)."""
    generator = random.Random(2025)
    lines = ["record,age_band,ward,length_of_stay_days,readmitted_30d"]
    lines += [f"{n},{generator.choice(AGE_BANDS)},{generator.choice(WARDS)},{generator.randint(1, 30)},"
              f"{int(generator.random() < 0.12)}" for n in range(1, rows + 1)]
    content = ("\n".join(lines) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return content


AGE_BANDS = ["18-34", "35-49", "50-64", "65-79", "80+"]
WARDS = ["icu", "cardiology", "respiratory", "surgery", "general"]


def _council_action(crew: Crew, council: list[str], kind: ActionKind, entity_id: int, reason: str) -> None:
    voters = [crew.session(name) for name in council[1:]]
    pass_proposal(crew.session(council[0]), voters, kind, status_payload(entity_id, reason))

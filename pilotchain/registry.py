"""EntityRegistry in Python: the enums, the admission records and the proposal payloads.

Proposals commit to their payload by hash; these functions build the exact bytes that are
proposed and later executed, so every caller (CLI, pilot, tests) encodes them the same way.
"""

from __future__ import annotations

import csv
import enum
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from pilotchain.encoding import ascii32, ascii_text
from pilotchain.errors import ConfigError
from pilotchain.eventreads import EventReader
from pilotchain.session import Session
from pilotchain.tx import GAS_HEADROOM, GAS_MARGIN, call, call_rows
from pilotchain.toolchain import ROOT

CONSORTIUM_CONFIG = ROOT / "config" / "consortium.yaml"


class EntityKind(enum.IntEnum):
    GovernmentDepartment = 0
    University = 1
    Bank = 2
    Hospital = 3
    CarMaker = 4
    PowerCompany = 5
    Regulator = 6
    Other = 7


class EntityStatus(enum.IntEnum):
    None_ = 0
    Active = 1
    Suspended = 2
    Revoked = 3


class AccountRole(enum.IntEnum):
    None_ = 0
    Operator = 1
    Admin = 2


class ActionKind(enum.IntEnum):
    Admit = 0
    Suspend = 1
    Reinstate = 2
    Revoke = 3
    AddCouncil = 4
    RemoveCouncil = 5
    SetCapabilities = 6
    SetRule = 7
    Call = 8
    AddValidator = 9
    RemoveValidator = 10


class ProposalStatus(enum.IntEnum):
    None_ = 0
    Open = 1
    Executed = 2
    Cancelled = 3


class Vote(enum.IntEnum):
    Yes = 0
    No = 1
    Abstain = 2


class Capability(enum.IntFlag):
    INSPECTOR = 1
    RECALL_AUTHORITY = 2


NEW_ENTITY_TYPE = "(string,uint8,uint32,bytes32,bytes32,string,address,uint8,bool)"
# Field order of the structs that views return as tuples (checked against the compiled
# interface by tests/library/test_contract_types.py).
ENTITY_FIELDS = (
    "kind", "status", "capabilities", "council", "region", "admittedAt", "updatedAt", "admins",
    "councilFrom", "councilUntil", "seat",
)  # fmt: skip
PROPOSAL_FIELDS = (
    "kind", "status", "electorate", "yes", "no", "abstain", "proposer", "createdAt", "expiresAt",
    "ballots", "payloadHash",
)  # fmt: skip
VALIDATOR_FIELDS = ("validator", "entityId")


def registration_code(code: str) -> bytes:
    """A registration code (1 to 32 ASCII characters) as the contract's bytes32."""
    return ascii32(code, "registration code")


code_text = ascii_text


@dataclass(frozen=True)
class NewEntity:
    """One entity of an admission proposal (`IEntityRegistry.NewEntity`)."""

    name: str
    kind: EntityKind
    region: int
    code: str
    admin: str
    dossier_hash: bytes = b"\0" * 32
    dossier_uri: str = ""
    capabilities: Capability = Capability(0)
    council: bool = False

    def as_tuple(self) -> tuple:
        return (
            self.name,
            int(self.kind),
            int(self.region),
            registration_code(self.code),
            bytes(self.dossier_hash),
            self.dossier_uri,
            to_checksum_address(self.admin),
            int(self.capabilities),
            bool(self.council),
        )


@dataclass(frozen=True)
class VotingRule:
    threshold_bps: int
    quorum_bps: int

    def as_tuple(self) -> tuple[int, int]:
        return (self.threshold_bps, self.quorum_bps)


# ---------------------------------------------------------------- payloads


def admit_payload(entities: list[NewEntity]) -> bytes:
    return encode([f"{NEW_ENTITY_TYPE}[]"], [[e.as_tuple() for e in entities]])


# Gas of an Admit proposal's `execute`, an upper bound fitted to anvil measurements (reports/scale.md:
# 119,393 for 1 entity, 78,947 per entity for 300, records of 480 bytes): the call, then per entity
# its three fresh slots and its event, and per byte of its ABI record calldata, log data and memory.
ADMIT_CALL_GAS = 45_000
ADMIT_ENTITY_GAS = 64_000
ADMIT_GAS_PER_BYTE = 32
ADMIT_BLOCK_SHARE = 0.95  # of the largest estimate a block takes once the transaction margin is added
# geth's transaction pool refuses a transaction larger than 128 KiB ("oversized data"; txMaxSize),
# and both the proposal and its `execute` carry the whole payload: 2 KiB is left for the call's
# other arguments (its document URI among them) and the signed envelope.
TX_MAX_BYTES = 128 * 1024
ADMIT_TX_OVERHEAD_BYTES = 2 * 1024


def admission_gas(entity: NewEntity) -> int:
    """What one entity adds to the gas of an admission's `execute` (an upper bound)."""
    return ADMIT_ENTITY_GAS + ADMIT_GAS_PER_BYTE * admission_bytes(entity)


def admission_bytes(entity: NewEntity) -> int:
    """What one entity adds to an admission payload: its record and its offset word."""
    return len(admit_payload([entity])) - 64  # without the array's offset and length words


def admission_batches(entities: list[NewEntity], gas_limit: int, max_size: int | None = None) -> list[list[NewEntity]]:
    """`entities` cut, in order, into admission batches whose `execute` fits a block of
    `gas_limit` gas, with the margin the transaction layer adds to the node's estimate
    (GAS_MARGIN, GAS_HEADROOM), and whose payload fits a transaction geth accepts
    (TX_MAX_BYTES); at most `max_size` entities each when given. On a 30M-gas block the
    size is the binding bound (about 240 entities of 480-byte records, against about 290 by gas)."""
    budget = ((gas_limit - GAS_HEADROOM) / GAS_MARGIN) * ADMIT_BLOCK_SHARE - ADMIT_CALL_GAS
    byte_budget = TX_MAX_BYTES - ADMIT_TX_OVERHEAD_BYTES - 64
    batches: list[list[NewEntity]] = []
    batch: list[NewEntity] = []
    used = used_bytes = 0
    for entity in entities:
        gas, size = admission_gas(entity), admission_bytes(entity)
        if gas > budget:
            raise ConfigError(f"admitting {entity.name!r} alone needs about {gas:,} gas, more than a block of "
                              f"{gas_limit:,} allows")
        if batch and (used + gas > budget or used_bytes + size > byte_budget or len(batch) == max_size):
            batches.append(batch)
            batch, used, used_bytes = [], 0, 0
        batch.append(entity)
        used += gas
        used_bytes += size
    if batch:
        batches.append(batch)
    return batches


def admission_execute_gas(entities: list[NewEntity]) -> int:
    """A gas limit for the `execute` of an Admit proposal of `entities`: the admission model's
    upper bound with the transaction layer's margin (within the block when `admission_batches`
    made the batch)."""
    return int((ADMIT_CALL_GAS + sum(admission_gas(e) for e in entities)) * GAS_MARGIN) + GAS_HEADROOM


def block_gas_limit(session: Session) -> int:
    """The gas limit of the node's latest block."""
    return session.w3.eth.get_block("latest")["gasLimit"]


def status_payload(entity_id: int, reason: str | bytes = b"") -> bytes:
    """Payload of Suspend, Reinstate and Revoke: the entity and a reason (hashed if text)."""
    if isinstance(reason, str):
        reason = keccak(text=reason) if reason else b""
    return encode(["uint32", "bytes32"], [entity_id, bytes(reason).rjust(32, b"\0")])


def council_payload(entity_id: int) -> bytes:
    return encode(["uint32"], [entity_id])


def capabilities_payload(entity_id: int, capabilities: Capability) -> bytes:
    return encode(["uint32", "uint8"], [entity_id, int(capabilities)])


def rule_payload(kind: ActionKind, rule: VotingRule) -> bytes:
    return encode(["uint8", "(uint16,uint16)"], [int(kind), rule.as_tuple()])


def call_payload(target: str, data: bytes) -> bytes:
    return encode(["address", "bytes"], [to_checksum_address(target), bytes(data)])


def validator_payload(entity_id: int, validator: str) -> bytes:
    """Payload of AddValidator and RemoveValidator: the entity and the validator's signer address."""
    return encode(["uint32", "address"], [entity_id, to_checksum_address(validator)])


def payload_hash(payload: bytes) -> bytes:
    return keccak(payload)


def action_payload(kind: ActionKind, entity_id: int, reason: str | bytes = b"") -> bytes:
    """The payload of a proposal about one entity: Suspend, Reinstate, Revoke (with a reason),
    AddCouncil or RemoveCouncil."""
    if kind in (ActionKind.Suspend, ActionKind.Reinstate, ActionKind.Revoke):
        return status_payload(entity_id, reason)
    if kind in (ActionKind.AddCouncil, ActionKind.RemoveCouncil):
        return council_payload(entity_id)
    raise ConfigError(f"{kind.name} is not a proposal about one entity")


# ---------------------------------------------------------------- admission files


@dataclass(frozen=True)
class EntityRow:
    """One row of an entity list CSV (code,name,kind,region,city,capabilities)."""

    code: str
    name: str
    kind: EntityKind
    region: int
    city: str
    capabilities: Capability

    def admission(self, admin: str) -> NewEntity:
        """The admission record, bound to the entity's first admin account."""
        return NewEntity(
            name=self.name,
            kind=self.kind,
            region=self.region,
            code=self.code,
            admin=admin,
            dossier_hash=keccak(text=f"dossier:{self.code}:{self.name}"),
            dossier_uri=f"pilot://dossiers/{self.code}",
            capabilities=self.capabilities,
        )


def read_entity_rows(path: Path) -> list[EntityRow]:
    """An entity list CSV, validated: known kinds and capabilities, unique codes."""
    rows, codes = [], set()
    try:
        records = list(csv.DictReader(path.open(newline="")))
    except FileNotFoundError:
        raise ConfigError(f"entity list not found: {path}") from None
    for line, record in enumerate(records, start=2):
        try:
            caps = Capability(0)
            for name in (record["capabilities"] or "").split():
                caps |= Capability[name]
            row = EntityRow(record["code"], record["name"], EntityKind[record["kind"]], int(record["region"]),
                            record["city"], caps)
        except (KeyError, ValueError) as exc:
            raise ConfigError(f"{path.name} line {line}: invalid value {exc}") from None
        if row.code in codes:
            raise ConfigError(f"{path.name} line {line}: duplicate registration code {row.code}")
        codes.add(row.code)
        rows.append(row)
    return rows


def admissions_from_files(entities_csv: Path, admins_csv: Path) -> list[NewEntity]:
    """Admission records from an entity list CSV and a CSV of code,admin_address."""
    try:
        admins = {row["code"]: row["admin_address"] for row in csv.DictReader(admins_csv.open(newline=""))}
    except FileNotFoundError:
        raise ConfigError(f"admin list not found: {admins_csv}") from None
    except KeyError as exc:
        raise ConfigError(f"{admins_csv.name}: missing column {exc} (expected code,admin_address)") from None
    rows = read_entity_rows(entities_csv)
    missing = [row.code for row in rows if row.code not in admins]
    if missing:
        raise ConfigError(f"no admin address for {', '.join(missing[:5])}")
    return [row.admission(admins[row.code]) for row in rows]


# ---------------------------------------------------------------- the consortium file


@dataclass(frozen=True)
class ConsortiumConfig:
    """The founding council and voting rules of `config/consortium.yaml`."""

    founders: list[dict]
    rules: list[VotingRule]
    voting_period: int
    source: Path = field(default=CONSORTIUM_CONFIG)

    def founder_entities(self, admins: list[str]) -> list[NewEntity]:
        """The founders as admission records, bound to one admin account each."""
        if len(admins) < len(self.founders):
            raise ConfigError(
                f"{self.source.name} names {len(self.founders)} founders but only "
                f"{len(admins)} admin accounts were given"
            )
        return [
            NewEntity(
                name=f["name"],
                kind=EntityKind[f["kind"]],
                region=int(f["region"]),
                code=str(f["code"]),
                admin=admin,
                dossier_hash=keccak(text=f"dossier:{f['code']}"),
                dossier_uri=f.get("dossier_uri", f"pilot://dossiers/{f['code']}"),
                capabilities=_capabilities(f.get("capabilities", [])),
                council=True,
            )
            for f, admin in zip(self.founders, admins)
        ]

    def constructor_args(self, admins: list[str]) -> list:
        """Arguments of `EntityRegistry(founders, rules, votingPeriod)`."""
        return [
            [e.as_tuple() for e in self.founder_entities(admins)],
            [r.as_tuple() for r in self.rules],
            self.voting_period,
        ]


def _capabilities(names: list[str]) -> Capability:
    value = Capability(0)
    for name in names:
        try:
            value |= Capability[name]
        except KeyError:
            raise ConfigError(f"unknown capability {name!r}; known: INSPECTOR, RECALL_AUTHORITY") from None
    return value


def load_consortium(path: Path = CONSORTIUM_CONFIG) -> ConsortiumConfig:
    try:
        data = yaml.safe_load(path.read_text())
        rules = []
        for kind in ActionKind:
            rule = data["rules"][kind.name]
            rules.append(VotingRule(_bps(rule["threshold"]), _bps(rule["quorum"])))
        return ConsortiumConfig(
            founders=list(data["founders"]),
            rules=rules,
            voting_period=int(float(data["voting_period_days"]) * 86400),
            source=path,
        )
    except FileNotFoundError:
        raise ConfigError(f"consortium file not found: {path}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path.name}: missing or invalid setting {exc}") from None


def _bps(percent: float) -> int:
    return round(float(percent) * 100)


# ---------------------------------------------------------------- on chain (through a Session)


@dataclass(frozen=True)
class Member:
    """An entity as the member table shows it: storage joined with its admission event."""

    id: int
    name: str
    code: str
    kind: EntityKind
    status: EntityStatus
    region: int
    council: bool
    capabilities: Capability
    admins: int
    admitted_at: int
    admin: str


def propose(session: Session, kind: ActionKind, payload: bytes, *, uri: str | None = None) -> int:
    """Open a proposal (by hash when the payload is published at `uri`); returns its id."""
    registry = session.contract("EntityRegistry")
    fn = registry.functions.propose(kind, payload) if uri is None else registry.functions.proposeByHash(
        kind, payload_hash(payload), uri
    )
    return proposal_id(session, session.transact(fn))


def proposal_id(session: Session, receipt: dict) -> int:
    [created] = session.events(receipt, "EntityRegistry", "ProposalCreated")
    return created["proposalId"]


def add_account(session: Session, account: str, role: AccountRole = AccountRole.Operator) -> dict:
    """An admin of the session's entity adds an account with a role."""
    fn = session.contract("EntityRegistry").functions.addAccount(account, role)
    return session.transact(fn)


def remove_account(session: Session, account: str) -> dict:
    """An admin of the session's entity removes one of its accounts."""
    return session.transact(session.contract("EntityRegistry").functions.removeAccount(account))


def rotate_account(session: Session, old: str, new: str) -> dict:
    """An admin of the session's entity replaces an account by another with the same role."""
    fn = session.contract("EntityRegistry").functions.rotateAccount(old, new)
    return session.transact(fn)


def vote(session: Session, proposal: int, support: Vote = Vote.Yes) -> dict:
    return session.transact(session.contract("EntityRegistry").functions.vote(proposal, support))


def execute(session: Session, proposal: int, payload: bytes, *, gas: int | None = None) -> dict:
    """Execute a passed proposal; `gas` is the transaction's gas limit (else the node's estimate
    with the transaction layer's margin)."""
    return session.transact(session.contract("EntityRegistry").functions.execute(proposal, payload), gas=gas)


def pass_proposal(proposer: Session, voters: list[Session], kind: ActionKind, payload: bytes, *,
                  execute_gas: int | None = None) -> int:
    """Propose, have as many of `voters` vote yes as the rule needs, execute (with `execute_gas`
    as its gas limit when given); returns the id. `voters` are sessions of other council members
    whose entities are active (the electorate)."""
    registry = proposer.contract("EntityRegistry")
    pid = propose(proposer, kind, payload)
    electorate = proposer.call(registry.functions.electorateSize())
    for voter in voters[: votes_needed(proposer, kind, electorate) - 1]:
        vote(voter, pid)
    execute(proposer, pid, payload, gas=execute_gas)
    return pid


def admit(proposer: Session, voters: list[Session], entities: list[NewEntity], *, max_size: int | None = None) -> list[int]:
    """Admit `entities` through as many Admit proposals as the node's block gas limit needs
    (`admission_batches`); returns the proposal ids. Each `execute` is sent with the gas limit
    the admission model bounds rather than an estimate, which would run the whole admission
    once more on the node."""
    batches = admission_batches(entities, block_gas_limit(proposer), max_size)
    return [
        pass_proposal(proposer, voters, ActionKind.Admit, admit_payload(batch), execute_gas=admission_execute_gas(batch))
        for batch in batches
    ]


def votes_needed(session: Session, kind: ActionKind, electorate: int) -> int:
    """Yes votes a proposal of `kind` needs (the proposer's included)."""
    rule = session.call(session.contract("EntityRegistry").functions.votingRule(kind))
    threshold, quorum = rule
    return max(-(-threshold * electorate // 10_000), -(-quorum * electorate // 10_000), 1)


EVERYONE = (False, 0, False, 0, False, 0)  # the EntityFilter of `listEntities` that matches every entity
PAGE_READERS = 4  # segments of the id range `members` reads at once (by default)


def members(session: Session, *, kind: EntityKind | None = None, status: EntityStatus | None = None,
            region: int | None = None, page: int | None = None, readers: int = PAGE_READERS) -> list[Member]:
    """Every entity matching the filter: `listEntities` over the id range (`page` rows per call,
    the contract's MAX_PAGE by default) joined with the EntityAdmitted logs of the rows returned.

    The range is cut into segments of `page` ids read `readers` at a time: each segment
    follows the view's cursor from its first id until the cursor passes its end (one call when
    the view reads a whole segment, as it does when it returns a full page or scans its window;
    a page may be empty while the cursor is not 0) and keeps the rows inside it. At 10,000
    entities that is 10 calls of about 10 ms on a quiet anvil, which one after another were
    40 % of a filtered listing (0.10 of 0.25 s; the rest is the admission logs and their
    decoding); on a loaded machine the calls wait longer and reading them at once matters
    more (reports/scale.md: 2.09 s one after another against 0.89 s)."""
    registry = session.contract("EntityRegistry")
    query = (
        kind is not None, int(kind or 0),
        status is not None, int(status or 0),
        region is not None, int(region or 0),
    )
    limit = page or session.call(registry.functions.MAX_PAGE())
    count = session.call(registry.functions.entityCount())

    def segment(first: int) -> list:
        end, rows, cursor = first + limit, [], first
        while cursor and cursor < end:
            found, cursor = call_rows(registry.functions.listEntities(query, cursor, limit))
            rows += [row for row in found if row[0] < end]
        return rows

    with ThreadPoolExecutor(max_workers=readers) as pool:
        rows = [row for part in pool.map(segment, range(1, count + 1, limit)) for row in part]
    return _members(session, rows, filtered=any(query[::2]))


def _members(session: Session, rows: list, *, filtered: bool) -> list[Member]:
    """`listEntities` rows joined with their admission events."""
    admitted = _admissions(session, [entity_id for entity_id, _ in rows], filtered=filtered)
    result = []
    for entity_id, stored in rows:
        event = admitted.get(entity_id, {})
        e = dict(zip(ENTITY_FIELDS, stored))
        result.append(Member(
            id=entity_id, name=event.get("name", ""), code=code_text(event.get("code", b"")),
            kind=EntityKind(e["kind"]), status=EntityStatus(e["status"]), capabilities=Capability(e["capabilities"]),
            council=e["council"], region=e["region"], admitted_at=e["admittedAt"], admins=e["admins"],
            admin=event.get("admin", ""),
        ))
    return result


def _admissions(session: Session, ids: list[int], *, filtered: bool) -> dict[int, dict]:
    """EntityAdmitted arguments by entity id: of every entity, or only of `ids` (one topic list,
    which the log scanner cuts into requests of as many ids as the node takes) when a filter
    chose them; from the session's index up to the height it covers, from logs above it."""
    if not ids:
        return {}
    reader = EventReader(session, "EntityRegistry")
    found = reader.find(["EntityAdmitted"], "entityId", ids) if filtered else reader.find(["EntityAdmitted"])
    return {event.args["entityId"]: event.args for event in found}


@dataclass(frozen=True)
class ProposalInfo:
    id: int
    kind: ActionKind
    status: ProposalStatus
    electorate: int
    yes: int
    no: int
    abstain: int
    proposer: int
    expires_at: int
    passed: bool
    payload_uri: str


def proposals(session: Session, *, open_only: bool = True) -> list[ProposalInfo]:
    """Proposals with their tallies: the open ones (paged view), or all of them."""
    registry = session.contract("EntityRegistry")
    created = EventReader(session, "EntityRegistry").find(["ProposalCreated"])
    uris = {event.args["proposalId"]: event.args["payloadURI"] for event in created}
    if open_only:
        views, cursor = [], 1
        while cursor:
            page, cursor = session.call(registry.functions.listOpenProposals(cursor, 100))
            views += page
    else:
        count = session.call(registry.functions.proposalCount())
        views = [session.call(registry.functions.proposal(pid)) for pid in range(1, count + 1)]
    return [_proposal_info(view, uris.get(view[0], "")) for view in views]


def _proposal_info(view, uri: str) -> ProposalInfo:
    pid, stored, passed = view
    p = dict(zip(PROPOSAL_FIELDS, stored))
    return ProposalInfo(
        pid, ActionKind(p["kind"]), ProposalStatus(p["status"]), p["electorate"], p["yes"], p["no"], p["abstain"],
        p["proposer"], p["expiresAt"], passed, uri,
    )


def proposal_payload(session: Session, proposal: int) -> bytes:
    """The payload of a proposal opened with `propose`, read back from its transaction input."""
    registry = session.contract("EntityRegistry")
    logs = session.logs("EntityRegistry", "ProposalCreated", argument_filters={"proposalId": proposal})
    if not logs:
        raise ConfigError(f"no proposal {proposal} on this chain")
    if logs[0]["args"]["payloadURI"]:
        raise ConfigError(
            f"proposal {proposal} commits to a document published at {logs[0]['args']['payloadURI']}; "
            "give its payload with --payload-file"
        )
    tx = session.w3.eth.get_transaction(logs[0]["transactionHash"])
    _fn, arguments = registry.decode_function_input(tx["input"])
    return bytes(arguments["payload"])


def accounts_of(session: Session, entity_id: int) -> list[dict]:
    """An entity's current accounts and roles, replayed from its membership events."""
    current: dict[str, AccountRole] = {}
    changes = EventReader(session, "EntityRegistry").find(["EntityAdmitted", "AccountAdded", "AccountRemoved"],
                                                          "entityId", [entity_id])  # fmt: skip
    for event in changes:  # in chain order
        if event.name == "EntityAdmitted":
            current[event.args["admin"]] = AccountRole.Admin
        elif event.name == "AccountAdded":
            current[event.args["account"]] = AccountRole(event.args["role"])
        else:
            current.pop(event.args["account"], None)
    return [{"account": a, "role": r.name} for a, r in current.items()]


def entity_id_of(session: Session, account: str | None = None) -> int:
    """The entity an account (default: the session's) belongs to; 0 if none."""
    registry = session.contract("EntityRegistry")
    return session.call(registry.functions.entityOf(account or session.account))[0]


def find_member(session: Session, entity: str) -> Member:
    """A member by id or registration code."""
    registry = session.contract("EntityRegistry")
    entity_id = int(entity) if entity.isdigit() else session.call(registry.functions.entityIdByCode(registration_code(entity)))
    if entity_id == 0:
        raise ConfigError(f"no entity with registration code {entity}")
    session.call(registry.functions.entity(entity_id))  # RegistryUnknownEntity if absent
    [row], _cursor = call_rows(registry.functions.listEntities(EVERYONE, entity_id, 1))
    return _members(session, [row], filtered=True)[0]


# ---------------------------------------------------------------- validators


def validators(session: Session, *, block: int | None = None, page: int | None = None) -> dict[str, int]:
    """The validator set the council governs: signer address (checksummed) -> entity id, the
    validators of active entities only (`listValidators`), every page read at one block (the
    latest unless `block` is given): a removal between pages would move a validator."""
    registry = session.contract("EntityRegistry")
    at = session.w3.eth.block_number if block is None else block
    limit = page or session.call(registry.functions.MAX_PAGE())
    found, cursor = {}, 1
    while cursor:
        rows, cursor = call_rows(registry.functions.listValidators(cursor, limit), at)
        for row in rows:
            v = dict(zip(VALIDATOR_FIELDS, row))
            found[to_checksum_address(v["validator"])] = v["entityId"]
    return found


def validator_of(session: Session, validator: str, *, block: int | str = "latest") -> tuple[int, bool]:
    """The entity the council named `validator` for (kept after its removal; 0 if never named),
    and whether it is in the validator set now."""
    registry = session.contract("EntityRegistry")
    entity_id, in_set = call(registry.functions.validatorOf(to_checksum_address(validator)), block_identifier=block)
    return entity_id, in_set

"""The Python copies of the contracts' types against the compiled contracts (no chain needed).

pilotchain/registry.py, datasharing.py and provenance.py define enums, record dataclasses,
ABI type strings and event names by hand. These tests read whatever the contracts are now
(Brownie's build/: each artifact's `ast` and `abi`) and fail on any drift: enum names, order
and values; struct field names, order and, where Python spells them, ABI types; event names
and fields. The last test ties the Provenance fast path's hand-written bit offsets to the
storage layout solc gives `IProvenance.Item`.

Needs a compiled project (`make compile`, as every library test does).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re

import pytest
from eth_utils import to_checksum_address

from pilotchain import datasharing, provenance, registry
from pilotchain.artifacts import BUILD_DIR
from tests.library.solc_ast import walk

BUILD = BUILD_DIR.parent
MODULES = {"EntityRegistry": registry, "DataSharing": datasharing, "Provenance": provenance}


# ---------------------------------------------------------------- reading the build


def _artifacts():
    for folder in ("interfaces", "contracts"):
        for path in sorted((BUILD / folder).glob("*.json")):
            yield json.loads(path.read_text())


def _definitions(node_type: str) -> dict[str, dict]:
    """`Contract.Name` -> AST node, for every enum or struct of the compiled sources."""
    found = {}
    for artifact in _artifacts():
        for contract in (n for n in walk(artifact["ast"]) if n.get("nodeType") == "ContractDefinition"):
            for node in contract["nodes"]:
                if node.get("nodeType") == node_type:
                    found[f"{contract['name']}.{node['name']}"] = node
    assert found, f"no {node_type} in {BUILD}: compile the project first"
    return found


ENUMS = _definitions("EnumDefinition")
STRUCTS = _definitions("StructDefinition")


def _abi(contract: str) -> list[dict]:
    return json.loads((BUILD / "contracts" / f"{contract}.json").read_text())["abi"]


def _normal(name: str) -> str:
    """`pending_custodian`, `pendingCustodian` and `None_` compared as one spelling."""
    return name.replace("_", "").lower()


def _members(struct: str) -> list[str]:
    return [m["name"] for m in STRUCTS[struct]["members"]]


# ---------------------------------------------------------------- enums


PY_ENUMS = [
    (registry.EntityKind, "IEntityRegistry.EntityKind"),
    (registry.EntityStatus, "IEntityRegistry.EntityStatus"),
    (registry.AccountRole, "IEntityRegistry.AccountRole"),
    (registry.ActionKind, "IEntityRegistry.ActionKind"),
    (registry.ProposalStatus, "IEntityRegistry.ProposalStatus"),
    (registry.Vote, "IEntityRegistry.Vote"),
    (datasharing.RequestStatus, "IDataSharing.RequestStatus"),
    (provenance.Status, "IProvenance.Status"),
    (provenance.Action, "IProvenance.Action"),
]


@pytest.mark.parametrize("py_enum,solidity", PY_ENUMS, ids=[s for _e, s in PY_ENUMS])
def test_python_enum_matches_solidity_enum(py_enum, solidity):
    expected = [(m["name"], i) for i, m in enumerate(ENUMS[solidity]["members"])]
    actual = [(m.name.rstrip("_"), m.value) for m in py_enum]
    assert actual == expected


def test_every_python_enum_named_like_a_solidity_enum_is_checked():
    """A new IntEnum in the three modules that copies a contract enum must join PY_ENUMS."""
    checked = {e for e, _s in PY_ENUMS}
    solidity_names = {name.split(".")[1] for name in ENUMS}
    for module in MODULES.values():
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, enum.IntEnum) and value.__module__ == module.__name__:
                assert value.__name__ not in solidity_names or value in checked, value


def test_benchmark_entity_kinds_follow_the_enum():
    from pilotchain.bench import gas_registry

    assert {gas_registry._entity(i, "0x" + "11" * 20).kind for i in range(2 * len(registry.EntityKind))} == set(
        registry.EntityKind
    )


# ---------------------------------------------------------------- structs


def _dataclass_fields(cls, skip: int = 0) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)][skip:]


# (Python names in order, Solidity struct, struct members Python leaves out)
PY_STRUCTS = [
    (_dataclass_fields(registry.VotingRule), "IEntityRegistry.VotingRule", set()),
    (list(registry.ENTITY_FIELDS), "IEntityRegistry.Entity", set()),
    (list(registry.PROPOSAL_FIELDS), "IEntityRegistry.Proposal", set()),
    (list(registry.VALIDATOR_FIELDS), "IEntityRegistry.ValidatorView", set()),
    (_dataclass_fields(datasharing.Asset, skip=1), "IDataSharing.Asset", set()),
    (_dataclass_fields(datasharing.Grant, skip=2), "IDataSharing.Grant", set()),
    (_dataclass_fields(datasharing.Request, skip=1), "IDataSharing.Request", {"pendingIndex"}),
    (_dataclass_fields(datasharing.Receipt), "IDataSharing.AccessReceipt", set()),
    ([f["name"] for f in datasharing.GRANT_FIELDS], "IDataSharing.SignedGrant", set()),
    (_dataclass_fields(provenance.EventData), "IProvenance.EventData", set()),
    (_dataclass_fields(provenance.Quantity), "IProvenance.Quantity", set()),
    (_dataclass_fields(provenance.Verification, skip=1), "IProvenance.Verification", set()),
]


@pytest.mark.parametrize("names,solidity,omitted", PY_STRUCTS, ids=[s for _n, s, _o in PY_STRUCTS])
def test_python_record_follows_struct_field_order(names, solidity, omitted):
    expected = [_normal(m) for m in _members(solidity) if m not in omitted]
    assert [_normal(n) for n in names] == expected


def _abi_type(param: dict) -> str:
    if param["type"].startswith("tuple"):
        return "(" + ",".join(_abi_type(c) for c in param["components"]) + ")" + param["type"][len("tuple"):]
    return param["type"]


def _tuple_param(contract: str, struct: str) -> dict:
    """An ABI parameter of the contract whose internal type is `struct` (anywhere in the ABI)."""
    wanted = f"struct {struct}"
    for item in _abi(contract):
        for param in walk(item.get("inputs", []) + item.get("outputs", [])):
            if param.get("internalType", "").removesuffix("[]") == wanted:
                return param
    raise AssertionError(f"{contract}'s ABI has no {struct} parameter")


def test_new_entity_tuple_follows_struct_field_order():
    record = registry.NewEntity(
        name="name", kind=registry.EntityKind(3), region=110000, code="CODE", admin="0x" + "ab" * 20,
        dossier_hash=b"\x07" * 32, dossier_uri="uri", capabilities=registry.Capability(2), council=True,
    )
    by_field = {
        "name": "name", "kind": 3, "region": 110000, "code": registry.registration_code("CODE"),
        "admin": to_checksum_address("0x" + "ab" * 20), "dossierHash": b"\x07" * 32, "dossierURI": "uri", "capabilities": 2,
        "council": True,
    }  # fmt: skip
    assert record.as_tuple() == tuple(by_field[m] for m in _members("IEntityRegistry.NewEntity"))


def test_new_entity_abi_type_matches():
    param = _tuple_param("EntityRegistry", "IEntityRegistry.NewEntity")
    assert _abi_type(param).removesuffix("[]") == registry.NEW_ENTITY_TYPE


def test_signed_grant_eip712_types_match():
    param = _tuple_param("DataSharing", "IDataSharing.SignedGrant")
    assert [(c["name"], c["type"]) for c in param["components"]] == [
        (f["name"], f["type"]) for f in datasharing.GRANT_FIELDS
    ]


def test_event_data_abi_type_matches():
    """provenance.py encodes EventData by hand when it checks an event's hash."""
    param = _tuple_param("Provenance", "IProvenance.EventData")
    assert _abi_type(param) == "(bytes32,bytes32,bytes32,uint40,uint16,uint16)"
    source = open(provenance.__file__).read()
    for spelled in re.findall(r'"(\(bytes32,bytes32,bytes32,[^"]*\))"', source):
        assert spelled == _abi_type(param)


# ---------------------------------------------------------------- events


def _events(contract: str) -> dict[str, list[dict]]:
    return {item["name"]: item["inputs"] for item in _abi(contract) if item["type"] == "event"}


def test_chained_events_exist_with_item_id_first():
    events = _events("Provenance")
    for name in provenance.CHAINED_EVENTS:
        first = events[name][0]
        assert (first["name"], first["type"], first["indexed"]) == ("itemId", "bytes32", True), name


@pytest.mark.parametrize("contract", sorted(MODULES))
def test_events_and_fields_the_library_reads_exist(contract):
    """Every event a module names (`logs(...)` / `events(...)` / `find([...])`) is in the contract's ABI, and
    every `args["field"]` it reads is a field of one of those events."""
    module = MODULES[contract]
    source = open(module.__file__).read()
    events = _events(contract)
    named = set()
    for owner, name in re.findall(r'(?:logs|events)\((?:[^()]*?, )?(?:"(\w+)"|CONTRACT), "(\w+)"', source):
        if owner in ("", contract):
            named.add(name)
    for listed in re.findall(r'\.find\(\[([^\]]*)\]', source):  # provenance's frontier reader
        named.update(re.findall(r'"(\w+)"', listed))
    assert named, f"no event read found in {module.__name__}: the pattern is stale"
    assert named <= set(events), named - set(events)
    fields = {i["name"] for name in named for i in events[name]}
    read = set(re.findall(r'(?:\["args"\]|\.args)\["(\w+)"\]', source))
    assert read <= fields, read - fields


# ---------------------------------------------------------------- the Provenance fast path


_SIZES = {"bool": 1, "address": 20}


def _byte_size(member: dict) -> int:
    type_string = member["typeDescriptions"]["typeString"]
    if type_string.startswith("enum "):
        return 1
    if type_string in _SIZES:
        return _SIZES[type_string]
    match = re.fullmatch(r"(u?int)(\d+)|bytes(\d+)", type_string)
    assert match, f"size of {type_string} unknown to this test"
    return int(match.group(2)) // 8 if match.group(1) else int(match.group(3))


def _storage_layout(struct: str) -> dict[str, tuple[int, int, int]]:
    """name -> (slot, first bit, last bit), packed as solc packs value types: in order, a
    member starting a new slot when it does not fit in what is left of the current one."""
    layout, slot, offset = {}, 0, 0
    for member in STRUCTS[struct]["members"]:
        size = _byte_size(member)
        if offset + size > 32:
            slot, offset = slot + 1, 0
        layout[member["name"]] = (slot, offset * 8, (offset + size) * 8 - 1)
        offset += size
    return layout


def _function_source(contract: str, function: str) -> str:
    """A function of a compiled contract with its NatSpec, from the build artifact's source."""
    source = json.loads((BUILD / "contracts" / f"{contract}.json").read_text())["source"]
    start = source.index(f"function {function}(")
    doc_start = source.rindex("/// @dev", 0, start)
    return source[doc_start : source.index("\n    }\n", start)]


def test_chain_held_bit_offsets_match_the_item_layout():
    """`_chainHeld` reads and writes Item fields by bit offset in assembly; its NatSpec lists
    them. Both must match where solc puts the fields: reorder or resize `Item` and this fails."""
    code = _function_source("Provenance", "_chainHeld")
    documented = {
        name: (0, int(lo), int(hi))
        for name, lo, hi in re.findall(r"(\w+) (\d+)-(\d+)", code[: code.index("function")])
    }
    assert {"head", "custodian", "eventCount", "lifecycle"} <= set(documented)
    layout = _storage_layout("IProvenance.Item")
    assert {name: layout.get(name) for name in documented} == documented

    def width(name):
        return documented[name][2] - documented[name][1] + 1

    mask = {name: hex((1 << width(name)) - 1) for name in documented}
    for name in set(documented) - {"head"}:
        lo = documented[name][1]
        assert f"shr({lo}, word)" in code, name
        read = re.search(rf"and\(shr\({lo}, word\), (0x[0-9a-f]+)\)", code)
        assert read is None or read.group(1) == mask[name], name
    assert documented["head"][1] == 0
    assert f"shl({256 - width('head')}, word)" in code  # head as the high bytes of a bytes20
    assert f"keccak256(0, {hex(width('head') // 8 + 32)})" in code
    assert f"shr({256 - width('head')}, keccak256" in code
    assert mask["head"] in code
    assert f"shl({documented['eventCount'][1]}, {mask['eventCount']})" in code
    assert f"shl({documented['eventCount'][1]}, add(count, 1))" in code


def test_entity_filter_bit_offsets_match_the_entity_layout():
    """`listEntities` compares the stored Entity slot with masks built by `_filterBits`; its
    NatSpec lists the offsets. Reorder or resize `Entity`'s filtered fields and this fails."""
    code = _function_source("EntityRegistry", "_filterBits")
    documented = {
        name: (0, int(lo), int(hi))
        for name, lo, hi in re.findall(r"(\w+) (\d+)-(\d+)", code[: code.index("function")])
    }
    assert set(documented) == {"kind", "status", "region"}
    layout = _storage_layout("IEntityRegistry.Entity")
    assert {name: layout.get(name) for name in documented} == documented
    for name, (_, lo, hi) in documented.items():
        mask = hex((1 << (hi - lo + 1)) - 1)
        shift = f" << {lo}" if lo else ""
        assert f"{mask}{shift}" in code, name
        assert f"uint256(filter.{name}){shift}" in code, name

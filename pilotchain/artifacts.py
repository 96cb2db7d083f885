"""Contract ABIs and bytecode from Brownie's build artifacts, and custom-error decoding."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from pilotchain.errors import ConfigError, ContractError
from pilotchain.toolchain import ROOT

BUILD_DIR = ROOT / "build" / "contracts"
CONTRACTS = ("EntityRegistry", "DataSharing", "Provenance")


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list
    bytecode: str

    @property
    def bytecode_hash(self) -> str:
        return "0x" + keccak(hexstr=self.bytecode).hex()


@lru_cache(maxsize=None)
def load(name: str, build_dir: Path = BUILD_DIR) -> Artifact:
    path = build_dir / f"{name}.json"
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"no build artifact for {name} in {build_dir}; run `make compile`") from None
    return Artifact(name, data["abi"], data["bytecode"])


def _abi_type(param: dict) -> str:
    if param["type"].startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in param["components"])
        return f"({inner}){param['type'][len('tuple'):]}"
    return param["type"]


@lru_cache(maxsize=None)
def _error_table() -> dict[bytes, tuple[str, str, list[dict]]]:
    """selector -> (contract, error name, inputs) over every compiled contract."""
    table: dict[bytes, tuple[str, str, list[dict]]] = {}
    for name in CONTRACTS:
        try:
            abi = load(name).abi
        except ConfigError:
            continue
        for item in abi:
            if item["type"] == "error":
                signature = f"{item['name']}({','.join(_abi_type(i) for i in item['inputs'])})"
                table.setdefault(keccak(text=signature)[:4], (name, item["name"], item["inputs"]))
    return table


def decode_error(data: bytes | str | None) -> ContractError | None:
    """The custom error in revert data, or a plain `Error(string)`, as a ContractError."""
    if data is None:
        return None
    if isinstance(data, str):
        data = bytes.fromhex(data.removeprefix("0x"))
    if len(data) < 4:
        return None
    selector, body = bytes(data[:4]), bytes(data[4:])
    if selector == keccak(text="Error(string)")[:4]:
        return ContractError("Error", {"message": decode(["string"], body)[0]})
    if selector == keccak(text="Panic(uint256)")[:4]:
        return ContractError("Panic", {"code": hex(decode(["uint256"], body)[0])})
    known = _error_table().get(selector)
    if known is None:
        return ContractError("UnknownError", {"data": "0x" + bytes(data).hex()})
    contract, name, inputs = known
    values = decode([_abi_type(i) for i in inputs], body)
    args = {
        i["name"]: to_checksum_address(v) if i["type"] == "address" else v for i, v in zip(inputs, values)
    }
    return ContractError(name, args, contract)

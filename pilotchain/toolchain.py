"""Where the project's tools live, and how Brownie is told about them.

The project installs its own toolchain: a `.venv` with the pinned Python packages, npm packages
(solc-js behind `compiler/solcx/solc-v<version>`, anvil, ganache) and geth built into
`.cache/bin`. `make` calls `python -m pilotchain.toolchain` once per install to point Brownie
at them; nothing here downloads anything.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import yaml

from pilotchain.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
SOLCX_DIR = ROOT / "compiler" / "solcx"
NODE_BIN = ROOT / "node_modules" / ".bin"
CACHE_BIN = ROOT / ".cache" / "bin"
BROWNIE_NETWORKS = ROOT / "network-config.yaml"
BROWNIE_DATA = Path.home() / ".brownie"


def solc_version_pins() -> dict[str, str]:
    """The solc version as each of the three places that pin it says it."""
    config = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())
    package = json.loads((ROOT / "package.json").read_text())
    wrappers = sorted(p.name for p in SOLCX_DIR.glob("solc-v*"))
    return {
        "brownie-config.yaml": str(config["compiler"]["solc"]["version"]),
        "package.json": package["dependencies"]["solc"],
        "compiler/solcx": ",".join(w.removeprefix("solc-v") for w in wrappers),
    }


def check_solc_pins() -> str:
    pins = solc_version_pins()
    if len(set(pins.values())) != 1:
        shown = ", ".join(f"{k}: {v}" for k, v in pins.items())
        raise ConfigError(f"the solc version is pinned inconsistently ({shown}); make them agree")
    return next(iter(pins.values()))


def check_brownie_run_path(root: Path | None = None) -> None:
    """Refuse, in one line, a project path on which `brownie run` cannot work.

    Brownie 1.22.2 imports a script by a module name built from the project's path, so a folder
    whose name starts with a dot anywhere on the path fails with `ModuleNotFoundError: No module
    named 'work.…'`, and a project folder whose name starts with a digit is a `BadProjectName`.
    """
    root = root or ROOT
    dotted = [part for part in root.parts[1:] if part.startswith(".")]
    if dotted:
        raise ConfigError(
            f"`brownie run` cannot run from {root}: Brownie builds a module name from the path and "
            f"the folder {dotted[0]!r} starts with a dot; clone the project to a path without one"
        )
    if root.name[:1].isdigit():
        raise ConfigError(
            f"`brownie run` cannot run from {root}: Brownie refuses a project folder whose name starts "
            f"with a digit; rename or clone it to a folder such as pilotchain"
        )


def tool_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """An environment in which brownie, anvil, ganache and geth are the project's own."""
    env = dict(os.environ if env is None else env)
    env.setdefault("SOLCX_BINARY_PATH", str(SOLCX_DIR))
    path = [str(NODE_BIN), str(CACHE_BIN), str(Path(sys.executable).parent)]
    env["PATH"] = os.pathsep.join(path + [p for p in env.get("PATH", "").split(os.pathsep) if p not in path])
    return env


def poa_network_id(default_dir: bool, chain_id: int) -> str:
    """The Brownie network id of a local PoA network: `pilot-poa` for the project's default
    network folder, `pilot-poa-<chain id>` for any other, so creating one never redirects another."""
    return "pilot-poa" if default_dir else f"pilot-poa-{chain_id}"


def check_poa_network(network_id: str, host: str, chain_id: int) -> str | None:
    """Raise if Brownie already has `network_id` pointing elsewhere; else what registering it
    would change in ~/.brownie (None: nothing, it is already there as asked)."""
    target = BROWNIE_DATA / "network-config.yaml"
    current = _brownie_config()
    for net in [n for c in current.get("live", []) for n in c["networks"]]:
        if net["id"] != network_id:
            continue
        if (net.get("host"), int(net.get("chainid", 0))) == (host, chain_id):
            return None
        if network_id == "pilot-poa" and (net.get("host"), int(net.get("chainid", 0))) == _default_poa():
            return f"{target}: pilot-poa now points at {host} (chain {chain_id})"
        raise ConfigError(
            f"Brownie network {network_id} already points at {net.get('host')} (chain {net.get('chainid')}) in "
            f"{target}; refusing to redirect it to {host}: choose another --chain-id, or remove that entry "
            f"(`brownie networks delete {network_id}`)"
        )
    return f"{target}: added Brownie network {network_id} -> {host} (chain {chain_id})"


def _default_poa() -> tuple[str, int]:
    ours = yaml.safe_load(BROWNIE_NETWORKS.read_text())
    net = next(n for c in ours["live"] for n in c["networks"] if n["id"] == "pilot-poa")
    return net["host"], int(net["chainid"])


def register_poa_network(network_id: str, host: str, chain_id: int) -> str | None:
    """Add (or keep) Brownie network `network_id` for a local PoA network; returns what changed.
    Never redirects an existing entry of another network (see `check_poa_network`)."""
    change = check_poa_network(network_id, host, chain_id)
    if change is None:
        return None
    entry = {"name": f"pilotchain local PoA, chain {chain_id}", "id": network_id, "host": host, "chainid": chain_id}
    if network_id == "pilot-poa":
        register_brownie_networks(poa_host=host, poa_chain_id=chain_id)
        return change
    register_brownie_networks()
    current = _brownie_config()
    for chain in current["live"]:
        chain["networks"] = [n for n in chain["networks"] if n["id"] != network_id]
    next(c for c in current["live"] if any(n["id"] == "pilot-poa" for n in c["networks"]))["networks"].append(entry)
    _write_brownie_config(current)
    return change


def register_brownie_networks(poa_host: str | None = None, poa_chain_id: int | None = None) -> None:
    """Merge the project's networks into Brownie's network list (by id, replacing ours only).

    Brownie keeps networks in ~/.brownie/network-config.yaml and its own `networks import`
    cannot replace entries in 1.22.2 (a mypyc type check rejects the flag), so the merge is
    done here. With `poa_host`/`poa_chain_id`, the pilot-poa entry points at a local network.
    """
    ours = yaml.safe_load(BROWNIE_NETWORKS.read_text())
    if poa_host or poa_chain_id:
        for chain in ours["live"]:
            for net in chain["networks"]:
                if net["id"] == "pilot-poa":
                    net["host"] = poa_host or net["host"]
                    net["chainid"] = poa_chain_id or net["chainid"]
    current = _brownie_config()
    our_ids = {n["id"] for n in ours["development"]} | {
        n["id"] for chain in ours["live"] for n in chain["networks"]
    }
    current["development"] = [n for n in current["development"] if n["id"] not in our_ids]
    current["development"] += ours["development"]
    for chain in current["live"]:
        chain["networks"] = [n for n in chain["networks"] if n["id"] not in our_ids]
    for chain in ours["live"]:  # into the chain of the same name, which may hold pilot-poa-<id> networks
        same = next((c for c in current["live"] if c["name"] == chain["name"]), None)
        if same is None:
            current["live"].append(chain)
        else:
            same["networks"] = chain["networks"] + same["networks"]
    current["live"] = [c for c in current["live"] if c["networks"]]
    _write_brownie_config(current)


def _brownie_config() -> dict:
    target = BROWNIE_DATA / "network-config.yaml"
    if not target.exists():
        import brownie._config  # noqa: F401  (creates ~/.brownie with Brownie's defaults)
    return yaml.safe_load(target.read_text())


def _write_brownie_config(current: dict) -> None:
    target = BROWNIE_DATA / "network-config.yaml"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(current, sort_keys=False))
    tmp.replace(target)


def main() -> int:
    try:
        version = check_solc_pins()
        register_brownie_networks()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"toolchain: solc {version} (solc-js), Brownie networks pilot-anvil, pilot-ganache, pilot-poa")
    return 0


if __name__ == "__main__":
    sys.exit(main())

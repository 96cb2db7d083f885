"""The pilot: the whole consortium scenario, run through the library on one network.

`run_pilot` brings up (or reuses) the network, deploys the suite with
`brownie run scripts/deploy.py`, onboards the roster by council vote, puts a PoA network's
validators under the council (`pilot.validators`), runs the data-sharing and provenance
scenarios and returns a summary. Every transaction goes through per-account journals
(`.pilotchain/journals/…`), so a second run on the same deployment resumes or sends nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from pilotchain import chain, deployments, devnode, endpoints, registry, toolchain
from pilotchain.accounts import AccountStore
from pilotchain.errors import ChainError, ConfigError
from pilotchain.indexer import Indexer
from pilotchain.pilot.crew import Crew
from pilotchain.pilot.onboarding import onboard
from pilotchain.pilot.roster import load_roster
from pilotchain.pilot.sharing import run_sharing
from pilotchain.pilot.supply import run_supply
from pilotchain.pilot.validators import name_validators

PILOT_PERIOD = 1  # block period of a network the pilot creates (`chain init` defaults to 2 s)
JOURNALS = Path(os.environ.get("PILOTCHAIN_JOURNALS") or toolchain.ROOT / ".pilotchain" / "journals")


@dataclass
class PilotSummary:
    network: str
    chain_id: int
    members: int
    members_by_kind: dict[str, int]
    members_by_city: dict[str, int]
    proposals: list[int]
    sections: dict[str, dict] = field(default_factory=dict)
    transactions: int = 0
    gas: int = 0
    seconds: float = 0.0


@contextlib.contextmanager
def network_up(network: str, log: Callable[[str], None]):
    """The network running for the pilot: the local PoA network is started if needed and left
    running; an anvil dev node is started for the run and stopped afterwards."""
    endpoint = endpoints.resolve(network)
    if endpoint.local_poa:
        folder = chain.network_dir()
        if not (folder / "network.json").exists():
            log(f"creating the local PoA network in {folder} (3 validators, {PILOT_PERIOD} s blocks)")
            chain.init_network(None, period=PILOT_PERIOD)
        net = chain.Network.load(folder)
        started = chain.start(net)
        log(f"PoA network: {len(net.validators)} validators, {'started ' + str(len(started)) + ' nodes' if started else 'already running'}")
        yield endpoint
    elif endpoint.command == "anvil":
        node = devnode.start_anvil(int(endpoint.url.rsplit(":", 1)[1]), chain_id=endpoint.chain_id or 31337)
        log(f"anvil dev node at {node.url} (pid {node.process.pid}), stopped at the end")
        try:
            yield endpoint
        finally:
            node.stop()
    else:
        yield endpoint


def deploy(network: str, log: Callable[[str], None]) -> None:
    """`brownie run scripts/deploy.py --network <network>`, as an operator would run it."""
    toolchain.check_brownie_run_path()
    command = [str(toolchain.ROOT / ".venv" / "bin" / "brownie"), "run", "scripts/deploy.py", "--network", network]
    done = subprocess.run(command, cwd=toolchain.ROOT, env=toolchain.tool_env(), capture_output=True, text=True)
    lines = [l for l in done.stdout.splitlines() if l.startswith(("EntityRegistry", "DataSharing", "Provenance", "nothing to deploy", "deployed"))]
    for line in lines:
        log(f"  {line}")
    if done.returncode != 0:
        raise ConfigError(f"deployment failed (brownie run scripts/deploy.py --network {network}):\n{done.stdout[-2000:]}{done.stderr[-1000:]}")


def run_pilot(network: str = "pilot-poa", *, log: Callable[[str], None] = print, progress: bool = True) -> PilotSummary:
    started = time.monotonic()
    with network_up(network, log) as endpoint:
        log(f"deploying with `brownie run scripts/deploy.py --network {endpoint.name}`")
        deploy(endpoint.name, log)
        w3, _ = endpoints.connect(endpoint.name)
        deployment = deployments.for_chain(w3)
        store = AccountStore(endpoint.accounts_dir)
        journal_dir = JOURNALS / (
            f"{deployment.chain_id}-{deployment.genesis_hash[2:10]}-{deployment.addresses['EntityRegistry'][2:10].lower()}"
        )
        crew = Crew(w3, deployment, store, journal_dir)
        council = [f"council-{i}" for i in range(1, 6)]
        roster = load_roster()

        log(f"onboarding {len(roster)} entities by council vote")
        with _bar(progress, "onboarding") as bar:
            result = onboard(crew, roster, council, progress=bar.update)
        log(f"  admitted through proposals {', '.join(map(str, result.proposals))}; {result.operators} operator accounts added")

        governed = None
        if endpoint.local_poa:
            signers = [node.address for node in chain.Network.load(chain.network_dir()).genesis_signers]
            governed = _once(journal_dir, "validators", lambda: name_validators(
                crew.session(council[0]), [crew.session(n) for n in council[1:]],
                [crew.session(n) for n in council], signers), log)
        sharing = _once(journal_dir, "data sharing", lambda: run_sharing(crew, roster, council, log), log)
        supply = _once(journal_dir, "provenance", lambda: run_supply(crew, roster, council, log), log)

        members = registry.members(crew.session("deployer"))
        summary = PilotSummary(
            network=endpoint.name,
            chain_id=deployment.chain_id,
            members=len(members),
            members_by_kind=dict(Counter(m.kind.name for m in members).most_common()),
            members_by_city=dict(Counter(_city(m.region) for m in members).most_common()),
            proposals=result.proposals,
        )
        if governed:
            summary.sections["validators"] = governed
        summary.sections["data sharing"] = sharing
        summary.sections["provenance"] = supply
        if not endpoint.command:  # a dev node started for the run ends with it: nothing to serve later
            summary.sections["index"] = index_deployment(w3, deployment, log)
        summary.transactions, summary.gas = crew.sent, crew.gas
    summary.seconds = round(time.monotonic() - started, 1)
    return summary


def index_deployment(w3, deployment: deployments.Deployment, log: Callable[[str], None]) -> dict:
    """Bring the deployment's index (the default SQLite file) up to the head, so that
    `pilotchain serve` starts on an up-to-date index."""
    log("indexing the deployment's events")
    with Indexer(w3, deployment) as index:
        index.sync()
        status = index.status()
    return {"database": status["db"], "indexed to block": status["indexed_to"], "events": status["events"]}


def _once(journal_dir: Path, name: str, scenario: Callable[[], dict], log) -> dict:
    """Run a scenario once per deployment; a later pilot run shows its recorded results."""
    path = journal_dir / "scenarios.json"
    done = json.loads(path.read_text()) if path.exists() else {}
    if name in done:
        log(f"{name}: already run on this deployment; its recorded results (from {path}):")
        width = max(map(len, done[name]), default=0)
        for key, value in done[name].items():
            log(f"  {key.ljust(width)}  {value}")
        return done[name]
    log(name)
    done[name] = scenario()
    path.write_text(json.dumps(done, indent=2))
    return done[name]


CITIES = {110000: "Beijing", 310000: "Shanghai", 440100: "Guangzhou", 440300: "Shenzhen", 330100: "Hangzhou",
          510100: "Chengdu", 420100: "Wuhan", 120000: "Tianjin", 500000: "Chongqing", 320100: "Nanjing",
          610100: "Xi'an", 320500: "Suzhou"}


def _city(region: int) -> str:
    return CITIES.get(region, str(region))


def _bar(enabled: bool, label: str):
    return tqdm(desc=label, unit="tx", disable=not enabled or not sys.stderr.isatty(), leave=False)

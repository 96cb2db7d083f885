"""The validator agent: beside one validator, it casts that validator's Clique votes so that the
signer set follows the council's decisions in EntityRegistry.

A validator change is a consortium decision: the council passes an AddValidator or
RemoveValidator proposal (and a suspension or revocation takes the entity's validators out of
the set). Clique knows nothing of the registry; each signer votes by `clique_propose` on the
blocks it seals, and a change needs the votes of more than half of the signers. The agent reads,
at one block, the registry's validator set (`listValidators`) and the node's signer set
(`clique_getSigners`), and for each difference keeps a standing proposal on its node:

- a validator of the council's set that is no signer: `clique_propose(address, true)`;
- a signer the council named once but that is out of its set now (removed, or its entity
  suspended or revoked): `clique_propose(address, false)`;
- a signer the council never named (a genesis validator not yet registered) is left alone:
  the agent votes out only what the council decided on, so an empty or half-filled registry
  never votes out the network; and it never votes out every remaining signer (the chain would
  stop), whatever the registry says;
- a standing proposal that no longer matches (passed, or the council changed its mind):
  `clique_discard` (geth would cast it again whenever it becomes valid).

`Agent.step` does one round and returns what it saw; `run` repeats it every period until told
to stop (SIGTERM or SIGINT in the CLI), reporting each vote and each time the signer set comes
to match the council's.
"""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass, field
from typing import Callable

from web3 import Web3
from web3.exceptions import Web3Exception

from pilotchain import registry
from pilotchain.errors import ChainError, ConnectionFailed, PilotchainError
from pilotchain.session import Session

READER = "0x0000000000000000000000000000000000000000"  # the "from" of the agent's calls


@dataclass
class Round:
    """What one round saw at `block` and the votes it wants standing on the node."""

    block: int
    signers: list[str]
    council: dict[str, int]  # the registry's validator set: address -> entity id
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)  # signers the council never named
    held: list[str] = field(default_factory=list)  # removals held back: they would leave no signer

    @property
    def matches(self) -> bool:
        """Whether the signer set is the council's (plus the signers it never named)."""
        return not self.add and not self.remove and not self.held

    @property
    def wanted(self) -> dict[str, bool]:
        """The standing Clique proposals this round wants: address -> authorize."""
        return {**{a: True for a in self.add}, **{a: False for a in self.remove}}


def plan(block: int, signers: list[str], council: dict[str, int], governed: Callable[[str], bool]) -> Round:
    """The votes that make `signers` follow `council`; `governed(address)` says whether the
    council ever named a signer outside its set (only those are voted out)."""
    current = set(signers)
    found = Round(block, sorted(signers), dict(council))
    found.add = sorted(a for a in council if a not in current)
    outside = [a for a in sorted(signers) if a not in council]
    found.unnamed = [a for a in outside if not governed(a)]
    remove = [a for a in outside if a not in found.unnamed]
    if remove and len(remove) == len(current):
        found.held = remove  # every signer would go: the chain would stop
    else:
        found.remove = remove
    return found


class Agent:
    """The agent of the validator whose node answers on `w3`, following the registry of `session`."""

    def __init__(self, w3: Web3, session: Session, report: Callable[[str], None]):
        self.w3 = w3
        self.session = session
        self.report = report
        self._matched: bool | None = None
        self._unnamed: list[str] = []
        self._held: list[str] = []

    def step(self) -> Round:
        """Read both sets at the node's head, then propose and discard until the node's standing
        proposals are the round's `wanted`."""
        block = self.w3.eth.block_number
        signers = [Web3.to_checksum_address(a) for a in self._rpc("clique_getSigners", hex(block))]
        council = registry.validators(self.session, block=block)
        found = plan(block, signers, council, lambda a: registry.validator_of(self.session, a, block=block)[0] != 0)
        standing = {Web3.to_checksum_address(a): bool(v) for a, v in (self._rpc("clique_proposals") or {}).items()}
        wanted = found.wanted
        for address, authorize in standing.items():
            if wanted.get(address) != authorize:
                self._rpc("clique_discard", address)
                outcome = "passed" if (address in signers) == authorize else "is no longer the council's"
                self.report(f"block {block}: the vote to {'add' if authorize else 'remove'} {address} {outcome}: "
                            "withdrawn")
        for address, authorize in wanted.items():
            if standing.get(address) != authorize:
                self._rpc("clique_propose", address, authorize)
                if authorize:
                    self.report(f"block {block}: voting to add {address} (validator of entity {council[address]})")
                else:
                    self.report(f"block {block}: voting to remove {address} (out of the council's validator set)")
        self._report_changes(found)
        return found

    def run(self, interval: float, stop: threading.Event) -> Round | None:
        """`step` every `interval` seconds until `stop` is set; returns the last round that
        completed. A node that stops answering is reported once and asked again next round (it
        may be restarting)."""
        failing = False
        last = None
        while not stop.is_set():
            try:
                last = self.step()
                failing = False
            except (ConnectionFailed, OSError, Web3Exception, PilotchainError) as exc:
                if not failing:
                    self.report(f"cannot follow the council this round: {_one_line(exc)}")
                failing = True
            stop.wait(interval)
        return last

    def _report_changes(self, found: Round) -> None:
        if found.unnamed != self._unnamed and found.unnamed:
            self.report(f"signers the council never named, left as they are: {', '.join(found.unnamed)}")
        if found.held != self._held and found.held:
            self.report(f"not voting out {', '.join(found.held)}: no signer would be left")
        self._unnamed, self._held = found.unnamed, found.held
        if found.matches and self._matched is not True:
            self.report(f"block {found.block}: the signer set matches the council's "
                        f"({len(found.signers)} signers: {', '.join(found.signers)})")
        self._matched = found.matches

    def _rpc(self, method: str, *params):
        reply = self.w3.provider.make_request(method, list(params))
        if "error" in reply:
            message = reply["error"].get("message", reply["error"])
            raise ChainError(f"the node refused {method}: {message} (the agent needs the clique API on it)")
        return reply["result"]


def registry_session(w3: Web3, registry_address: str) -> Session:
    """A session that only reads the registry (the agent sends no transaction)."""
    return Session(w3, READER, {"EntityRegistry": registry_address})


def wait_for_stop() -> threading.Event:
    """An event set by SIGTERM or SIGINT (install from the main thread)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


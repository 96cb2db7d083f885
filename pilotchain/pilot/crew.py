"""The pilot's actors: one Session and one Journal per account, on one deployed chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from web3 import Web3

from pilotchain.accounts import AccountStore
from pilotchain.deployments import Deployment
from pilotchain.journal import Journal
from pilotchain.session import Session

T = TypeVar("T")


@dataclass
class Crew:
    w3: Web3
    deployment: Deployment
    store: AccountStore
    journal_dir: Path
    _sessions: dict[str, Session] = field(default_factory=dict)
    _journals: dict[str, Journal] = field(default_factory=dict)

    def session(self, account: str) -> Session:
        if account not in self._sessions:
            self._sessions[account] = Session(self.w3, self.store.load(account), self.deployment.addresses,
                                             start_blocks=self.deployment.start_blocks)
        return self._sessions[account]

    def journal(self, account: str) -> Journal:
        if account not in self._journals:
            self._journals[account] = Journal(
                self.journal_dir / f"{account}.jsonl", self.session(account), window=self.window
            )
        return self._journals[account]

    @property
    def sent(self) -> int:
        """Transactions of this run, mined and successful, over all accounts."""
        return sum(s.sender.mined for s in self._sessions.values())

    @property
    def gas(self) -> int:
        return sum(s.sender.gas_used for s in self._sessions.values())

    window: int = 256  # transactions in flight per account; 1 = the naive send-and-wait way
    parallel: bool = True  # accounts act at once (False: one after another)

    def in_parallel(self, work: dict[str, Callable[[Journal], T]]) -> dict[str, T]:
        """Run `work[account](journal)` for several accounts at once (one thread each: every
        account has its own nonces, so their transactions can share blocks)."""
        journals = {account: self.journal(account) for account in work}  # load keys first
        if not self.parallel:
            return {account: fn(journals[account]) for account, fn in work.items()}
        with ThreadPoolExecutor(max_workers=min(64, len(work)) or 1) as pool:
            futures = {account: pool.submit(fn, journals[account]) for account, fn in work.items()}
            return {account: future.result() for account, future in futures.items()}

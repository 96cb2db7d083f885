"""Log scans that cost what the data costs, not what the chain's height costs.

Every library read that rebuilds state from logs goes through one `LogScanner` per connection:

- it scans from the contract's deployment block (the deployment record's `block`), not from 0;
- many ids go in one `eth_getLogs`: a topic position may hold a list (the node ORs it), split
  into groups of at most `max_ids` (newer geth refuses longer lists);
- the block range of one request adapts to what the node accepts: the first request asks for
  the whole range; a node that answers "range too large" or "too many results" (geth, anvil,
  Infura, Alchemy and the rest each word it differently) gets the same request in halves, and
  the span learnt is kept for the next scans. A node's range limit is fixed, so a span learnt
  from a range refusal stays; after a refusal for too many results (which depends on how dense
  the blocks are), a chunk that comes back small doubles the span again.

Requests are raw JSON-RPC (as the indexer's): web3's result formatters cost more than the
decoding for thousands of logs. A log comes back as the node sends it (hex strings), with
`blockNumber` and `logIndex` as integers, in chain order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from web3 import Web3
from web3.types import RPCEndpoint

from pilotchain.errors import PilotchainError

MAX_IDS = 1_000  # values in one topic position per request (geth's cap since 1.14)
GROW_BELOW = 2_000  # a chunk with fewer logs than this doubles the span
# words in a node's refusal that mean "ask for less" (range or result size), by client
_TOO_MUCH = ("range", "too many", "too large", "more than", "limit", "exceed", "size", "timeout", "timed out")

Topic = str | Sequence[str] | None


class LogScanError(PilotchainError):
    """The node refused a log query that cannot be made smaller."""


class LogScanner:
    """eth_getLogs over any block range, in the chunks the node behind `w3` accepts.

    `span` is the largest range (in blocks) to ask for at once; None (the default) asks for the
    whole range until the node refuses. Counters say what the scans cost: `requests` made and
    `refusals` answered with a smaller request.
    """

    def __init__(self, w3: Web3, *, span: int | None = None, max_ids: int = MAX_IDS):
        self.w3 = w3
        self.span = span
        self.max_ids = max_ids
        self.requests = 0
        self.refusals = 0
        self._range_limited = False  # the node refused a range as such: the span stays

    def scan(self, address: str | list[str], topics: Sequence[Topic], from_block: int, to_block: int | None = None) -> list[dict]:
        """Every log of `address` matching `topics` in `from_block`..`to_block` (default: the
        head), in chain order. A topic position holds None (anything), a 0x hex word, or a list
        of words (any of them); at most one position may hold a list longer than `max_ids`."""
        last = self.w3.eth.block_number if to_block is None else to_block
        found: list[dict] = []
        for group in self._groups(list(topics)):
            found += self._range(address, group, from_block, last)
        found.sort(key=lambda entry: (entry["blockNumber"], entry["logIndex"]))
        return found

    def _groups(self, topics: list[Topic]) -> list[list[Topic]]:
        """`topics` with its long OR-list (if any) cut into lists of at most `max_ids` values."""
        long = [n for n, t in enumerate(topics) if isinstance(t, (list, tuple)) and len(t) > self.max_ids]
        if len(long) > 1:
            raise LogScanError(f"topic positions {long} each hold more than {self.max_ids} values; split the query")
        if not long:
            return [[list(t) if isinstance(t, (list, tuple)) else t for t in topics]]
        n, values = long[0], list(dict.fromkeys(topics[long[0]]))
        return [[*topics[:n], values[k:k + self.max_ids], *topics[n + 1:]] for k in range(0, len(values), self.max_ids)]

    def _range(self, address, topics: list[Topic], first: int, last: int) -> list[dict]:
        found: list[dict] = []
        start = first
        while start <= last:
            end = last if self.span is None else min(last, start + self.span - 1)
            try:
                logs = self._request(address, topics, start, end)
            except _Refused as refusal:
                if "topic" in refusal.message and any(isinstance(t, list) and len(t) > 1 for t in topics):
                    return found + self._halved_ids(address, topics, start, last, refusal)
                if end == start:
                    raise LogScanError(f"the node refuses eth_getLogs even for block {start}: {refusal.message}") from None
                self.refusals += 1
                self.span = max(1, (end - start + 1) // 2)
                self._range_limited |= "range" in refusal.message
                continue
            found += logs
            start = end + 1
            if self.span is not None and not self._range_limited and len(logs) < GROW_BELOW:
                self.span *= 2
        return found

    def _halved_ids(self, address, topics: list[Topic], first: int, last: int, refusal: _Refused) -> list[dict]:
        """A node that refuses as many ids in one position: learn a smaller cap and split."""
        n, values = next((n, t) for n, t in enumerate(topics) if isinstance(t, list) and len(t) > 1)
        self.refusals += 1
        self.max_ids = max(1, len(values) // 2)
        halves = (values[: self.max_ids], values[self.max_ids:])
        return [entry for half in halves for entry in self._range(address, [*topics[:n], half, *topics[n + 1:]], first, last)]

    def _request(self, address, topics: list[Topic], first: int, last: int) -> list[dict]:
        self.requests += 1
        response = self.w3.provider.make_request(RPCEndpoint("eth_getLogs"), [{
            "address": address, "topics": topics, "fromBlock": hex(first), "toBlock": hex(last)}])
        if "error" in response:
            error = response["error"]
            message = str(error.get("message", error) if isinstance(error, dict) else error)
            if any(word in message.lower() for word in _TOO_MUCH):
                raise _Refused(message.lower())
            raise LogScanError(f"eth_getLogs {first}..{last} failed: {message}")
        logs = [entry for entry in response["result"] if not entry.get("removed")]
        for entry in logs:
            entry["blockNumber"], entry["logIndex"] = _int(entry["blockNumber"]), _int(entry["logIndex"])
        return logs


class _Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _int(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)


def word(value: bytes | int) -> str:
    """A topic value (bytes32, or an integer such as an entity id) as the node's 0x hex word."""
    raw = value.to_bytes(32, "big") if isinstance(value, int) else bytes(value).rjust(32, b"\0")
    return "0x" + raw.hex()

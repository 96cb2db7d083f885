"""Sign-In with Ethereum (EIP-4361): parse the message a wallet signed and check it.

The message is plain text in the EIP's fixed layout; the signature is an EIP-191 personal_sign
over it, recovered with eth-account. `verify` checks everything the EIP asks of a relying party
except what needs server state (the nonce's freshness and single use, the account's membership),
which `pilotchain.api.auth` adds.

    message = parse(text)
    verify(message, signature, domain="127.0.0.1:8600", chain_id=1337, now=time.time())
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import is_checksum_address

from pilotchain.problems import Problem

CLOCK_SKEW = 60  # seconds an Issued At may lie in the future (clocks differ)

_HEADER = re.compile(r"^(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://)?(?P<domain>\S+) wants you to sign in with your "
                     r"Ethereum account:$")
_FIELDS = {"URI": "uri", "Version": "version", "Chain ID": "chain_id", "Nonce": "nonce", "Issued At": "issued_at",
           "Expiration Time": "expiration_time", "Not Before": "not_before", "Request ID": "request_id"}
_ORDER = list(_FIELDS)
_NONCE = re.compile(r"^[a-zA-Z0-9]{8,}$")


def _bad(detail: str) -> Problem:
    return Problem(400, "siwe-malformed", "The sign-in message is not an EIP-4361 message", detail=detail)


def refused(detail: str) -> Problem:
    return Problem(401, "siwe-refused", "Sign-in refused", detail=detail)


def _time(name: str, value: str) -> float:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(f"{name} {value!r} is not an RFC 3339 date-time") from None
    if moment.tzinfo is None:
        raise _bad(f"{name} {value!r} has no time zone")
    return moment.timestamp()


@dataclass(frozen=True)
class Message:
    """The fields of an EIP-4361 message (times as unix seconds)."""

    text: str
    domain: str
    address: str
    statement: str | None
    uri: str
    version: str
    chain_id: int
    nonce: str
    issued_at: float
    expiration_time: float | None = None
    not_before: float | None = None
    request_id: str | None = None
    scheme: str | None = None
    resources: tuple[str, ...] = ()


def parse(text: str) -> Message:
    """The message's fields, or a 400 problem naming what does not follow EIP-4361."""
    lines = text.split("\n")
    if len(lines) < 6:
        raise _bad("too few lines")
    header = _HEADER.match(lines[0])
    if not header:
        raise _bad("the first line must be '<domain> wants you to sign in with your Ethereum account:'")
    address = lines[1]
    if not is_checksum_address(address):
        raise _bad("the second line must be an EIP-55 checksummed address")
    if lines[2] != "":
        raise _bad("an empty line must follow the address")
    rest = lines[3:]
    statement = None
    if rest and rest[0] != "":  # a statement, then an empty line
        statement, rest = rest[0], rest[1:]
    if not rest or rest[0] != "":
        raise _bad("an empty line must precede the URI")
    values: dict[str, str] = {}
    resources: list[str] = []
    position = 0
    body = rest[1:]
    for n, line in enumerate(body):
        if line == "Resources:":
            resources = [r[2:] for r in body[n + 1:]]
            if any(not r.startswith("- ") for r in body[n + 1:]):
                raise _bad("each resource line must start with '- '")
            break
        name, sep, value = line.partition(": ")
        if not sep or name not in _FIELDS:
            raise _bad(f"unexpected line {line!r}")
        if name in values or _ORDER.index(name) < position:
            raise _bad(f"{name} is repeated or out of order")
        position = _ORDER.index(name)
        values[name] = value
    for required in ("URI", "Version", "Chain ID", "Nonce", "Issued At"):
        if required not in values:
            raise _bad(f"the message has no {required}")
    if values["Version"] != "1":
        raise _bad(f"Version {values['Version']!r}: only version 1 exists")
    if not values["Chain ID"].isdigit():
        raise _bad(f"Chain ID {values['Chain ID']!r} is not a number")
    if not _NONCE.match(values["Nonce"]):
        raise _bad("the nonce must be at least 8 letters or digits")
    return Message(
        text=text, domain=header["domain"], scheme=header["scheme"], address=address, statement=statement,
        uri=values["URI"], version="1", chain_id=int(values["Chain ID"]), nonce=values["Nonce"],
        issued_at=_time("Issued At", values["Issued At"]),
        expiration_time=_time("Expiration Time", values["Expiration Time"]) if "Expiration Time" in values else None,
        not_before=_time("Not Before", values["Not Before"]) if "Not Before" in values else None,
        request_id=values.get("Request ID"), resources=tuple(resources),
    )


def signer(message: Message, signature: str) -> str:
    """The address that signed the message text (EIP-191 personal_sign)."""
    try:
        return Account.recover_message(encode_defunct(text=message.text), signature=signature)
    except Exception:  # eth-account raises several types for a malformed signature
        raise refused("the signature is not a valid secp256k1 signature of the message") from None


def verify(message: Message, signature: str, *, domains: set[str], chain_id: int, now: float) -> None:
    """Refuse (401) a message for another site or chain, outside its validity window, or not
    signed by the address it names."""
    if message.domain not in domains:
        raise refused(f"the message is for {message.domain}, this server is {' or '.join(sorted(domains))}")
    if urlsplit(message.uri).netloc != message.domain:
        raise refused(f"the URI {message.uri} is not on {message.domain}")
    if message.chain_id != chain_id:
        raise refused(f"the message is for chain {message.chain_id}, this deployment is on chain {chain_id}")
    if message.issued_at > now + CLOCK_SKEW:
        raise refused("the message was issued in the future")
    if message.expiration_time is not None and message.expiration_time <= now:
        raise refused("the message has expired")
    if message.not_before is not None and message.not_before > now + CLOCK_SKEW:
        raise refused("the message is not valid yet")
    if signer(message, signature) != message.address:
        raise refused(f"the signature is not by {message.address}")


def compose(*, domain: str, address: str, uri: str, chain_id: int, nonce: str, issued_at: str,
            statement: str | None = None, expiration_time: str | None = None) -> str:
    """An EIP-4361 message (what a wallet is asked to sign; the tests and scripts sign it)."""
    lines = [f"{domain} wants you to sign in with your Ethereum account:", address, ""]
    if statement:
        lines.append(statement)
    lines.append("")  # with no statement the address is followed by two empty lines
    lines += [f"URI: {uri}", "Version: 1", f"Chain ID: {chain_id}", f"Nonce: {nonce}", f"Issued At: {issued_at}"]
    if expiration_time:
        lines.append(f"Expiration Time: {expiration_time}")
    return "\n".join(lines)

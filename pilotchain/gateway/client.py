"""The requester's side of a gateway, and the audit of its deliveries.

`fetch` reads the asset's locator and content hash from the chain (never from the gateway),
checks that the gateway answering there runs as an account of the asset's owner, signs a
request, downloads to a temporary file while hashing, and keeps the file only if its SHA-256
is the content hash on chain. `audit` lists an asset's receipts on chain beside the gateway's
own record of each delivery.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from eth_account.signers.local import LocalAccount

from pilotchain import datasharing as ds
from pilotchain.errors import ConfigError, PilotchainError
from pilotchain.gateway.files import CHUNK, ByteRange
from pilotchain.gateway.signing import HEADER, SignedRequest, new_nonce, sign_request
from pilotchain.gateway.store import Store
from pilotchain.problems import PROBLEM_JSON
from pilotchain.registry import entity_id_of
from pilotchain.session import Session

FILES = "/files/"  # a gateway locator is <gateway URL>/files/<file name>


class GatewayRefused(PilotchainError):
    """The gateway answered with a problem body; `slug` names the reason."""

    def __init__(self, status: int, problem: dict):
        self.status = status
        self.problem = problem
        self.slug = str(problem.get("type", "")).rsplit(":", 1)[-1]
        super().__init__(f"the gateway refused ({status} {self.slug}): {problem.get('detail') or problem.get('title')}")


class HashMismatch(PilotchainError):
    """What arrived is not what the asset's content hash on chain commits to."""


@dataclass(frozen=True)
class Gateway:
    url: str  # base URL
    account: str
    chain_id: int
    entity: int


@dataclass(frozen=True)
class Fetched:
    asset_id: int
    path: str
    bytes: int
    sha256: str
    request_id: str
    gateway: str
    seconds: float


def gateway_of(session: Session, asset_id: int, http: requests.Session | None = None) -> tuple[Gateway, str]:
    """The gateway serving `asset_id` (checked to run as an account of its owner) and the asset's URL."""
    locator = ds.asset_locator(session, asset_id)
    if FILES not in locator:
        raise ConfigError(f"asset {asset_id}'s locator {locator} is not a pilotchain gateway URL (…{FILES}NAME)")
    base = locator.rsplit(FILES, 1)[0]
    try:
        info = (http or requests).get(base + "/", timeout=10).json()
    except (requests.RequestException, ValueError) as exc:
        raise ConfigError(f"no gateway answers at {base}: {exc}") from None
    gateway = Gateway(base, info["gateway"], info["chain_id"], info["entity"])
    owner = ds.get_asset(session, asset_id).owner
    if gateway.chain_id != session.sender.chain_id or entity_id_of(session, gateway.account) != owner:
        raise ConfigError(f"the gateway at {base} runs as {gateway.account} on chain {gateway.chain_id}, "
                          f"not as an account of entity {owner} (the asset's owner) on chain {session.sender.chain_id}")
    return gateway, locator


def signed_request(signer: LocalAccount, gateway: Gateway, asset_id: int, purpose: int, *,
                   lifetime: int = 60) -> SignedRequest:
    return sign_request(signer, chain_id=gateway.chain_id, gateway=gateway.account, asset_id=asset_id,
                        purpose=purpose, nonce=new_nonce(), expiry=int(time.time()) + lifetime)


def get(url: str, signed: SignedRequest, *, byte_range: ByteRange | None = None,
        http: requests.Session | None = None) -> requests.Response:
    """One signed GET (streamed); a refusal raises `GatewayRefused` with the problem body."""
    headers = {HEADER: signed.to_header()}
    if byte_range is not None:
        headers["Range"] = f"bytes={byte_range.first}-{byte_range.last}"
    try:
        response = (http or requests).get(url, headers=headers, stream=True, timeout=60)
    except requests.RequestException as exc:
        raise ConfigError(f"the gateway at {url} did not answer: {exc}") from None
    if response.status_code >= 400:
        is_problem = response.headers.get("content-type", "").startswith(PROBLEM_JSON)
        raise GatewayRefused(response.status_code, response.json() if is_problem else {"detail": response.text[:200]})
    return response


def fetch(session: Session, signer: LocalAccount, asset_id: int, purpose: int, out: str | Path) -> Fetched:
    """Download the asset for `purpose` into `out`, kept only if it hashes to its content hash on chain."""
    started = time.perf_counter()
    gateway, url = gateway_of(session, asset_id)
    expected = ds.get_asset(session, asset_id).content_hash
    signed = signed_request(signer, gateway, asset_id, purpose)
    out = Path(out)
    part = out.with_name(out.name + ".part")
    digest, size = hashlib.sha256(), 0
    with get(url, signed) as response, part.open("wb") as sink:
        for chunk in response.iter_content(CHUNK):
            digest.update(chunk)
            sink.write(chunk)
            size += len(chunk)
    if digest.digest() != expected:
        part.unlink()
        raise HashMismatch(f"asset {asset_id} from {gateway.url} hashes to 0x{digest.hexdigest()}, but its content "
                           f"hash on chain is 0x{expected.hex()}: nothing was kept")
    os.replace(part, out)
    return Fetched(asset_id, str(out), size, "0x" + digest.hexdigest(), "0x" + signed.request_id.hex(),
                   gateway.account, round(time.perf_counter() - started, 3))


def audit(session: Session, asset_id: int, state_dir: str | Path | None = None) -> list[dict]:
    """Every delivery of the asset: its receipt on chain (block, time, transaction) beside the
    gateway's log line for it when the gateway's state folder is given; deliveries the gateway
    made that have no receipt yet (waiting for a batch, or refused by the contract) too."""
    logs = session.logs(ds.CONTRACT, "AccessRecorded", argument_filters={"assetId": asset_id})
    record = Store(Path(state_dir) / "gateway.sqlite") if state_dir else None
    delivered = {d.request_id: d for d in record.deliveries(asset_id)} if record else {}
    times: dict[int, int] = {}
    rows = []
    for entry in logs:
        args, block = entry["args"], entry["blockNumber"]
        if block not in times:
            times[block] = session.w3.eth.get_block(block)["timestamp"]
        delivery = delivered.pop(bytes(args["gatewayRequestId"]), None)
        rows.append({
            "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(times[block])),
            "grantee": args["grantee"], "purpose": args["purpose"],
            "delivery_hash": "0x" + bytes(args["deliveryHash"]).hex(),
            "request_id": "0x" + bytes(args["gatewayRequestId"]).hex(),
            "tx": entry["transactionHash"].to_0x_hex(), "block": block, "log_index": entry["logIndex"],
            "gateway_log": delivery.log_line() if delivery else None,
        })
    for delivery in delivered.values():
        rows.append({
            "recorded_at": None, "grantee": delivery.grantee, "purpose": delivery.purpose,
            "delivery_hash": "0x" + delivery.delivery_hash.hex(), "request_id": "0x" + delivery.request_id.hex(),
            "tx": None, "block": None, "log_index": None, "gateway_log": delivery.log_line(),
            "unrecorded": delivery.unrecorded or "waiting for the next receipt batch",
        })
    if record:
        record.close()
    return rows

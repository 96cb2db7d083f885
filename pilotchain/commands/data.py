"""`pilotchain data …`: data assets, access requests, consent grants, signed grants and receipts."""

from __future__ import annotations

import argparse
import json
import secrets
from pathlib import Path

from pilotchain import datasharing as ds
from pilotchain import deployments
from pilotchain.accounts import AccountStore
from pilotchain.cli import arg, command, confirm
from pilotchain.endpoints import open_session, resolve
from pilotchain.errors import ConfigError
from pilotchain.resolve import account_address, account_store, address, entity_id, moment

SESSION = ("network", "account", "json")
ASSET = arg("asset", type=int, help="asset id")
GRANTEE = arg("grantee", help="grantee entity: id, registration code, account name or address")
PURPOSE = arg("purpose", type=ds.parse_purpose, help="purpose code or label (research, treatment, ...)")
PURPOSES = arg("--purpose", dest="purposes", action="append", type=ds.parse_purpose, required=True,
               help="purpose code or label; repeat for several")
DAYS = arg("--days", type=float, required=True, help="length of the grant in days")
HOLD = arg("--hold-days", type=float, default=0, help="days during which the owner cannot revoke (default: 0)")
REASON = arg("--reason", type=int, default=0, help="reason code (default: 0)")


def _grantee(session, args) -> int:
    return entity_id(session, args.grantee, account_store(args.network))


def _seconds(days: float) -> int:
    return round(days * 86400)


def _now(session) -> int:
    return session.w3.eth.get_block("latest")["timestamp"]


def _hash_arg(text: str | None, value: str | None, what: str) -> bytes:
    """A 32-byte hash given as 0x-hex, or computed from a text."""
    if value:
        return ds.as_bytes32(value, what=what)
    if text is None:
        raise ConfigError(f"give the {what} as a 0x hash or as text")
    return ds.text_hash(text)


@command(
    "data register-asset", "register a data asset owned by your entity (its content hash and gateway locator)",
    arg("locator", help="URI of your data gateway for this asset (never the data itself)"),
    arg("--content-hash", required=True, help="0x keccak/sha-256 hash committing to the dataset"),
    arg("--schema", type=int, default=0, help="category / schema id (default: 0)"),
    arg("--sensitivity", choices=[s.name for s in ds.Sensitivity], default="Internal",
        help="how sensitive the data is (default: Internal)"),
    shared=SESSION,
)
def register_asset(args):
    session = open_session(args.network, args.account)
    return ds.register_asset(session, args.content_hash, args.locator, schema=args.schema,
                             sensitivity=ds.Sensitivity[args.sensitivity])


@command(
    "data request", "ask an asset's owner for access for one purpose",
    ASSET, PURPOSE, DAYS,
    arg("--justification", help="text of the justification (only its hash goes on chain)"),
    arg("--justification-hash", help="0x hash of a justification document kept off chain"),
    shared=SESSION,
)
def request(args):
    session = open_session(args.network, args.account)
    justification = _hash_arg(args.justification, args.justification_hash, "justification")
    return ds.request_access(session, args.asset, args.purpose, _seconds(args.days), justification)


@command(
    "data approve", "approve a pending request on your asset, optionally for a shorter term",
    arg("request", type=int, help="request id"),
    arg("--days", type=float, default=0, help="term in days, at most the one asked for (default: as asked)"),
    HOLD, shared=SESSION,
)
def approve(args):
    session = open_session(args.network, args.account)
    return ds.approve_request(session, args.request, term=_seconds(args.days), hold=_seconds(args.hold_days))


@command("data reject", "reject a pending request on your asset", arg("request", type=int, help="request id"),
         REASON, shared=SESSION)
def reject(args):
    return ds.reject_request(open_session(args.network, args.account), args.request, args.reason)


@command("data grant", "grant an entity access to your asset without a request",
         ASSET, GRANTEE, PURPOSES, DAYS, HOLD, shared=SESSION)
def grant(args):
    session = open_session(args.network, args.account)
    now = _now(session)
    hold_until = now + _seconds(args.hold_days) if args.hold_days else 0
    return ds.grant(session, args.asset, _grantee(session, args), args.purposes, now + _seconds(args.days), hold_until=hold_until)


@command(
    "data sign-grant", "sign a grant offline (EIP-712) with an owner admin's key and write it as JSON",
    ASSET, GRANTEE, PURPOSES,
    arg("--until", type=moment, required=True,
        help="end of validity: a duration from now (90d), a date (2027-03-01), a date-time or unix time"),
    arg("--hold-until", type=moment, default=0, help="no revocation before this time, as --until (default: none)"),
    arg("--chain-id", type=int, help="chain id of the network the grant is for (default: --network's)"),
    arg("--contract", help="address of the DataSharing contract on that chain (default: from the deployment "
        "record of --network)"),
    arg("--nonce", type=int, help="an unused number of yours (default: random)"),
    arg("--valid-days", type=float, default=7, help="days during which it may be submitted (default: 7)"),
    arg("--out", type=Path, required=True, help="file to write the signed grant to"),
    shared=("network", "account", "json"),
)
def sign_grant(args):
    if not args.account:
        raise ConfigError("sign-grant needs --account: the keystore of an admin of the asset's owner")
    chain_id, contract = _grant_domain(args)
    grantee = int(args.grantee) if args.grantee.isdigit() else _grantee(open_session(args.network, args.account), args)
    signer = AccountStore(resolve(args.network).accounts_dir).load(args.account)
    signed = ds.sign_grant(
        signer,
        chain_id=chain_id,
        contract=contract,
        asset_id=args.asset,
        grantee=grantee,
        purposes=args.purposes,
        valid_until=args.until,
        hold_until=args.hold_until,
        nonce=secrets.randbits(64) if args.nonce is None else args.nonce,
        deadline=ds.default_deadline(_seconds(args.valid_days)),
    )
    args.out.write_text(json.dumps(signed.to_json(), indent=2) + "\n")
    return {"file": str(args.out), "signer": signed.signer, "nonce": signed.nonce, "deadline": signed.deadline}


def _grant_domain(args) -> tuple[int, str]:
    """--chain-id and --contract, by default the network's (asked of its node when the network names
    none) and its deployment record's."""
    chain_id = args.chain_id or resolve(args.network).chain_id
    if chain_id is None:
        from pilotchain.endpoints import connect

        chain_id = connect(args.network)[0].eth.chain_id
    contract = args.contract
    if contract is None:
        record = deployments.load(chain_id)
        if record is None or "DataSharing" not in record.addresses:
            raise ConfigError(f"no deployment record for chain {chain_id}: give --contract, or deploy first")
        contract = record.addresses["DataSharing"]
    return chain_id, contract


def _read_signed(path: Path) -> ds.SignedGrant:
    try:
        return ds.SignedGrant.from_json(json.loads(path.read_text()))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read the signed grant {path}: {exc}") from None


@command("data submit-grant", "submit a signed grant (any account may)",
         arg("file", type=Path, help="JSON written by `data sign-grant`"), shared=SESSION)
def submit_grant(args):
    return ds.submit_signed_grant(open_session(args.network, args.account), _read_signed(args.file))


def _mask(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (decimal or 0x-hex)") from None


def _render_cancelled(event: dict) -> None:
    mask, word = int(event["mask"]), int(event["wordPos"])
    nonces = [word * 256 + bit for bit in range(256) if mask >> bit & 1]
    shown = f"nonce {nonces[0]}" if len(nonces) == 1 else f"{len(nonces)} nonces of word {word} (mask {mask:#x})"
    print(f"cancelled {shown} of signer {event['signer']} (entity {event['entityId']}): "
          "grants signed with them can no longer be submitted")


@command(
    "data cancel-grant",
    "withdraw signed grants before they are submitted, by cancelling their nonces (an admin of the signer's entity)",
    arg("file", type=Path, nargs="?", help="JSON written by `data sign-grant` (or give --signer and --nonce)"),
    arg("--signer", type=address, help="address of the signer whose nonces to cancel"),
    arg("--nonce", type=int, help="one nonce to cancel"),
    arg("--word", type=int, help="a word of the nonce bitmap (nonce >> 8), with --mask"),
    arg("--mask", type=_mask, help="bits (nonce & 0xff) to cancel in --word, e.g. 0xff"),
    shared=SESSION, render=_render_cancelled,
)
def cancel_grant(args):
    by_file, by_nonce, by_word = args.file is not None, args.nonce is not None, args.word is not None
    if by_file + by_nonce + by_word != 1 or by_file == bool(args.signer) or by_word != (args.mask is not None):
        raise ConfigError("give a signed grant FILE, or --signer with --nonce, or --signer with --word and --mask")
    session = open_session(args.network, args.account)
    if by_file:
        return ds.cancel_grant(session, _read_signed(args.file))
    if by_nonce:
        return ds.cancel_nonce(session, args.signer, args.nonce)
    return ds.invalidate_nonces(session, args.signer, args.word, args.mask)


@command("data revoke", "revoke a grant on your asset (after its hold)", ASSET, GRANTEE, REASON,
         shared=(*SESSION, "yes"))
def revoke(args):
    confirm(args, f"revoke entity {args.grantee}'s grant on asset {args.asset}")
    session = open_session(args.network, args.account)
    return ds.revoke(session, args.asset, _grantee(session, args), args.reason)


@command("data check", "whether an account may use an asset for a purpose now (what a gateway asks)",
         ASSET, arg("account_address", metavar="ACCOUNT",
                    help="the requesting account: address, account name, or an entity (its first admin)"),
         PURPOSE, shared=SESSION)
def check(args):
    session = open_session(args.network, args.account)
    account = account_address(session, args.account_address, account_store(args.network))
    allowed = ds.can_access(session, args.asset, account, args.purpose)
    return {"asset": args.asset, "account": account, "purpose": args.purpose, "allowed": allowed}


@command(
    "data receipt", "record a delivery made by your gateway",
    ASSET, GRANTEE, PURPOSE,
    arg("--delivery-hash", required=True, help="0x hash of what was delivered"),
    arg("--gateway-request", required=True, help="your gateway's request id (text; its hash goes on chain)"),
    shared=SESSION,
)
def receipt(args):
    session = open_session(args.network, args.account)
    return ds.record_access(session, args.asset, _grantee(session, args), args.purpose, args.delivery_hash,
                            ds.text_hash(args.gateway_request))


@command(
    "data fetch", "download an asset through its owner's gateway, with a request signed by your account, "
                  "and keep it only if it hashes to its content hash on chain",
    ASSET,
    arg("--purpose", required=True, type=ds.parse_purpose, help="purpose of the use: code or label (research, ...)"),
    arg("--out", type=Path, help="file to write (default: asset-ID in the current folder)"),
    shared=SESSION,
)
def fetch(args):
    from pilotchain.gateway.client import fetch as download

    if not args.account:
        raise ConfigError("data fetch needs --account: the requesting account, whose entity holds the grant")
    session = open_session(args.network, args.account)
    signer = account_store(args.network).load(args.account)
    return download(session, signer, args.asset, args.purpose, args.out or Path(f"asset-{args.asset}"))


def _render_receipts(rows: list[dict]) -> None:
    if not rows:
        print("(no delivery)")
    for row in rows:
        if row["tx"]:
            print(f"{row['recorded_at']}  receipt: entity {row['grantee']} received for purpose {row['purpose']} "
                  f"(delivery {row['delivery_hash'][:18]}…)  tx {row['tx']} block {row['block']} log {row['log_index']}")
        else:
            print(f"{'(no receipt)':20}  {row['unrecorded']}")
        print(f"{'':20}  gateway: {row['gateway_log'] or '(no gateway record given: --gateway-state)'}")


@command(
    "data receipts", "who received an asset, when and for which purpose: its receipts on chain beside the "
                     "gateway's record of each delivery",
    ASSET,
    arg("--gateway-state", type=Path, help="the gateway's state folder (owner side): its log line beside each "
        "receipt, and deliveries still waiting for one"),
    shared=SESSION, render=_render_receipts,
)
def receipts(args):
    from pilotchain.gateway.client import audit

    return audit(open_session(args.network, args.account), args.asset, args.gateway_state)

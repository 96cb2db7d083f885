"""`pilotchain data …` end to end: from an asset to a signed grant, a check, a receipt and a
revocation, as the README walks through it; and its error lines."""

import re
import time

import pytest

from pilotchain import datasharing as ds
from pilotchain.accounts import AccountStore
from pilotchain.endpoints import resolve
from pilotchain.errors import ConfigError, ContractError
from tests.library.cli_run import run as cli, run_json as cli_json


def test_asset_signed_grant_check_receipt_revocation(capsys, network, deployed, tmp_path):
    net = ("--network", network)
    grantee_account = AccountStore(resolve(network).accounts_dir).address("council-2")
    asset = cli_json(capsys, "data", "register-asset", "https://gateway.bj-bigdata.pilot/traffic-2025",
                     "--content-hash", "0x" + "11" * 32, "--sensitivity", "Confidential", *net, "--account", "council-1")
    asset_id = asset["asset_id"]

    grant_file = tmp_path / "grant.json"
    cli_json(capsys, "data", "sign-grant", asset_id, 2, "--purpose", "research", "--until", int(time.time()) + 86400 * 30,
             "--chain-id", 31337, "--contract", deployed.deployment.addresses["DataSharing"], "--out", grant_file,
             *net, "--account", "council-1")
    granted = cli_json(capsys, "data", "submit-grant", grant_file, *net, "--account", "council-3")
    assert granted["grantee"] == 2 and granted["purposes"] == [0]

    assert cli_json(capsys, "data", "check", asset_id, grantee_account, "research", *net)["allowed"] is True
    assert cli_json(capsys, "data", "check", asset_id, grantee_account, "treatment", *net)["allowed"] is False
    recorded = cli_json(capsys, "data", "receipt", asset_id, 2, "research", "--delivery-hash", "0x" + "22" * 32,
                        "--gateway-request", "gw-0001", *net, "--account", "council-1")
    assert recorded["grantee"] == 2

    cli_json(capsys, "data", "revoke", asset_id, 2, "--reason", 1, *net, "--account", "council-1")
    assert cli_json(capsys, "data", "check", asset_id, grantee_account, "research", *net)["allowed"] is False

    code, _out, err = cli(capsys, "data", "submit-grant", grant_file, *net, "--account", "council-3")
    assert code == 1 and re.fullmatch(r"error: DataSharing rejected the call: DataSharingNonceUsed\(.*\)\n", err)


ERRORS = [
    (["data", "revoke", "999", "2", "--account", "council-1"], r"DataSharingNoLiveGrant\(assetId=999, grantee=2\)"),
    (["data", "receipt", "999", "2", "research", "--delivery-hash", "0x" + "22" * 32, "--gateway-request", "x",
      "--account", "council-1"], r"DataSharing\w+\("),
    (["data", "check", "1", "0x0000000000000000000000000000000000000001", "no-such-purpose"], r"unknown purpose 'no-such-purpose'"),
    (["data", "submit-grant", "/nonexistent/grant.json"], r"cannot read the signed grant"),
    (["data", "sign-grant", "1", "2", "--purpose", "research", "--until", "1", "--chain-id", "1",
      "--contract", "0x0000000000000000000000000000000000000001", "--out", "/tmp/x.json"], r"sign-grant needs --account"),
    (["data", "register-asset", "https://x", "--content-hash", "0x12", "--account", "council-1"], r"content hash"),
]


@pytest.mark.parametrize("argv, message", ERRORS, ids=[f"{a[1]} #{i}" for i, (a, _m) in enumerate(ERRORS)])
def test_data_failures_are_one_line(capsys, network, deployed, argv, message):
    try:
        code, out, err = cli(capsys, *argv, "--network", network)
    except SystemExit as exit_:  # argparse rejects a bad argument itself, with usage + one error line
        code, err = exit_.code, capsys.readouterr().err.splitlines()[-1] + "\n"
    assert code in (1, 2)
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(message, err), err
    assert "Traceback" not in err


def test_cancelled_signed_grant_cannot_be_submitted(capsys, network, deployed, tmp_path):
    """`data cancel-grant FILE` withdraws a signed grant before anyone submits it; each outcome
    of the command is one line."""
    net = ("--network", network)
    asset = cli_json(capsys, "data", "register-asset", "https://gateway.bj-bigdata.pilot/air-2025",
                     "--content-hash", "0x" + "33" * 32, *net, "--account", "council-1")
    grant_file = tmp_path / "grant.json"
    signed = cli_json(capsys, "data", "sign-grant", asset["asset_id"], 2, "--purpose", "research",
                      "--until", int(time.time()) + 86400 * 30, "--chain-id", 31337,
                      "--contract", deployed.deployment.addresses["DataSharing"], "--nonce", 515, "--out", grant_file,
                      *net, "--account", "council-1")

    code, out, err = cli(capsys, "data", "cancel-grant", grant_file, *net, "--account", "council-1")
    assert code == 0, err
    assert out == (f"cancelled nonce 515 of signer {signed['signer']} (entity 1): "
                   "grants signed with them can no longer be submitted\n")

    code, _out, err = cli(capsys, "data", "submit-grant", grant_file, *net, "--account", "council-3")
    assert code == 1 and re.fullmatch(r"error: DataSharing rejected the call: DataSharingNonceUsed\(.*nonce=515\)\n", err)
    code, _out, err = cli(capsys, "data", "cancel-grant", grant_file, *net, "--account", "council-1")
    assert code == 1 and re.fullmatch(r"error: DataSharing rejected the call: DataSharingNonceUsed\(.*nonce=515\)\n", err)


def test_cancel_a_word_of_nonces(capsys, network, deployed):
    net = ("--network", network)
    signer = AccountStore(resolve(network).accounts_dir).address("council-1")
    event = cli_json(capsys, "data", "cancel-grant", "--signer", signer, "--word", 7, "--mask", "0x81",
                     *net, "--account", "council-1")
    assert (event["wordPos"], event["mask"], event["entityId"]) == (7, 0x81, 1)
    code, out, err = cli(capsys, "data", "cancel-grant", "--signer", signer, "--word", 7, "--mask", "0x83",
                         *net, "--account", "council-1")
    assert code == 0, err
    assert out.startswith(f"cancelled nonce {7 * 256 + 1} of signer {signer} (entity 1)") and out.count("\n") == 1
    code, _out, err = cli(capsys, "data", "cancel-grant", "--signer", signer, "--word", 7, "--mask", "0x83",
                          *net, "--account", "council-1")
    assert code == 1 and re.fullmatch(
        r"error: DataSharing rejected the call: DataSharingNoncesUsed\(signer=\w+, wordPos=7, mask=131\)\n", err)


CANCEL_ERRORS = [
    (["--signer", "{signer}", "--nonce", "5", "--account", "council-2"],
     r"DataSharingNotSignerAdmin\(account=0x\w+, signer=0x\w+\)"),
    (["--signer", "{signer}", "--account", "council-1"], r"give a signed grant FILE, or --signer with --nonce"),
    (["--signer", "{signer}", "--nonce", "1", "--word", "0", "--mask", "1", "--account", "council-1"],
     r"give a signed grant FILE"),
    (["--signer", "{signer}", "--word", "0", "--account", "council-1"], r"give a signed grant FILE"),
    (["--nonce", "1", "--account", "council-1"], r"give a signed grant FILE"),
    (["--signer", "0x1234", "--nonce", "1"], r"'0x1234' is not an address"),
    (["--signer", "{signer}", "--word", "0", "--mask", "zz"], r"'zz' is not a number"),
    (["/nonexistent/grant.json", "--account", "council-1"], r"cannot read the signed grant"),
]


@pytest.mark.parametrize("argv, message", CANCEL_ERRORS, ids=[f"cancel-grant #{i}" for i in range(len(CANCEL_ERRORS))])
def test_cancel_grant_failures_are_one_line(capsys, network, deployed, argv, message):
    signer = AccountStore(resolve(network).accounts_dir).address("council-1")
    argv = [a.format(signer=signer) for a in argv]
    try:
        code, _out, err = cli(capsys, "data", "cancel-grant", *argv, "--network", network)
    except SystemExit as exit_:
        code, err = exit_.code, capsys.readouterr().err.splitlines()[-1] + "\n"
    assert code in (1, 2)
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(message, err), err


def test_library_cancels_nonces(network, deployed, council_sessions):
    admin = council_sessions[0]
    signer = admin.account
    event = ds.cancel_nonce(admin, signer, 2**64 + 3)
    assert (event["signer"], event["entityId"], event["wordPos"], event["mask"]) == (signer, 1, 2**64 >> 8, 1 << 3)
    assert ds.nonce_used(admin, signer, 2**64 + 3)
    event = ds.invalidate_nonces(admin, signer, 2**64 >> 8, 0b1111)
    assert event["mask"] == 0b0111
    assert ds.nonce_bitmap(admin, signer, 2**64 >> 8) == 0b1111
    with pytest.raises(ContractError) as refused:
        ds.cancel_nonce(council_sessions[1], signer, 1)
    assert refused.value.name == "DataSharingNotSignerAdmin"
    with pytest.raises(ConfigError):
        ds.invalidate_nonces(admin, signer, 0, 1 << 256)

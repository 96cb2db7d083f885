"""`pilotchain data …` end to end: from an asset to a signed grant, a check, a receipt and a
revocation, as the README walks through it; and its error lines."""

import json
import re
import time

import pytest

from pilotchain.accounts import AccountStore
from pilotchain.cli import main
from pilotchain.endpoints import resolve


def cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def cli_json(capsys, *argv):
    code, out, err = cli(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


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

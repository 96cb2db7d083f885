"""The signed request: the gateway's fast EIP-712 digest is the one wallets sign."""

from dataclasses import replace

from eth_account import Account
from eth_account.messages import _hash_eip191_message

from pilotchain.gateway.signing import SignedRequest, new_nonce, sign_request


def signed(**changes):
    requester = Account.create()
    fields = dict(chain_id=31337, gateway=Account.create().address, asset_id=7, purpose=4, nonce=new_nonce(),
                  expiry=2**40)
    return sign_request(requester, **{**fields, **changes}), requester


def test_request_id_is_the_eip712_digest_eth_account_signs():
    request, _ = signed()
    assert request.request_id == _hash_eip191_message(request.signable())


def test_signature_recovers_to_the_requester_through_the_header():
    request, requester = signed(asset_id=2**200, nonce=2**255)
    assert SignedRequest.from_header(request.to_header()).signer() == requester.address


def test_unrecoverable_signature_recovers_no_account():
    request, _ = signed()
    broken = replace(request, signature="0x" + "00" * 64 + "1b")
    assert broken.signer() is None

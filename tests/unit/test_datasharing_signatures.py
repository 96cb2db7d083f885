"""EIP-712 signed grants: signed offline in Python by an owner admin, submitted by anyone, and
rejected with a named error when replayed on another chain or contract, reused, expired, or
signed by a non-admin or by an admin of a suspended entity."""

import brownie
import pytest
from brownie import chain
from eth_account.messages import encode_typed_data
from eth_utils import keccak

from pilotchain.datasharing import GRANT_TYPE, Purpose, constructor_args, purpose_mask, typed_data
from tests.fixtures.datasharing import advance, emitted
from tests.fixtures.registry_extra import ANY, err

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@pytest.fixture
def university(entity_ids):
    return entity_ids["university"]


def submit(datasharing, signed, sender, signature=None):
    return datasharing.submitSignedGrant(signed.as_tuple(), signature or signed.signature, {"from": sender})


def test_anyone_submits_grant_signed_by_owner_admin(datasharing, sign_as, hospital_signer, outsider, asset, university, university_admin, entity_ids):
    signed = sign_as(hospital_signer, nonce=7)
    tx = submit(datasharing, signed, outsider)
    assert emitted(tx, "SignedGrantSubmitted") == {
        "assetId": asset, "signer": hospital_signer.address, "grantee": university, "nonce": 7
    }
    assert emitted(tx, "GrantIssued")["owner"] == entity_ids["hospital"]
    assert datasharing.nonceUsed(hospital_signer, 7)
    assert datasharing.canAccess(asset, university_admin, Purpose.Research)


def test_grant_type_hash_matches_python_definition(datasharing):
    assert datasharing.GRANT_TYPEHASH() == "0x" + keccak(text=GRANT_TYPE).hex()


def test_domain_separator_matches_eth_account(datasharing):
    signable = encode_typed_data(full_message=typed_data(chain.id, datasharing.address, {
        "assetId": 0, "grantee": 0, "purposes": 0, "validFrom": 0, "validUntil": 0, "holdUntil": 0,
        "signer": "0x" + "00" * 20, "nonce": 0, "deadline": 0,
    }))
    assert datasharing.domainSeparator() == "0x" + signable.header.hex()


def test_signature_is_single_use(datasharing, sign_as, hospital_signer, outsider):
    signed = sign_as(hospital_signer, nonce=3)
    submit(datasharing, signed, outsider)
    with brownie.reverts(revert_pattern=err("DataSharingNonceUsed", hospital_signer.address, 3)):
        submit(datasharing, signed, outsider)


def test_nonces_may_be_used_in_any_order(datasharing, sign_as, hospital_signer, outsider, entity_ids):
    submit(datasharing, sign_as(hospital_signer, nonce=5), outsider)
    submit(datasharing, sign_as(hospital_signer, nonce=2, grantee=entity_ids["bank"]), outsider)
    assert datasharing.nonceUsed(hospital_signer, 2) and datasharing.nonceUsed(hospital_signer, 5)
    assert not datasharing.nonceUsed(hospital_signer, 3)


def test_signature_for_another_chain_is_rejected(datasharing, sign_as, hospital_signer, outsider):
    signed = sign_as(hospital_signer, chain_id=chain.id + 1)
    with brownie.reverts(revert_pattern=err("DataSharingInvalidSignature", hospital_signer.address, ANY)):
        submit(datasharing, signed, outsider)


def test_signature_for_another_contract_is_rejected(DataSharing, datasharing, registry, deployer, sign_as, hospital_signer, outsider):
    other = DataSharing.deploy(*constructor_args(registry.address), {"from": deployer})
    signed = sign_as(hospital_signer, contract=other.address)
    with brownie.reverts(revert_pattern=err("DataSharingInvalidSignature", hospital_signer.address, ANY)):
        submit(datasharing, signed, outsider)


def test_altered_grant_is_rejected(datasharing, sign_as, hospital_signer, outsider):
    signed = sign_as(hospital_signer)
    altered = signed.as_tuple()[:2] + (purpose_mask([Purpose.Research, Purpose.Treatment]),) + signed.as_tuple()[3:]
    with brownie.reverts(revert_pattern=err("DataSharingInvalidSignature", hospital_signer.address, ANY)):
        datasharing.submitSignedGrant(altered, signed.signature, {"from": outsider})


def test_expired_signature_is_rejected(datasharing, sign_as, hospital_signer, outsider):
    signed = sign_as(hospital_signer, deadline=chain.time() + 60)
    advance(120)
    with brownie.reverts(revert_pattern=err("DataSharingSignatureExpired", signed.deadline, ANY)):
        submit(datasharing, signed, outsider)


def test_signature_of_operator_is_rejected(datasharing, registry, sign_as, hospital_admin, accounts, outsider, asset):
    operator = accounts.add()
    registry.addAccount(operator, 1, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingNotOwnerAdmin", operator.address, asset)):
        submit(datasharing, sign_as(operator), outsider)


def test_signature_of_other_entity_admin_is_rejected(datasharing, registry, sign_as, bank_admin, accounts, outsider, asset):
    bank_signer = accounts.add()
    registry.addAccount(bank_signer, 2, {"from": bank_admin})
    with brownie.reverts(revert_pattern=err("DataSharingNotOwnerAdmin", bank_signer.address, asset)):
        submit(datasharing, sign_as(bank_signer), outsider)


def test_signature_of_suspended_entity_admin_is_rejected(datasharing, sign_as, suspend, hospital_signer, outsider, entity_ids):
    signed = sign_as(hospital_signer)
    suspend(entity_ids["hospital"])
    with brownie.reverts(revert_pattern=err("DataSharingEntityNotActive", entity_ids["hospital"])):
        submit(datasharing, signed, outsider)


def test_malleable_high_s_signature_is_rejected(datasharing, sign_as, hospital_signer, outsider):
    signed = sign_as(hospital_signer)
    raw = bytes.fromhex(signed.signature[2:])
    r, s, v = raw[:32], int.from_bytes(raw[32:64], "big"), raw[64]
    flipped = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])
    with brownie.reverts(revert_pattern=err("ECDSAInvalidSignatureS", (SECP256K1_N - s).to_bytes(32, "big"))):
        submit(datasharing, signed, outsider, signature=flipped)


def test_raw_recovery_id_instead_of_27_or_28_is_rejected(datasharing, sign_as, hospital_signer, outsider):
    """Some signers give v as the raw recovery id (0 or 1); the contract names it rather than guess."""
    signed = sign_as(hospital_signer)
    raw = bytes.fromhex(signed.signature[2:])
    with brownie.reverts(revert_pattern=err("ECDSAInvalidSignatureV", raw[64] - 27)):
        submit(datasharing, signed, outsider, signature=raw[:64] + bytes([raw[64] - 27]))
    assert not datasharing.nonceUsed(hospital_signer, 0)


def test_signature_that_recovers_no_address_is_rejected(datasharing, sign_as, hospital_signer, outsider):
    """r = 0 is no point on the curve: ecrecover finds no signer."""
    signed = sign_as(hospital_signer)
    raw = bytes.fromhex(signed.signature[2:])
    zero = "0x" + "00" * 20
    with brownie.reverts(revert_pattern=err("DataSharingInvalidSignature", hospital_signer.address, zero)):
        submit(datasharing, signed, outsider, signature=bytes(32) + raw[32:])


def test_signed_grant_on_a_retired_asset_is_rejected(datasharing, sign_as, hospital_signer, hospital_admin, outsider,
                                                    asset):  # fmt: skip
    signed = sign_as(hospital_signer)
    datasharing.retireAsset(asset, {"from": hospital_admin})
    with brownie.reverts(revert_pattern=err("DataSharingAssetRetired", asset)):
        submit(datasharing, signed, outsider)


def test_signature_of_wrong_length_is_rejected(datasharing, sign_as, hospital_signer, outsider):
    signed = sign_as(hospital_signer)
    with brownie.reverts(revert_pattern=err("ECDSAInvalidSignatureLength", 64)):
        submit(datasharing, signed, outsider, signature=bytes.fromhex(signed.signature[2:])[:64])

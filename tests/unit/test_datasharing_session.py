"""The Python API (pilotchain.datasharing) over a Session: from an asset to a signed grant, a
check, a receipt and a revocation; rejected calls raise the decoded custom error."""

import brownie
import pytest
from eth_account import Account
from eth_utils import keccak

from pilotchain import datasharing as ds
from pilotchain.datasharing import Purpose, RequestStatus
from pilotchain.errors import ContractError
from pilotchain.session import Session
from tests.fixtures.datasharing import DAY, LOCATOR


@pytest.fixture
def session_of(registry, datasharing):
    addresses = {"EntityRegistry": registry.address, "DataSharing": datasharing.address}
    return lambda account: Session(brownie.web3, str(account), addresses)


def test_signed_grant_check_receipt_and_revocation(session_of, hospital_signer, hospital_admin, hospital_operator, outsider, university_admin, entity_ids):
    owner = session_of(hospital_admin)
    asset = ds.register_asset(owner, keccak(text="icu 2025"), LOCATOR, schema=1, sensitivity=ds.Sensitivity.Confidential)
    assert (asset.owner, asset.content_hash) == (entity_ids["hospital"], keccak(text="icu 2025"))

    now = brownie.chain.time()
    signed = ds.sign_grant(
        Account.from_key(hospital_signer.private_key), chain_id=brownie.chain.id, contract=owner.addresses["DataSharing"],
        asset_id=asset.asset_id, grantee=entity_ids["university"], purposes=[Purpose.Research],
        valid_until=now + 30 * DAY, nonce=0, deadline=now + DAY,
    )
    restored = ds.SignedGrant.from_json(signed.to_json())
    grant = ds.submit_signed_grant(session_of(outsider), restored)
    assert grant.purposes == [Purpose.Research] and grant.owner == entity_ids["hospital"]

    gateway = session_of(hospital_operator)
    assert ds.can_access(gateway, asset.asset_id, str(university_admin), Purpose.Research)
    recorded = ds.record_access(gateway, asset.asset_id, entity_ids["university"], Purpose.Research,
                                keccak(text="extract 1"), keccak(text="gw 1"))
    assert recorded["deliveryHash"] == keccak(text="extract 1")

    revoked = ds.revoke(owner, asset.asset_id, entity_ids["university"], 2)
    assert revoked["reason"] == 2
    assert not ds.can_access(gateway, asset.asset_id, str(university_admin), Purpose.Research)


def test_request_approval_and_listings(session_of, asset, hospital_admin, university_admin, entity_ids):
    request = ds.request_access(session_of(university_admin), asset, Purpose.Treatment, 10 * DAY, ds.text_hash("care pathway study"))
    assert ds.pending_requests(session_of(hospital_admin), entity_ids["hospital"]) == [request]
    grant = ds.approve_request(session_of(hospital_admin), request.request_id, term=5 * DAY)
    assert grant.valid_until - grant.valid_from == 5 * DAY
    owner = session_of(hospital_admin)
    assert ds.get_request(owner, request.request_id).status == RequestStatus.Approved
    assert ds.grants_held(owner, entity_ids["university"]) == [grant]
    assert [a.asset_id for a in ds.assets_of(owner, entity_ids["hospital"])] == [asset]
    assert ds.purposes(owner)[int(Purpose.Treatment)] == "treatment"


def test_rejected_call_raises_decoded_error(session_of, asset, university_admin, entity_ids):
    gateway = session_of(university_admin)
    with pytest.raises(ContractError) as raised:
        ds.record_access(gateway, asset, entity_ids["university"], Purpose.Research, keccak(text="x"), keccak(text="y"))
    assert raised.value.name == "DataSharingNotOwnerAccount"
    assert raised.value.args_by_name == {"account": str(university_admin), "assetId": asset}


def test_signed_grant_for_other_contract_is_refused_before_sending(session_of, hospital_signer, outsider, asset, entity_ids):
    signed = ds.sign_grant(
        Account.from_key(hospital_signer.private_key), chain_id=brownie.chain.id, contract="0x" + "11" * 20,
        asset_id=asset, grantee=entity_ids["university"], purposes=[Purpose.Research], valid_until=2**39, nonce=0, deadline=2**39,
    )
    with pytest.raises(ds.ConfigError, match="signed for the DataSharing contract"):
        ds.submit_signed_grant(session_of(outsider), signed)

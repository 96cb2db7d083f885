"""Stateful test: random grants (direct and EIP-712 signed), renewals, revocations, nonce
cancellations, receipts, suspensions of the owner and time travel on one asset, against a
plain-Python model of which grantee may use the asset for which purpose."""

import brownie
from brownie.test import strategy
from eth_account import Account
from eth_utils import keccak

from pilotchain.datasharing import Purpose, purpose_mask, sign_grant
from pilotchain.registry import ActionKind, status_payload
from tests.fixtures.datasharing import DAY
from tests.fixtures.registry import pass_proposal
from tests.fixtures.registry_extra import err
from tests.fixtures.fuzzing import fuzz_settings

PURPOSES = [Purpose.Research, Purpose.PublicService, Purpose.Treatment]
CI_BUDGET = {"max_examples": 10, "stateful_step_count": 15}  # ~1 minute on ganache
GRANTEES = ["university", "bank", "gov"]
NONCES = 4  # signed-grant nonces 0-3: all in bitmap word 0
SIGNED_DAYS = 200  # signed grants outlast any run (at most 15 steps of 7.5 days)


class GrantModel:
    """Rules take the success path when the model says the call is valid, else assert the error."""

    st_grantee = strategy("uint8", max_value=len(GRANTEES) - 1)
    st_purposes = strategy("uint8", min_value=1, max_value=(1 << len(Purpose)) - 1)  # any mask of the five codes
    st_purpose = strategy("uint8", max_value=len(PURPOSES) - 1)
    st_days = strategy("uint8", min_value=1, max_value=20)
    st_hold_days = strategy("uint8", max_value=20)
    st_elapsed = strategy("uint8", min_value=1, max_value=15)
    st_nonce = strategy("uint8", max_value=NONCES - 1)
    st_mask = strategy("uint8", max_value=(1 << NONCES) - 1)  # bits of nonces 0-3
    st_canceller = strategy("bool")

    def __init__(self, datasharing, registry, council, asset, owner_id, admins, gateway, entity_ids, members):
        self.ds, self.registry, self.council, self.asset = datasharing, registry, council, asset
        self.owner_id, self.gateway = owner_id, gateway
        self.owner, self.signer = admins  # the hospital's admin and its second admin, whose key is local
        self.key = Account.from_key(self.signer.private_key)
        self.ids = [entity_ids[name] for name in GRANTEES]
        self.members = members

    def setup(self):
        self.grants = {}  # entity id -> dict(purposes, start, until, hold, revoked)
        self.spent = 0  # bitmap of used or cancelled nonces
        self.owner_active = True
        # nonce -> the last grant signed with it; one signed offline per nonce to start with, and
        # a current grant, so that even a short run submits, cancels and suspends with effect
        self.signed = {}
        for nonce in range(NONCES):
            self.rule_sign(grantee=nonce % len(GRANTEES), purposes=nonce + 1, nonce=nonce)
        self.rule_grant(grantee=0, purposes=purpose_mask(PURPOSES), days=10, hold_days=0)

    def _now(self):
        return brownie.chain[-1].timestamp

    def _live(self, entity, at):
        g = self.grants.get(entity)
        return g is not None and not g["revoked"] and at < g["until"]

    def _current(self, entity, purpose, at):
        g = self.grants.get(entity)
        return (
            g is not None and not g["revoked"] and g["start"] <= at < g["until"]
            and bool(g["purposes"] & purpose_mask([purpose]))
        )

    def _owner_refused(self):
        return brownie.reverts(revert_pattern=err("DataSharingEntityNotActive", self.owner_id))

    # ------------------------------------------------------------ direct grants

    def rule_grant(self, grantee="st_grantee", purposes="st_purposes", days="st_days", hold_days="st_hold_days"):
        entity = self.ids[grantee]
        start = self._now()
        until, hold = start + days * DAY, start + min(hold_days, days) * DAY
        if not self.owner_active:
            with self._owner_refused():
                self.ds.grant(self.asset, entity, purposes, 0, until, hold, {"from": self.owner})
            return
        if self._live(entity, start + 1):
            with brownie.reverts(revert_pattern=r"DataSharingGrantExists: .*"):
                self.ds.grant(self.asset, entity, purposes, 0, until, hold, {"from": self.owner})
            return
        tx = self.ds.grant(self.asset, entity, purposes, 0, until, hold, {"from": self.owner})
        start = tx.events["GrantIssued"]["validFrom"]
        self.grants[entity] = dict(purposes=purposes, start=start, until=until, hold=hold, revoked=False)

    def rule_revoke(self, grantee="st_grantee"):
        entity = self.ids[grantee]
        at = self._now() + 1
        if not self._live(entity, at):
            with brownie.reverts(revert_pattern=r"DataSharingNoLiveGrant: .*"):
                self.ds.revoke(self.asset, entity, 1, {"from": self.owner})
        elif not self.owner_active:
            with self._owner_refused():
                self.ds.revoke(self.asset, entity, 1, {"from": self.owner})
        elif at < self.grants[entity]["hold"]:
            with brownie.reverts(revert_pattern=r"DataSharingGrantOnHold: .*"):
                self.ds.revoke(self.asset, entity, 1, {"from": self.owner})
        else:
            self.ds.revoke(self.asset, entity, 1, {"from": self.owner})
            self.grants[entity]["revoked"] = True

    def rule_renew(self, grantee="st_grantee", days="st_days"):
        entity = self.ids[grantee]
        if not self.owner_active:
            with self._owner_refused():
                self.ds.renew(self.asset, entity, self._now() + days * DAY, 0, {"from": self.owner})
            return
        if not self._live(entity, self._now() + 1):
            with brownie.reverts(revert_pattern=r"DataSharingNoLiveGrant: .*"):
                self.ds.renew(self.asset, entity, self._now() + days * DAY, 0, {"from": self.owner})
            return
        until = self.grants[entity]["until"] + days * DAY
        self.ds.renew(self.asset, entity, until, 0, {"from": self.owner})
        self.grants[entity]["until"] = until

    # ------------------------------------------------------------ signed grants and their nonces

    def rule_sign(self, grantee="st_grantee", purposes="st_purposes", nonce="st_nonce"):
        """The second admin signs a grant offline (replacing any earlier one with the same nonce)."""
        now = self._now()
        self.signed[nonce] = sign_grant(
            self.key, chain_id=brownie.chain.id, contract=self.ds.address, asset_id=self.asset,
            grantee=self.ids[grantee], purposes=[code for code in range(len(Purpose)) if purposes >> code & 1],
            valid_until=now + SIGNED_DAYS * DAY, nonce=nonce, deadline=now + SIGNED_DAYS * DAY,
        )

    def rule_submit(self, pick="st_nonce"):
        """Anyone submits one of the signatures made so far (again, if it was submitted before)."""
        if not self.signed:
            return
        nonce = sorted(self.signed)[pick % len(self.signed)]
        signed = self.signed[nonce]
        submit = lambda: self.ds.submitSignedGrant(signed.as_tuple(), signed.signature, {"from": self.members[0]})
        if self.spent >> nonce & 1:
            with brownie.reverts(revert_pattern=err("DataSharingNonceUsed", self.signer.address, nonce)):
                submit()
        elif not self.owner_active:
            with self._owner_refused():
                submit()
        elif self._live(signed.grantee, self._now() + 1):
            with brownie.reverts(revert_pattern=r"DataSharingGrantExists: .*"):
                submit()
        else:
            tx = submit()
            start = tx.events["GrantIssued"]["validFrom"]
            self.grants[signed.grantee] = dict(
                purposes=signed.purposes, start=start, until=signed.valid_until, hold=0, revoked=False
            )
            self.spent |= 1 << nonce

    def rule_cancel_nonce(self, nonce="st_nonce", by_signer="st_canceller"):
        """The signer or the entity's other admin cancels one nonce."""
        caller = self.signer if by_signer else self.owner
        if not self.owner_active:
            with brownie.reverts(revert_pattern=err("DataSharingNotSignerAdmin", caller.address, self.signer.address)):
                self.ds.cancelNonce(self.signer, nonce, {"from": caller})
        elif self.spent >> nonce & 1:
            with brownie.reverts(revert_pattern=err("DataSharingNonceUsed", self.signer.address, nonce)):
                self.ds.cancelNonce(self.signer, nonce, {"from": caller})
        else:
            tx = self.ds.cancelNonce(self.signer, nonce, {"from": caller})
            assert tx.events["NoncesInvalidated"]["mask"] == 1 << nonce
            self.spent |= 1 << nonce

    def rule_invalidate_nonces(self, mask="st_mask", by_signer="st_canceller"):
        caller = self.signer if by_signer else self.owner
        fresh = mask & ~self.spent
        if not self.owner_active:
            with brownie.reverts(revert_pattern=err("DataSharingNotSignerAdmin", caller.address, self.signer.address)):
                self.ds.invalidateNonces(self.signer, 0, mask, {"from": caller})
        elif fresh == 0:
            with brownie.reverts(revert_pattern=err("DataSharingNoncesUsed", self.signer.address, 0, mask)):
                self.ds.invalidateNonces(self.signer, 0, mask, {"from": caller})
        else:
            tx = self.ds.invalidateNonces(self.signer, 0, mask, {"from": caller})
            assert tx.events["NoncesInvalidated"]["mask"] == fresh
            self.spent |= fresh

    # ------------------------------------------------------------ receipts, suspension, time

    def rule_record(self, grantee="st_grantee", purpose="st_purpose"):
        entity, code = self.ids[grantee], PURPOSES[purpose]
        record = lambda: self.ds.recordAccess(
            self.asset, entity, code, keccak(text="delivery"), keccak(text="request"), {"from": self.gateway}
        )
        if not self.owner_active:
            with self._owner_refused():
                record()
        elif not self._current(entity, code, self._now() + 1):
            with brownie.reverts(revert_pattern=err("DataSharingNoValidGrant", self.asset, entity, code)):
                record()
        else:
            assert record().events["AccessRecorded"]["grantee"] == entity

    def rule_suspend_or_reinstate_owner(self):
        kind = ActionKind.Suspend if self.owner_active else ActionKind.Reinstate
        pass_proposal(self.registry, self.council, kind, status_payload(self.owner_id, "stateful"))
        self.owner_active = not self.owner_active

    def rule_time_passes(self, elapsed="st_elapsed"):
        brownie.chain.sleep(elapsed * DAY // 2)
        brownie.chain.mine()

    def invariant_access_matches_model(self):
        now = self._now()
        for entity, member in zip(self.ids, self.members):
            for purpose in PURPOSES:
                expected = self.owner_active and self._current(entity, purpose, now)
                assert self.ds.canAccess(self.asset, member, purpose) == expected

    def invariant_nonces_match_model(self):
        assert self.ds.nonceBitmap(self.signer, 0) == self.spent


def test_grants_match_model(state_machine_runner, datasharing, registry, council, asset, hospital_admin, hospital_signer, hospital_operator, entity_ids, university_admin, bank_admin, gov_admin):
    members = [university_admin, bank_admin, gov_admin]
    state_machine_runner(
        GrantModel, datasharing, registry, council, asset, entity_ids["hospital"], (hospital_admin, hospital_signer),
        hospital_operator, entity_ids, members, settings=fuzz_settings(**CI_BUDGET),
    )

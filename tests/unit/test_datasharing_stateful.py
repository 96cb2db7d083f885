"""Stateful test: random grants, renewals, revocations and time travel on one asset, against a
plain-Python model of which grantee may use the asset for which purpose."""

import brownie
from brownie.test import strategy

from pilotchain.datasharing import Purpose, purpose_mask
from tests.fixtures.datasharing import DAY
from tests.fixtures.fuzzing import fuzz_settings

PURPOSES = [Purpose.Research, Purpose.PublicService, Purpose.Treatment]
CI_BUDGET = {"max_examples": 10, "stateful_step_count": 15}  # ~1 minute on ganache
GRANTEES = ["university", "bank", "gov"]


class GrantModel:
    """Rules take the success path when the model says the call is valid, else assert the error."""

    st_grantee = strategy("uint8", max_value=len(GRANTEES) - 1)
    st_purposes = strategy("uint8", min_value=1, max_value=(1 << len(Purpose)) - 1)  # any mask of the five codes
    st_days = strategy("uint8", min_value=1, max_value=20)
    st_hold_days = strategy("uint8", max_value=20)
    st_elapsed = strategy("uint8", min_value=1, max_value=15)

    def __init__(self, datasharing, asset, owner, entity_ids, members):
        self.ds, self.asset, self.owner = datasharing, asset, owner
        self.ids = [entity_ids[name] for name in GRANTEES]
        self.members = members

    def setup(self):
        self.grants = {}  # entity id -> dict(purposes, until, hold, revoked)

    def _now(self):
        return brownie.chain[-1].timestamp

    def _live(self, entity, at):
        g = self.grants.get(entity)
        return g is not None and not g["revoked"] and at < g["until"]

    def rule_grant(self, grantee="st_grantee", purposes="st_purposes", days="st_days", hold_days="st_hold_days"):
        entity = self.ids[grantee]
        start = self._now()
        until, hold = start + days * DAY, start + min(hold_days, days) * DAY
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
        elif at < self.grants[entity]["hold"]:
            with brownie.reverts(revert_pattern=r"DataSharingGrantOnHold: .*"):
                self.ds.revoke(self.asset, entity, 1, {"from": self.owner})
        else:
            self.ds.revoke(self.asset, entity, 1, {"from": self.owner})
            self.grants[entity]["revoked"] = True

    def rule_renew(self, grantee="st_grantee", days="st_days"):
        entity = self.ids[grantee]
        if not self._live(entity, self._now() + 1):
            with brownie.reverts(revert_pattern=r"DataSharingNoLiveGrant: .*"):
                self.ds.renew(self.asset, entity, self._now() + days * DAY, 0, {"from": self.owner})
            return
        until = self.grants[entity]["until"] + days * DAY
        self.ds.renew(self.asset, entity, until, 0, {"from": self.owner})
        self.grants[entity]["until"] = until

    def rule_time_passes(self, elapsed="st_elapsed"):
        brownie.chain.sleep(elapsed * DAY // 2)
        brownie.chain.mine()

    def invariant_access_matches_model(self):
        now = self._now()
        for entity, member in zip(self.ids, self.members):
            g = self.grants.get(entity)
            for purpose in PURPOSES:
                expected = (
                    g is not None and not g["revoked"] and g["start"] <= now < g["until"]
                    and bool(g["purposes"] & purpose_mask([purpose]))
                )
                assert self.ds.canAccess(self.asset, member, purpose) == expected


def test_grants_match_model(state_machine_runner, datasharing, asset, hospital_admin, entity_ids, university_admin, bank_admin, gov_admin):
    members = [university_admin, bank_admin, gov_admin]
    state_machine_runner(GrantModel, datasharing, asset, hospital_admin, entity_ids, members, settings=fuzz_settings(**CI_BUDGET))

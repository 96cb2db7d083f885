"""Stateful test: random observations, custody hand-overs, consumption and recalls, checked against
a plain-Python model of every item after each step."""

import brownie
from brownie.test import strategy

from pilotchain.provenance import Status
from tests.fixtures.fuzzing import fuzz_settings
from tests.fixtures.provenance import event, lot

ENTITIES = ["cellmaker", "carmaker", "logistics"]
LOTS = [lot(f"urn:epc:class:lgtin:4012345.011111.S{i}", 10_000, "KGM") for i in range(3)]
OUTPUT = "0x" + "0f" * 32


class Model:
    def __init__(self, owner):
        self.owner = self.custodian = owner
        self.pending = 0
        self.available = 10_000
        self.recalled = False
        self.events = 1

    @property
    def status(self):
        if self.available == 0:
            return Status.Consumed
        if self.recalled:
            return Status.Recalled
        return Status.InTransit if self.pending else Status.Active


class ProvenanceMachine:
    st_item = strategy("uint8", max_value=len(LOTS) - 1)
    st_actor = strategy("uint8", max_value=len(ENTITIES) - 1)
    st_amount = strategy("uint64", max_value=12_000)

    def __init__(self, provenance, accounts_by_entity, entity_ids):
        self.provenance = provenance
        self.accounts = accounts_by_entity
        self.ids = entity_ids

    def setup(self):
        self.model = {}
        for i, quantity in enumerate(LOTS):
            self.provenance.commission(quantity, event(), {"from": self.accounts["cellmaker"]})
            self.model[i] = Model(self.ids["cellmaker"])

    def _account(self, actor):
        return self.accounts[ENTITIES[actor]]

    def _entity(self, actor):
        return self.ids[ENTITIES[actor]]

    def rule_observe(self, item="st_item", actor="st_actor"):
        m, who = self.model[item], self._entity(actor)
        if m.status == Status.Consumed:
            with brownie.reverts(revert_pattern=r"ProvenanceItemClosed.*"):
                self.provenance.observe(LOTS[item][0], event(), {"from": self._account(actor)})
        elif m.custodian != who:
            with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
                self.provenance.observe(LOTS[item][0], event(), {"from": self._account(actor)})
        else:
            self.provenance.observe(LOTS[item][0], event(), {"from": self._account(actor)})
            m.events += 1

    def rule_offer(self, item="st_item", actor="st_actor", to="st_actor"):
        m, who, receiver = self.model[item], self._entity(actor), self._entity(to)
        call = lambda: self.provenance.offerCustody(LOTS[item][0], receiver, {"from": self._account(actor)})  # noqa: E731
        if m.custodian != who:
            with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
                call()
        elif m.status == Status.Consumed:
            with brownie.reverts(revert_pattern=r"ProvenanceItemClosed.*"):
                call()
        elif m.pending:
            with brownie.reverts(revert_pattern=r"ProvenanceInTransit.*"):
                call()
        elif receiver == who:
            with brownie.reverts(revert_pattern=r"ProvenanceSelfTransfer.*"):
                call()
        else:
            call()
            m.pending = receiver
            m.events += 1

    def rule_accept(self, item="st_item", actor="st_actor"):
        m, who = self.model[item], self._entity(actor)
        call = lambda: self.provenance.acceptCustody(LOTS[item][0], {"from": self._account(actor)})  # noqa: E731
        if not m.pending:
            with brownie.reverts(revert_pattern=r"ProvenanceNoPendingTransfer.*"):
                call()
        elif m.pending != who:
            with brownie.reverts(revert_pattern=r"ProvenanceNotPendingReceiver.*"):
                call()
        else:
            call()
            m.custodian, m.pending = who, 0
            m.events += 1

    def rule_consume(self, item="st_item", actor="st_actor", amount="st_amount"):
        m, who = self.model[item], self._entity(actor)
        use = (LOTS[item][0], True, amount, LOTS[item][3])
        call = lambda: self.provenance.transform([use], [(OUTPUT, True, 0, LOTS[item][3])], event(),  # noqa: E731
                                                 {"from": self._account(actor)})  # fmt: skip
        if m.status == Status.Consumed:
            with brownie.reverts(revert_pattern=r"ProvenanceItemClosed.*"):
                call()
        elif m.custodian != who:
            with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
                call()
        elif m.pending:
            with brownie.reverts(revert_pattern=r"ProvenanceInTransit.*"):
                call()
        elif m.recalled:
            with brownie.reverts(revert_pattern=r"ProvenanceRecalled.*"):
                call()
        elif amount > m.available:
            with brownie.reverts(revert_pattern=r"ProvenanceQuantityExceeded.*"):
                call()
        elif self.provenance.verify(OUTPUT)["known"] and self.provenance.verify(OUTPUT)["custodian"] != who:
            with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
                call()
        else:
            call()
            m.available -= amount
            m.events += 1

    def rule_recall(self, item="st_item"):
        m = self.model[item]
        call = lambda: self.provenance.recall(LOTS[item][0], "0x" + "72" * 32, {"from": self.accounts["cellmaker"]})  # noqa: E731
        if m.recalled:
            with brownie.reverts(revert_pattern=r"ProvenanceRecalled.*"):
                call()
        else:
            call()
            m.recalled = True
            m.events += 1

    def invariant_items_match_model(self):
        for i, m in self.model.items():
            v = self.provenance.verify(LOTS[i][0])
            assert (v["status"], v["owner"], v["custodian"], v["pendingCustodian"], v["available"], v["eventCount"]) == (
                m.status, m.owner, m.custodian, m.pending, m.available, m.events,
            )


def test_items_match_model(state_machine_runner, provenance, cellmaker_admin, carmaker_admin, logistics_admin,
                           entity_ids):  # fmt: skip
    accounts_by_entity = {"cellmaker": cellmaker_admin, "carmaker": carmaker_admin, "logistics": logistics_admin}
    # 10 runs of 15 steps keep the module within a minute or two on 2 cores (rejected steps are traced).
    state_machine_runner(ProvenanceMachine, provenance, accounts_by_entity, entity_ids,
                         settings=fuzz_settings(max_examples=10, stateful_step_count=15))  # fmt: skip

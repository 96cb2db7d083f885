"""Stateful test: random observations, custody hand-overs, consumption, packing, recalls, recall
acknowledgements (genuine and forged), withdrawals and releases, checked against a plain-Python
model of every item after each step."""

import brownie
from brownie.test import strategy

from pilotchain.provenance import Status
from tests.fixtures.fuzzing import fuzz_settings
from tests.fixtures.provenance import event, lot

ENTITIES = ["cellmaker", "carmaker", "logistics"]
LOTS = [lot(f"urn:epc:class:lgtin:4012345.011111.S{i}", 10_000, "KGM") for i in range(3)]
OUTPUT = "0x" + "0f" * 32
NO_PROOF = ("0x" + "00" * 20, [], [])


class Model:
    def __init__(self, owner):
        self.owner = self.custodian = owner
        self.pending = 0
        self.available = 10_000
        self.recall_author = 0  # entity whose recall is in force, 0 when none
        self.acknowledged = set()  # other lots whose recall this lot acknowledged
        self.parent = None  # index of the lot it is packed into
        self.events = 1

    @property
    def recalled(self):
        return bool(self.recall_author or self.acknowledged)

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
    st_other = strategy("uint8", max_value=len(LOTS) - 1)
    st_honest = strategy("bool")  # the rules of the recall and packing exploits: act as the rightful party
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
        # Start with lot 0 packed into lot 1, so that the packed-child rules bite from the first step.
        self.provenance.pack(LOTS[1][0], [LOTS[0][0]], event(), {"from": self.accounts["cellmaker"]})
        self.model[0].parent = 1
        self.model[0].events += 1
        self.model[1].events += 1

    def _account(self, actor):
        return self.accounts[ENTITIES[actor]]

    def _entity(self, actor):
        return self.ids[ENTITIES[actor]]

    def _caller(self, actor, rightful, honest):
        """(entity, account): the rightful entity when `honest`, otherwise the drawn actor."""
        who = rightful if honest else self._entity(actor)
        return who, next(self.accounts[e] for e in ENTITIES if self.ids[e] == who)

    def _custodian(self, item):
        """A packed lot is held by the custodian of its outermost parent."""
        while self.model[item].parent is not None:
            item = self.model[item].parent
        return self.model[item].custodian

    def _ancestors(self, item):
        found = []
        while self.model[item].parent is not None:
            item = self.model[item].parent
            found.append(item)
        return found

    def rule_observe(self, item="st_item", actor="st_actor"):
        m, who = self.model[item], self._entity(actor)
        if m.status == Status.Consumed:
            with brownie.reverts(revert_pattern=r"ProvenanceItemClosed.*"):
                self.provenance.observe(LOTS[item][0], event(), {"from": self._account(actor)})
        elif self._custodian(item) != who:
            with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
                self.provenance.observe(LOTS[item][0], event(), {"from": self._account(actor)})
        else:
            self.provenance.observe(LOTS[item][0], event(), {"from": self._account(actor)})
            m.events += 1

    def rule_offer(self, item="st_item", actor="st_actor", to="st_actor"):
        m, who, receiver = self.model[item], self._entity(actor), self._entity(to)
        call = lambda: self.provenance.offerCustody(LOTS[item][0], receiver, {"from": self._account(actor)})  # noqa: E731
        if m.parent is not None:
            with brownie.reverts(revert_pattern=r"ProvenancePacked.*"):
                call()
        elif m.custodian != who:
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
        elif self._custodian(item) != who:
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

    def rule_recall(self, item="st_item", actor="st_actor", honest="st_honest"):
        m = self.model[item]
        who, account = self._caller(actor, m.owner, honest)
        call = lambda: self.provenance.recall(LOTS[item][0], "0x" + "72" * 32, {"from": account})  # noqa: E731
        if who != m.owner:
            with brownie.reverts(revert_pattern=r"ProvenanceNotRecallAuthority.*"):
                call()
        elif m.recall_author:
            with brownie.reverts(revert_pattern=r"ProvenanceRecalled.*"):
                call()
        else:
            call()
            m.recall_author = who
            m.events += 1

    def rule_withdraw(self, item="st_item", actor="st_actor", honest="st_honest"):
        m = self.model[item]
        who, account = self._caller(actor, m.recall_author or m.owner, honest)
        call = lambda: self.provenance.withdrawRecall(LOTS[item][0], "0x" + "5e" * 32, {"from": account})  # noqa: E731
        if not m.recall_author:
            with brownie.reverts(revert_pattern=r"ProvenanceNotRecalled.*"):
                call()
        elif m.owner != who:  # the owner made the recall (no actor is a recall authority)
            with brownie.reverts(revert_pattern=r"ProvenanceNotRecallAuthority.*"):
                call()
        else:
            call()
            m.recall_author = 0
            m.events += 1

    def rule_acknowledge(self, item="st_item", recalled="st_other", actor="st_actor", honest="st_honest"):
        """Acknowledge on `item` the recall of `recalled`, with the genuine packing path when
        `recalled` is packed inside `item`, and a forged one-hop claim otherwise."""
        m = self.model[item]
        who, account = self._caller(actor, self._custodian(item), honest)
        inside = item in self._ancestors(recalled)
        if recalled == item:
            path = []
        elif inside:
            chain = [recalled] + self._ancestors(recalled)  # recalled, its parent, ..., item
            path = [(LOTS[c][0], "0x" + "00" * 32, NO_PROOF, NO_PROOF) for c in reversed(chain[:chain.index(item)])]
        else:
            path = [(LOTS[recalled][0], "0x" + "00" * 32, NO_PROOF, NO_PROOF)]
        call = lambda: self.provenance.acknowledgeRecall(LOTS[item][0], LOTS[recalled][0], path,  # noqa: E731
                                                         {"from": account})  # fmt: skip
        if self._custodian(item) != who:
            with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
                call()
        elif not self.model[recalled].recall_author:
            with brownie.reverts(revert_pattern=r"ProvenanceNotRecalled.*"):
                call()
        elif recalled != item and not inside:
            with brownie.reverts(revert_pattern=r"ProvenanceInvalidDerivationStep.*"):
                call()
        elif recalled in m.acknowledged:
            with brownie.reverts(revert_pattern=r"ProvenanceAlreadyAcknowledged.*"):
                call()
        else:
            call()
            if recalled != item:
                m.acknowledged.add(recalled)
            m.events += 1

    def rule_release(self, item="st_item", recalled="st_other", actor="st_actor"):
        m = self.model[item]
        call = lambda: self.provenance.releaseRecall(LOTS[item][0], LOTS[recalled][0],  # noqa: E731
                                                     {"from": self._account(actor)})  # fmt: skip
        if recalled not in m.acknowledged:
            with brownie.reverts(revert_pattern=r"ProvenanceNotAcknowledged.*"):
                call()
        elif self.model[recalled].recall_author:
            with brownie.reverts(revert_pattern=r"ProvenanceRecallInForce.*"):
                call()
        else:
            call()
            m.acknowledged.discard(recalled)
            m.events += 1

    def rule_pack(self, child="st_item", parent="st_other", actor="st_actor", honest="st_honest"):
        c, p = self.model[child], self.model[parent]
        who, account = self._caller(actor, self._custodian(parent), honest)
        call = lambda: self.provenance.pack(LOTS[parent][0], [LOTS[child][0]], event(), {"from": account})  # noqa: E731
        if p.status == Status.Consumed:
            with brownie.reverts(revert_pattern=r"ProvenanceItemClosed.*"):
                call()
        elif self._custodian(parent) != who:
            with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
                call()
        elif p.pending:
            with brownie.reverts(revert_pattern=r"ProvenanceInTransit.*"):
                call()
        elif c.parent is not None:
            with brownie.reverts(revert_pattern=r"ProvenanceAlreadyPacked.*"):
                call()
        elif child == parent or child in self._ancestors(parent):
            with brownie.reverts(revert_pattern=r"ProvenancePackingCycle.*"):
                call()
        elif c.status == Status.Consumed:
            with brownie.reverts(revert_pattern=r"ProvenanceItemClosed.*"):
                call()
        elif c.custodian != who:
            with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
                call()
        elif c.pending:
            with brownie.reverts(revert_pattern=r"ProvenanceInTransit.*"):
                call()
        else:
            call()
            c.parent = parent
            c.events += 1
            p.events += 1

    def rule_unpack(self, child="st_item", parent="st_other", actor="st_actor", honest="st_honest"):
        c, p = self.model[child], self.model[parent]
        who, account = self._caller(actor, self._custodian(parent), honest)
        call = lambda: self.provenance.unpack(LOTS[parent][0], [LOTS[child][0]], event(),  # noqa: E731
                                              {"from": account})  # fmt: skip
        if p.status == Status.Consumed:
            with brownie.reverts(revert_pattern=r"ProvenanceItemClosed.*"):
                call()
        elif self._custodian(parent) != who:
            with brownie.reverts(revert_pattern=r"ProvenanceNotCustodian.*"):
                call()
        elif p.pending:
            with brownie.reverts(revert_pattern=r"ProvenanceInTransit.*"):
                call()
        elif c.parent != parent:
            with brownie.reverts(revert_pattern=r"ProvenanceNotPacked.*"):
                call()
        else:
            call()
            c.parent, c.custodian = None, who
            c.events += 1
            p.events += 1

    def invariant_items_match_model(self):
        for i, m in self.model.items():
            v = self.provenance.verify(LOTS[i][0])
            parent = LOTS[m.parent][0] if m.parent is not None else "0x" + "00" * 32
            assert (v["status"], v["owner"], v["custodian"], v["pendingCustodian"], v["available"], v["eventCount"],
                    v["parent"]) == (m.status, m.owner, self._custodian(i), m.pending, m.available, m.events, parent)


def test_items_match_model(state_machine_runner, provenance, cellmaker_admin, carmaker_admin, logistics_admin,
                           entity_ids):  # fmt: skip
    accounts_by_entity = {"cellmaker": cellmaker_admin, "carmaker": carmaker_admin, "logistics": logistics_admin}
    # 10 runs of 20 steps keep the module within a minute or two on 2 cores (rejected steps are traced).
    state_machine_runner(ProvenanceMachine, provenance, accounts_by_entity, entity_ids,
                         settings=fuzz_settings(max_examples=10, stateful_step_count=20))  # fmt: skip

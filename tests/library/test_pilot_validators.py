"""The pilot names the PoA network's genesis validators in the registry by council vote."""

import pytest
from eth_account import Account

from pilotchain import registry
from pilotchain.errors import ConfigError
from pilotchain.pilot.validators import name_validators


def test_each_genesis_validator_is_named_for_its_founder_and_a_second_run_proposes_nothing(council_sessions):
    proposer, voters = council_sessions[0], council_sessions[1:]
    signers = [Account.create().address for _ in range(3)]

    first = name_validators(proposer, voters, council_sessions, signers)
    governed = registry.validators(proposer)
    assert {s: governed[s] for s in signers} == {s: registry.entity_id_of(f) for s, f in zip(signers, council_sessions)}
    assert len(first["AddValidator proposals passed"].split(", ")) == 3

    again = name_validators(proposer, voters, council_sessions, signers)
    assert again["AddValidator proposals passed"] == "none needed"
    assert again["validators named by the council"] == first["validators named by the council"]


def test_more_validators_than_founders_is_refused_before_any_proposal(council_sessions):
    before = registry.proposals(council_sessions[0], open_only=False)
    with pytest.raises(ConfigError, match="6 genesis validators but 5 founders"):
        name_validators(council_sessions[0], council_sessions[1:], council_sessions,
                        [Account.create().address for _ in range(6)])
    assert registry.proposals(council_sessions[0], open_only=False) == before

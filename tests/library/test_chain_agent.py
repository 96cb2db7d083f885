"""The validator agent's plan: which Clique votes follow the council's validator set."""

from pilotchain.chain.agent import plan

A, B, C, D = (f"0x{'0' * 39}{n}" for n in range(1, 5))


def never_named(address: str) -> bool:
    return False


def test_council_validator_outside_the_signers_is_voted_in():
    found = plan(10, [A, B], {A: 1, B: 2, C: 3}, never_named)
    assert found.add == [C] and found.remove == [] and found.wanted == {C: True}


def test_named_signer_out_of_the_council_set_is_voted_out():
    found = plan(10, [A, B, C], {A: 1, B: 2}, lambda a: a == C)
    assert found.remove == [C] and found.wanted == {C: False}


def test_signer_the_council_never_named_is_left_alone():
    found = plan(10, [A, B, D], {A: 1, B: 2}, never_named)
    assert found.remove == [] and found.unnamed == [D] and found.matches


def test_empty_registry_votes_nobody_out():
    found = plan(10, [A, B, C], {}, never_named)
    assert found.wanted == {} and found.matches


def test_removal_that_would_leave_no_signer_is_held_back():
    found = plan(10, [A, B], {C: 3}, lambda a: True)
    assert found.remove == [] and found.held == [A, B] and found.add == [C]
    assert not found.matches


def test_signer_set_equal_to_the_council_matches():
    found = plan(10, [B, A], {A: 1, B: 2}, lambda a: True)
    assert found.matches and found.wanted == {}

"""The network's validators under council control from the start.

On the local PoA network the founders run its genesis validators (founder i runs validator i),
and the council names each in the registry with an AddValidator proposal. Nothing changes on
chain but the registry: the signers already seal. What it changes is who decides: a
`pilotchain chain agent` beside a validator votes out only signers the council has named, so
until the founders' validators are named, suspending a founder would leave its validator sealing.
"""

from __future__ import annotations

from pilotchain import registry
from pilotchain.errors import ConfigError
from pilotchain.registry import ActionKind
from pilotchain.session import Session


def name_validators(proposer: Session, voters: list[Session], founders: list[Session], signers: list[str]) -> dict:
    """Pass an AddValidator proposal for each signer the registry does not name yet, signer i run
    by the entity of `founders[i]`; returns the scenario's summary (a second run proposes nothing)."""
    if len(signers) > len(founders):
        raise ConfigError(f"{len(signers)} genesis validators but {len(founders)} founders to run them")
    named = registry.validators(proposer)
    proposals = []
    for founder, signer in zip(founders, signers):
        if signer not in named:
            payload = registry.validator_payload(registry.entity_id_of(founder), signer)
            proposals.append(registry.pass_proposal(proposer, voters, ActionKind.AddValidator, payload))
    governed = registry.validators(proposer)
    return {
        "validators named by the council": ", ".join(f"{signer} (entity {governed[signer]})" for signer in signers),
        "AddValidator proposals passed": ", ".join(map(str, proposals)) or "none needed",
    }

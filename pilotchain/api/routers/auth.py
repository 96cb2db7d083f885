"""Sign-in with Ethereum: a nonce, then the signed EIP-4361 message for a session token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from pilotchain.api.common import State, iso

router = APIRouter(prefix="/auth", tags=["sign-in"])


class Nonce(BaseModel):
    nonce: str


@router.get("/nonce", response_model=Nonce, summary="A fresh single-use nonce for a SIWE message")
def nonce(api: State):
    return {"nonce": api.auth.nonce()}


class SignIn(BaseModel):
    message: str = Field(description="the EIP-4361 message, exactly as signed")
    signature: str = Field(description="its personal_sign signature, 0x hex")


class SessionToken(BaseModel):
    token: str
    account: str
    entity_id: int
    expires: str


@router.post("/siwe", response_model=SessionToken, summary="Sign in with a signed EIP-4361 message")
def sign_in(body: SignIn, request: Request, api: State):
    """The message's domain must be this server (its Host, or a domain it was configured with),
    its URI on that domain, its chain the deployment's, its nonce one issued here and unused;
    the signer must be an active account of an active entity on chain."""
    domains = set(api.settings.siwe_domains) or {request.headers.get("host", "")}
    member = api.auth.sign_in(api.chain, body.message, body.signature, domains=domains,
                              chain_id=api.deployment.chain_id)
    return {"token": api.auth.token(member), "account": member.account, "entity_id": member.entity_id,
            "expires": iso(int(member.expires))}

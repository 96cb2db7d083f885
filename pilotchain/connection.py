"""A web3 connection to a node, ready for proof-of-authority chains."""

from __future__ import annotations

from web3 import Web3
from websockets.exceptions import WebSocketException
from web3.middleware import ExtraDataToPOAMiddleware
from web3.providers import HTTPProvider, LegacyWebSocketProvider

from pilotchain.errors import ConfigError, ConnectionFailed

# A PoA (Clique) header carries 32 vanity bytes plus signers and a 65-byte seal in extraData;
# other chains keep it within 32 bytes, which is all web3's block formatter accepts.
_PLAIN_EXTRA_DATA = 32


def connect(url: str, *, timeout: float = 10.0) -> Web3:
    """Connect to the node at an http(s) or ws(s) `url` and check that it answers.

    On a PoA chain (latest block's extraData longer than 32 bytes) web3's extra-data
    middleware is injected at layer 0, so blocks can be read. Raises `ConnectionFailed`
    when nothing answers within `timeout` seconds.
    """
    if url.startswith(("http://", "https://")):
        provider = HTTPProvider(url, request_kwargs={"timeout": timeout})
    elif url.startswith(("ws://", "wss://")):
        provider = LegacyWebSocketProvider(url, websocket_timeout=timeout)
    else:
        raise ConfigError(f"cannot connect to {url!r}: expected an http(s):// or ws(s):// URL")
    w3 = Web3(provider)
    try:
        response = provider.make_request("eth_getBlockByNumber", ["latest", False])
    except (OSError, ValueError, WebSocketException) as exc:  # requests' errors are OSErrors
        raise ConnectionFailed(f"no node answers at {url} ({type(exc).__name__})") from None
    block = response.get("result")
    if not block:
        raise ConnectionFailed(f"the node at {url} did not return its latest block: {response.get('error')}")
    if len(bytes.fromhex(block["extraData"][2:])) > _PLAIN_EXTRA_DATA:
        w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return w3

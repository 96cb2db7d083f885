"""The chain's JSON-RPC for the browser, on the API's own origin (public).

The console reads the chain itself (verification, tallies) and sends the transactions its
members sign in the page. geth's HTTP endpoint sends no CORS headers and must stay closed to
browsers, so the API forwards exactly the calls a dApp needs to the node it serves from:
reads, gas and fee estimates, and already-signed raw transactions. Everything else (admin,
personal, miner, clique, debug, txpool, eth_sendTransaction, filters) is refused per call with
a JSON-RPC error, as a node refuses an unknown method.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pilotchain.api.common import State
from pilotchain.problems import Problem

router = APIRouter(tags=["chain"])

ALLOWED = frozenset({
    "eth_chainId", "net_version", "eth_blockNumber", "eth_getBlockByNumber", "eth_getBlockByHash",
    "eth_call", "eth_estimateGas", "eth_gasPrice", "eth_maxPriorityFeePerGas", "eth_feeHistory",
    "eth_getLogs", "eth_getCode", "eth_getBalance", "eth_getTransactionCount",
    "eth_getTransactionByHash", "eth_getTransactionReceipt", "eth_sendRawTransaction",
})
MAX_BATCH = 100
METHOD_NOT_FOUND = -32601
INVALID_REQUEST = -32600


@router.post("/rpc", summary="JSON-RPC pass-through to the node for the console (reads, estimates, signed transactions)")
async def rpc(request: Request, api: State):
    try:
        body = await request.json()
    except ValueError:
        raise Problem(400, "invalid-json-rpc", "The body is not JSON") from None
    if isinstance(body, list):
        if not 0 < len(body) <= MAX_BATCH:
            raise Problem(400, "invalid-json-rpc", "A batch holds 1 to 100 calls", detail=f"{len(body)} calls")
        return JSONResponse([_forward(api, call) for call in body])
    return JSONResponse(_forward(api, body))


def _forward(api, call: Any) -> dict:
    if not isinstance(call, dict) or not isinstance(call.get("method"), str):
        return _error(None, INVALID_REQUEST, "a call is an object with a method")
    ident = call.get("id")
    if call["method"] not in ALLOWED:
        return _error(ident, METHOD_NOT_FOUND, f"{call['method']} is not served to browsers")
    answer = dict(api.w3.provider.make_request(call["method"], call.get("params") or []))
    answer["jsonrpc"], answer["id"] = "2.0", ident
    return answer


def _error(ident: Any, code: int, message: str) -> dict:
    return {"jsonrpc": "2.0", "id": ident, "error": {"code": code, "message": message}}

"""The reference data gateway: an owner's files, served only to whom the chain allows at that
moment, with a receipt on chain for every delivery.

- `signing`: the EIP-712 request a requester signs (its digest is the request id);
- `files`: content hashes checked against the chain (hashed once per file modification), ranges;
- `store`: the gateway's record (spent nonces, deliveries, receipt batches) in SQLite;
- `receipts`: the batcher sending `recordAccessBatch` through the journal;
- `server`: the FastAPI application and `serve` (uvicorn);
- `client`: `fetch` for requesters, `audit` for the receipts.
"""

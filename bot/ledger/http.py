"""POST /ledger: applications record Send API responses over HTTP (a Starlette endpoint).

Signed like POST /alerts, with QBX_LEDGER_SECRET: `X-Qbx-Timestamp` (Unix seconds, within 5
minutes) and `X-Qbx-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + body)>`;
unsigned, stale or wrong -> 401; the same signed request again -> 200 `duplicate`, nothing stored
twice. Over the size limit -> 413; not JSON (or nested too deep) -> 400; one record or a list ->
200 with counts; a bad record -> 422 naming the field (nothing stored); Redis down -> 503.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.errors import ConfigError, StoreUnavailable
from bot.ledger.book import InvalidRecord, Ledger, LedgerRecord
from bot.web.guard import (
    V1_MAX_SKEW_SECONDS,
    V1_SIGNATURE,
    BodyRefused,
    load_json,
    read_bounded,
    v1_problem,
)

MAX_BODY_BYTES: Final = 4 * 1024 * 1024
MAX_RECORDS: Final = 1000
RETRY_AFTER_SECONDS: Final = 5

Endpoint = Callable[[Request], Awaitable[Response]]


Claim = Callable[[str, float], Awaitable[bool]]
"""Store.claim: the first caller of a key within the TTL gets True."""


def _error(status: int, error: str, message: str, **extra: Any) -> JSONResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    return JSONResponse({"error": error, "message": message, **extra}, status, headers=headers)


def _validate(ledger: Ledger, items: list[Any]) -> tuple[list[LedgerRecord], list[dict[str, Any]]]:
    records: list[LedgerRecord] = []
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            records.append(ledger.parse(item))
        except InvalidRecord as exc:
            errors += [{"index": index, "field": i.field, "message": i.message} for i in exc.issues]
    return records, errors


def _replay_key(request: Request) -> str:
    return f"ledger:{request.headers.get(V1_SIGNATURE, '')}"


async def _store(ledger: Ledger, payload: Any, max_records: int) -> Response:
    items = payload if isinstance(payload, list) else [payload]
    if len(items) > max_records:
        return _error(413, "too_many_records", f"at most {max_records} records per request")
    records, errors = _validate(ledger, items)
    if errors:
        return _error(422, "validation_failed", "no record was stored", errors=errors)
    try:
        stored = await ledger.record(records)
    except StoreUnavailable:
        return _error(503, "store_unavailable", "the ledger cannot be written now; retry")
    return JSONResponse({"accepted": stored, "rejected": 0})


def ledger_endpoint(
    ledger: Ledger,
    secret: str,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_records: int = MAX_RECORDS,
    clock: Callable[[], float] = time.time,
    claim: Claim | None = None,
) -> Endpoint:
    """The POST /ledger handler; mount it with Route("/ledger", ..., methods=["POST"]).
    With `claim` (the store's), a signed request replayed within the window stores nothing."""
    if not secret:
        raise ConfigError("POST /ledger needs QBX_LEDGER_SECRET")

    async def endpoint(request: Request) -> Response:
        try:
            body = await read_bounded(request, max_body_bytes)
        except BodyRefused as refused:
            return _error(413, "too_large", refused.reason)
        refusal = v1_problem(secret, request.headers, body, clock())
        if refusal is not None:
            return _error(401, "unauthorized", f"{refusal}; sign the body with QBX_LEDGER_SECRET")
        if claim is not None and not await claim(_replay_key(request), 2 * V1_MAX_SKEW_SECONDS):
            return JSONResponse({"accepted": 0, "rejected": 0, "duplicate": True})
        try:
            payload = load_json(body)
        except BodyRefused:
            return _error(400, "invalid_json", "the body is not JSON")
        return await _store(ledger, payload, max_records)

    return endpoint

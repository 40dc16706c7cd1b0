"""POST /ledger: applications record Send API responses over HTTP (a Starlette endpoint).

Bearer shared secret (constant-time compare) -> 401; one record or a list -> 200 with counts;
a bad record -> 422 naming the field (nothing stored); Redis down -> 503 with Retry-After.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.errors import ConfigError, StoreUnavailable
from bot.ledger import InvalidRecord, Ledger, LedgerRecord

MAX_BODY_BYTES: Final = 4 * 1024 * 1024
MAX_RECORDS: Final = 1000
RETRY_AFTER_SECONDS: Final = 5

Endpoint = Callable[[Request], Awaitable[Response]]


class _TooLarge(Exception):
    pass


def authorized(header: str | None, secret: str) -> bool:
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), secret.encode())


async def _read_bounded(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)


def _error(status: int, error: str, message: str, **extra: Any) -> JSONResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
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


def ledger_endpoint(
    ledger: Ledger,
    secret: str,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_records: int = MAX_RECORDS,
) -> Endpoint:
    """The POST /ledger handler; mount it with Route("/ledger", ..., methods=["POST"])."""
    if not secret:
        raise ConfigError("POST /ledger needs QBX_LEDGER_SECRET")

    async def endpoint(request: Request) -> Response:
        if not authorized(request.headers.get("authorization"), secret):
            return _error(401, "unauthorized", "send Authorization: Bearer <QBX_LEDGER_SECRET>")
        try:
            payload = json.loads(await _read_bounded(request, max_body_bytes))
        except _TooLarge:
            return _error(413, "too_large", f"the body is over {max_body_bytes} bytes")
        except ValueError:
            return _error(400, "invalid_json", "the body is not JSON")
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

    return endpoint

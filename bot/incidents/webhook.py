"""`POST /alerts`: other systems open an incident post with ids to trace, over a signed webhook.

Signing (v1): with the shared secret QBX_ALERTS_SECRET, compute
    HMAC-SHA256(secret, "v1:" + X-Qbx-Timestamp + ":" + raw body)
and send it hex-encoded as `X-Qbx-Signature: v1=<hex>`, with `X-Qbx-Timestamp` the Unix time in
seconds. A timestamp more than 5 minutes from the server's clock, or a missing or wrong
signature, gets 401; a body over MAX_BODY_BYTES 413; a body that is not a valid Alert 422
naming each bad field (deeply nested JSON included); an accepted alert 202, after
`on_alert(alert)` has posted it (once per signed request when `seen` is given; a request whose
alert could not be posted gets 502 and is not remembered, so the sender's retry posts it).

Example (the README's):
    TS=$(date +%s); BODY='{"title":"Checkout mail failing","severity":"critical","ids":["..."]}'
    SIG=$(printf 'v1:%s:%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')
    curl -X POST "$QBX_URL/alerts" -H "X-Qbx-Timestamp: $TS" -H "X-Qbx-Signature: v1=$SIG" \\
         -H 'Content-Type: application/json' --data-binary "$BODY"
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any, Final, Protocol

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.errors import QbxError
from bot.incidents.observation import IncidentSeverity
from bot.web.guard import (
    V1_MAX_SKEW_SECONDS,
    V1_SIGNATURE,
    V1_TIMESTAMP,
    BodyRefused,
    load_json,
    read_bounded,
    sign_v1,
    v1_problem,
)

TIMESTAMP_HEADER: Final = V1_TIMESTAMP
SIGNATURE_HEADER: Final = V1_SIGNATURE
MAX_SKEW_SECONDS: Final = V1_MAX_SKEW_SECONDS
MAX_BODY_BYTES: Final = 64 * 1024
MAX_IDS: Final = 20
POSTING_LOCK_SECONDS: Final = 60  # an alert being posted holds its signature this long at most

TraceId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]


class Alert(BaseModel):
    """What a caller sends: what happened, how bad, and the ids (message, request, ...) to trace."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=150)
    severity: IncidentSeverity
    text: str = Field(default="", max_length=3000)
    ids: list[TraceId] = Field(default_factory=list, max_length=MAX_IDS)
    source: str | None = Field(default=None, max_length=100)
    link: AnyHttpUrl | None = None


OnAlert = Callable[[Alert], Awaitable[None]]
Endpoint = Callable[[Request], Awaitable[Response]]
RETRY_AFTER_SECONDS: Final = 5


class AlertNotPosted(Exception):
    """`on_alert` could not post the alert (Slack refused or failed); the message says why."""


class Seen(Protocol):
    """The store's calls that remember which signed alerts were posted (the Store has them)."""

    async def get_json(self, key: str) -> Any: ...

    async def put_json(self, key: str, value: Any, ttl_seconds: float | None) -> None: ...

    def lock(self, name: str, ttl_seconds: float) -> AbstractAsyncContextManager[bool]: ...


def sign_alert(secret: str, body: bytes, timestamp: int) -> str:
    """The X-Qbx-Signature value for `body` sent at `timestamp`."""
    return sign_v1(secret, body, timestamp)


def alerts_endpoint(
    secret: str,
    on_alert: OnAlert,
    *,
    clock: Callable[[], float] = time.time,
    seen: Seen | None = None,
) -> Endpoint:
    """The Starlette endpoint for POST /alerts (mount it with Route(..., methods=["POST"])).

    With `seen` (the store), a signed request is remembered once its alert was posted: a replay
    is answered 202 `duplicate` without posting again, while a sender's retry after a failure
    (502) posts it. A copy arriving while the first is being posted gets 503 + Retry-After.
    """
    if not secret:
        raise ValueError("the alerts webhook needs a non-empty shared secret")

    async def endpoint(request: Request) -> Response:
        try:
            body = await read_bounded(request, MAX_BODY_BYTES)
        except BodyRefused as refused:
            return _error(refused.status, refused.reason)
        refusal = v1_problem(secret, request.headers, body, clock())
        if refusal is not None:
            return _error(401, refusal)
        alert, problems = parse_alert(body)
        if alert is None:
            return JSONResponse({"error": "invalid alert", "fields": problems}, status_code=422)
        return await _once(seen, f"alert:{request.headers[SIGNATURE_HEADER]}", alert, on_alert)

    return endpoint


async def _once(seen: Seen | None, key: str, alert: Alert, on_alert: OnAlert) -> Response:
    if seen is None:
        return await _post(alert, on_alert)
    if await seen.get_json(key):
        return _accepted(alert, duplicate=True)
    async with seen.lock(key, POSTING_LOCK_SECONDS) as held:
        if not held:
            return _error(503, "the same alert is being posted; retry", RETRY_AFTER_SECONDS)
        if await seen.get_json(key):
            return _accepted(alert, duplicate=True)
        answer = await _post(alert, on_alert)
        if answer.status_code == 202:
            await seen.put_json(key, True, 2 * MAX_SKEW_SECONDS)
        return answer


async def _post(alert: Alert, on_alert: OnAlert) -> Response:
    try:
        await on_alert(alert)
    except (AlertNotPosted, QbxError) as exc:
        return _error(502, f"the alert was not posted: {exc}")
    return _accepted(alert, duplicate=False)


def _accepted(alert: Alert, *, duplicate: bool) -> Response:
    return JSONResponse({"accepted": True, "duplicate": duplicate, "ids": alert.ids}, 202)


def parse_alert(body: bytes) -> tuple[Alert | None, list[dict[str, str]]]:
    """The alert, or the problems naming each bad field."""
    try:
        data = load_json(body)
    except BodyRefused as refused:
        return None, [{"field": "body", "message": refused.reason}]
    try:
        return Alert.model_validate(data), []
    except ValidationError as exc:
        return None, [
            {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]}
            for err in exc.errors()
        ]


def _error(status: int, message: str, retry_after: int | None = None) -> Response:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return JSONResponse({"error": message}, status_code=status, headers=headers)

"""`POST /alerts`: other systems open an incident post with ids to trace, over a signed webhook.

Signing (v1): with the shared secret QBX_ALERTS_SECRET, compute
    HMAC-SHA256(secret, "v1:" + X-Qbx-Timestamp + ":" + raw body)
and send it hex-encoded as `X-Qbx-Signature: v1=<hex>`, with `X-Qbx-Timestamp` the Unix time in
seconds. The checks and the error shape are bot/web/endpoint.py's: 413 over MAX_BODY_BYTES,
401 unsigned or stale, 422 naming each bad field of an Alert (a body that is not JSON names
`body`); an accepted alert 202, after `on_alert(alert)` has posted it (once per signed request
when `seen` is given; an alert that could not be posted gets 502 `not_posted` and is not
remembered, so the sender's retry posts it).

Example (the README's):
    TS=$(date +%s); BODY='{"title":"Checkout mail failing","severity":"critical","ids":["..."]}'
    SIG=$(printf 'v1:%s:%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')
    curl -X POST "$QBX_URL/alerts" -H "X-Qbx-Timestamp: $TS" -H "X-Qbx-Signature: v1=$SIG" \\
         -H 'Content-Type: application/json' --data-binary "$BODY"
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Final

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.responses import JSONResponse, Response

from bot.clocks import EpochClock
from bot.errors import QbxError
from bot.incidents.observation import IncidentSeverity
from bot.store.base import Store
from bot.web.endpoint import Webhook
from bot.web.guard import (
    V1_MAX_SKEW_SECONDS,
    V1_SIGNATURE,
    V1_TIMESTAMP,
    Refused,
    invalid,
    load_json,
    sign_v1,
)

TIMESTAMP_HEADER: Final = V1_TIMESTAMP
SIGNATURE_HEADER: Final = V1_SIGNATURE
MAX_SKEW_SECONDS: Final = V1_MAX_SKEW_SECONDS
MAX_BODY_BYTES: Final = 64 * 1024
MAX_IDS: Final = 20
SECRET_SETTING: Final = "QBX_ALERTS_SECRET"

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


class AlertNotPosted(Exception):
    """`on_alert` could not post the alert (Slack refused or failed); the message says why."""


def sign_alert(secret: str, body: bytes, timestamp: int) -> str:
    """The X-Qbx-Signature value for `body` sent at `timestamp`."""
    return sign_v1(secret, body, timestamp)


def alerts_webhook(
    secret: str, on_alert: OnAlert, *, clock: EpochClock = time.time, seen: Store | None = None
) -> Webhook[Alert]:
    """POST /alerts. With `seen` (the store), a signed request is remembered once its alert was
    posted: a replay is answered 202 `duplicate` without posting again, while a sender's retry
    after a failure (502) posts it; a copy arriving while the first is posted gets 503."""
    return Webhook(
        name="alerts", setting=SECRET_SETTING, secret=secret, max_body_bytes=MAX_BODY_BYTES,
        parse=parse_alert, handle=_posting(on_alert), duplicate=_duplicate, clock=clock,
        seen=seen,
    )  # fmt: skip


def _posting(on_alert: OnAlert) -> Callable[[Alert], Awaitable[Response]]:
    async def handle(alert: Alert) -> Response:
        try:
            await on_alert(alert)
        except (AlertNotPosted, QbxError) as exc:
            raise Refused(502, "not_posted", f"the alert was not posted: {exc}") from exc
        return _accepted(alert, duplicate=False)

    return handle


def _duplicate(alert: Alert) -> Response:
    return _accepted(alert, duplicate=True)


def _accepted(alert: Alert, *, duplicate: bool) -> Response:
    return JSONResponse({"accepted": True, "duplicate": duplicate, "ids": alert.ids}, 202)


def parse_alert(body: bytes) -> Alert:
    """The alert; Refused(422) naming each bad field (`body` when it is not JSON at all)."""
    try:
        data = load_json(body)
    except Refused as refused:
        raise invalid("invalid alert", [{"field": "body", "message": refused.message}]) from refused
    try:
        return Alert.model_validate(data)
    except ValidationError as exc:
        raise invalid("invalid alert", [
            {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]}
            for err in exc.errors()
        ]) from exc  # fmt: skip

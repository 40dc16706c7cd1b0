"""`POST /alerts`: other systems open an incident post with ids to trace, over a signed webhook.

Signing (v1): with the shared secret QBX_ALERTS_SECRET, compute
    HMAC-SHA256(secret, "v1:" + X-Qbx-Timestamp + ":" + raw body)
and send it hex-encoded as `X-Qbx-Signature: v1=<hex>`, with `X-Qbx-Timestamp` the Unix time in
seconds. A timestamp more than 5 minutes from the server's clock, or a missing or wrong
signature, gets 401; a body over MAX_BODY_BYTES 413; a body that is not a valid Alert 422
naming each bad field; an accepted alert 202, after `on_alert(alert)` has taken it (once per
signed request when a `claim` is given).

Example (the README's):
    TS=$(date +%s); BODY='{"title":"Checkout mail failing","severity":"critical","ids":["..."]}'
    SIG=$(printf 'v1:%s:%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')
    curl -X POST "$QBX_URL/alerts" -H "X-Qbx-Timestamp: $TS" -H "X-Qbx-Signature: v1=$SIG" \\
         -H 'Content-Type: application/json' --data-binary "$BODY"
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Final

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.incidents.observation import IncidentSeverity

TIMESTAMP_HEADER: Final = "X-Qbx-Timestamp"
SIGNATURE_HEADER: Final = "X-Qbx-Signature"
SCHEME: Final = "v1"
MAX_SKEW_SECONDS: Final = 300
MAX_BODY_BYTES: Final = 64 * 1024
MAX_IDS: Final = 20

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
Claim = Callable[[str, float], Awaitable[bool]]
"""Store.claim: the first caller of a key within the TTL gets True (replays are dropped)."""
Endpoint = Callable[[Request], Awaitable[Response]]


def sign_alert(secret: str, body: bytes, timestamp: int) -> str:
    """The X-Qbx-Signature value for `body` sent at `timestamp`."""
    signed = f"{SCHEME}:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def alerts_endpoint(
    secret: str,
    on_alert: OnAlert,
    *,
    clock: Callable[[], float] = time.time,
    claim: Claim | None = None,
) -> Endpoint:
    """The Starlette endpoint for POST /alerts (mount it with Route(..., methods=["POST"])).

    With `claim` (the store's), a signed request seen before within the replay window is
    answered 202 again without calling `on_alert` twice: sender retries and replays are safe.
    """
    if not secret:
        raise ValueError("the alerts webhook needs a non-empty shared secret")

    async def endpoint(request: Request) -> Response:
        body = await _bounded_body(request)
        if body is None:
            return _error(413, f"the body is over {MAX_BODY_BYTES} bytes")
        refusal = signature_problem(secret, request.headers, body, clock())
        if refusal is not None:
            return _error(401, refusal)
        alert, problems = parse_alert(body)
        if alert is None:
            return JSONResponse({"error": "invalid alert", "fields": problems}, status_code=422)
        signature = request.headers[SIGNATURE_HEADER]
        first = claim is None or await claim(f"alert:{signature}", 2 * MAX_SKEW_SECONDS)
        if first:
            await on_alert(alert)
        return JSONResponse({"accepted": True, "duplicate": not first, "ids": alert.ids}, 202)

    return endpoint


def signature_problem(secret: str, headers: Any, body: bytes, now: float) -> str | None:
    """Why the request's signature is refused, or None when it is good and fresh."""
    raw_timestamp = headers.get(TIMESTAMP_HEADER)
    given = headers.get(SIGNATURE_HEADER)
    if not raw_timestamp or not given:
        return f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER}"
    if not raw_timestamp.isdigit():
        return f"{TIMESTAMP_HEADER} is not Unix seconds"
    timestamp = int(raw_timestamp)
    if abs(now - timestamp) > MAX_SKEW_SECONDS:
        return f"stale {TIMESTAMP_HEADER} (more than {MAX_SKEW_SECONDS} s from server time)"
    if not hmac.compare_digest(sign_alert(secret, body, timestamp).encode(), given.encode()):
        return "bad signature"
    return None


def parse_alert(body: bytes) -> tuple[Alert | None, list[dict[str, str]]]:
    """The alert, or the problems naming each bad field."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        return None, [{"field": "body", "message": f"not JSON: {exc.msg}"}]
    except UnicodeDecodeError:
        return None, [{"field": "body", "message": "not UTF-8 text"}]
    try:
        return Alert.model_validate(data), []
    except ValidationError as exc:
        return None, [
            {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]}
            for err in exc.errors()
        ]


async def _bounded_body(request: Request) -> bytes | None:
    """The raw body, or None as soon as it is known to be over MAX_BODY_BYTES."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)

"""What every HTTP body qbx accepts goes through first: read at most a limit (413), verify its
signature before looking inside (401), parse it without crashing (400). Nothing here logs a body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

SLACK_MAX_BODY_BYTES: Final = 1024 * 1024  # Slack's payloads are a few KB; a message ~50 KB
SLACK_MAX_SKEW_SECONDS: Final = 300
SLACK_TIMESTAMP: Final = "x-slack-request-timestamp"
SLACK_SIGNATURE: Final = "x-slack-signature"
MAX_TIMESTAMP_DIGITS: Final = 12


class BodyRefused(Exception):
    """A request answered with a 4xx before any work: `status` and a reason safe to log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason

    def response(self) -> Response:
        return JSONResponse({"error": self.reason}, status_code=self.status)


async def read_bounded(request: Request, limit: int) -> bytes:
    """The raw body; BodyRefused(413) as soon as it is known to be over `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyRefused(413, f"the body is over {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyRefused(413, f"the body is over {limit} bytes")
    return bytes(body)


def unix_seconds(raw: str | None) -> int | None:
    """A header's Unix seconds, or None when it is missing or not a plain number."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > MAX_TIMESTAMP_DIGITS:
        return None
    return int(raw)


def verify_slack(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> str:
    """The request's signature when Slack signed `body` within 5 minutes; else BodyRefused(401).

    Slack's v0 scheme: HMAC-SHA256(secret, "v0:" + timestamp + ":" + body), hex, as "v0=<hex>".
    """
    timestamp = unix_seconds(headers.get(SLACK_TIMESTAMP))
    given = headers.get(SLACK_SIGNATURE) or ""
    if timestamp is None or not given:
        raise BodyRefused(401, "invalid request")
    if abs(now - timestamp) > SLACK_MAX_SKEW_SECONDS:
        raise BodyRefused(401, "invalid request")
    signed = f"v0:{timestamp}:".encode() + body
    expected = "v0=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        raise BodyRefused(401, "invalid request")
    return given


def load_json(body: bytes | str) -> Any:
    """The JSON value of `body`; BodyRefused(400) when it is not UTF-8 JSON or nests too deep."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BodyRefused(400, "the body is not valid JSON") from exc


def load_json_object(body: bytes | str) -> dict[str, Any]:
    value = load_json(body)
    if not isinstance(value, dict):
        raise BodyRefused(400, "the body is not a JSON object")
    return value


def utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyRefused(400, "the body is not UTF-8 text") from exc


V1_TIMESTAMP: Final = "X-Qbx-Timestamp"
V1_SIGNATURE: Final = "X-Qbx-Signature"
V1_MAX_SKEW_SECONDS: Final = 300


def sign_v1(secret: str, body: bytes, timestamp: int) -> str:
    """qbx's own webhook signature (POST /alerts, POST /ledger):
    "v1=" + hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + body)."""
    digest = hmac.new(secret.encode(), f"v1:{timestamp}:".encode() + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def v1_problem(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> str | None:
    """Why a v1-signed request is refused, or None when its signature is good and fresh."""
    raw_timestamp, given = headers.get(V1_TIMESTAMP), headers.get(V1_SIGNATURE)
    if not raw_timestamp or not given:
        return f"missing {V1_TIMESTAMP} or {V1_SIGNATURE}"
    timestamp = unix_seconds(raw_timestamp)
    if timestamp is None:
        return f"{V1_TIMESTAMP} is not Unix seconds"
    if abs(now - timestamp) > V1_MAX_SKEW_SECONDS:
        return f"stale {V1_TIMESTAMP} (more than {V1_MAX_SKEW_SECONDS} s from server time)"
    expected = sign_v1(secret, body, timestamp).encode()
    if not hmac.compare_digest(expected, given.encode("utf-8", "replace")):
        return "bad signature"
    return None

"""What every HTTP body qbx accepts goes through first: read at most a limit (413), verify its
signature before looking inside (401), parse it without crashing (400). Nothing here logs a body.

Every refusal is a `Refused`, answered in qbx's one JSON error shape (see bot/web/endpoint.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

SLACK_MAX_BODY_BYTES: Final = 1024 * 1024  # Slack's payloads are a few KB; a message ~50 KB
SLACK_MAX_SKEW_SECONDS: Final = 300
SLACK_TIMESTAMP: Final = "x-slack-request-timestamp"
SLACK_SIGNATURE: Final = "x-slack-signature"
MAX_TIMESTAMP_DIGITS: Final = 12

FieldProblem = Mapping[str, str]
"""One bad field: {"field": "messages.0.message_id", "message": "what is wrong with it"}."""


class Refused(Exception):
    """A request answered with an error instead of its work: the status, a stable `code`, a
    `message` safe to log and show, the bad `fields` (422) and a Retry-After (503)."""

    def __init__(
        self, status: int, code: str, message: str, *,
        fields: Sequence[FieldProblem] = (), retry_after: int | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields, self.retry_after = list(fields), retry_after

    def response(self) -> Response:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.fields:
            body["fields"] = [dict(problem) for problem in self.fields]
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after else None
        return JSONResponse(body, status_code=self.status, headers=headers)


def invalid(message: str, fields: Sequence[FieldProblem]) -> Refused:
    """422: the body was read, but these fields are wrong (nothing was done)."""
    return Refused(422, "invalid", message, fields=fields)


async def read_bounded(request: Request, limit: int) -> bytes:
    """The raw body; Refused(413) as soon as it is known to be over `limit` bytes."""
    too_large = Refused(413, "too_large", f"the body is over {limit} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


def unix_seconds(raw: str | None) -> int | None:
    """A header's Unix seconds, or None when it is missing or not a plain number."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > MAX_TIMESTAMP_DIGITS:
        return None
    return int(raw)


def verify_slack(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> str:
    """The request's signature when Slack signed `body` within 5 minutes; else Refused(401).

    Slack's v0 scheme: HMAC-SHA256(secret, "v0:" + timestamp + ":" + body), hex, as "v0=<hex>".
    """
    refused = Refused(401, "unauthorized", "invalid request")
    timestamp = unix_seconds(headers.get(SLACK_TIMESTAMP))
    given = headers.get(SLACK_SIGNATURE) or ""
    if timestamp is None or not given or abs(now - timestamp) > SLACK_MAX_SKEW_SECONDS:
        raise refused
    signed = f"v0:{timestamp}:".encode() + body
    expected = "v0=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        raise refused
    return given


def load_json(body: bytes | str) -> Any:
    """The JSON value of `body`; Refused(400) when it is not UTF-8 JSON or nests too deep."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise Refused(400, "invalid_json", "the body is not valid JSON") from exc


def utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(400, "invalid_body", "the body is not UTF-8 text") from exc


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

"""Sign requests exactly as Slack does (v0 HMAC-SHA256 over `v0:{ts}:{body}`) and build payloads."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

SECRET = "test-signing-secret-0123456789"


def signature(secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return "v0=" + digest.hexdigest()


def signed_headers(
    body: str,
    *,
    content_type: str,
    secret: str = SECRET,
    timestamp: int | None = None,
    retry_num: int | None = None,
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(secret, ts, body),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return headers


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def slash_body(text: str, *, user: str, channel: str, response_url: str, team: str) -> str:
    return urlencode(
        {
            "command": "/qbx",
            "text": text,
            "user_id": user,
            "user_name": user.lower(),
            "channel_id": channel,
            "team_id": team,
            "response_url": response_url,
            "trigger_id": "1.2.3",
            "api_app_id": "AQBX",
        }
    )


def event_body(event: dict[str, Any], *, event_id: str, team: str) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": team,
            "api_app_id": "AQBX",
            "event_id": event_id,
            "event_time": 1_800_000_000,
            "event": event,
            "authorizations": [{"team_id": team, "user_id": "UQBXBOT", "is_bot": True}],
        }
    )


def interactive_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})

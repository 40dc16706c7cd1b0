"""Sign a body for qbx's own webhooks (POST /ledger, POST /alerts) as a sender would."""

from __future__ import annotations

import json
from typing import Any

from bot.web.guard import V1_SIGNATURE, V1_TIMESTAMP, sign_v1


def signed(secret: str, payload: Any, at: float) -> tuple[bytes, dict[str, str]]:
    """The body (JSON unless already bytes) and the headers that sign it at Unix time `at`."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        V1_TIMESTAMP: str(int(at)),
        V1_SIGNATURE: sign_v1(secret, body, int(at)),
    }
    return body, headers

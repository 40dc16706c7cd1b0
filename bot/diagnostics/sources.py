"""Where evidence came from, written as the request that fetched it (paths from the contract)."""

from __future__ import annotations

from urllib.parse import urlencode

from bot.qboxmail.contract import ENDPOINTS_BY_NAME
from bot.qboxmail.query import MailoutQuery

INPUT = "input"
LEDGER = "ledger"


def source(endpoint: str, query: dict[str, str] | None = None, **params: object) -> str:
    """e.g. source("delivery_account", id=4127) == "GET /api/delivery/accounts/4127"."""
    spec = ENDPOINTS_BY_NAME[endpoint]
    path = spec.render(**params)
    suffix = f"?{urlencode(query)}" if query else ""
    return f"{spec.method} {path}{suffix}"


def mailouts_source(query: MailoutQuery) -> str:
    params = query.to_params()
    params.pop("per", None)
    return source("mailouts", params)

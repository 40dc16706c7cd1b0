"""POST /ledger: applications record Send API responses over HTTP (a signed webhook, bot.web).

Signed with QBX_LEDGER_SECRET (v1, as POST /alerts); errors in the one shape of
bot/web/endpoint.py. One record or a list -> 200 with counts; the same signed request again ->
200 `duplicate`, nothing stored twice; not JSON (or nested too deep) -> 400; more than
MAX_RECORDS -> 413; a bad record -> 422 naming each field (nothing stored); Redis down -> 503.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.clocks import EpochClock
from bot.errors import StoreUnavailable
from bot.ledger.book import InvalidRecord, Ledger, LedgerRecord
from bot.settings import Settings
from bot.store.base import Store
from bot.web.endpoint import RETRY_AFTER_SECONDS, Webhook
from bot.web.guard import FieldProblem, Refused, invalid, load_json

MAX_BODY_BYTES: Final = 4 * 1024 * 1024
MAX_RECORDS: Final = 1000
SECRET_SETTING: Final = "QBX_LEDGER_SECRET"


def _problems(index: int | None, error: InvalidRecord) -> list[FieldProblem]:
    """Each bad field as a path; in a list, the record's position is its first part."""
    first = [] if index is None else [str(index)]
    return [
        {"field": ".".join([*first, *([i.field] if i.field else [])]) or "body",
         "message": i.message}
        for i in error.issues
    ]  # fmt: skip


def _records(ledger: Ledger, max_records: int) -> Callable[[bytes], list[LedgerRecord]]:
    def parse(body: bytes) -> list[LedgerRecord]:
        payload: Any = load_json(body)
        many = isinstance(payload, list)
        items = payload if many else [payload]
        if len(items) > max_records:
            raise Refused(413, "too_many_records", f"at most {max_records} records per request")
        records: list[LedgerRecord] = []
        problems: list[FieldProblem] = []
        for index, item in enumerate(items):
            try:
                records.append(ledger.parse(item))
            except InvalidRecord as error:
                problems += _problems(index if many else None, error)
        if problems:
            raise invalid("no record was stored", problems)
        return records

    return parse


def _storing(ledger: Ledger) -> Callable[[list[LedgerRecord]], Awaitable[Response]]:
    async def handle(records: list[LedgerRecord]) -> Response:
        try:
            stored = await ledger.record(records)
        except StoreUnavailable as exc:
            raise Refused(503, "store_unavailable", "the ledger cannot be written now; retry",
                          retry_after=RETRY_AFTER_SECONDS) from exc  # fmt: skip
        return JSONResponse({"accepted": stored, "rejected": 0})

    return handle


def _duplicate(records: list[LedgerRecord]) -> Response:
    return JSONResponse({"accepted": 0, "rejected": 0, "duplicate": True})


def ledger_webhook(
    ledger: Ledger,
    secret: str,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_records: int = MAX_RECORDS,
    clock: EpochClock = time.time,
    seen: Store | None = None,
) -> Webhook[list[LedgerRecord]]:
    """POST /ledger; with `seen` (the store), a replayed signed request stores nothing again."""
    return Webhook(
        name="ledger", setting=SECRET_SETTING, secret=secret, max_body_bytes=max_body_bytes,
        parse=_records(ledger, max_records), handle=_storing(ledger), duplicate=_duplicate,
        clock=clock, seen=seen,
    )  # fmt: skip


def ledger_routes(
    settings: Settings, ledger: Ledger, store: Store, clock: EpochClock
) -> list[Route]:
    """POST /ledger when QBX_LEDGER_SECRET is set; absent (404) otherwise."""
    secret = settings.qbx_ledger_secret
    if secret is None or not secret.get_secret_value():
        return []
    return [ledger_webhook(ledger, secret.get_secret_value(), clock=clock, seen=store).route()]

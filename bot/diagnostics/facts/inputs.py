"""Facts that cost no API call: the target, the time, the options, the ledger's record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.diagnostics.factstore import Fact, FactContext, Known, RunOptions
from bot.recognition.targets import Target, TargetKind


@dataclass(frozen=True)
class LedgerInfo:
    """A snapshot of the ledger's record for the target (see diagnostics.ledger_lookup)."""

    submitted_at: datetime
    recipients: tuple[str, ...]
    request_id: str | None
    message_ids: tuple[str, ...]
    http_status: int
    error: str | None = None


async def _target(ctx: FactContext, known: Known) -> Target:
    return ctx.target


async def _now(ctx: FactContext, known: Known) -> datetime:
    return ctx.now


async def _options(ctx: FactContext, known: Known) -> RunOptions:
    return ctx.options


async def _ledger(ctx: FactContext, known: Known) -> LedgerInfo | None:
    if ctx.ledger is None:
        return None
    kind, value = ctx.target.kind, ctx.target.value
    if kind == TargetKind.MESSAGE_ID:
        record = await ctx.ledger.lookup_message(value.strip("<>"))
    elif kind == TargetKind.REQUEST_ID:
        record = await ctx.ledger.lookup_request(value)
    elif kind == TargetKind.REFERENCE:
        records = await ctx.ledger.lookup_reference(value)
        record = max(records, key=lambda r: r.submitted_at) if records else None
    else:
        return None
    if record is None:
        return None
    return LedgerInfo(
        submitted_at=record.submitted_at,
        recipients=record.all_recipients(),
        request_id=record.request_id,
        message_ids=record.message_ids(),
        http_status=record.http_status,
        error=record.error,
    )


TARGET: Fact[Target] = Fact("target", _target)
NOW: Fact[datetime] = Fact("now", _now)
OPTIONS: Fact[RunOptions] = Fact("options", _options)
LEDGER: Fact[LedgerInfo | None] = Fact("ledger", _ledger)

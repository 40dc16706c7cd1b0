"""Facts about traffic: a rejected request, recent outcomes for a recipient, the blast radius."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.diagnostics.facts.inputs import LEDGER, LedgerInfo
from bot.diagnostics.facts.tracemail import ENTRY, RECIPIENT, domain_of
from bot.diagnostics.factstore import Fact, FactContext, Known
from bot.diagnostics.finder import history_start
from bot.diagnostics.sources import INPUT, mailouts_source, source
from bot.qboxmail.contract import MAILOUTS_MAX_PER, Collection, MailoutStatus
from bot.qboxmail.models import MailoutEntry
from bot.qboxmail.query import MailoutQuery
from bot.recognition.targets import TargetKind

BLAST_PAGES = 3


@dataclass(frozen=True)
class Rejection:
    """A Send API rejection, as pasted and/or as TraceMail's errors collection recorded it."""

    http_status: int | None = None
    error: str | None = None
    message: str | None = None
    request_id: str | None = None
    client_ip: str | None = None
    sender: str | None = None
    account_id: int | None = None
    at: datetime | None = None
    source: str = INPUT


async def _rejection(ctx: FactContext, known: Known) -> Rejection:
    """What is known of the rejection: pasted first, else the ledger, else TraceMail alone;
    TraceMail's errors entry fills in the caller IP, the sender and the account."""
    recorded = _from_errors_entry(known[ENTRY])
    base = replace(
        recorded,
        client_ip=ctx.options.client_ip or recorded.client_ip,
        account_id=recorded.account_id or ctx.target.hints.account_id,
    )
    pasted = ctx.target.pasted
    if pasted is not None and pasted.http_status is not None:
        return replace(
            base,
            http_status=pasted.http_status,
            error=pasted.error or base.error,
            message=pasted.message,
            request_id=pasted.request_id or base.request_id,
            source=INPUT,
        )
    ledger = await known.need(LEDGER)
    if isinstance(ledger, LedgerInfo):
        return replace(
            base,
            http_status=ledger.http_status,
            error=ledger.error or base.error,
            request_id=ledger.request_id or base.request_id,
            at=ledger.submitted_at,
            source="ledger",
        )
    return base


def _from_errors_entry(entry: MailoutEntry | None) -> Rejection:
    if entry is None or entry.collection != Collection.ERRORS:
        return Rejection()
    return Rejection(
        http_status=entry.http_status,
        error=entry.error,
        request_id=entry.request_id,
        client_ip=entry.client_ip,
        sender=entry.from_,
        account_id=entry.account_id,
        at=entry.created_at,
        source=f"{source('mailouts')} (collection=errors)",
    )


@dataclass(frozen=True)
class Recent:
    """Recent TraceMail entries for one recipient, newest first."""

    entries: tuple[MailoutEntry, ...]
    sources: tuple[str, ...]


async def _recent(ctx: FactContext, known: Known) -> Recent:
    address = known[RECIPIENT]
    if address is None:
        return Recent((), ())
    today = ctx.now.date()
    queries = [
        MailoutQuery(
            to=address,
            collection=c,
            start_date=history_start(today),
            end_date=today,
            per=MAILOUTS_MAX_PER,
        )
        for c in (Collection.WORKED, Collection.QUEUED)
    ]
    pages = await asyncio.gather(*(ctx.api.mailouts(q) for q in queries))
    entries = sorted(
        (e for p in pages for e in p.resources), key=lambda e: e.created_at, reverse=True
    )
    return Recent(tuple(entries), tuple(mailouts_source(q) for q in queries))


@dataclass(frozen=True)
class BlastRadius:
    """How many others failed the same way in the last 24 hours, from one sending domain."""

    failure: str  # e.g. "bounce 5.1.1"
    recipient_domain: str | None
    remote_mx: str | None
    same_domain: int
    same_mx: int
    examined: int
    source: str


def _same_failure(entry: MailoutEntry, other: MailoutEntry) -> bool:
    if other.id == entry.id or other.status != entry.status:
        return False
    return (other.smtp_enhanced_code, other.smtp_code) == (
        entry.smtp_enhanced_code,
        entry.smtp_code,
    )


async def _blast(ctx: FactContext, known: Known) -> BlastRadius | None:
    return await blast_radius(ctx, known[ENTRY])


async def _recipient_blast(ctx: FactContext, known: Known) -> BlastRadius | None:
    """The blast radius of the recipient's latest failure (newest first in `recent`)."""
    failing = (MailoutStatus.BOUNCE, MailoutStatus.DEFERRED)
    latest = next((e for e in known[RECENT].entries if e.status in failing), None)
    return await blast_radius(ctx, latest)


async def blast_radius(ctx: FactContext, entry: MailoutEntry | None) -> BlastRadius | None:
    """How many others the same sending domain failed the same way in the last 24 hours."""
    if entry is None or entry.status not in (MailoutStatus.BOUNCE, MailoutStatus.DEFERRED):
        return None
    since = ctx.now - timedelta(hours=24)
    deferred = entry.status == MailoutStatus.DEFERRED
    query = MailoutQuery(
        domain=entry.domain,
        collection=Collection.QUEUED if deferred else Collection.WORKED,
        status=entry.status,
        start_date=since.date(),
        end_date=ctx.now.date(),
        per=MAILOUTS_MAX_PER,
    )
    first = await ctx.api.mailouts(query)
    later = range(2, min(first.pagination.total_pages, BLAST_PAGES) + 1)
    rest = await asyncio.gather(*(ctx.api.mailouts(query.with_page(n)) for n in later))
    others = [
        e
        for p in (first, *rest)
        for e in p.resources
        if e.created_at >= since and _same_failure(entry, e)
    ]
    rdomain = domain_of(entry.to)
    return BlastRadius(
        failure=f"{entry.status} {entry.smtp_enhanced_code or entry.smtp_code or ''}".strip(),
        recipient_domain=rdomain,
        remote_mx=entry.remote_mx,
        same_domain=sum(1 for e in others if rdomain and domain_of(e.to) == rdomain),
        same_mx=sum(1 for e in others if entry.remote_mx and e.remote_mx == entry.remote_mx),
        examined=sum(len(p.resources) for p in (first, *rest)),
        source=mailouts_source(query),
    )


REJECTION: Fact[Rejection] = Fact("rejection", _rejection, needs=(ENTRY,))
RECENT: Fact[Recent] = Fact("recent", _recent, needs=(RECIPIENT,))
BLAST_RADIUS: Fact[BlastRadius | None] = Fact("blast_radius", _blast, needs=(ENTRY,))
RECIPIENT_BLAST: Fact[BlastRadius | None] = Fact(
    "recipient_blast_radius", _recipient_blast, needs=(RECENT,)
)


@dataclass(frozen=True)
class Sample:
    """The newest processed messages of an account or a sending domain (a spike shows here
    hours before it moves a 7-day rate)."""

    scope: str
    entries: tuple[MailoutEntry, ...]
    source: str


async def _sample(ctx: FactContext, known: Known) -> Sample | None:
    target, today = ctx.target, ctx.now.date()
    base = MailoutQuery(
        collection=Collection.WORKED,
        start_date=today - timedelta(days=1),
        end_date=today,
        per=MAILOUTS_MAX_PER,
    )
    if target.kind == TargetKind.ACCOUNT_ID:
        query, scope = replace(base, account=int(target.value)), f"account {target.value}"
    elif target.kind == TargetKind.DOMAIN:
        query, scope = replace(base, domain=target.value.lower()), f"domain {target.value}"
    else:
        return None
    page = await ctx.api.mailouts(query)
    return Sample(scope, tuple(page.resources), mailouts_source(query))


SAMPLE: Fact[Sample | None] = Fact("recent_sample", _sample)

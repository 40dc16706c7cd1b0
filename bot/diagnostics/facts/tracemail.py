"""TraceMail facts: the located message or request, its entry, recipient, sending domain."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.diagnostics.facts.inputs import LEDGER, LedgerInfo
from bot.diagnostics.factstore import Fact, FactContext, Known, Missing
from bot.diagnostics.finder import (
    Clues,
    Located,
    beyond_history,
    locate,
    message_matcher,
    plan_searches,
    request_matcher,
    window_words,
)
from bot.qboxmail.contract import MESSAGE_ID_RE, Collection
from bot.qboxmail.models import MailoutEntry
from bot.recognition.targets import Target, TargetKind

MESSAGE_COLLECTIONS = (Collection.WORKED, Collection.QUEUED)
REQUEST_COLLECTIONS = (Collection.ERRORS, Collection.WORKED, Collection.QUEUED)


@dataclass(frozen=True)
class Wanted:
    """The id the finder looks for, and whether it is a message or a request."""

    value: str
    is_request: bool


def wanted_id(target: Target, ledger: LedgerInfo | None) -> Wanted | None:
    kind, pasted = target.kind, target.pasted
    if kind == TargetKind.MESSAGE_ID:
        return Wanted(target.value.strip("<>").lower(), is_request=False)
    if kind == TargetKind.REQUEST_ID:
        return Wanted(target.value.lower(), is_request=True)
    if kind == TargetKind.SEND_RESPONSE and pasted is not None:
        if pasted.message_ids and (pasted.http_status or 202) < 300:
            return Wanted(pasted.message_ids[0].strip("<>").lower(), is_request=False)
        if pasted.request_id:
            return Wanted(pasted.request_id.lower(), is_request=True)
    if kind == TargetKind.REFERENCE and ledger is not None:
        if ledger.message_ids:
            return Wanted(ledger.message_ids[0].lower(), is_request=False)
        if ledger.request_id:
            return Wanted(ledger.request_id.lower(), is_request=True)
    return None


def domain_of(address_or_id: str | None) -> str | None:
    if not address_or_id or "@" not in address_or_id:
        return None
    return address_or_id.strip("<> ").rsplit("@", 1)[1].lower() or None


def clues_for(target: Target, wanted: Wanted, ledger: LedgerInfo | None) -> Clues:
    hints, pasted = target.hints, target.pasted
    recipients = [*hints.recipients, *(pasted.recipients if pasted else ())]
    dates = list(hints.dates)
    if ledger is not None:
        recipients += ledger.recipients
        dates.append(ledger.submitted_at.date())
    domain = None if wanted.is_request else domain_of(wanted.value)
    if domain is None and hints.senders:
        domain = domain_of(hints.senders[0])
    unique = tuple(dict.fromkeys(r.lower() for r in recipients))
    return Clues(domain=domain, recipients=unique, dates=tuple(dict.fromkeys(dates)))


async def _ledger_info(known: Known) -> LedgerInfo | None:
    value = await known.need(LEDGER)
    return None if isinstance(value, Missing) else value


async def _located(ctx: FactContext, known: Known) -> Located:
    ledger = await _ledger_info(known)
    wanted = wanted_id(ctx.target, ledger)
    if wanted is None:
        return Located(unrecorded_reference=ctx.target.kind == TargetKind.REFERENCE)
    clues = clues_for(ctx.target, wanted, ledger)
    today = ctx.now.date()
    if beyond_history(clues, today):
        return Located(beyond_retention=True, known_dates=clues.dates)
    collections = REQUEST_COLLECTIONS if wanted.is_request else MESSAGE_COLLECTIONS
    searches = plan_searches(clues, collections, today, failures_first=not wanted.is_request)
    matcher = request_matcher if wanted.is_request else message_matcher
    located = await locate(ctx.api, searches, matcher(wanted.value), budget=ctx.scan_budget)
    return replace(
        located,
        known_dates=clues.dates,
        known_recipients=clues.recipients,
        window=window_words(clues, today),
    )


async def _entry(ctx: FactContext, known: Known) -> MailoutEntry | None:
    return known[LOCATED].entry


async def _located_entry(known: Known) -> MailoutEntry | None:
    located = await known.need(LOCATED)
    return None if isinstance(located, Missing) else located.entry


async def _recipient(ctx: FactContext, known: Known) -> str | None:
    target = ctx.target
    if target.kind == TargetKind.ADDRESS:
        return target.value.lower()
    pasted = target.pasted.recipients if target.pasted else ()
    for candidate in (*target.hints.recipients, *pasted):
        return candidate.lower()
    ledger = await _ledger_info(known)
    if ledger is not None and ledger.recipients:
        return ledger.recipients[0].lower()
    entry = await _located_entry(known)
    return entry.to.lower() if entry and entry.to else None


async def _sender_domain(ctx: FactContext, known: Known) -> str | None:
    target = ctx.target
    if target.kind == TargetKind.MESSAGE_ID:
        match = MESSAGE_ID_RE.match(target.value.strip("<>").lower())
        return match.group("domain") if match else domain_of(target.value)
    if target.kind == TargetKind.DOMAIN:
        return target.value.lower()
    if target.hints.senders:
        return domain_of(target.hints.senders[0])
    entry = await _located_entry(known)
    if entry is None:
        return None
    return (entry.domain or domain_of(entry.from_) or "").lower() or None


async def _first_seen(ctx: FactContext, known: Known) -> datetime | None:
    entries = known[LOCATED].entries
    return min((e.created_at for e in entries), default=None)


LOCATED: Fact[Located] = Fact("located", _located)
ENTRY: Fact[MailoutEntry | None] = Fact("entry", _entry, needs=(LOCATED,))
FIRST_SEEN: Fact[datetime | None] = Fact("first_seen", _first_seen, needs=(LOCATED,))
RECIPIENT: Fact[str | None] = Fact("recipient", _recipient)
SENDER_DOMAIN: Fact[str | None] = Fact("sender_domain", _sender_domain)

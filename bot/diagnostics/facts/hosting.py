"""Hosting facts: the hosted domain and mailbox (and whether our token may see them), one
day of Email log analysis, and which folder a message landed in."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from bot.diagnostics.facts.mailbox_search import domain_holding
from bot.diagnostics.facts.tracemail import domain_of
from bot.diagnostics.factstore import Fact, FactContext, Known, Missing
from bot.diagnostics.sources import source
from bot.errors import ApiAuthError, ApiNotFound
from bot.qboxmail.contract import EMAIL_LOG_HISTORY_DAYS
from bot.qboxmail.models import AccessLog, HostingDomain, IncomingLog, Mailbox, OutgoingLog
from bot.recognition.targets import TargetKind

T = TypeVar("T")
LOG_PER = 100


@dataclass(frozen=True)
class Lookup(Generic[T]):
    """A resource we looked for: found, absent, or refused to our token (404/403)."""

    wanted: str
    source: str
    item: T | None = None
    denied: str | None = None  # "404 ..." or "403 ..." when our token cannot see it
    searched: str | None = None  # how a bare mailbox code's domain was looked for
    exhausted: bool = False  # the scan budget ran out before that search could finish


def _address(ctx: FactContext) -> str | None:
    value = ctx.target.value
    return value.lower() if ctx.target.kind == TargetKind.ADDRESS else None


async def _hosting_domain(ctx: FactContext, known: Known) -> Lookup[HostingDomain] | None:
    target = ctx.target
    code = target.hints.domain_code
    if target.kind == TargetKind.HOSTING_DOMAIN_CODE:
        code = target.value.upper()
    if code is not None:
        return await _by_code(ctx, code)
    if target.kind == TargetKind.MAILBOX_CODE:
        return await _by_mailbox_code(ctx, target.value.upper())
    name = target.value.lower() if target.kind == TargetKind.DOMAIN else domain_of(_address(ctx))
    if name is None:
        return None
    page = await ctx.api.hosting_domains(query=name)
    found = next((d for d in page.resources if d.name.lower() == name), None)
    return Lookup(name, source("hosting_domains", {"query": name}), item=found)


async def _by_code(ctx: FactContext, code: str) -> Lookup[HostingDomain]:
    where = source("hosting_domain", domain_code=code)
    try:
        return Lookup(code, where, item=await ctx.api.hosting_domain(code))
    except (ApiNotFound, ApiAuthError) as error:
        return Lookup(code, where, denied=f"{error.status} {error.message}")


async def _by_mailbox_code(ctx: FactContext, box: str) -> Lookup[HostingDomain]:
    holder = await domain_holding(ctx.api, box, budget=ctx.scan_budget)
    where = source("hosting_domains")
    return Lookup(box, where, item=holder.domain, searched=holder.words(box),
                  exhausted=holder.exhausted)  # fmt: skip


async def _mailbox(ctx: FactContext, known: Known) -> Lookup[Mailbox] | None:
    domain = known[HOSTING_DOMAIN]
    if domain is None or domain.item is None:
        return None
    code = domain.item.code
    if ctx.target.kind == TargetKind.MAILBOX_CODE:
        box = ctx.target.value.upper()
        where = source("mailbox", domain_code=code, email_account_code=box)
        try:
            return Lookup(box, where, item=await ctx.api.mailbox(code, box))
        except (ApiNotFound, ApiAuthError) as error:
            return Lookup(box, where, denied=f"{error.status} {error.message}")
    address = _address(ctx)
    if address is None:
        return None
    local = address.split("@", 1)[0]
    page = await ctx.api.mailboxes(code, query=local)
    found = next((m for m in page.resources if m.email.lower() == address), None)
    return Lookup(address, source("mailboxes", {"query": local}, domain_code=code), item=found)


@dataclass(frozen=True)
class MailboxLogs:
    """One day of Email log analysis for one mailbox."""

    domain_code: str
    email: str
    day: date
    access: tuple[AccessLog, ...]
    incoming: tuple[IncomingLog, ...]
    outgoing: tuple[OutgoingLog, ...]


def log_day(ctx: FactContext) -> date:
    today = ctx.now.date()
    days = [d for d in ctx.target.hints.dates if (today - d).days <= EMAIL_LOG_HISTORY_DAYS]
    return max(days, default=today)


def _hinted(ctx: FactContext) -> bool:
    return bool(ctx.target.hints.dates)


async def _mailbox_email(ctx: FactContext, known: Known) -> str | None:
    address = _address(ctx)
    if address is not None:
        return address
    box = await known.need(MAILBOX)
    return None if isinstance(box, Missing) or box is None or box.item is None else box.item.email


async def _logs(ctx: FactContext, known: Known) -> MailboxLogs | None:
    """The day asked for; without one, today, or yesterday while today has no entries yet (early
    in the UTC day a mailbox's last activity is yesterday's)."""
    domain = known[HOSTING_DOMAIN]
    email = await _mailbox_email(ctx, known)
    if domain is None or domain.item is None or email is None:
        return None
    day = log_day(ctx)
    logs = await _day_of_logs(ctx, domain.item.code, email, day)
    if _hinted(ctx) or logs.access or logs.incoming or logs.outgoing:
        return logs
    return await _day_of_logs(ctx, domain.item.code, email, day - timedelta(days=1))


async def _day_of_logs(ctx: FactContext, code: str, email: str, day: date) -> MailboxLogs:
    access, incoming, outgoing = await asyncio.gather(
        ctx.api.access_logs(code, email=email, day=day, per=LOG_PER),
        ctx.api.incoming_logs(code, email=email, day=day, per=LOG_PER),
        ctx.api.outgoing_logs(code, email=email, day=day, per=LOG_PER),
    )
    return MailboxLogs(
        code,
        email,
        day,
        tuple(access.resources),
        tuple(incoming.resources),
        tuple(outgoing.resources),
    )


@dataclass(frozen=True)
class Folder:
    message_id: str
    found: bool
    folder: str | None
    source: str


async def _folder(ctx: FactContext, known: Known) -> Folder | None:
    message_id = ctx.options.message_id
    domain = known[HOSTING_DOMAIN]
    email = await _mailbox_email(ctx, known)
    if message_id is None or domain is None or domain.item is None or email is None:
        return None
    code = domain.item.code
    answer = await ctx.api.message_folder(code, email=email, message_id=message_id)
    where = source("message_folder", {"email": email, "message_id": message_id}, domain_code=code)
    return Folder(message_id, answer.found, answer.folder, where)


HOSTING_DOMAIN: Fact[Lookup[HostingDomain] | None] = Fact("hosting_domain", _hosting_domain)
MAILBOX: Fact[Lookup[Mailbox] | None] = Fact("mailbox", _mailbox, needs=(HOSTING_DOMAIN,))
LOGS: Fact[MailboxLogs | None] = Fact("mailbox_logs", _logs, needs=(HOSTING_DOMAIN,))
FOLDER: Fact[Folder | None] = Fact("message_folder", _folder, needs=(HOSTING_DOMAIN,))


async def _neighbours(ctx: FactContext, known: Known) -> tuple[Mailbox, ...] | None:
    """The domain's mailboxes (first page): is one mailbox alone, or the whole domain?"""
    domain = known[HOSTING_DOMAIN]
    if domain is None or domain.item is None:
        return None
    page = await ctx.api.mailboxes(domain.item.code, per=LOG_PER)
    return tuple(page.resources)


NEIGHBOURS: Fact[tuple[Mailbox, ...] | None] = Fact(
    "domain_mailboxes", _neighbours, needs=(HOSTING_DOMAIN,)
)

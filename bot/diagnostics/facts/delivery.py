"""Delivery facts: the account, its tokens, the sending domain, suppression, dashboard, stats."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from bot.diagnostics.facts.tracemail import LOCATED, RECIPIENT, SENDER_DOMAIN
from bot.diagnostics.factstore import Fact, FactContext, Known, Missing
from bot.qboxmail.contract import MAILOUTS_MAX_PER
from bot.qboxmail.models import (
    ApiToken,
    DailyStatistics,
    Dashboard,
    DeliveryAccount,
    DeliveryDomain,
    SuppressionEntry,
)
from bot.recognition.targets import TargetKind

STATS_DAYS = 7
DOMAIN_PAGES = 5
DOMAIN_ACCOUNTS = 5


async def _account_id(ctx: FactContext, known: Known) -> int | None:
    target = ctx.target
    if target.kind == TargetKind.ACCOUNT_ID:
        return int(target.value)
    if target.hints.account_id is not None:
        return target.hints.account_id
    if target.kind in (TargetKind.DOMAIN, TargetKind.DELIVERY_DOMAIN_CODE, TargetKind.ADDRESS):
        return None
    located = await known.need(LOCATED)
    entry = None if isinstance(located, Missing) else located.entry
    return entry.account_id if entry else None


async def _account(ctx: FactContext, known: Known) -> DeliveryAccount | None:
    account_id = known[ACCOUNT_ID]
    return None if account_id is None else await ctx.api.delivery_account(account_id)


async def _tokens(ctx: FactContext, known: Known) -> tuple[ApiToken, ...] | None:
    account_id = known[ACCOUNT_ID]
    return None if account_id is None else tuple(await ctx.api.api_tokens(account_id))


async def _domain(ctx: FactContext, known: Known) -> DeliveryDomain | None:
    if ctx.target.kind == TargetKind.DELIVERY_DOMAIN_CODE:
        return await _domain_by_code(ctx, ctx.target.value.upper())
    name = known[SENDER_DOMAIN]
    if name is None:
        return None
    page = await ctx.api.delivery_domains(query=name, per=MAILOUTS_MAX_PER)
    return next((d for d in page.resources if d.name.lower() == name), None)


async def _domain_by_code(ctx: FactContext, code: str) -> DeliveryDomain | None:
    """Delivery domains have no get-by-code (documented list only): read a few pages."""
    first = await ctx.api.delivery_domains(per=MAILOUTS_MAX_PER)
    pages = range(2, min(first.pagination.total_pages, DOMAIN_PAGES) + 1)
    rest = await asyncio.gather(
        *(ctx.api.delivery_domains(page=n, per=MAILOUTS_MAX_PER) for n in pages)
    )
    found = (d for p in (first, *rest) for d in p.resources if d.code.upper() == code)
    return next(found, None)


async def _domain_accounts(ctx: FactContext, known: Known) -> tuple[DeliveryAccount, ...]:
    """The accounts a domain is assigned to (for a domain's health)."""
    domain = known[SENDING_DOMAIN]
    if domain is None:
        return ()
    ids = domain.accounts[:DOMAIN_ACCOUNTS]
    return tuple(await asyncio.gather(*(ctx.api.delivery_account(i) for i in ids)))


async def _suppression(ctx: FactContext, known: Known) -> tuple[SuppressionEntry, ...] | None:
    address = known[RECIPIENT]
    return None if address is None else tuple(await ctx.api.suppression_details(address))


async def _dashboard(ctx: FactContext, known: Known) -> Dashboard:
    return await ctx.api.dashboard()


@dataclass(frozen=True)
class Stats:
    """Daily statistics over the last days, for an account or a sending domain."""

    scope: str  # "account 4127" or "domain shop.example"
    days: tuple[DailyStatistics, ...]


async def _stats(ctx: FactContext, known: Known) -> Stats | None:
    today = ctx.now.date()
    start = today - timedelta(days=STATS_DAYS - 1)
    if ctx.target.kind in (TargetKind.DOMAIN, TargetKind.DELIVERY_DOMAIN_CODE):
        domain = await known.need(SENDING_DOMAIN)
        if isinstance(domain, Missing) or domain is None:
            return None
        days = await ctx.api.daily_statistics(domain=domain.name, start_date=start, end_date=today)
        return Stats(f"domain {domain.name}", tuple(days))
    account_id = await known.need(ACCOUNT_ID)
    if isinstance(account_id, Missing) or account_id is None:
        return None
    days = await ctx.api.daily_statistics(account=account_id, start_date=start, end_date=today)
    return Stats(f"account {account_id}", tuple(days))


ACCOUNT_ID: Fact[int | None] = Fact("account_id", _account_id)
ACCOUNT: Fact[DeliveryAccount | None] = Fact("account", _account, needs=(ACCOUNT_ID,))
TOKENS: Fact[tuple[ApiToken, ...] | None] = Fact("tokens", _tokens, needs=(ACCOUNT_ID,))
SENDING_DOMAIN: Fact[DeliveryDomain | None] = Fact(
    "sending_domain", _domain, needs=(SENDER_DOMAIN,)
)
DOMAIN_ACCOUNTS_FACT: Fact[tuple[DeliveryAccount, ...]] = Fact(
    "domain_accounts", _domain_accounts, needs=(SENDING_DOMAIN,)
)
SUPPRESSION: Fact[tuple[SuppressionEntry, ...] | None] = Fact(
    "suppression", _suppression, needs=(RECIPIENT,)
)
DASHBOARD: Fact[Dashboard] = Fact("dashboard", _dashboard)
STATS: Fact[Stats | None] = Fact("stats", _stats)

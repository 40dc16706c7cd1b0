"""The watcher's read step: every Delivery account and sending domain the token can see, observed.

`observe` lists accounts and domains with the dashboard, then takes today's TraceMail counters
from the TraceMail accounts/domains listings (a few paged calls, not one call per resource).
A resource missing from a listing, or every resource when a listing fails, is read with its
own `counters` call, with bounded concurrency. One resource failing (a 404, a timeout) costs
only that resource: it is logged and left out, so its rules give no verdict this time (never
a false "clear").
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any, Final, TypeVar

from bot.clocks import WallClock
from bot.errors import QboxmailError
from bot.incidents.observation import Observation, ResourceRef, Scope
from bot.logs import get_logger
from bot.qboxmail.contract import MANAGEMENT_DEFAULT_PER
from bot.qboxmail.models import Counters, Dashboard, DeliveryAccount, DeliveryDomain, Page
from bot.qboxmail.reads import QboxmailApi

MAX_PAGES: Final = 40  # 1,000 accounts or domains at the default page size
DEFAULT_CONCURRENCY: Final = 8

T = TypeVar("T")
_log = get_logger(__name__)


async def observe(
    api: QboxmailApi, clock: WallClock, *, concurrency: int = DEFAULT_CONCURRENCY
) -> list[Observation]:
    """One Observation per account and domain whose counters could be read."""
    now = clock()
    today = now.date()
    accounts, domains, dashboard, listed = await asyncio.gather(
        _all_pages(api.delivery_accounts),
        _all_pages(api.delivery_domains),
        _dashboard(api),
        listed_counters(api, today),
    )
    resources: list[tuple[ResourceRef, dict[str, Any]]] = [
        (account_ref(a), {"account": a}) for a in accounts
    ] + [(domain_ref(d), {"domain": d}) for d in domains]
    limit = asyncio.Semaphore(concurrency)

    async def one(ref: ResourceRef, extra: dict[str, Any]) -> Observation | None:
        day = listed.get(ref.key) or await _own_counters(api, limit, ref, today)
        return None if day is None else Observation(ref, now, day, dashboard=dashboard, **extra)

    return [obs for obs in await asyncio.gather(*(one(r, e) for r, e in resources)) if obs]


def account_ref(account: DeliveryAccount) -> ResourceRef:
    return ResourceRef(Scope.ACCOUNT, str(account.id), account.username or str(account.id))


def domain_ref(domain: DeliveryDomain) -> ResourceRef:
    return ResourceRef(Scope.DOMAIN, domain.name.lower(), domain.name.lower())


async def listed_counters(api: QboxmailApi, day: date) -> Mapping[str, Counters]:
    """Today's counters by resource key, from the TraceMail listings ({} where one fails)."""
    accounts, domains = await asyncio.gather(
        _listing(lambda **page: api.tracemail_accounts(start_date=day, end_date=day, **page)),
        _listing(lambda **page: api.tracemail_domains(start_date=day, end_date=day, **page)),
    )
    by_key: dict[str, Counters] = {}
    by_key.update((f"{Scope.ACCOUNT}:{a.id}", _plain(a)) for a in accounts)
    by_key.update((f"{Scope.DOMAIN}:{d.name.lower()}", _plain(d)) for d in domains)
    return by_key


def _plain(item: Counters) -> Counters:
    """Only the counter fields of a listing item."""
    return Counters.model_validate({name: getattr(item, name) for name in Counters.model_fields})


async def _listing(list_page: Callable[..., Awaitable[Page[T]]]) -> list[T]:
    try:
        return await _all_pages(list_page)
    except QboxmailError as exc:
        _log.warning("incident_listing_failed", error=str(exc))
        return []


async def _own_counters(
    api: QboxmailApi, limit: asyncio.Semaphore, ref: ResourceRef, day: date
) -> Counters | None:
    account = int(ref.id) if ref.scope is Scope.ACCOUNT else None
    domain = ref.id if ref.scope is Scope.DOMAIN else None
    async with limit:
        try:
            return await api.counters(account=account, domain=domain, start_date=day, end_date=day)
        except QboxmailError as exc:
            _log.warning("incident_observe_failed", resource=ref.key, error=str(exc))
            return None


async def _dashboard(api: QboxmailApi) -> Dashboard | None:
    try:
        return await api.dashboard()
    except QboxmailError as exc:
        _log.warning("incident_dashboard_failed", error=str(exc))
        return None


async def _all_pages(list_page: Callable[..., Awaitable[Page[T]]]) -> list[T]:
    """Every item of a paged list, up to MAX_PAGES pages."""
    items: list[T] = []
    for page_number in range(1, MAX_PAGES + 1):
        page = await list_page(page=page_number, per=MANAGEMENT_DEFAULT_PER)
        items.extend(page.resources)
        if not page.resources or page_number >= page.pagination.total_pages:
            break
    return items

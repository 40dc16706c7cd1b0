"""The watcher's read step: every Delivery account and sending domain the token can see, observed.

`observe` lists accounts and domains, then reads today's TraceMail counters for each with
bounded concurrency. One resource failing (a 404, a timeout) costs only that resource: it is
logged and left out, so its rules give no verdict this time (never a false "clear").
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Final, TypeVar

from bot.errors import QboxmailError
from bot.incidents.observation import Observation, ResourceRef, Scope
from bot.incidents.ports import IncidentApi
from bot.logs import get_logger
from bot.qboxmail.contract import MANAGEMENT_DEFAULT_PER
from bot.qboxmail.models import Counters, Dashboard, DeliveryAccount, DeliveryDomain, Page

MAX_PAGES: Final = 40  # 1,000 accounts or domains at the default page size
DEFAULT_CONCURRENCY: Final = 8

T = TypeVar("T")
Clock = Callable[[], datetime]
_log = get_logger(__name__)


async def observe(
    api: IncidentApi, clock: Clock, *, concurrency: int = DEFAULT_CONCURRENCY
) -> list[Observation]:
    """One Observation per account and domain whose counters could be read."""
    accounts = await _all_pages(api.delivery_accounts)
    domains = await _all_pages(api.delivery_domains)
    dashboard = await _dashboard(api)
    limit = asyncio.Semaphore(concurrency)
    now = clock()
    jobs = [_observe_account(api, limit, now, a, dashboard) for a in accounts]
    jobs += [_observe_domain(api, limit, now, d, dashboard) for d in domains]
    return [obs for obs in await asyncio.gather(*jobs) if obs is not None]


def account_ref(account: DeliveryAccount) -> ResourceRef:
    return ResourceRef(Scope.ACCOUNT, str(account.id), account.username or str(account.id))


def domain_ref(domain: DeliveryDomain) -> ResourceRef:
    return ResourceRef(Scope.DOMAIN, domain.name.lower(), domain.name.lower())


async def _observe_account(
    api: IncidentApi,
    limit: asyncio.Semaphore,
    now: datetime,
    account: DeliveryAccount,
    dashboard: Dashboard | None,
) -> Observation | None:
    ref = account_ref(account)
    day = await _counters(
        limit,
        ref,
        lambda: api.counters(account=account.id, start_date=now.date(), end_date=now.date()),
    )
    if day is None:
        return None
    return Observation(ref, now, day, account=account, dashboard=dashboard)


async def _observe_domain(
    api: IncidentApi,
    limit: asyncio.Semaphore,
    now: datetime,
    domain: DeliveryDomain,
    dashboard: Dashboard | None,
) -> Observation | None:
    ref = domain_ref(domain)
    day = await _counters(
        limit, ref, lambda: api.counters(domain=ref.id, start_date=now.date(), end_date=now.date())
    )
    if day is None:
        return None
    return Observation(ref, now, day, domain=domain, dashboard=dashboard)


async def _counters(
    limit: asyncio.Semaphore, ref: ResourceRef, read: Callable[[], Awaitable[Counters]]
) -> Counters | None:
    async with limit:
        try:
            return await read()
        except QboxmailError as exc:
            _log.warning("incident_observe_failed", resource=ref.key, error=str(exc))
            return None


async def _dashboard(api: IncidentApi) -> Dashboard | None:
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

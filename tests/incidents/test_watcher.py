"""observe(): every account and domain, paged, bounded, one failure costs only that resource."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from bot.errors import ApiServerError
from bot.incidents.observation import Scope
from bot.incidents.watcher import observe
from bot.qboxmail.models import (
    Counters,
    DailyStatistics,
    Dashboard,
    DeliveryAccount,
    DeliveryDomain,
    Page,
    Pagination,
    TraceMailAccount,
    TraceMailDomain,
)
from tests.incidents.support import START, Clock, counters


def paged(items: list[Any], page: int, per: int) -> Page[Any]:
    total_pages = max(1, -(-len(items) // per))
    chunk = items[(page - 1) * per : page * per]
    return Page(resources=chunk, pagination=Pagination(per=per, page=page, total_pages=total_pages))


class FakeApi:
    """An in-process IncidentApi (one layer under test): 30 accounts, 3 domains, one broken."""

    def __init__(self, broken_domain: str | None = None, dashboard_down: bool = False) -> None:
        self.accounts = [DeliveryAccount(id=1000 + i, username=f"a{i}") for i in range(30)]
        self.domains = [
            DeliveryDomain(code=f"DD0000000{i}", name=f"D{i}.Example") for i in range(3)
        ]
        self.broken_domain = broken_domain
        self.dashboard_down = dashboard_down
        self.counter_calls: list[dict[str, Any]] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def delivery_accounts(self, *, query: str | None = None, status: str | None = None,
                                page: int = 1, per: int = 25) -> Page[DeliveryAccount]:  # fmt: skip
        return paged(self.accounts, page, per)

    async def delivery_domains(self, *, query: str | None = None, status: str | None = None,
                               page: int = 1, per: int = 25) -> Page[DeliveryDomain]:  # fmt: skip
        return paged(self.domains, page, per)

    async def counters(self, *, account: int | None = None, domain: str | None = None,
                       start_date: date | None = None, end_date: date | None = None,
                       to: str | None = None, from_: str | None = None) -> Counters:  # fmt: skip
        self.counter_calls.append({"account": account, "domain": domain, "start": start_date,
                                   "end": end_date})  # fmt: skip
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0)
        self.in_flight -= 1
        if domain is not None and domain == self.broken_domain:
            raise ApiServerError("boom", method="GET", path="/api/delivery/tracemail/counters")
        return counters(all=account or 7)

    async def tracemail_accounts(self, **_: Any) -> Page[TraceMailAccount]:
        raise AssertionError("not used by observe")

    async def tracemail_domains(self, **_: Any) -> Page[TraceMailDomain]:
        raise AssertionError("not used by observe")

    async def daily_statistics(self, **_: Any) -> list[DailyStatistics]:
        raise AssertionError("not used by observe")

    async def dashboard(self) -> Dashboard:
        if self.dashboard_down:
            raise ApiServerError("down", method="GET", path="/api/delivery/dashboard")
        return Dashboard(bounce_rate=0.4)


async def test_every_account_and_domain_is_observed_across_pages() -> None:
    api = FakeApi()
    observations = await observe(api, Clock())
    scopes = [o.resource.scope for o in observations]
    assert scopes.count(Scope.ACCOUNT) == 30
    assert scopes.count(Scope.DOMAIN) == 3
    assert {o.resource.id for o in observations if o.resource.scope is Scope.DOMAIN} == {
        "d0.example", "d1.example", "d2.example",
    }  # fmt: skip
    assert all(o.observed_at == START and o.dashboard is not None for o in observations)


async def test_counters_are_read_for_today_only() -> None:
    api = FakeApi()
    await observe(api, Clock())
    assert {(c["start"], c["end"]) for c in api.counter_calls} == {(START.date(), START.date())}


async def test_one_failing_resource_is_left_out_and_the_rest_observed() -> None:
    api = FakeApi(broken_domain="d1.example")
    observations = await observe(api, Clock())
    ids = {o.resource.key for o in observations}
    assert "domain:d1.example" not in ids
    assert {"domain:d0.example", "domain:d2.example", "account:1000"} <= ids
    assert len(observations) == 32


async def test_dashboard_failure_does_not_stop_the_check() -> None:
    observations = await observe(FakeApi(dashboard_down=True), Clock())
    assert len(observations) == 33
    assert all(o.dashboard is None for o in observations)


async def test_concurrency_is_bounded() -> None:
    api = FakeApi()
    await observe(api, Clock(), concurrency=4)
    assert 1 < api.most_in_flight <= 4

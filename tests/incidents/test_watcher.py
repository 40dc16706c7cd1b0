"""observe(): every account and domain, from the listings or one by one, failures isolated."""

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

    def __init__(
        self,
        broken_domain: str | None = None,
        dashboard_down: bool = False,
        listings_down: bool = False,
        unlisted: frozenset[str] = frozenset(),
    ) -> None:
        self.accounts = [DeliveryAccount(id=1000 + i, username=f"a{i}") for i in range(30)]
        self.domains = [
            DeliveryDomain(code=f"DD0000000{i}", name=f"D{i}.Example") for i in range(3)
        ]
        self.broken_domain = broken_domain
        self.dashboard_down = dashboard_down
        self.listings_down = listings_down
        self.unlisted = unlisted  # resource keys the TraceMail listings leave out
        self.counter_calls: list[dict[str, Any]] = []
        self.listing_calls: list[dict[str, Any]] = []
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

    async def tracemail_accounts(self, *, start_date: date | None = None,
                                 end_date: date | None = None, page: int = 1,
                                 per: int = 25) -> Page[TraceMailAccount]:  # fmt: skip
        self._listing("accounts", start_date, end_date)
        items = [TraceMailAccount(id=a.id, all=a.id) for a in self.accounts
                 if f"account:{a.id}" not in self.unlisted]  # fmt: skip
        return paged(items, page, per)

    async def tracemail_domains(self, *, account: int | None = None,
                                start_date: date | None = None, end_date: date | None = None,
                                page: int = 1, per: int = 25) -> Page[TraceMailDomain]:  # fmt: skip
        self._listing("domains", start_date, end_date)
        items = [TraceMailDomain(name=d.name, all=11) for d in self.domains
                 if f"domain:{d.name.lower()}" not in self.unlisted]  # fmt: skip
        return paged(items, page, per)

    def _listing(self, name: str, start: date | None, end: date | None) -> None:
        self.listing_calls.append({"name": name, "start": start, "end": end})
        if self.listings_down:
            raise ApiServerError("down", method="GET", path=f"/api/delivery/tracemail/{name}")

    async def daily_statistics(self, **_: Any) -> list[DailyStatistics]:
        raise AssertionError("not used by observe")

    async def dashboard(self) -> Dashboard:
        if self.dashboard_down:
            raise ApiServerError("down", method="GET", path="/api/delivery/dashboard")
        return Dashboard(bounce_rate=0.4)


async def test_every_account_and_domain_is_observed_from_the_listings() -> None:
    api = FakeApi()
    observations = await observe(api, Clock())
    scopes = [o.resource.scope for o in observations]
    assert scopes.count(Scope.ACCOUNT) == 30
    assert scopes.count(Scope.DOMAIN) == 3
    assert {o.resource.id for o in observations if o.resource.scope is Scope.DOMAIN} == {
        "d0.example", "d1.example", "d2.example",
    }  # fmt: skip
    by_key = {o.resource.key: o for o in observations}
    assert by_key["account:1029"].day.all == 1029  # the listing's figures, matched by id
    assert by_key["domain:d2.example"].day.all == 11  # ... and by name, case-insensitively
    assert api.counter_calls == []  # no call per resource when the listings answer
    assert all(o.observed_at == START and o.dashboard is not None for o in observations)


async def test_counters_are_read_for_today_only() -> None:
    api = FakeApi(listings_down=True)
    await observe(api, Clock())
    today = (START.date(), START.date())
    assert {(c["start"], c["end"]) for c in api.listing_calls} == {today}
    assert {(c["start"], c["end"]) for c in api.counter_calls} == {today}


async def test_resources_missing_from_a_listing_are_read_one_by_one() -> None:
    api = FakeApi(unlisted=frozenset({"account:1003", "domain:d1.example"}))
    observations = await observe(api, Clock())
    assert len(observations) == 33
    assert [(c["account"], c["domain"]) for c in api.counter_calls] == [
        (1003, None), (None, "d1.example"),
    ]  # fmt: skip


async def test_one_failing_resource_is_left_out_and_the_rest_observed() -> None:
    api = FakeApi(broken_domain="d1.example", listings_down=True)
    observations = await observe(api, Clock())
    ids = {o.resource.key for o in observations}
    assert "domain:d1.example" not in ids
    assert {"domain:d0.example", "domain:d2.example", "account:1000"} <= ids
    assert len(observations) == 32


async def test_dashboard_failure_does_not_stop_the_check() -> None:
    observations = await observe(FakeApi(dashboard_down=True), Clock())
    assert len(observations) == 33
    assert all(o.dashboard is None for o in observations)


async def test_concurrency_of_the_one_by_one_reads_is_bounded() -> None:
    api = FakeApi(listings_down=True)
    await observe(api, Clock(), concurrency=4)
    assert len(api.counter_calls) == 33
    assert 1 < api.most_in_flight <= 4

"""Test support for incidents: a recording IncidentPoster, a movable UTC clock, value builders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.errors import ApiServerError
from bot.incidents.history import counters_of
from bot.incidents.observation import (
    Finding,
    Firing,
    IncidentSeverity,
    Observation,
    ResourceRef,
    Scope,
)
from bot.incidents.ports import Message
from bot.qboxmail.models import (
    Counters,
    DailyStatistics,
    Dashboard,
    DeliveryAccount,
    DeliveryDomain,
    MailoutEntry,
    Page,
    Pagination,
    TraceMailAccount,
    TraceMailDomain,
)
from bot.qboxmail.query import MailoutQuery

START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DOMAIN = ResourceRef(Scope.DOMAIN, "shop.example", "shop.example")
ACCOUNT = ResourceRef(Scope.ACCOUNT, "4127", "acme")


class Clock:
    """UTC now, moved only by the test (also usable as an epoch-seconds clock for stores)."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def epoch(self) -> float:
        return self.now.timestamp()

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class Crash(Exception):
    """Stands for the process dying at a chosen point."""


@dataclass
class RecordingPoster:
    """The IncidentPoster boundary, recording every call; `posted` keeps parents by incident id.

    `crash_after_post` makes the next post_parent reach "Slack" and then fail before the caller
    learns the ts (the process died); `fail_before_post` makes it fail without posting.
    """

    calls: list[tuple[str, Any]] = field(default_factory=list)
    posted: dict[str, str] = field(default_factory=dict)
    crash_after_post: bool = False
    fail_before_post: bool = False
    yield_in_post: bool = False  # let other tasks run mid-post (concurrency tests)
    _next_ts: int = 0

    def _ts(self) -> str:
        self._next_ts += 1
        return f"1795000000.{self._next_ts:06d}"

    def of(self, name: str) -> list[Any]:
        return [args for call, args in self.calls if call == name]

    async def post_parent(self, channel: str, incident_id: str, message: Message) -> str:
        if self.fail_before_post:
            self.fail_before_post = False
            raise Crash("slack unreachable")
        if self.yield_in_post:
            await asyncio.sleep(0)
        ts = self._ts()
        self.posted[incident_id] = ts
        self.calls.append(("post_parent", (channel, incident_id, message)))
        if self.crash_after_post:
            self.crash_after_post = False
            raise Crash("died after posting")
        return ts

    async def find_parent(self, channel: str, incident_id: str) -> str | None:
        self.calls.append(("find_parent", (channel, incident_id)))
        return self.posted.get(incident_id)

    async def update_parent(self, channel: str, ts: str, message: Message) -> None:
        self.calls.append(("update_parent", (channel, ts, message)))

    async def post_thread(self, channel: str, ts: str, message: Message) -> str:
        self.calls.append(("post_thread", (channel, ts, message)))
        return self._ts()

    async def upload_chart(self, channel: str, ts: str, png: bytes, title: str) -> None:
        self.calls.append(("upload_chart", (channel, ts, png, title)))


def counters(**values: int) -> Counters:
    return counters_of(values)


def account(**fields: Any) -> DeliveryAccount:
    return DeliveryAccount.model_validate({"id": 4127, "username": "acme", **fields})


def domain(**fields: Any) -> DeliveryDomain:
    base = {"code": "DD00000001", "name": "shop.example", "dns_verification_status": "verified"}
    return DeliveryDomain.model_validate({**base, **fields})


def observation(
    resource: ResourceRef = DOMAIN,
    *,
    day: Counters | None = None,
    last_hour: Counters | None = None,
    at: datetime = START,
    **extra: Any,
) -> Observation:
    return Observation(resource, at, day or counters(), last_hour, **extra)


def firing(summary: str = "bounce rate 5 %", severity: str = "critical", **counts: float) -> Firing:
    return Firing(IncidentSeverity(severity), summary, tuple(counts.items()))


def finding(fire: Firing | None, *, rule: str = "bounce_rate", at: datetime = START) -> Finding:
    return Finding(rule, DOMAIN, at, fire)


def paged(items: list[Any], page: int, per: int) -> Page[Any]:
    total_pages = max(1, -(-len(items) // per))
    chunk = items[(page - 1) * per : page * per]
    return Page(resources=chunk, pagination=Pagination(per=per, page=page, total_pages=total_pages))


class FakeApi:
    """An in-process QboxmailApi for the engine (one layer): 30 accounts, 3 domains, one broken."""

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
        self.mailout_queries: list[MailoutQuery] = []
        self.entries: list[MailoutEntry] = []  # what mailouts() pages through
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

    async def daily_statistics(self, *, account: int | None = None, domain: str | None = None,
                               start_date: date | None = None,
                               end_date: date | None = None) -> list[DailyStatistics]:  # fmt: skip
        assert start_date is not None
        assert end_date is not None
        days = (end_date - start_date).days + 1
        return [DailyStatistics(date=start_date + timedelta(days=d), delivered=900, bounce=9)
                for d in range(days)]  # fmt: skip

    async def mailouts(self, query: MailoutQuery) -> Page[MailoutEntry]:
        self.mailout_queries.append(query)
        return paged(self.entries, query.page, query.per)

    async def dashboard(self) -> Dashboard:
        if self.dashboard_down:
            raise ApiServerError("down", method="GET", path="/api/delivery/dashboard")
        return Dashboard(bounce_rate=0.4)

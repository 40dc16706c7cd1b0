"""Test support for incidents: a recording IncidentPoster, a movable UTC clock, value builders,
and the watched world served through the real Qboxmail client."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

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
from tests.qboxmail.canned import Answer, CannedAnswers, Refused

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


class WatchedWorld(CannedAnswers):
    """What the watcher reads, served through the real client (`client`): 30 accounts,
    3 domains; one domain, the listings or the dashboard may be made to fail."""

    def __init__(
        self,
        broken_domain: str | None = None,
        dashboard_down: bool = False,
        listings_down: bool = False,
        unlisted: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
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
        self.entries: list[MailoutEntry] = []  # what mailouts() pages through
        self.in_flight = 0
        self.most_in_flight = 0

    async def respond(
        self, name: str, path: dict[str, str], request: httpx.Request
    ) -> httpx.Response:
        if name != "counters":
            return await super().respond(name, path, request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0)
        self.in_flight -= 1
        return await super().respond(name, path, request)

    def answer(
        self, name: str, path: dict[str, str], params: dict[str, str], request: httpx.Request
    ) -> Answer:
        start, end = _day(params, "start_date"), _day(params, "end_date")
        if name == "delivery_accounts":
            return self.accounts
        if name == "delivery_domains":
            return self.domains
        if name == "counters":
            return self._counters(params, start, end)
        if name in ("tracemail_accounts", "tracemail_domains"):
            return self._listing(name, start, end)
        if name == "daily_statistics":
            assert start is not None
            assert end is not None
            return [DailyStatistics(date=start + timedelta(days=d), delivered=900, bounce=9)
                    for d in range((end - start).days + 1)]  # fmt: skip
        if name == "mailouts":
            return paged(self.entries, int(params["page"]), int(params["per"]))
        assert name == "dashboard", name
        if self.dashboard_down:
            raise Refused(500, "down")
        return Dashboard(bounce_rate=0.4)

    def _counters(self, params: dict[str, str], start: date | None, end: date | None) -> Counters:
        account = int(params["account"]) if "account" in params else None
        domain = params.get("domain")
        self.counter_calls.append({"account": account, "domain": domain, "start": start,
                                   "end": end})  # fmt: skip
        if domain is not None and domain == self.broken_domain:
            raise Refused(500, "boom")
        return counters(all=account or 7)

    def _listing(self, name: str, start: date | None, end: date | None) -> list[Any]:
        self.listing_calls.append({"name": name.removeprefix("tracemail_"), "start": start,
                                   "end": end})  # fmt: skip
        if self.listings_down:
            raise Refused(500, "down")
        if name == "tracemail_accounts":
            return [TraceMailAccount(id=a.id, all=a.id) for a in self.accounts
                    if f"account:{a.id}" not in self.unlisted]  # fmt: skip
        return [TraceMailDomain(name=d.name, all=11) for d in self.domains
                if f"domain:{d.name.lower()}" not in self.unlisted]  # fmt: skip


def _day(params: dict[str, str], name: str) -> date | None:
    return date.fromisoformat(params[name]) if name in params else None

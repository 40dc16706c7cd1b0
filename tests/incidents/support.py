"""Test support for incidents: a recording IncidentPoster, a movable UTC clock, value builders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

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
from bot.qboxmail.models import Counters, DeliveryAccount, DeliveryDomain

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

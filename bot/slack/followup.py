"""What the follow-up features need in Slack (watches, remediation, Home): `FollowUp`, which
rides on SlackDeps as `deps.followup`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from bot.clocks import EpochClock
from bot.remediation.policy import RemediationPolicy
from bot.remediation.reactivation import SuppressionApi
from bot.watch.book import WatchBook


@dataclass(frozen=True)
class FollowUp:
    book: WatchBook
    remediation: RemediationPolicy
    suppressions: SuppressionApi
    clock: EpochClock  # the watch schedule
    ttl_seconds: float
    max_watches: int
    health: Callable[[], Awaitable[Mapping[str, bool]]] | None = None  # the Home tab's health
    incident_channel: str | None = None

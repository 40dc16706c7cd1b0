"""What the watcher sees of one account or domain, and what a rule concludes from it. Pure values.

An Observation holds the TraceMail counters for today so far and (once an hour of history
exists) for the last hour, the resource itself and the dashboard. A Finding is one rule's
verdict on one resource: firing, holding (between its two thresholds) or clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.qboxmail.models import Counters, Dashboard, DeliveryAccount, DeliveryDomain


class Scope(StrEnum):
    """What a rule watches."""

    ACCOUNT = "account"
    DOMAIN = "domain"


class IncidentSeverity(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"


class Level(StrEnum):
    """How far over its thresholds a rule's reading is."""

    FIRING = "firing"  # over the opening threshold: opens (or keeps open) an incident
    HOLDING = "holding"  # between the resolve and the opening threshold: keeps one open
    CLEAR = "clear"  # under the resolve threshold: counts towards resolution
    UNKNOWN = "unknown"  # too little mail to judge: neither opens nor counts as clear


@dataclass(frozen=True)
class ResourceRef:
    """An account (by id) or a sending domain (by name), with a label people recognise."""

    scope: Scope
    id: str
    label: str

    @property
    def key(self) -> str:
        return f"{self.scope}:{self.id}"


@dataclass(frozen=True)
class Observation:
    resource: ResourceRef
    observed_at: datetime
    day: Counters  # today (UTC) so far
    last_hour: Counters | None = None  # None until the history reaches back an hour
    recent: Counters | None = None  # cold start on a quiet day: yesterday and today so far
    account: DeliveryAccount | None = None
    domain: DeliveryDomain | None = None
    dashboard: Dashboard | None = None

    @property
    def rate_window(self) -> tuple[Counters, str]:
        """What rate rules judge: the last hour, or (cold start, no hour of history) today so
        far, or yesterday and today when today alone was too quiet (cold.py)."""
        if self.last_hour is not None:
            return self.last_hour, "in the last hour"
        if self.recent is not None:
            return self.recent, "since yesterday"
        return self.day, "today so far"

    @property
    def hours_today(self) -> float:
        """Hours since 00:00 UTC, at least one (the day's hourly average divides by it)."""
        midnight = self.observed_at.replace(hour=0, minute=0, second=0, microsecond=0)
        return max(1.0, (self.observed_at - midnight).total_seconds() / 3600)


Counts = tuple[tuple[str, float], ...]
"""Named figures a firing rule reports, in display order (e.g. ("bounce", 42.0))."""


@dataclass(frozen=True)
class Firing:
    """A rule's reading: firing, or (rate rules) holding or clear with the figures behind it."""

    severity: IncidentSeverity
    summary: str  # one line, plain text (the renderer escapes it)
    counts: Counts = ()
    level: Level = Level.FIRING


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one resource at one check: `firing` None means clear."""

    rule_id: str
    resource: ResourceRef
    observed_at: datetime
    firing: Firing | None

    @property
    def key(self) -> str:
        """The incident key: rule id + resource."""
        return f"{self.rule_id}:{self.resource.key}"

    @property
    def level(self) -> Level:
        return Level.CLEAR if self.firing is None else self.firing.level

    @property
    def opens(self) -> bool:
        return self.level is Level.FIRING

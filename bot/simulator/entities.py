"""The world's parts as values: accounts, domains, tokens, suppressions, recipients, traffic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from bot.simulator.catalog import AccountSpec, DomainSpec, StreamSpec, TokenSpec


@dataclass(frozen=True)
class Account:
    spec: AccountSpec
    password: str  # the documented SMTP password field; fake, and never needed by the bot
    created_at: datetime
    status_since: datetime

    @property
    def id(self) -> int:
        return self.spec.id


@dataclass(frozen=True)
class Domain:
    spec: DomainSpec
    created_at: datetime
    checked_at: datetime

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class Token:
    spec: TokenSpec
    value: str  # the whole secret; the Management API shows only its first 8 characters
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class Suppression:
    id: int
    email: str
    reason: str
    category: str
    message: str
    accounts: tuple[int, ...]
    active: bool
    created_at: datetime

    def applies_to(self, account_id: int) -> bool:
        return self.active and (not self.accounts or account_id in self.accounts)


@dataclass(frozen=True)
class AddressBook:
    """Every recipient address bulk traffic uses, numbered, and grouped by the fate it meets."""

    addresses: tuple[str, ...]
    index: dict[str, int] = field(hash=False, compare=False)
    pools: dict[str, tuple[int, ...]] = field(hash=False, compare=False)

    def pool(self, name: str, account_id: int) -> tuple[int, ...]:
        """Suppressed pools are per account (customer-wide entries count for every account)."""
        if name.startswith("suppressed_"):
            return self.pools.get(f"{name}:{account_id}", ())
        return self.pools[name]


@dataclass(frozen=True)
class RampPlan:
    """Bounces climb from `base` to `peak` (shares of messages) and fall back, over hours."""

    start: float
    peak_at: float
    end: float
    base: float = 0.0005
    peak: float = 0.18

    def share(self, ts: float) -> float:
        if ts <= self.start or ts >= self.end:
            return self.base
        if ts <= self.peak_at:
            rise = (ts - self.start) / (self.peak_at - self.start)
            return self.base + (self.peak - self.base) * rise
        fall = (self.end - ts) / (self.end - self.peak_at)
        return self.base + (self.peak - self.base) * fall


@dataclass(frozen=True)
class StreamPlan:
    """One traffic stream placed in time: the spec plus the instants its account changed."""

    no: int
    spec: StreamSpec
    username: str
    status_since: float | None  # epoch seconds when the account's current status began
    api_ip: str
    smtp_ip: str
    ramp: RampPlan | None = None

    @cached_property
    def key(self) -> str:
        """Identifies the traffic this plan generates (a cheap cache key)."""
        return f"{self.no}:{self.spec.domain}:{self.status_since}:{self.ramp}"

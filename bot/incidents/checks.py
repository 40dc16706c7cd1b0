"""The pure evaluations behind each kind of rule: an Observation in, a Firing or None (clear) out.

Each function reads only its rule's parameters (`RuleParams`) and the observation; none does I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.incidents.observation import Firing, IncidentSeverity, Level, Observation
from bot.qboxmail.contract import AccountStatus, DnsVerification
from bot.qboxmail.models import Counters


class CounterName(StrEnum):
    """TraceMail counter fields a rule may watch (Counters attribute names)."""

    BOUNCE = "bounce"
    SUPPRESSED = "suppressed"
    AUTH_ERRORS = "auth_errors"
    LIMITS_ERRORS = "limits_errors"
    GENERIC_ERRORS = "generic_errors"


RATE_COUNTERS = frozenset({CounterName.BOUNCE, CounterName.SUPPRESSED})
ERROR_COUNTERS = frozenset(
    {CounterName.AUTH_ERRORS, CounterName.LIMITS_ERRORS, CounterName.GENERIC_ERRORS}
)
INACTIVE_ACCOUNT = {
    AccountStatus.DISABLED: "disabled",
    AccountStatus.WAIT_PAY: "waiting for payment (wait_pay)",
    AccountStatus.BLOCKED: "blocked",
}
UNSENDABLE_DNS = {
    DnsVerification.MISCONFIGURED: "misconfigured",
    DnsVerification.NOT_VERIFIED: "not verified",
}


@dataclass(frozen=True)
class RuleParams:
    """A validated rule's parameters, as its check reads them."""

    severity: IncidentSeverity
    counter: CounterName | None = None
    threshold: float = 0.0
    factor: float = 1.0
    min_count: int = 0
    resolve_below: float | None = None  # rate rules: an open incident clears under this
    min_events: int = 1  # rate rules: counted messages needed to open


Check = Callable[[RuleParams, Observation], Firing | None]


def _count(counters: Counters, name: CounterName) -> int:
    value: int = getattr(counters, name.value)
    return value


def _label(name: CounterName) -> str:
    return name.value.replace("_", " ")


def rate_over_threshold(params: RuleParams, obs: Observation) -> Firing | None:
    """The counter's share of the window's messages: over `threshold` percent (with at least
    `min_events` of them) fires; at or over `resolve_below` holds; under it is clear.

    The window is the last hour, or today so far on a cold start. A window with fewer than
    `min_count` messages is no evidence either way (UNKNOWN: an open incident stays as it is).
    """
    (window, span), name = obs.rate_window, params.counter
    if name is None:
        return None
    if window.all < max(1, params.min_count):
        summary = f"only {window.all:,} messages {span}: too few to judge"
        return Firing(params.severity, summary, (("all", window.all),), Level.UNKNOWN)
    count = _count(window, name)
    rate = window.rate(count)
    level = _rate_level(params, rate, count)
    bound = params.threshold if level is Level.FIRING else _resolve_below(params)
    relation = {Level.FIRING: "over", Level.HOLDING: "not yet under", Level.CLEAR: "under"}
    summary = (
        f"{_label(name).capitalize()} rate {rate:.1f} % {span} "
        f"({count:,} of {window.all:,}), {relation[level]} {bound:g} %"
    )
    counts = ((f"{name.value} rate %", round(rate, 1)), (name.value, count), ("all", window.all))
    return Firing(params.severity, summary, counts, level)


def _resolve_below(params: RuleParams) -> float:
    return params.threshold if params.resolve_below is None else params.resolve_below


def _rate_level(params: RuleParams, rate: float, count: int) -> Level:
    if rate > params.threshold and count >= params.min_events:
        return Level.FIRING
    return Level.HOLDING if rate >= _resolve_below(params) and count > 0 else Level.CLEAR


def error_spike(params: RuleParams, obs: Observation) -> Firing | None:
    """The last hour's errors are at least `min_count` and over `factor` x the day's average."""
    window, name = obs.last_hour, params.counter
    if window is None or name is None:
        return None
    hour = _count(window, name)
    earlier = max(0, _count(obs.day, name) - hour)
    average = earlier / max(1.0, obs.hours_today - 1.0)
    if hour < params.min_count or hour <= params.factor * average:
        return None
    summary = (
        f"{hour:,} {_label(name)} in the last hour, over {params.factor:g}x "
        f"today's hourly average of {average:.1f}"
    )
    counts = ((f"{name.value} last hour", hour), ("hourly average", round(average, 1)))
    return Firing(params.severity, summary, counts)


def account_inactive(params: RuleParams, obs: Observation) -> Firing | None:
    """The Delivery account is disabled, blocked or waiting for payment."""
    account = obs.account
    if account is None or account.status not in INACTIVE_ACCOUNT:
        return None
    state = INACTIVE_ACCOUNT[AccountStatus(account.status)]
    detail = f" ({account.status_detail})" if account.status_detail else ""
    summary = f"Account {account.username or account.id} is {state}{detail}: it cannot send"
    return Firing(params.severity, summary)


def quota_low(params: RuleParams, obs: Observation) -> Firing | None:
    """What the account can still send this period is under `threshold` (none left: critical)."""
    account = obs.account
    if account is None or account.remaining_total >= params.threshold:
        return None
    left = account.remaining_total
    severity = IncidentSeverity.CRITICAL if left <= 0 else params.severity
    summary = f"{left:,} messages left this period (threshold {params.threshold:,.0f})"
    return Firing(severity, summary, (("remaining", left),))


def domain_unsendable(params: RuleParams, obs: Observation) -> Firing | None:
    """The sending domain's DNS is misconfigured or not verified: its mail is refused."""
    domain = obs.domain
    status = domain.dns_verification_status if domain is not None else None
    if domain is None or status not in UNSENDABLE_DNS:
        return None
    summary = f"Domain {domain.name} is {UNSENDABLE_DNS[DnsVerification(status)]}: it cannot send"
    return Firing(params.severity, summary)

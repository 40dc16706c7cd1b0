"""The pure evaluations behind each kind of rule: an Observation in, a Firing or None (clear) out.

Each function reads only its rule's parameters (`RuleParams`) and the observation; none does I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.incidents.observation import Firing, IncidentSeverity, Observation
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


Check = Callable[[RuleParams, Observation], Firing | None]


def _count(counters: Counters, name: CounterName) -> int:
    value: int = getattr(counters, name.value)
    return value


def _label(name: CounterName) -> str:
    return name.value.replace("_", " ")


def rate_over_threshold(params: RuleParams, obs: Observation) -> Firing | None:
    """The counter's share of the last hour's messages is over `threshold` percent."""
    window, name = obs.last_hour, params.counter
    if window is None or name is None or window.all < params.min_count:
        return None
    count = _count(window, name)
    rate = window.rate(count)
    if rate <= params.threshold:
        return None
    summary = (
        f"{_label(name).capitalize()} rate {rate:.1f} % in the last hour "
        f"({count:,} of {window.all:,}), over {params.threshold:g} %"
    )
    counts = ((f"{name.value} rate %", round(rate, 1)), (name.value, count), ("all", window.all))
    return Firing(params.severity, summary, counts)


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

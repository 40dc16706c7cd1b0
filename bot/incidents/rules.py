"""Incident rules declared as data, thresholds from settings, validated once at start-up.

`declarations(thresholds)` is the rule table; `load_rules` validates it (pydantic for each
row, then cross-checks: unknown kinds or counters, duplicate ids, a scope or parameter the
kind cannot use) and raises one ChecklistError naming every problem.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import ChecklistError
from bot.incidents import checks
from bot.incidents.checks import CounterName, RuleParams
from bot.incidents.observation import Finding, Firing, IncidentSeverity, Observation, Scope
from bot.settings import Settings


class RuleKind(StrEnum):
    RATE = "rate"
    ERROR_SPIKE = "error_spike"
    ACCOUNT_STATUS = "account_status"
    QUOTA = "quota"
    DOMAIN_DNS = "domain_dns"


@dataclass(frozen=True)
class KindShape:
    """What a kind of rule needs: its check, the scopes it can watch, its counters."""

    check: checks.Check
    scopes: frozenset[Scope]
    counters: frozenset[CounterName] = frozenset()
    needs_last_hour: bool = False


_BOTH = frozenset(Scope)
KINDS: Mapping[RuleKind, KindShape] = {
    RuleKind.RATE: KindShape(checks.rate_over_threshold, _BOTH, checks.RATE_COUNTERS),
    RuleKind.ERROR_SPIKE: KindShape(checks.error_spike, _BOTH, checks.ERROR_COUNTERS, True),
    RuleKind.ACCOUNT_STATUS: KindShape(checks.account_inactive, frozenset({Scope.ACCOUNT})),
    RuleKind.QUOTA: KindShape(checks.quota_low, frozenset({Scope.ACCOUNT})),
    RuleKind.DOMAIN_DNS: KindShape(checks.domain_unsendable, frozenset({Scope.DOMAIN})),
}


class RuleSpec(BaseModel):
    """One row of the rule table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,47}$")
    kind: RuleKind
    watches: tuple[Scope, ...] = Field(min_length=1)
    severity: IncidentSeverity
    counter: CounterName | None = None
    threshold: float = Field(default=0.0, ge=0)
    factor: float = Field(default=1.0, ge=1)
    min_count: int = Field(default=0, ge=0)
    resolve_below: float | None = Field(default=None, ge=0)
    min_events: int = Field(default=1, ge=1)


@dataclass(frozen=True)
class Rule:
    spec: RuleSpec

    @property
    def id(self) -> str:
        return self.spec.id

    def applies_to(self, obs: Observation) -> bool:
        """Watched scope, and the data the check needs is there (no hour window: no verdict)."""
        shape = KINDS[self.spec.kind]
        needs_hour = shape.needs_last_hour and obs.last_hour is None
        return obs.resource.scope in self.spec.watches and not needs_hour

    def evaluate(self, obs: Observation) -> Firing | None:
        spec = self.spec
        params = RuleParams(
            spec.severity, spec.counter, spec.threshold, spec.factor, spec.min_count,
            spec.resolve_below, spec.min_events,
        )  # fmt: skip
        return KINDS[spec.kind].check(params, obs)


@dataclass(frozen=True)
class Thresholds:
    bounce_rate_percent: float
    suppressed_rate_percent: float
    rate_min_messages: int
    rate_min_events: int
    bounce_resolve_percent: float
    suppressed_resolve_percent: float
    error_spike_factor: float
    error_spike_min: int
    min_remaining_quota: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Thresholds:
        return cls(
            bounce_rate_percent=settings.qbx_rule_bounce_rate_percent,
            suppressed_rate_percent=settings.qbx_rule_suppressed_rate_percent,
            rate_min_messages=settings.qbx_rule_rate_min_messages,
            rate_min_events=settings.qbx_rule_rate_min_events,
            bounce_resolve_percent=settings.qbx_rule_bounce_resolve_percent,
            suppressed_resolve_percent=settings.qbx_rule_suppressed_resolve_percent,
            error_spike_factor=settings.qbx_rule_error_spike_factor,
            error_spike_min=settings.qbx_rule_error_spike_min,
            min_remaining_quota=settings.qbx_rule_min_remaining_quota,
        )


def declarations(t: Thresholds) -> list[dict[str, Any]]:
    """The rule table. Every number comes from `t` (settings); edit rows here to retune."""
    both = ["account", "domain"]
    rate: dict[str, Any] = {"kind": "rate", "watches": both, "min_count": t.rate_min_messages,
                            "min_events": t.rate_min_events}  # fmt: skip
    spike: dict[str, Any] = {"kind": "error_spike", "watches": both, "severity": "warning"}
    spike |= {"factor": t.error_spike_factor, "min_count": t.error_spike_min}
    return [
        {"id": "bounce_rate", **rate, "severity": "critical", "counter": "bounce",
         "threshold": t.bounce_rate_percent, "resolve_below": t.bounce_resolve_percent},
        {"id": "suppressed_rate", **rate, "severity": "warning", "counter": "suppressed",
         "threshold": t.suppressed_rate_percent,
         "resolve_below": t.suppressed_resolve_percent},
        {"id": "auth_errors_spike", **spike, "counter": "auth_errors"},
        {"id": "limits_errors_spike", **spike, "counter": "limits_errors"},
        {"id": "generic_errors_spike", **spike, "counter": "generic_errors"},
        {"id": "account_inactive", "kind": "account_status", "watches": ["account"],
         "severity": "critical"},
        {"id": "quota_low", "kind": "quota", "watches": ["account"], "severity": "warning",
         "threshold": t.min_remaining_quota},
        {"id": "domain_unsendable", "kind": "domain_dns", "watches": ["domain"],
         "severity": "critical"},
    ]  # fmt: skip


def load_rules(rows: Sequence[Mapping[str, Any]]) -> tuple[Rule, ...]:
    """Validate the rule table; one ChecklistError lists every problem."""
    problems: list[str] = []
    specs: list[RuleSpec] = []
    for index, row in enumerate(rows):
        try:
            specs.append(RuleSpec.model_validate(row))
        except ValidationError as exc:
            problems.extend(_row_problems(index, row, exc))
    problems.extend(_duplicates(spec.id for spec in specs))
    for spec in specs:
        problems.extend(_shape_problems(spec))
    if problems:
        raise ChecklistError("invalid incident rules:\n" + "\n".join(f"  - {p}" for p in problems))
    return tuple(Rule(spec) for spec in specs)


def default_rules(settings: Settings) -> tuple[Rule, ...]:
    return load_rules(declarations(Thresholds.from_settings(settings)))


def evaluate(rules: Iterable[Rule], observations: Iterable[Observation]) -> list[Finding]:
    """Every applicable rule on every observation: firing or clear."""
    rules = tuple(rules)
    return [
        Finding(rule.id, obs.resource, obs.observed_at, rule.evaluate(obs))
        for obs in observations
        for rule in rules
        if rule.applies_to(obs)
    ]


def _row_problems(index: int, row: Mapping[str, Any], exc: ValidationError) -> list[str]:
    name = row.get("id", f"row {index}")
    return [
        f"{name}: {'.'.join(str(p) for p in err['loc']) or 'row'}: {err['msg']}"
        for err in exc.errors()
    ]


def _duplicates(ids: Iterable[str]) -> list[str]:
    return [f"{rule_id}: declared {n} times" for rule_id, n in Counter(ids).items() if n > 1]


def _shape_problems(spec: RuleSpec) -> list[str]:
    shape = KINDS[spec.kind]
    problems = [
        f"{spec.id}: a {spec.kind} rule cannot watch {scope}"
        for scope in spec.watches
        if scope not in shape.scopes
    ]
    if shape.counters and spec.counter not in shape.counters:
        allowed = ", ".join(sorted(shape.counters))
        problems.append(f"{spec.id}: a {spec.kind} rule needs a counter among {allowed}")
    if not shape.counters and spec.counter is not None:
        problems.append(f"{spec.id}: a {spec.kind} rule takes no counter")
    if spec.resolve_below is not None and spec.resolve_below > spec.threshold:
        problems.append(
            f"{spec.id}: resolve_below {spec.resolve_below:g} is over the opening threshold "
            f"{spec.threshold:g} (an incident would open and resolve on the same reading)"
        )
    return problems

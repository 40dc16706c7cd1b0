"""The rule table: every rule on boundary values (one row per case), and start-up validation."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import ChecklistError
from bot.incidents.observation import IncidentSeverity, Level, Observation
from bot.incidents.rules import Thresholds, declarations, default_rules, evaluate, load_rules
from bot.settings import Settings
from tests.incidents.support import ACCOUNT, account, counters, domain, observation

SETTINGS = Settings(
    qbx_rule_bounce_rate_percent=1.0,
    qbx_rule_suppressed_rate_percent=1.0,
    qbx_rule_rate_min_messages=50,
    qbx_rule_rate_min_events=3,
    qbx_rule_bounce_resolve_percent=0.5,
    qbx_rule_suppressed_resolve_percent=0.5,
    qbx_rule_error_spike_factor=3.0,
    qbx_rule_error_spike_min=20,
    qbx_rule_min_remaining_quota=1000,
)
RULES = default_rules(SETTINGS)
CRIT, WARN = IncidentSeverity.CRITICAL, IncidentSeverity.WARNING


def hour(**values: int) -> Observation:
    """A domain observed at 12:00 UTC (12 hours into the day) with this last hour."""
    last = counters(**values)
    return observation(day=counters(**values), last_hour=last)


def spike(name: str, last_hour: int, day: int) -> Observation:
    return observation(day=counters(**{name: day}), last_hour=counters(**{name: last_hour}))


def acct(**fields: Any) -> Observation:
    return observation(ACCOUNT, account=account(**fields))


def dom(status: str) -> Observation:
    return observation(domain=domain(dns_verification_status=status))


CASES: list[tuple[str, str, Observation, IncidentSeverity | None]] = [
    # (case id, rule id, observation, expected severity or None for clear)
    ("bounce-at-threshold-clear", "bounce_rate", hour(all=1000, bounce=10), None),
    ("bounce-just-over-fires", "bounce_rate", hour(all=1000, bounce=11), CRIT),
    ("bounce-under-min-volume-clear", "bounce_rate", hour(all=49, bounce=10), None),
    ("bounce-at-min-volume-fires", "bounce_rate", hour(all=50, bounce=3), CRIT),
    ("one-bounce-of-59-opens-nothing", "bounce_rate", hour(all=59, bounce=1), None),
    ("two-bounces-under-min-events", "bounce_rate", hour(all=59, bounce=2), None),
    ("one-suppressed-of-59-opens-nothing", "suppressed_rate", hour(all=59, suppressed=1), None),
    ("suppressed-at-threshold-clear", "suppressed_rate", hour(all=1000, suppressed=10), None),
    ("suppressed-over-fires-warning", "suppressed_rate", hour(all=1000, suppressed=11), WARN),
    ("auth-spike-at-min-fires", "auth_errors_spike", spike("auth_errors", 20, 20), WARN),
    ("auth-spike-under-min-clear", "auth_errors_spike", spike("auth_errors", 19, 19), None),
    ("auth-at-factor-clear", "auth_errors_spike", spike("auth_errors", 30, 140), None),
    ("auth-over-factor-fires", "auth_errors_spike", spike("auth_errors", 31, 141), WARN),
    ("limits-spike-fires", "limits_errors_spike", spike("limits_errors", 40, 40), WARN),
    ("limits-steady-clear", "limits_errors_spike", spike("limits_errors", 25, 300), None),
    ("generic-spike-fires", "generic_errors_spike", spike("generic_errors", 25, 25), WARN),
    ("account-enabled-clear", "account_inactive", acct(status=0), None),
    ("account-disabled-fires", "account_inactive", acct(status=1), CRIT),
    ("account-wait-pay-fires", "account_inactive", acct(status=2), CRIT),
    ("account-blocked-fires", "account_inactive", acct(status=3), CRIT),
    ("quota-at-threshold-clear", "quota_low", acct(remaining_messages=1000), None),
    ("quota-extra-counts-clear", "quota_low",
     acct(remaining_messages=500, remaining_extra_messages_bought=500), None),
    ("quota-under-fires-warning", "quota_low", acct(remaining_messages=999), WARN),
    ("quota-exhausted-critical", "quota_low", acct(remaining_messages=0), CRIT),
    ("domain-verified-clear", "domain_unsendable", dom("verified"), None),
    ("domain-misconfigured-fires", "domain_unsendable", dom("misconfigured"), CRIT),
    ("domain-not-verified-fires", "domain_unsendable", dom("not_verified"), CRIT),
]  # fmt: skip


@pytest.mark.parametrize(("rule_id", "obs", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_rule_on_boundary(
    rule_id: str, obs: Observation, expected: IncidentSeverity | None
) -> None:
    [finding] = [f for f in evaluate(RULES, [obs]) if f.rule_id == rule_id]
    if expected is None:
        assert not finding.opens
    else:
        assert finding.opens
        assert finding.firing is not None
        assert finding.firing.severity is expected
        assert finding.firing.summary


def test_firing_names_the_figures() -> None:
    [f] = [f for f in evaluate(RULES, [hour(all=1000, bounce=32)]) if f.rule_id == "bounce_rate"]
    assert f.firing is not None
    assert dict(f.firing.counts) == {"bounce rate %": 3.2, "bounce": 32, "all": 1000}
    assert "3.2 %" in f.firing.summary
    assert f.key == "bounce_rate:domain:shop.example"


def test_spike_rules_give_no_verdict_without_an_hour_of_history() -> None:
    obs = observation(day=counters(all=1000, auth_errors=900))  # last_hour None
    ids = {f.rule_id for f in evaluate(RULES, [obs])}
    assert "auth_errors_spike" not in ids
    assert {"domain_unsendable", "bounce_rate", "suppressed_rate"} <= ids


def test_a_cold_start_judges_today_so_far() -> None:
    """No hour of history yet: an account bouncing 3 % all day is caught on the first pass."""
    obs = observation(day=counters(all=2400, bounce=72))  # last_hour None
    [f] = [f for f in evaluate(RULES, [obs]) if f.rule_id == "bounce_rate"]
    assert f.opens
    assert f.firing is not None
    assert "3.0 % today so far (72 of 2,400)" in f.firing.summary


def test_between_the_thresholds_holds_and_under_the_lower_one_is_clear() -> None:
    levels = {
        bounces: next(f.level for f in evaluate(RULES, [hour(all=1000, bounce=bounces)])
                      if f.rule_id == "bounce_rate")
        for bounces in (11, 10, 5, 4, 0)
    }  # fmt: skip
    assert levels == {11: Level.FIRING, 10: Level.HOLDING, 5: Level.HOLDING, 4: Level.CLEAR,
                      0: Level.CLEAR}  # fmt: skip


def test_a_quiet_hour_is_no_evidence_either_way() -> None:
    [f] = [f for f in evaluate(RULES, [hour(all=49, bounce=0)]) if f.rule_id == "bounce_rate"]
    assert f.level is Level.UNKNOWN


def test_a_resolve_threshold_over_the_opening_one_is_refused() -> None:
    table = rows()
    table[0] = {**table[0], "resolve_below": table[0]["threshold"] + 1}
    with pytest.raises(ChecklistError, match="bounce_rate: resolve_below"):
        load_rules(table)


def test_rules_watch_only_their_scopes() -> None:
    ids = {f.rule_id for f in evaluate(RULES, [acct(status=0)])}
    assert "domain_unsendable" not in ids
    assert {"account_inactive", "quota_low"} <= ids


def test_thresholds_come_from_settings() -> None:
    strict = default_rules(Settings(qbx_rule_bounce_rate_percent=5.0))
    [f] = [f for f in evaluate(strict, [hour(all=1000, bounce=40)]) if f.rule_id == "bounce_rate"]
    assert not f.opens
    [f] = [f for f in evaluate(RULES, [hour(all=1000, bounce=40)]) if f.rule_id == "bounce_rate"]
    assert f.opens


def rows() -> list[dict[str, Any]]:
    return declarations(Thresholds.from_settings(SETTINGS))


def test_default_table_is_valid_and_has_every_rule() -> None:
    assert [r.id for r in load_rules(rows())] == [
        "bounce_rate", "suppressed_rate", "auth_errors_spike", "limits_errors_spike",
        "generic_errors_spike", "account_inactive", "quota_low", "domain_unsendable",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "bounce_storm"}, "kind: Input should be"),
        ({"counter": "complaints"}, "counter: Input should be"),
        ({"counter": "auth_errors"}, "a rate rule needs a counter among bounce, suppressed"),
        ({"severity": "meh"}, "severity: Input should be"),
        ({"extra": 1}, "extra: Extra inputs are not permitted"),
        ({"watches": []}, "watches: Tuple should have at least 1 item"),
        ({"id": "Bad Id"}, "id: String should match pattern"),
    ],
    ids=["unknown-kind", "unknown-counter", "counter-wrong-for-kind", "bad-severity",
         "unknown-field", "watches-nothing", "bad-id"],
)  # fmt: skip
def test_bad_row_is_refused_with_its_problem(change: dict[str, Any], message: str) -> None:
    table = rows()
    table[0] = {**table[0], **change}
    with pytest.raises(ChecklistError, match=message):
        load_rules(table)


def test_scope_a_kind_cannot_watch_is_refused() -> None:
    table = rows()
    table[5] = {**table[5], "watches": ["account", "domain"]}
    with pytest.raises(ChecklistError, match="account_status rule cannot watch domain"):
        load_rules(table)


def test_duplicates_and_other_problems_are_all_listed_at_once() -> None:
    table = [*rows(), rows()[0], {**rows()[6], "id": "quota_two", "counter": "bounce"}]
    with pytest.raises(ChecklistError) as caught:
        load_rules(table)
    text = str(caught.value)
    assert "bounce_rate: declared 2 times" in text
    assert "quota_two: a quota rule takes no counter" in text

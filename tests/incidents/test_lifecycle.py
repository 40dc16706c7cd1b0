"""The incident state machine, pure: open, update, clear streaks, resolve, flapping; and pending."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.incidents.lifecycle import (
    ChangeKind,
    IncidentPolicy,
    IncidentRecord,
    IncidentStatus,
    decide,
    pending,
)
from bot.incidents.observation import Firing, IncidentSeverity, Level
from bot.incidents.render import resolution_note
from bot.incidents.rules import default_rules, evaluate
from bot.settings import Settings
from tests.incidents.support import START, counters, finding, firing, observation

POLICY = IncidentPolicy(channel="C_INCIDENTS", clear_checks=3)


def open_record() -> IncidentRecord:
    record = decide(None, finding(firing(bounce=5)), START, POLICY)
    assert record is not None
    return record


def shown(record: IncidentRecord) -> IncidentRecord:
    """As the publisher leaves it once the channel shows everything."""
    return replace(
        record,
        parent_ts="1.0",
        shown_revision=record.revision,
        thread_posted=True,
        resolution_posted=not record.active,
    )


def test_first_firing_opens_an_incident_keyed_by_rule_and_resource() -> None:
    record = open_record()
    assert record.status is IncidentStatus.OPEN
    assert record.key == "bounce_rate:domain:shop.example"
    assert record.incident_id.startswith(record.key + "@")
    assert record.channel == "C_INCIDENTS"
    assert pending(record) is ChangeKind.OPEN


def test_clear_without_an_incident_keeps_nothing() -> None:
    assert decide(None, finding(None), START, POLICY) is None
    assert pending(None) is ChangeKind.NOOP


def test_same_figures_again_change_nothing_to_show() -> None:
    record = shown(open_record())
    after = decide(record, finding(firing(bounce=5)), START + timedelta(minutes=5), POLICY)
    assert after == record
    assert pending(after) is ChangeKind.NOOP


def test_new_figures_update_the_incident() -> None:
    record = shown(open_record())
    later = START + timedelta(minutes=5)
    after = decide(record, finding(firing("bounce rate 9 %", bounce=9)), later, POLICY)
    assert after is not None
    assert after.status is IncidentStatus.UPDATED
    assert (after.revision, after.counts, after.updated_at) == (2, (("bounce", 9),), later)
    assert after.started_at == START
    assert pending(after) is ChangeKind.UPDATE


def test_severity_change_updates_the_incident() -> None:
    record = shown(open_record())
    after = decide(record, finding(firing(severity="warning", bounce=5)), START, POLICY)
    assert after is not None
    assert pending(after) is ChangeKind.UPDATE


def test_resolves_only_after_the_configured_clear_checks_in_a_row() -> None:
    record = shown(open_record())
    for n in range(1, 3):
        record = decide(record, finding(None), START + timedelta(minutes=5 * n), POLICY)
        assert record is not None
        assert record.active
        assert record.clear_streak == n
        assert pending(record) is ChangeKind.NOOP
    record = decide(record, finding(None), START + timedelta(minutes=15), POLICY)
    assert record is not None
    assert record.status is IncidentStatus.RESOLVED
    assert record.resolved_at == START + timedelta(minutes=15)
    assert pending(record) is ChangeKind.RESOLVE
    assert pending(shown(record)) is ChangeKind.NOOP


def test_firing_again_resets_the_clear_streak() -> None:
    record = shown(open_record())
    record = decide(record, finding(None), START, POLICY)
    record = decide(record, finding(firing(bounce=5)), START, POLICY)
    assert record is not None
    assert record.clear_streak == 0


def test_clear_checks_closer_than_the_gap_count_once() -> None:
    policy = replace(POLICY, min_clear_gap_seconds=120)
    record = shown(open_record())
    record = decide(record, finding(None), START, policy)
    record = decide(record, finding(None), START + timedelta(seconds=30), policy)
    assert record is not None
    assert record.clear_streak == 1


def test_firing_after_a_shown_resolution_opens_a_new_incident() -> None:
    resolved = shown(replace(open_record(), status=IncidentStatus.RESOLVED, resolved_at=START))
    later = START + timedelta(hours=1)
    after = decide(resolved, finding(firing(bounce=5), at=later), later, POLICY)
    assert after is not None
    assert after.incident_id != resolved.incident_id
    assert after.parent_ts is None
    assert pending(after) is ChangeKind.OPEN


def test_firing_before_the_resolution_was_shown_reopens_the_same_incident() -> None:
    record = replace(shown(open_record()), status=IncidentStatus.RESOLVED, resolved_at=START)
    after = decide(record, finding(firing(bounce=7)), START, POLICY)
    assert after is not None
    assert (after.incident_id, after.parent_ts) == (record.incident_id, "1.0")
    assert after.active
    assert after.resolved_at is None
    assert pending(after) is ChangeKind.UPDATE


def test_record_json_round_trip() -> None:
    record = shown(open_record())
    assert IncidentRecord.from_json(record.to_json()) == record


# --- calm incidents: hysteresis, cool-down, figures at resolution -------------------------------

CALM = IncidentPolicy(channel="C_INCIDENTS", clear_checks=3, cooldown_seconds=7200)
CALM_RULES = default_rules(Settings(_env_file=None))  # 1 % opens, under 0.5 % clears, 3 events


def run_series(rates_per_mille: list[int], policy: IncidentPolicy = CALM) -> list[ChangeKind]:
    """Feed one bounce-rate reading per 5-minute check (of 1,000 messages) through the rules and
    the state machine, the channel catching up after each; the changes it had to show."""
    record: IncidentRecord | None = None
    shown_kinds: list[ChangeKind] = []
    for n, per_mille in enumerate(rates_per_mille):
        at = START + timedelta(minutes=5 * n)
        obs = observation(day=counters(all=1000, bounce=per_mille),
                          last_hour=counters(all=1000, bounce=per_mille), at=at)  # fmt: skip
        [found] = [f for f in evaluate(CALM_RULES, [obs]) if f.rule_id == "bounce_rate"]
        record = decide(record, found, at, policy)
        kind = pending(record)
        if kind is not ChangeKind.NOOP:
            shown_kinds.append(kind)
            assert record is not None
            record = replace(shown(record), reopen_noted=record.reopened)
    return shown_kinds


def test_a_rate_flapping_around_the_threshold_makes_one_post_and_no_resolution() -> None:
    flapping = [12, 8, 11, 9, 13, 7, 11, 9, 12, 8] * 3  # 1.2 %, 0.8 %, 1.1 % ... around 1 %
    kinds = run_series(flapping)
    assert kinds.count(ChangeKind.OPEN) == 1
    assert ChangeKind.RESOLVE not in kinds


def test_it_resolves_only_after_clear_checks_under_the_lower_threshold() -> None:
    assert ChangeKind.RESOLVE not in run_series([20, 4, 4, 6, 4, 4])  # 0.6 % restarts the count
    kinds = run_series([20, 4, 4, 6, 4, 4, 4])
    assert kinds == [ChangeKind.OPEN, ChangeKind.UPDATE, ChangeKind.RESOLVE]


def test_back_within_the_cool_down_reopens_its_own_post() -> None:
    kinds = run_series([20, 0, 0, 0, 20, 0, 0, 0])
    assert kinds.count(ChangeKind.OPEN) == 1
    assert kinds.count(ChangeKind.REOPEN) == 1
    assert kinds.count(ChangeKind.RESOLVE) == 2


def test_back_after_the_cool_down_is_a_new_incident() -> None:
    no_cooldown = replace(CALM, cooldown_seconds=0)
    kinds = run_series([20, 0, 0, 0, 20], no_cooldown)
    assert kinds.count(ChangeKind.OPEN) == 2
    assert ChangeKind.REOPEN not in kinds


def test_a_reopened_incident_keeps_its_id_and_post_and_notes_it_in_the_thread() -> None:
    record = shown(open_record())
    for n in range(3):
        cleared_at = START + timedelta(minutes=10 * (n + 1))
        record = decide(record, finding(None), cleared_at, CALM) or record
    resolved = shown(record)
    assert resolved.status is IncidentStatus.RESOLVED
    back = decide(resolved, finding(firing(bounce=9)), START + timedelta(hours=1), CALM)
    assert back is not None
    assert (back.incident_id, back.parent_ts) == (resolved.incident_id, resolved.parent_ts)
    assert back.active
    assert not back.resolution_posted
    assert pending(back) is ChangeKind.REOPEN


def test_the_resolution_shows_the_figures_it_resolved_on() -> None:
    record = shown(open_record())
    calm = Firing(IncidentSeverity.CRITICAL, "Bounce rate 0.1 % in the last hour (1 of 900)",
                  (("bounce", 1),), Level.CLEAR)  # fmt: skip
    for n in range(3):
        record = decide(record, finding(calm), START + timedelta(minutes=10 * (n + 1)), CALM)
        assert record is not None
    assert record.status is IncidentStatus.RESOLVED
    assert record.summary == calm.summary
    assert "0.1 % in the last hour (1 of 900)" in str(resolution_note(record))


def test_a_quiet_hour_neither_resolves_nor_reopens() -> None:
    record = shown(open_record())
    quiet = Firing(IncidentSeverity.CRITICAL, "only 12 messages", (), Level.UNKNOWN)
    for n in range(5):
        after = decide(record, finding(quiet), START + timedelta(minutes=10 * (n + 1)), CALM)
        assert after == record

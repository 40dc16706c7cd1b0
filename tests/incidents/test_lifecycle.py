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
from tests.incidents.support import START, finding, firing

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

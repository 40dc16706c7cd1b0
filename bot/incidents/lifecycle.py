"""The incident state machine, pure: a stored record and a finding in, the next record out.

An incident is keyed by rule id + resource and goes open -> updated -> resolved. The record
also says what the channel has been shown (parent ts, shown revision, thread and resolution
posted), so the change to publish is derived from it: whatever the channel still lacks.
That makes every step safe to repeat after a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from pydantic import TypeAdapter

from bot.incidents.observation import (
    Counts,
    Finding,
    Firing,
    IncidentSeverity,
    Level,
    ResourceRef,
)


class IncidentStatus(StrEnum):
    OPEN = "open"
    UPDATED = "updated"  # open, and changed since it was opened
    RESOLVED = "resolved"


class ChangeKind(StrEnum):
    OPEN = "open"  # post the parent, the chart and the report in its thread
    UPDATE = "update"  # edit the parent in place
    RESOLVE = "resolve"  # mark the parent resolved, add the resolution note
    REOPEN = "reopen"  # back within the cool-down: the same parent, updated, a note in its thread
    NOOP = "noop"


@dataclass(frozen=True)
class IncidentPolicy:
    channel: str
    clear_checks: int  # consecutive clear checks before an incident resolves
    min_clear_gap_seconds: float = 0.0  # clear checks closer than this count once
    cooldown_seconds: float = 0.0  # a resolved incident firing again within this re-opens


@dataclass(frozen=True)
class IncidentRecord:
    incident_id: str
    key: str
    rule_id: str
    resource: ResourceRef
    status: IncidentStatus
    severity: IncidentSeverity
    summary: str
    counts: Counts
    started_at: datetime
    updated_at: datetime
    channel: str
    revision: int = 1  # bumped whenever the parent should show something new
    clear_streak: int = 0
    last_clear_at: datetime | None = None
    resolved_at: datetime | None = None
    # what the channel has been shown
    post_intent_at: datetime | None = None  # phase 1 of posting the parent
    parent_ts: str | None = None  # phase 2
    shown_revision: int = 0
    thread_posted: bool = False
    resolution_posted: bool = False
    reopened: int = 0  # times it came back within the cool-down
    reopen_noted: int = 0  # of those, how many the thread has been told about

    @property
    def active(self) -> bool:
        return self.status is not IncidentStatus.RESOLVED

    def to_json(self) -> object:
        return _ADAPTER.dump_python(self, mode="json")

    @classmethod
    def from_json(cls, value: object) -> IncidentRecord:
        return _ADAPTER.validate_python(value)


_ADAPTER: TypeAdapter[IncidentRecord] = TypeAdapter(IncidentRecord)


@dataclass(frozen=True)
class IncidentChange:
    kind: ChangeKind
    key: str
    record: IncidentRecord | None


def decide(
    record: IncidentRecord | None, finding: Finding, now: datetime, policy: IncidentPolicy
) -> IncidentRecord | None:
    """The record after this finding (None: nothing to keep)."""
    firing = finding.firing
    if finding.opens and firing is not None:
        return _on_firing(record, finding, firing, now, policy)
    if record is None or not record.active or finding.level is Level.UNKNOWN:
        return record
    if firing is not None and finding.level is Level.HOLDING:
        return still_firing(record, firing, now)
    return cleared(record, now, policy, firing)


def _on_firing(
    record: IncidentRecord | None, finding: Finding, firing: Firing, now: datetime,
    policy: IncidentPolicy,
) -> IncidentRecord:  # fmt: skip
    if record is None:
        return opened(finding, firing, now, policy)
    if record.active or not record.resolution_posted:  # open, or back before it showed resolved
        return still_firing(record, firing, now)
    if within_cooldown(record, now, policy):
        return reopened(record, firing, now)
    return opened(finding, firing, now, policy)


def within_cooldown(record: IncidentRecord, now: datetime, policy: IncidentPolicy) -> bool:
    ended = record.resolved_at
    return ended is not None and (now - ended).total_seconds() <= policy.cooldown_seconds


def pending(record: IncidentRecord | None) -> ChangeKind:
    """What the channel still lacks of this record."""
    if record is None:
        return ChangeKind.NOOP
    if not record.active:
        return ChangeKind.NOOP if record.resolution_posted else ChangeKind.RESOLVE
    if record.parent_ts is None or not record.thread_posted:
        return ChangeKind.OPEN
    if record.reopen_noted < record.reopened:
        return ChangeKind.REOPEN
    return ChangeKind.UPDATE if record.shown_revision < record.revision else ChangeKind.NOOP


def opened(
    finding: Finding, firing: Firing, now: datetime, policy: IncidentPolicy
) -> IncidentRecord:
    return IncidentRecord(
        incident_id=f"{finding.key}@{int(now.timestamp())}",
        key=finding.key,
        rule_id=finding.rule_id,
        resource=finding.resource,
        status=IncidentStatus.OPEN,
        severity=firing.severity,
        summary=firing.summary,
        counts=firing.counts,
        started_at=now,
        updated_at=now,
        channel=policy.channel,
    )


def still_firing(record: IncidentRecord, firing: Firing, now: datetime) -> IncidentRecord:
    same = (record.severity, record.summary, record.counts) == (
        firing.severity,
        firing.summary,
        firing.counts,
    )
    if same and record.active:
        return replace(record, clear_streak=0, last_clear_at=None)
    return replace(
        record,
        status=IncidentStatus.UPDATED,
        resolved_at=None,
        severity=firing.severity,
        summary=firing.summary,
        counts=firing.counts,
        updated_at=now,
        revision=record.revision + 1,
        clear_streak=0,
        last_clear_at=None,
    )


def reopened(record: IncidentRecord, firing: Firing, now: datetime) -> IncidentRecord:
    """Back within the cool-down: the same incident (and post) is open again."""
    return replace(
        record, status=IncidentStatus.UPDATED, resolved_at=None, resolution_posted=False,
        severity=firing.severity, summary=firing.summary, counts=firing.counts, updated_at=now,
        revision=record.revision + 1, clear_streak=0, last_clear_at=None,
        reopened=record.reopened + 1,
    )  # fmt: skip


def cleared(
    record: IncidentRecord, now: datetime, policy: IncidentPolicy, reading: Firing | None = None
) -> IncidentRecord:
    """One more clear check; resolved after `clear_checks`, showing the figures of this one."""
    last = record.last_clear_at
    if last is not None and (now - last).total_seconds() < policy.min_clear_gap_seconds:
        return record
    streak = record.clear_streak + 1
    if streak < policy.clear_checks:
        return replace(record, clear_streak=streak, last_clear_at=now)
    if reading is not None:  # the resolution shows the figures it resolved on
        record = replace(record, summary=reading.summary, counts=reading.counts)
    return replace(
        record,
        status=IncidentStatus.RESOLVED,
        clear_streak=streak,
        last_clear_at=now,
        resolved_at=now,
        updated_at=now,
        revision=record.revision + 1,
    )

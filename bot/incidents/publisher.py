"""Bring the channel in line with an incident record: post, update, resolve, each at most once.

The parent is posted in two phases: the intent is recorded before posting, the ts after. A
publisher that finds an intent without a ts knows a post may exist: within the grace period
it leaves it alone (the poster may still be at work); after it, it asks the poster to find
the post by incident id and adopts it, and posts only when there is none. So a crash between
posting and recording never leads to a second parent. Thread replies are recorded after they
are sent: a crash in that window can repeat one reply, never skip one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Final, TypeVar

from bot.clocks import WallClock
from bot.errors import QboxmailError
from bot.incidents import render
from bot.incidents.blast import BlastRadius
from bot.incidents.lifecycle import ChangeKind, IncidentChange, IncidentRecord
from bot.incidents.ports import IncidentPoster, IncidentStore
from bot.incidents.tracker import LOCK_TTL_SECONDS, load_record, lock_name, save_record
from bot.logs import get_logger

POST_GRACE_SECONDS: Final = 2 * LOCK_TTL_SECONDS  # an intent younger than this may be in flight

ChartSource = Callable[[IncidentRecord], Awaitable[bytes]]
BlastSource = Callable[[IncidentRecord], Awaitable[BlastRadius]]
ReportSource = Callable[[IncidentRecord, str], Awaitable[None]]
"""Posts the matching checklist's report into the thread at the given parent ts (Slack side)."""
T = TypeVar("T")
_log = get_logger(__name__)


class Publisher:
    def __init__(
        self,
        store: IncidentStore,
        poster: IncidentPoster,
        *,
        clock: WallClock,
        chart: ChartSource | None = None,
        blast: BlastSource | None = None,
        report: ReportSource | None = None,
    ) -> None:
        self._store = store
        self._poster = poster
        self._clock = clock
        self._chart = chart
        self._blast = blast
        self._report = report

    async def publish(self, change: IncidentChange) -> IncidentRecord | None:
        """Show what `change.key`'s stored record still lacks; None when another holds it."""
        if change.kind is ChangeKind.NOOP:
            return change.record
        async with self._store.lock(lock_name(change.key), LOCK_TTL_SECONDS) as held:
            record = await load_record(self._store, change.key) if held else None
            return None if record is None else await self._converge(record)

    async def _converge(self, record: IncidentRecord) -> IncidentRecord:
        record = await self._ensure_parent(record)
        ts = record.parent_ts
        if ts is None:
            return record
        if not record.thread_posted:
            record = await self._post_thread(record, ts)
        if record.shown_revision < record.revision:
            await self._poster.update_parent(record.channel, ts, render.parent_message(record))
            record = await self._save(replace(record, shown_revision=record.revision))
        if record.active and record.reopen_noted < record.reopened:
            await self._poster.post_thread(record.channel, ts, render.reopen_note(record))
            record = await self._save(replace(record, reopen_noted=record.reopened))
        if not record.active and not record.resolution_posted:
            await self._poster.post_thread(record.channel, ts, render.resolution_note(record))
            record = await self._save(replace(record, resolution_posted=True))
        return record

    async def _ensure_parent(self, record: IncidentRecord) -> IncidentRecord:
        if record.parent_ts is not None:
            return record
        if record.post_intent_at is not None:
            age = (self._clock() - record.post_intent_at).total_seconds()
            if age < POST_GRACE_SECONDS:
                return record
            found = await self._poster.find_parent(record.channel, record.incident_id)
            if found is not None:
                _log.info("incident_parent_adopted", incident=record.incident_id)
                return await self._save(replace(record, parent_ts=found, shown_revision=0))
            record = replace(record, post_intent_at=None)  # that attempt never reached Slack
        if not record.active:  # resolved before it was ever shown: nothing to post or undo
            return await self._save(replace(record, resolution_posted=True))
        return await self._post_parent(record)

    async def _post_parent(self, record: IncidentRecord) -> IncidentRecord:
        record = await self._save(replace(record, post_intent_at=self._clock()))
        message = render.parent_message(record)
        ts = await self._poster.post_parent(record.channel, record.incident_id, message)
        _log.info("incident_parent_posted", incident=record.incident_id, ts=ts)
        return await self._save(replace(record, parent_ts=ts, shown_revision=record.revision))

    async def _post_thread(self, record: IncidentRecord, ts: str) -> IncidentRecord:
        png = await _optional(self._chart, record, "chart")
        if png is not None:
            await self._poster.upload_chart(record.channel, ts, png, render.chart_title(record))
        blast = await _optional(self._blast, record, "blast_radius")
        await self._poster.post_thread(record.channel, ts, render.details_message(record, blast))
        report = self._report
        if report is not None:  # the checklist, with its Deeper trace / Re-run buttons
            await _optional(lambda r: report(r, ts), record, "checklist")
        return await self._save(replace(record, thread_posted=True))

    async def _save(self, record: IncidentRecord) -> IncidentRecord:
        return await save_record(self._store, record)


async def _optional(
    source: Callable[[IncidentRecord], Awaitable[T]] | None, record: IncidentRecord, what: str
) -> T | None:
    """A thread extra (chart, blast radius): if Qboxmail fails, the incident goes out without it."""
    if source is None:
        return None
    try:
        return await source(record)
    except QboxmailError as exc:
        _log.warning(
            "incident_extra_failed", what=what, incident=record.incident_id, error=str(exc)
        )
        return None

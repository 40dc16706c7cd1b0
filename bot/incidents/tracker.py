"""Incident state in the store: reconcile findings with the stored records, one lock per incident.

State survives restarts (it lives in the store) and replicas cannot both decide for one
incident (each decision runs under `store.lock`; a replica that cannot take it leaves that
incident to the holder this round). The index of open incidents (bot.store.keys.OPEN_INCIDENTS:
{incident key: opened at}) is kept with the records: an incident enters it before its open
record is saved and leaves it after its resolved record is; readers skip entries whose record is
gone or resolved, so a crash between the two writes shows nothing wrong.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Final

from bot.errors import StoreError
from bot.incidents.lifecycle import (
    ChangeKind,
    IncidentChange,
    IncidentPolicy,
    IncidentRecord,
    decide,
    pending,
)
from bot.incidents.observation import Finding
from bot.incidents.ports import IncidentStore
from bot.store.keys import OPEN_INCIDENTS, OPEN_INCIDENTS_LOCK_SECONDS, OPEN_INCIDENTS_TTL

LOCK_TTL_SECONDS: Final = 120.0  # longest one incident's decision or publication may hold it
RESOLVED_TTL_SECONDS: Final = 30 * 24 * 3600.0  # a resolved record is kept for reference
INDEX_TRIES: Final = 50  # times a change of the index waits for another process to finish
INDEX_WAIT_SECONDS: Final = 0.02

Index = dict[str, str]
"""{incident key: when it opened (ISO 8601)}: every incident whose record is open."""


def record_key(incident_key: str) -> str:
    return f"incident:{incident_key}"


def lock_name(incident_key: str) -> str:
    return f"incident:{incident_key}"


async def load_record(store: IncidentStore, incident_key: str) -> IncidentRecord | None:
    raw = await store.get_json(record_key(incident_key))
    return None if raw is None else IncidentRecord.from_json(raw)


async def save_record(store: IncidentStore, record: IncidentRecord) -> IncidentRecord:
    """Store `record`, entering it in the open-incident index first (open) or after (resolved)."""
    if record.active:
        await _index(store, record.key, record.started_at.isoformat())
    ttl = None if record.active or not record.resolution_posted else RESOLVED_TTL_SECONDS
    await store.put_json(record_key(record.key), record.to_json(), ttl)
    if not record.active:
        await _index(store, record.key, None)
    return record


async def open_index(store: IncidentStore) -> Index:
    raw = await store.get_json(OPEN_INCIDENTS)
    return {str(key): str(at) for key, at in raw.items()} if isinstance(raw, dict) else {}


async def open_incidents(store: IncidentStore, limit: int) -> tuple[list[IncidentRecord], int]:
    """The newest `limit` open incidents (their records) and how many are open in all."""
    index = await open_index(store)
    newest = sorted(index, key=lambda key: index[key], reverse=True)[:limit]
    records = await asyncio.gather(*(load_record(store, key) for key in newest))
    return [r for r in records if r is not None and r.active], len(index)


async def _index(store: IncidentStore, key: str, opened_at: str | None) -> None:
    """Enter `key` in the index (`opened_at` given) or take it out (None), unless already so."""
    if (key in await open_index(store)) == (opened_at is not None):
        return

    def change(index: Index) -> None:
        if opened_at is None:
            index.pop(key, None)
        else:
            index.setdefault(key, opened_at)

    await _change_index(store, change)


async def _change_index(store: IncidentStore, change: Callable[[Index], None]) -> None:
    """A read-modify-write of the index under its lock, waiting while another process holds it."""
    for _ in range(INDEX_TRIES):
        async with store.lock(OPEN_INCIDENTS, OPEN_INCIDENTS_LOCK_SECONDS) as held:
            if held:
                index = await open_index(store)
                change(index)
                return await store.put_json(OPEN_INCIDENTS, index, OPEN_INCIDENTS_TTL)
        await asyncio.sleep(INDEX_WAIT_SECONDS)
    raise StoreError("the index of open incidents stayed locked; the next check retries")


class Reconciler:
    """Turns each check's findings into incident changes, persisted before they are returned."""

    def __init__(self, store: IncidentStore, policy: IncidentPolicy) -> None:
        self._store = store
        self._policy = policy

    async def reconcile(self, findings: Sequence[Finding], now: datetime) -> list[IncidentChange]:
        """One change per finding (NOOP when nothing is to be shown)."""
        return [await self._reconcile_one(finding, now) for finding in findings]

    async def _reconcile_one(self, finding: Finding, now: datetime) -> IncidentChange:
        key = finding.key
        if not finding.opens and await load_record(self._store, key) is None:
            return IncidentChange(ChangeKind.NOOP, key, None)  # the common case: no lock needed
        async with self._store.lock(lock_name(key), LOCK_TTL_SECONDS) as held:
            if not held:  # another replica is deciding for this incident right now
                return IncidentChange(ChangeKind.NOOP, key, None)
            record = await load_record(self._store, key)
            after = decide(record, finding, now, self._policy)
            if after is not None and after != record:
                await save_record(self._store, after)
            return IncidentChange(pending(after), key, after)

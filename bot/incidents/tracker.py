"""Incident state in the store: reconcile findings with the stored records, one lock per incident.

State survives restarts (it lives in the store) and replicas cannot both decide for one
incident (each decision runs under `store.lock`; a replica that cannot take it leaves that
incident to the holder this round). Key names and TTLs of the incident state live here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

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

LOCK_TTL_SECONDS: Final = 120.0  # longest one incident's decision or publication may hold it
RESOLVED_TTL_SECONDS: Final = 30 * 24 * 3600.0  # a resolved record is kept for reference


def record_key(incident_key: str) -> str:
    return f"incident:{incident_key}"


def lock_name(incident_key: str) -> str:
    return f"incident:{incident_key}"


async def load_record(store: IncidentStore, incident_key: str) -> IncidentRecord | None:
    raw = await store.get_json(record_key(incident_key))
    return None if raw is None else IncidentRecord.from_json(raw)


async def save_record(store: IncidentStore, record: IncidentRecord) -> IncidentRecord:
    ttl = None if record.active or not record.resolution_posted else RESOLVED_TTL_SECONDS
    await store.put_json(record_key(record.key), record.to_json(), ttl)
    return record


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

"""The index of open incidents, on the memory store and on the machine's Redis (own prefix): an
incident enters it when its open record is saved, leaves it when its resolved record is, and the
index outlives the process that wrote it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.incidents.lifecycle import IncidentRecord, IncidentStatus
from bot.incidents.observation import ResourceRef, Scope
from bot.incidents.tracker import open_incidents, open_index, save_record
from bot.store.base import Store
from bot.store.keys import OPEN_INCIDENTS, Keys
from bot.store.memory import MemoryStore
from bot.store.redis_store import RedisStore, connect
from tests.incidents.support import START
from tests.incidents.test_lifecycle import open_record
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix

Opener = Callable[[], Store]


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def stores(request: pytest.FixtureRequest) -> AsyncIterator[Opener]:
    """Opens stores on one backend: each call is a new process's store on the same state."""
    prefix, clock = unique_prefix(), START.timestamp
    if request.param == "memory":
        memory = MemoryStore(prefix=prefix, clock=clock)
        yield lambda: memory
        return
    opened: list[RedisStore] = []

    def open_redis() -> Store:
        opened.append(RedisStore(connect(REDIS_URL), prefix=prefix, clock=clock))
        return opened[-1]

    async with machine_redis(prefix):
        yield open_redis
        for store in opened:
            await store.aclose()


def incident(domain: str, minutes: int = 0) -> IncidentRecord:
    resource = ResourceRef(Scope.DOMAIN, domain, domain)
    record = open_record()
    at = START + timedelta(minutes=minutes)
    return replace(record, key=f"bounce_rate:domain:{domain}", resource=resource, started_at=at)


def resolved(record: IncidentRecord) -> IncidentRecord:
    return replace(record, status=IncidentStatus.RESOLVED, resolved_at=START, parent_ts="1.0")


async def test_an_opened_incident_is_in_the_index(stores: Opener) -> None:
    store = stores()
    record = await save_record(store, incident("a.example"))
    assert await open_index(store) == {record.key: record.started_at.isoformat()}
    assert await open_incidents(store, 10) == ([record], 1)


async def test_a_resolved_incident_leaves_the_index(stores: Opener) -> None:
    store = stores()
    record = await save_record(store, incident("a.example"))
    await save_record(store, resolved(record))
    assert await open_index(store) == {}
    assert await open_incidents(store, 10) == ([], 0)


async def test_the_index_survives_a_restart(stores: Opener) -> None:
    record = await save_record(stores(), incident("a.example"))
    after_restart = stores()
    assert await open_incidents(after_restart, 10) == ([record], 1)


async def test_the_newest_are_listed_up_to_the_limit_and_all_are_counted(stores: Opener) -> None:
    store = stores()
    for n in range(4):
        await save_record(store, incident(f"d{n}.example", minutes=n))
    shown, count = await open_incidents(store, 2)
    assert [r.resource.id for r in shown] == ["d3.example", "d2.example"]
    assert count == 4


async def test_an_update_keeps_the_time_it_opened(stores: Opener) -> None:
    store = stores()
    record = await save_record(store, incident("a.example"))
    later = replace(record, started_at=START + timedelta(hours=1), revision=2)
    await save_record(store, later)
    assert await open_index(store) == {record.key: record.started_at.isoformat()}


async def test_an_entry_whose_record_is_gone_or_resolved_is_not_listed(stores: Opener) -> None:
    store = stores()
    gone, kept = incident("gone.example", 1), incident("kept.example")
    await save_record(store, kept)
    index = {**await open_index(store), gone.key: gone.started_at.isoformat()}
    await store.put_json(OPEN_INCIDENTS, index, None)  # as if the record's write never happened
    assert await open_incidents(store, 10) == ([kept], 2)


@pytest.mark.redis
async def test_on_redis_the_index_is_one_key_under_the_prefix_without_expiry() -> None:
    prefix = unique_prefix()
    async with machine_redis(prefix) as client:
        store = RedisStore(connect(REDIS_URL), prefix=prefix, clock=START.timestamp)
        await save_record(store, incident("a.example"))
        name = Keys(prefix).json(OPEN_INCIDENTS)
        assert await client.exists(name) == 1
        assert await client.ttl(name) == -1  # kept until its incidents resolve
        await store.aclose()

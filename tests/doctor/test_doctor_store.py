"""`qbx doctor`'s store checks: Redis answers or not (an unused port), the embedded in-process
state without REDIS_URL, and whether a worker renewed its health key."""

from __future__ import annotations

import pytest
from arq.constants import health_check_key_suffix

from bot.doctor.report import Status
from bot.doctor.store import redis_place, store_checks
from bot.store import Keys
from tests.redis_support import REDIS_URL, free_port, machine_redis, unique_prefix


async def test_redis_down_fails_and_the_worker_cannot_be_told() -> None:
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    shared, worker = await store_checks(url, unique_prefix())
    assert shared.status is Status.FAIL
    assert "does not answer" in shared.detail
    assert "hunter2" not in shared.detail + shared.fix
    assert worker.status is Status.WARN


async def test_without_redis_the_embedded_state_is_in_use() -> None:
    checks = await store_checks(None, "qbx:")
    assert [c.status for c in checks] == [Status.OK, Status.OK]
    assert "in this process" in checks[0].detail


@pytest.mark.redis
async def test_redis_up_without_a_worker_warns_how_to_start_one() -> None:
    prefix = unique_prefix()
    async with machine_redis(prefix):
        shared, worker = await store_checks(REDIS_URL, prefix)
    assert shared.status is Status.OK
    assert worker.status is Status.WARN
    assert "qbx worker" in worker.fix


@pytest.mark.redis
async def test_a_worker_that_renewed_its_health_key_is_alive() -> None:
    prefix = unique_prefix()
    async with machine_redis(prefix) as redis:
        await redis.set(Keys(prefix).job_queue + health_check_key_suffix, "ok", ex=11)
        _, worker = await store_checks(REDIS_URL, prefix)
    assert worker.status is Status.OK


@pytest.mark.parametrize(
    ("url", "place"),
    [
        ("redis://127.0.0.1:6379/0", "127.0.0.1:6379"),
        ("rediss://user:secret@cache.internal:6380/2", "cache.internal:6380"),
        ("redis://cache.internal", "cache.internal:6379"),
    ],
)
def test_a_redis_url_is_shown_without_its_password(url: str, place: str) -> None:
    assert redis_place(url) == place

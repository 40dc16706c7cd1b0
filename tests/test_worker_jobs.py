"""`qbx worker`'s default registries carry the Slack button jobs; the web process's Redis queue
refuses work while no worker is alive, so it runs in the process instead of waiting for nobody."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.cli.worker import DEFAULT_JOBS, INCIDENT_JOBS, load_factory
from bot.jobs import (
    FallbackQueue,
    InProcessQueue,
    JobContext,
    JobRegistry,
    NoWorker,
    Payload,
    RetryPolicy,
    WorkerQueue,
)
from bot.settings import Settings
from bot.slack.button_jobs import DEEPER_JOB, LOG_PDF_JOB
from bot.store import Keys
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, slack_bot_token="xoxb-t", **values)


def test_the_default_registry_has_the_slack_jobs() -> None:
    registry = load_factory(DEFAULT_JOBS)(settings())
    assert set(registry.names()) == {"ping", DEEPER_JOB, LOG_PDF_JOB}


def test_the_incident_registry_also_has_the_slack_jobs() -> None:
    registry = load_factory(INCIDENT_JOBS)(settings(qbx_incident_channel="C0INC"))
    assert set(registry.names()) == {"ping", "incident_check", DEEPER_JOB, LOG_PDF_JOB}


def test_without_a_slack_token_the_slack_jobs_are_left_out() -> None:
    registry = load_factory(DEFAULT_JOBS)(Settings(_env_file=None, slack_bot_token=None))
    assert registry.names() == ("ping",)


@pytest.fixture
async def keys() -> AsyncIterator[Keys]:
    prefix = unique_prefix()
    async with machine_redis(prefix):
        yield Keys(prefix)


@pytest.mark.redis
async def test_with_no_worker_alive_the_job_runs_in_this_process(keys: Keys) -> None:
    ran: list[Payload] = []

    async def note(ctx: JobContext[None], payload: Payload) -> None:
        ran.append(payload)

    registry: JobRegistry[None] = JobRegistry(None)
    registry.register("note", note)
    remote = WorkerQueue(REDIS_URL, keys, ["note"])
    with pytest.raises(NoWorker):
        await remote.enqueue("note", {"n": 1})
    local: InProcessQueue[None] = InProcessQueue(registry, RetryPolicy())
    await FallbackQueue(remote, local).enqueue("note", {"n": 2})
    await local.join()
    await remote.aclose()
    assert ran == [{"n": 2}]

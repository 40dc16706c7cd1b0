"""`qbx worker`'s registry carries the Slack button jobs (and the incident check with an incident
channel) on one set of services; the web process's Redis queue refuses work while no worker is
alive, so it runs in the process instead of waiting for nobody."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.errors import ConfigError
from bot.incidents.jobs import INCIDENT_CHECK
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
from bot.runtime.services import open_services
from bot.runtime.worker import check_worker_settings, worker_jobs
from bot.settings import Settings
from bot.slack.button_jobs import DEEPER_JOB, LOG_PDF_JOB
from bot.store import Keys
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix


def settings(**values: Any) -> Settings:
    base: dict[str, Any] = {"slack_bot_token": "xoxb-t", "redis_url": REDIS_URL}
    return Settings(_env_file=None, **{**base, **values})


async def names_for(values: Settings) -> set[str]:
    async with open_services(values) as services:
        return set((await worker_jobs(services, None)).names())


async def test_the_worker_registry_has_the_slack_jobs() -> None:
    assert await names_for(settings()) == {DEEPER_JOB, LOG_PDF_JOB}


async def test_with_an_incident_channel_it_also_has_the_incident_check() -> None:
    found = await names_for(settings(qbx_incident_channel="C0INC"))
    assert found == {INCIDENT_CHECK, DEEPER_JOB, LOG_PDF_JOB}


@pytest.mark.parametrize(
    ("values", "missing"),
    [({"slack_bot_token": None}, "SLACK_BOT_TOKEN"), ({"redis_url": None}, "REDIS_URL")],
    ids=["no-token", "no-redis"],
)
def test_the_worker_refuses_to_start_half_configured(values: dict[str, Any], missing: str) -> None:
    with pytest.raises(ConfigError, match=missing):
        check_worker_settings(settings(**values))


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

"""`qbx worker` on one set of services: the Slack button jobs (Deeper trace, Log PDF), the watch
poller and, with QBX_INCIDENT_CHANNEL set, the incident watcher (its periodic check and the
`incident_check` job). `run_worker` serves a job registry from Redis until stopped.
"""

from __future__ import annotations

import time
from contextlib import AsyncExitStack
from dataclasses import replace
from typing import Any

from bot.clocks import EpochClock
from bot.errors import ConfigError
from bot.incidents.jobs import register_incident_jobs
from bot.incidents.wiring import checking
from bot.jobs import JobRegistry, build_worker, work_until_stopped
from bot.logs import get_logger
from bot.runtime.followup import build_followup, watch_engine, watch_polling
from bot.runtime.incidents import slack_watcher
from bot.runtime.jobs import policy_from, slack_jobs
from bot.runtime.listeners import listener_deps
from bot.runtime.services import Services, open_services
from bot.settings import Settings
from bot.slack.button_jobs import SlackWork
from bot.slack.poster import Poster
from bot.store import Keys

log = get_logger("qbx.worker")


def check_worker_settings(settings: Settings) -> None:
    """ConfigError before anything starts: a worker takes jobs from Redis and posts to Slack."""
    if settings.redis_url is None:
        raise ConfigError(
            "qbx worker takes jobs from Redis: set REDIS_URL. Without Redis, qbx serve runs "
            "its jobs in its own process and no worker is needed."
        )
    if settings.slack_bot_token is None:
        raise ConfigError("qbx worker posts its jobs' results to Slack: set SLACK_BOT_TOKEN.")


async def run_worker(registry: JobRegistry[Any], settings: Settings, *, burst: bool) -> None:
    """Serve `registry`'s jobs from Redis until a signal stops the worker (or, with `burst`,
    the queue is empty); Redis going away only pauses the work."""
    assert settings.redis_url is not None
    redis_url, policy = settings.redis_url, policy_from(settings)
    keys = Keys(settings.qbx_redis_prefix)
    try:
        await work_until_stopped(
            lambda: build_worker(registry, policy, redis_url=redis_url, keys=keys, burst=burst)
        )
    finally:
        await registry.aclose()


async def serve_worker(
    settings: Settings, *, burst: bool = False, clock: EpochClock = time.time
) -> None:
    """`qbx worker`: open the services once, and serve their jobs with the loops beside them
    (the watches and the incident watcher; none in a burst)."""
    async with open_services(settings, clock=clock) as services, AsyncExitStack() as loops:
        registry = await worker_jobs(services, None if burst else loops)
        log.info("worker_ready", simulated=services.simulated, jobs=list(registry.names()))
        await run_worker(registry, settings, burst=burst)


async def worker_jobs(services: Services, loops: AsyncExitStack | None) -> JobRegistry[None]:
    """The worker's jobs on `services`; the loops beside them (the incident watcher's periodic
    check, the watch poller) are entered into `loops` when given."""
    settings, client = services.settings, services.slack
    assert client is not None  # check_worker_settings: SLACK_BOT_TOKEN is set
    deps, poster = listener_deps(services), Poster(client)
    registry = slack_jobs(SlackWork(deps, poster))
    if settings.qbx_incident_channel:
        watcher = slack_watcher(services, deps)
        register_incident_jobs(registry, watcher.check)
        if loops is not None:
            interval = settings.qbx_watch_interval_seconds
            await loops.enter_async_context(checking(watcher, interval))
    if loops is not None:  # with Redis the serving processes leave the watches to the workers
        followup = build_followup(settings, services.store, services.api, services.clock)
        engine = watch_engine(replace(deps, followup=followup), poster)
        await loops.enter_async_context(watch_polling(engine))
    return registry

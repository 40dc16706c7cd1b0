"""`qbx worker`'s default jobs: the Slack button jobs (Deeper trace, Log PDF), the built-in ping,
and the incident watcher's jobs when QBX_INCIDENT_CHANNEL is set.

The Slack jobs' dependencies (store, Qboxmail client, TraceService with the ledger, Slack Web
API client) are built from settings on the first job, inside the worker's event loop.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack
from typing import Any

import aiohttp

from bot.jobs.builtin import builtin_jobs
from bot.jobs.registry import JobRegistry, RetryPolicy
from bot.logs import get_logger
from bot.settings import Settings
from bot.slack.button_jobs import SlackWork, register_slack_jobs

log = get_logger("qbx.worker")


def policy_from(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_tries=settings.qbx_job_max_tries,
        first_delay=settings.qbx_job_retry_seconds,
        timeout=settings.qbx_job_timeout_seconds,
        lost_grace=settings.qbx_job_lost_grace_seconds,
    )


class SlackWorkOpener:
    """Opens the Slack jobs' dependencies once, on first use; closes them when the worker stops."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._stack = AsyncExitStack()
        self._opening = asyncio.Lock()
        self._work: SlackWork | None = None

    async def __call__(self) -> SlackWork:
        async with self._opening:
            if self._work is None:
                self._work = await self._open()
            return self._work

    async def _open(self) -> SlackWork:
        from bot.ledger.book import Ledger
        from bot.runtime.bolt import slack_deps  # the Bolt side: only when a Slack job runs
        from bot.runtime.services import build_trace_service, open_qboxmail
        from bot.runtime.serving import pdf_source
        from bot.slack.client import build_web_client
        from bot.slack.poster import Poster
        from bot.store import open_store

        settings = self._settings
        assert settings.slack_bot_token is not None
        prefix = settings.qbx_redis_prefix
        store = open_store(redis_url=settings.redis_url, prefix=prefix, clock=time.time)
        self._stack.push_async_callback(store.aclose)
        api, simulated = await self._stack.enter_async_context(open_qboxmail(settings))
        session = await self._stack.enter_async_context(aiohttp.ClientSession())
        token = settings.slack_bot_token.get_secret_value()
        client = build_web_client(
            token=token, base_url=str(settings.slack_api_url), session=session
        )
        tracer = build_trace_service(
            settings, api, simulated, ledger=Ledger(store, clock=time.time)
        )
        deps = slack_deps(settings, tracer=tracer, store=store, pdfs=pdf_source(api),
                          clock=time.monotonic)  # fmt: skip
        log.info("slack_jobs_ready", simulated=simulated)
        return SlackWork(deps, Poster(client))

    async def aclose(self) -> None:
        self._work = None
        await self._stack.aclose()


def worker_jobs(settings: Settings) -> JobRegistry[Any]:
    """`qbx worker`'s default registry: ping and the Slack jobs."""
    return with_slack_jobs(builtin_jobs(settings), settings)


def incident_worker_jobs(settings: Settings) -> JobRegistry[Any]:
    """The default with QBX_INCIDENT_CHANNEL set: the incident watcher's jobs and the Slack jobs."""
    from bot.incidents.jobs import incident_jobs

    return with_slack_jobs(incident_jobs(settings), settings)


def with_slack_jobs(registry: JobRegistry[Any], settings: Settings) -> JobRegistry[Any]:
    """Add the Slack button jobs (they need SLACK_BOT_TOKEN to post their results)."""
    if settings.slack_bot_token is None:
        log.warning("slack_jobs_disabled", reason="SLACK_BOT_TOKEN is not set")
        return registry
    opener = SlackWorkOpener(settings)
    register_slack_jobs(registry, opener)
    registry.add_closer(opener.aclose)
    return registry

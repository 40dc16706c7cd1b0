"""The server on the open services (bot/runtime/services.py): the job queue, the Bolt app and its
ASGI wrapper (+ POST /ledger and POST /alerts when configured). `open_runtime` is what `qbx serve`
(and the tests) run.

Button jobs (Deeper trace, Log PDF) go to Redis for `qbx worker` when REDIS_URL is set and a
worker is alive; else (no Redis, Redis down, no worker) they run in this process. Without Redis
this process also polls the watches. With QBX_INCIDENT_CHANNEL set the incident watcher runs here
too, taking turns with the workers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, replace

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette

from bot.clocks import EpochClock
from bot.errors import ConfigError
from bot.incidents.wiring import checking
from bot.qboxmail.reads import QboxmailApi
from bot.runtime.bolt import TRACE_SLOTS, AppDeps, build_app
from bot.runtime.followup import build_followup, watch_engine, watch_polling
from bot.runtime.incidents import slack_watcher
from bot.runtime.jobs import close_jobs, job_queue
from bot.runtime.listeners import listener_deps
from bot.runtime.routes import optional_routes
from bot.runtime.services import open_services
from bot.settings import Settings
from bot.slack.button_jobs import SlackWork
from bot.slack.client import Sleep
from bot.slack.deps import SlackDeps
from bot.slack.journal import Journal
from bot.slack.poster import Poster
from bot.slack.rescue import rescuer
from bot.store import FallbackStore, Store
from bot.watch.engine import WatchEngine
from bot.web.asgi import HealthChecks, SlackGate, build_asgi, store_probe

SHUTDOWN_GRACE = 20.0  # seconds running traces get to finish when the server stops


@dataclass(frozen=True)
class Runtime:
    app: AsyncApp
    asgi: Starlette
    health: HealthChecks
    deps: SlackDeps
    watches: WatchEngine | None = None  # the watches this process polls (None: the workers do)


def _bot_token(settings: Settings) -> str:
    if settings.slack_bot_token is None:
        raise ConfigError("qbx serve needs SLACK_BOT_TOKEN (xoxb-...); see the README.")
    return settings.slack_bot_token.get_secret_value()


def _signing_secret(settings: Settings, socket: bool) -> str | None:
    if socket:
        return None
    if settings.slack_signing_secret is None:
        raise ConfigError("qbx serve needs SLACK_SIGNING_SECRET (or use --socket).")
    return settings.slack_signing_secret.get_secret_value()


def require_slack_credentials(settings: Settings, *, socket: bool) -> None:
    """Fail before serving when a Slack credential the transport needs is missing."""
    _bot_token(settings)
    _signing_secret(settings, socket)


def health_checks(client: AsyncWebClient, api: QboxmailApi, store: Store) -> HealthChecks:
    async def slack() -> bool:
        return bool((await client.auth_test()).get("ok"))

    async def qboxmail() -> bool:
        await api.dashboard()  # one cheap GET
        return True

    return HealthChecks({"slack": slack, "qboxmail": qboxmail}, {"store": store_probe(store)})


def _journal(store: Store, deps: SlackDeps, client: AsyncWebClient) -> asyncio.Task[None] | None:
    """With Redis, acknowledged work is journalled until answered and this process answers
    what a dead one acknowledged (bot.slack.journal); the task renews and sweeps."""
    if not isinstance(store, FallbackStore):
        return None
    journal = Journal(store)
    deps.background.journal = journal
    return asyncio.create_task(journal.run(rescuer(deps, client)), name="qbx-journal")


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    socket: bool = False,
    sleep: Sleep = asyncio.sleep,
    clock: EpochClock = time.time,
    trace_slots: int = TRACE_SLOTS,
    incident_watcher: bool = True,
) -> AsyncIterator[Runtime]:
    """Build everything the server needs from `settings`; close it all on exit."""
    _bot_token(settings)
    secret = _signing_secret(settings, socket)
    async with open_services(settings, clock=clock, sleep=sleep) as services:
        store, api, client, ledger = services.store, services.api, services.slack, services.ledger
        assert client is not None  # _bot_token: SLACK_BOT_TOKEN is set
        assert ledger is not None  # open_services keeps the ledger on by default
        base = listener_deps(services, trace_slots=trace_slots)
        jobs = job_queue(settings, SlackWork(base, Poster(client)))
        health = health_checks(client, api, store)
        workers = jobs.remote.worker_alive if jobs.remote is not None else None
        followup = build_followup(settings, store, api, clock, health, workers)
        deps = replace(base, jobs=jobs.queue, followup=followup, sleep=sleep)
        app = build_app(AppDeps(slack=deps, client=client, signing_secret=secret))
        routes = optional_routes(settings, ledger=ledger, deps=deps, client=client, clock=clock)
        gate = None if secret is None else SlackGate(secret, store.claim, clock)
        journal = _journal(store, deps, client)
        try:
            async with AsyncExitStack() as loops:
                watches = await _watch_polling(loops, settings, deps, client)
                if incident_watcher and settings.qbx_incident_channel:
                    watcher = slack_watcher(services, base)
                    await loops.enter_async_context(
                        checking(watcher, settings.qbx_watch_interval_seconds)
                    )
                yield Runtime(
                    app=app,
                    asgi=build_asgi(app, health, deps.background.in_flight, routes, gate=gate),
                    health=health,
                    deps=deps,
                    watches=watches,
                )
        finally:
            await deps.background.drain(SHUTDOWN_GRACE)  # the lease is renewed meanwhile
            if journal is not None:
                journal.cancel()
                await asyncio.gather(journal, return_exceptions=True)
            await close_jobs(jobs, SHUTDOWN_GRACE)


async def _watch_polling(
    loops: AsyncExitStack, settings: Settings, deps: SlackDeps, client: AsyncWebClient
) -> WatchEngine | None:
    """Without Redis this process polls the watches; with Redis the workers do (`qbx worker`)."""
    if settings.redis_url is not None:
        return None
    return await loops.enter_async_context(watch_polling(watch_engine(deps, Poster(client))))

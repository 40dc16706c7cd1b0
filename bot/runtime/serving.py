"""The server's composition root: settings -> store, Qboxmail client, TraceService, Slack client,
job queue, the Bolt app and its ASGI wrapper (+ POST /ledger and POST /alerts when configured).
`open_runtime` is what `qbx serve` (and the tests) run.

Button jobs (Deeper trace, Log PDF) go to Redis for `qbx worker` when REDIS_URL is set and a
worker is alive; else (no Redis, Redis down, no worker) they run in this process. With
QBX_INCIDENT_CHANNEL set the incident watcher runs here too, taking turns with the workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette

from bot.diagnostics.api import QboxmailApi
from bot.errors import ConfigError
from bot.incidents.in_server import serving_watcher
from bot.jobs import FallbackQueue, InProcessQueue, JobQueue, JobRegistry, WorkerQueue
from bot.ledger.book import Ledger
from bot.runtime.bolt import TRACE_SLOTS, AppDeps, build_app, slack_deps
from bot.runtime.services import build_trace_service, open_qboxmail
from bot.runtime.worker import policy_from
from bot.settings import Settings
from bot.slack.client import Sleep, build_web_client
from bot.slack.jobs import SLACK_JOBS, SlackWork, register_slack_jobs
from bot.slack.journal import Journal
from bot.slack.ports import LogPdfSource, SlackDeps
from bot.slack.poster import Poster
from bot.slack.watch_poller import build_followup, watch_engine, watch_polling
from bot.store import FallbackStore, Keys, Store, open_store
from bot.watch.engine import WatchEngine
from bot.web.asgi import HealthChecks, SlackGate, build_asgi, store_probe
from bot.web.routes import optional_routes
from handlers.rescue import rescuer

SHUTDOWN_GRACE = 20.0  # seconds running traces get to finish when the server stops


@dataclass(frozen=True)
class Runtime:
    app: AsyncApp
    asgi: Starlette
    health: HealthChecks
    deps: SlackDeps
    watches: WatchEngine | None = None  # the watch engine this process polls (bot/watch/)


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


def pdf_source(api: QboxmailApi) -> LogPdfSource:
    if not isinstance(api, LogPdfSource):
        raise ConfigError("the Qboxmail client cannot download Email log PDFs")
    return api


def health_checks(client: AsyncWebClient, api: QboxmailApi, store: Store) -> HealthChecks:
    async def slack() -> bool:
        return bool((await client.auth_test()).get("ok"))

    async def qboxmail() -> bool:
        await api.dashboard()  # one cheap GET
        return True

    return HealthChecks({"slack": slack, "qboxmail": qboxmail}, {"store": store_probe(store)})


Closable = InProcessQueue[None] | WorkerQueue | FallbackQueue


def job_queue(
    settings: Settings, deps: SlackDeps, poster: Poster
) -> tuple[JobQueue, list[Closable]]:
    """The button jobs' queue, and what to close at shutdown (the local queue first)."""
    registry: JobRegistry[None] = JobRegistry(None)
    work = SlackWork(deps, poster)

    async def source() -> SlackWork:
        return work

    register_slack_jobs(registry, source)
    local: InProcessQueue[None] = InProcessQueue(registry, policy_from(settings))
    if settings.redis_url is None:
        return local, [local]
    keys = Keys(settings.qbx_redis_prefix)
    remote = WorkerQueue(settings.redis_url, keys, SLACK_JOBS)
    fallback = FallbackQueue(remote, local)
    return fallback, [fallback, local, remote]


async def _close_jobs(closables: list[Closable], grace: float) -> None:
    for item in closables:
        if isinstance(item, InProcessQueue):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(item.join(), grace)
        await item.aclose()


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
    clock: Callable[[], float] = time.time,
    trace_slots: int = TRACE_SLOTS,
    incident_watcher: bool = True,
) -> AsyncIterator[Runtime]:
    """Build everything the server needs from `settings`; close it all on exit."""
    token, secret = _bot_token(settings), _signing_secret(settings, socket)
    store = open_store(redis_url=settings.redis_url, prefix=settings.qbx_redis_prefix, clock=clock)
    try:
        async with (
            open_qboxmail(settings) as (api, simulated),
            aiohttp.ClientSession() as session,
            contextlib.AsyncExitStack() as stack,
        ):
            ledger = Ledger(store, clock=clock)
            tracer = build_trace_service(settings, api, simulated, ledger=ledger)
            client = build_web_client(
                token=token, base_url=str(settings.slack_api_url), session=session, sleep=sleep
            )
            base = slack_deps(
                settings, tracer=tracer, store=store, pdfs=pdf_source(api), clock=time.monotonic,
                trace_slots=trace_slots, wall_clock=clock, ledger=ledger,
            )  # fmt: skip
            queue, closables = job_queue(settings, base, Poster(client))
            health = health_checks(client, api, store)
            remote = next((c for c in closables if isinstance(c, WorkerQueue)), None)
            workers = remote.worker_alive if remote is not None else None
            followup = build_followup(settings, store, api, clock, health, workers)
            deps = replace(base, jobs=queue, followup=followup, sleep=sleep)
            watches = await stack.enter_async_context(
                watch_polling(watch_engine(deps, Poster(client)))
            )
            app = build_app(AppDeps(slack=deps, client=client, signing_secret=secret))
            routes = optional_routes(settings, ledger=ledger, deps=deps, client=client, clock=clock)
            watching = serving_watcher(settings, api=api, simulated=simulated, store=store,
                                       client=client, enabled=incident_watcher)  # fmt: skip
            gate = None if secret is None else SlackGate(secret, store.claim, clock)
            journal = _journal(store, deps, client)
            try:
                async with watching:
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
                await _close_jobs(closables, SHUTDOWN_GRACE)
    finally:
        await store.aclose()

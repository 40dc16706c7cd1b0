"""The server's composition root: settings -> store, Qboxmail client, TraceService, Slack client,
the Bolt app and its ASGI wrapper. `open_runtime` is what `qbx serve` (and the tests) run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette

from bot.app import TRACE_SLOTS, AppDeps, build_app, slack_deps
from bot.compose import build_trace_service, open_qboxmail
from bot.diagnostics.api import QboxmailApi
from bot.errors import ConfigError
from bot.ledger import Ledger
from bot.settings import Settings
from bot.slack.client import Sleep, build_web_client
from bot.slack.ports import LogPdfSource, SlackDeps
from bot.store import Store, open_store
from bot.web import HealthChecks, build_asgi

SHUTDOWN_GRACE = 20.0  # seconds running traces get to finish when the server stops


@dataclass(frozen=True)
class Runtime:
    app: AsyncApp
    asgi: Starlette
    health: HealthChecks
    deps: SlackDeps


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


def _pdfs(api: QboxmailApi) -> LogPdfSource:
    if not isinstance(api, LogPdfSource):
        raise ConfigError("the Qboxmail client cannot download Email log PDFs")
    return api


def health_checks(client: AsyncWebClient, api: QboxmailApi, store: Store) -> HealthChecks:
    async def slack() -> bool:
        return bool((await client.auth_test()).get("ok"))

    async def qboxmail() -> bool:
        await api.dashboard()  # one cheap GET
        return True

    return HealthChecks({"slack": slack, "qboxmail": qboxmail, "store": store.ping})


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    socket: bool = False,
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], float] = time.time,
    trace_slots: int = TRACE_SLOTS,
) -> AsyncIterator[Runtime]:
    """Build everything the server needs from `settings`; close it all on exit."""
    token, secret = _bot_token(settings), _signing_secret(settings, socket)
    store = open_store(redis_url=settings.redis_url, prefix=settings.qbx_redis_prefix, clock=clock)
    try:
        async with open_qboxmail(settings) as (api, simulated), aiohttp.ClientSession() as session:
            tracer = build_trace_service(
                settings, api, simulated, ledger=Ledger(store, clock=clock)
            )
            client = build_web_client(
                token=token, base_url=str(settings.slack_api_url), session=session, sleep=sleep
            )
            deps = slack_deps(
                settings, tracer=tracer, store=store, pdfs=_pdfs(api), clock=time.monotonic,
                trace_slots=trace_slots,
            )  # fmt: skip
            app = build_app(AppDeps(slack=deps, client=client, signing_secret=secret))
            health = health_checks(client, api, store)
            try:
                yield Runtime(
                    app=app,
                    asgi=build_asgi(app, health, deps.background.in_flight),
                    health=health,
                    deps=deps,
                )
            finally:
                await deps.background.drain(SHUTDOWN_GRACE)
    finally:
        await store.aclose()

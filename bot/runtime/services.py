"""The services every entry point shares, opened once from settings by `open_services`: the store,
the Qboxmail client (real, or the embedded simulator without a token), the id ledger, the
TraceService and, with a bot token, the Slack Web API client. Only here do settings become clients.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.clocks import EpochClock, WallClock
from bot.diagnostics.ledger_lookup import LedgerLookup
from bot.diagnostics.service import TraceService
from bot.ledger.book import Ledger
from bot.qboxmail.client import QboxmailClient
from bot.qboxmail.reads import QboxmailApi
from bot.settings import Settings
from bot.store import Store, open_store

if TYPE_CHECKING:  # the Slack and simulator libraries load only when a caller uses them
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.simulator import SimulatorHandle
    from bot.slack.client import Sleep


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """One process's live services; `open_services` opens and closes them."""

    settings: Settings
    store: Store
    api: QboxmailClient
    simulated: bool  # the embedded (or a passed-in) simulator answers, not Qboxmail
    ledger: Ledger | None  # None: traced without the id ledger
    tracer: TraceService
    slack: AsyncWebClient | None  # None: no SLACK_BOT_TOKEN, or not asked for
    clock: EpochClock  # epoch seconds: the store's, the ledger's, the Slack request checks'
    now: WallClock  # the TraceService's and the incident watcher's "now"


def _client(settings: Settings, *, api_url: str, token: str, send_url: str) -> QboxmailClient:
    return QboxmailClient(
        api_url=api_url,
        api_token=token,
        send_url=send_url,
        connect_timeout=settings.qboxmail_connect_timeout,
        read_timeout=settings.qboxmail_read_timeout,
        retry_budget=settings.qboxmail_retry_budget,
        max_retries=settings.qboxmail_max_retries,
        max_connections=settings.qboxmail_max_connections,
    )


def _simulator_client(settings: Settings, sim: SimulatorHandle) -> QboxmailClient:
    return _client(
        settings, api_url=sim.base_url, token=sim.management_token, send_url=sim.send_url
    )


async def _qboxmail(
    settings: Settings, stack: AsyncExitStack, simulator: SimulatorHandle | None
) -> tuple[QboxmailClient, bool]:
    """The client and whether it is simulated. Without QBOXMAIL_API_TOKEN (and no simulator
    passed in) the embedded simulator starts in-process (default seed) on a loopback port."""
    token = settings.qboxmail_api_token
    if simulator is None and token is not None:
        real = _client(
            settings,
            api_url=str(settings.qboxmail_api_url),
            token=token.get_secret_value(),
            send_url=str(settings.qboxmail_send_api_url),
        )
        return await stack.enter_async_context(real), False
    if simulator is None:
        from bot.simulator import running_simulator  # only when simulating: it starts a server

        simulator = await stack.enter_async_context(running_simulator())
        simulator.simulation.drift = settings.qbx_simulator_drift
    return await stack.enter_async_context(_simulator_client(settings, simulator)), True


async def _slack(settings: Settings, stack: AsyncExitStack, sleep: Sleep) -> AsyncWebClient | None:
    if settings.slack_bot_token is None:
        return None
    import aiohttp

    from bot.slack.client import build_web_client

    session = await stack.enter_async_context(aiohttp.ClientSession())
    token = settings.slack_bot_token.get_secret_value()
    url = str(settings.slack_api_url)
    return build_web_client(token=token, base_url=url, session=session, sleep=sleep)


def build_trace_service(
    settings: Settings,
    api: QboxmailApi,
    simulated: bool,
    ledger: LedgerLookup | None = None,
    clock: WallClock = utcnow,
) -> TraceService:
    return TraceService(
        api, simulated=simulated, scan_budget=settings.qbx_scan_budget, clock=clock, ledger=ledger
    )


@asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    clock: EpochClock = time.time,
    now: WallClock = utcnow,
    sleep: Sleep = asyncio.sleep,
    simulator: SimulatorHandle | None = None,
    ledger: bool = True,
    slack: bool = True,
) -> AsyncIterator[Services]:
    """Open the services once; close them all on exit.

    `simulator`: talk to this running simulator instead (the incident demo's simulated clock).
    `ledger=False`: trace without the id ledger. `slack=False`: no Slack client even with a token.
    `clock`, `now` and `sleep` are the seams tests turn (the Slack client's retries sleep)."""
    store = open_store(redis_url=settings.redis_url, prefix=settings.qbx_redis_prefix, clock=clock)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(store.aclose)
        api, simulated = await _qboxmail(settings, stack, simulator)
        book = Ledger(store, clock=clock) if ledger else None
        tracer = build_trace_service(settings, api, simulated, ledger=book, clock=now)
        client = await _slack(settings, stack, sleep) if slack else None
        yield Services(settings, store, api, simulated, book, tracer, client, clock, now)

"""Composition: the Qboxmail client (real, or the embedded simulator when no token is set)
and the TraceService built on it. Only here are settings turned into live objects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from bot.clocks import WallClock
from bot.diagnostics.ledger_lookup import LedgerLookup
from bot.diagnostics.service import TraceService
from bot.qboxmail.client import QboxmailClient
from bot.qboxmail.reads import QboxmailApi
from bot.settings import Settings


def utcnow() -> datetime:
    return datetime.now(UTC)


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


@asynccontextmanager
async def open_qboxmail(settings: Settings) -> AsyncIterator[tuple[QboxmailClient, bool]]:
    """Yield (client, simulated). Without QBOXMAIL_API_TOKEN the embedded simulator starts
    in-process (default seed) on a loopback port and the client talks to it."""
    token = settings.qboxmail_api_token
    if token is not None:
        real = _client(
            settings,
            api_url=str(settings.qboxmail_api_url),
            token=token.get_secret_value(),
            send_url=str(settings.qboxmail_send_api_url),
        )
        async with real:
            yield real, False
        return
    from bot.simulator import running_simulator  # only when simulating: it starts a server

    async with running_simulator() as sim:
        sim.simulation.drift = settings.qbx_simulator_drift
        client = _client(
            settings, api_url=sim.base_url, token=sim.management_token, send_url=sim.send_url
        )
        async with client:
            yield client, True


def build_trace_service(
    settings: Settings,
    api: QboxmailApi,
    simulated: bool,
    ledger: LedgerLookup | None = None,
    clock: WallClock = utcnow,
) -> TraceService:
    return TraceService(
        api,
        simulated=simulated,
        scan_budget=settings.qbx_scan_budget,
        clock=clock,
        ledger=ledger,
    )

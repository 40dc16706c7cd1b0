"""Composition of the Bolt app: `build_app(deps)` wires the listeners to their dependencies.

No app exists at import time; bot.web.asgi (HTTP) and the Socket Mode runner call `build_app`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.clocks import EpochClock, Monotonic
from bot.diagnostics.service import TraceService
from bot.ledger.book import Ledger
from bot.qboxmail.client import QboxmailClient
from bot.settings import Settings
from bot.slack.access import Access
from bot.slack.background import Background
from bot.slack.deps import SlackDeps
from bot.slack.progress import UpdateThrottle
from bot.store.base import Store
from handlers import register_all

TRACE_SLOTS = 16  # traces running at once per process; acks never wait for them


@dataclass(frozen=True)
class AppDeps:
    """What `build_app` needs: the listeners' dependencies, the Web API client, the secret."""

    slack: SlackDeps
    client: AsyncWebClient
    signing_secret: str | None  # None: Socket Mode (requests are not signed)


def build_app(deps: AppDeps) -> AsyncApp:
    """The Bolt AsyncApp. Listeners ack, start their work in `Background` and return, so Bolt
    answers Slack as soon as they return (no ack polling); one error handler."""
    app = AsyncApp(
        client=deps.client,
        signing_secret=deps.signing_secret or "",
        # Over HTTP the SlackGate (bot/web/asgi.py) verifies every request before Bolt sees it, on
        # the runtime's clock; Socket Mode needs no signature. One check, in one place.
        request_verification_enabled=False,
        process_before_response=True,  # listeners only ack and start work: nothing to wait for
        logger=logging.getLogger("qbx.bolt"),
    )
    register_all(app, deps.slack)
    return app


def new_reference() -> str:
    """A short id a user can quote and an operator can grep in the logs."""
    return secrets.token_hex(4)


def slack_deps(
    settings: Settings,
    *,
    tracer: TraceService,
    store: Store,
    pdfs: QboxmailClient,
    clock: Monotonic,
    trace_slots: int = TRACE_SLOTS,
    reference: Callable[[], str] = new_reference,
    wall_clock: EpochClock = time.time,
    ledger: Ledger | None = None,
) -> SlackDeps:
    """The listeners' dependencies, from settings read once by the caller."""
    return SlackDeps(
        tracer=tracer,
        store=store,
        pdfs=pdfs,
        access=Access(
            allowed_users=frozenset(settings.qbx_allowed_users),
            allowed_channels=frozenset(settings.qbx_allowed_channels),
            watch_channels=frozenset(settings.qbx_watch_channels),
        ),
        throttle=UpdateThrottle(clock=clock),
        trace_slots=asyncio.Semaphore(trace_slots),
        new_reference=reference,
        background=Background(),
        mask_recipients=settings.qbx_mask_recipients,
        max_ids=settings.qbx_max_ids_per_message,
        report_cache_seconds=settings.qbx_report_cache_seconds,
        traces_per_minute=settings.qbx_user_traces_per_minute,
        trace_deadline_seconds=settings.qbx_trace_deadline_seconds,
        wall_clock=wall_clock,
        ledger=ledger,
    )

"""What every Slack flow receives: `SlackDeps`, built once by the composition root."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.clocks import EpochClock
from bot.diagnostics.service import TraceService
from bot.jobs.registry import JobQueue
from bot.ledger.book import Ledger
from bot.qboxmail.client import QboxmailClient
from bot.slack.access import Access
from bot.slack.background import Background
from bot.slack.followup import FollowUp
from bot.slack.progress import UpdateThrottle
from bot.store.base import Store


@dataclass(frozen=True)
class SlackDeps:
    """Everything the listeners need, built once by the composition root (bot/runtime/)."""

    tracer: TraceService
    store: Store
    pdfs: QboxmailClient  # the Email log analysis PDFs
    access: Access
    throttle: UpdateThrottle
    trace_slots: asyncio.Semaphore
    new_reference: Callable[[], str]
    background: Background
    mask_recipients: bool = True
    max_ids: int = 5
    report_cache_seconds: int = 300
    flight_seconds: float = 120.0  # a single flight's runner may take this long before a waiter
    wall_clock: EpochClock = time.time  # a cached answer's age
    jobs: JobQueue | None = None  # Deeper trace / Log PDF work (None: run in this task)
    ledger: Ledger | None = None  # `/qbx trace <your reference>` needs a ledger record
    traces_per_minute: int = 20
    click_ttl_seconds: float = 120.0
    thread_claim_seconds: float = 7 * 24 * 3600
    followup: FollowUp | None = None  # watches and remediation (bot/slack/followup.py)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep  # back-off between retries
    trace_deadline_seconds: float = 90.0  # a trace's whole run, however its calls behave

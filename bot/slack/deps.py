"""What every Slack flow receives: `SlackDeps`, built once by the composition root, and `Access`
(who may use qbx where)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from bot.clocks import EpochClock
from bot.diagnostics.service import TraceService
from bot.jobs.registry import JobQueue
from bot.ledger.book import Ledger
from bot.qboxmail.client import QboxmailClient
from bot.slack.background import Background
from bot.slack.followup import FollowUp
from bot.slack.progress import UpdateThrottle
from bot.store.base import Store

_CHANNEL_ID: Final = re.compile(r"[CG][A-Z0-9]{2,20}")


@dataclass(frozen=True)
class Access:
    """Who may use qbx where (empty = everyone / everywhere) and which channels are watched."""

    allowed_users: frozenset[str] = frozenset()
    allowed_channels: frozenset[str] = frozenset()
    watch_channels: frozenset[str] = frozenset()

    def user_allowed(self, user: str) -> bool:
        return not self.allowed_users or user in self.allowed_users

    def channel_allowed(self, channel: str) -> bool:
        return not self.allowed_channels or channel in self.allowed_channels

    def refusal(self, user: str, channel: str) -> str | None:
        """Why `user` may not use qbx in `channel` (mrkdwn), or None when they may."""
        if not self.user_allowed(user):
            return "You are not on qbx's list of allowed users: ask a qbx admin to add you."
        if not self.channel_allowed(channel):
            return f"qbx does not answer in this channel. Ask in {self.channel_links()}."
        return None

    def channel_links(self, channels: frozenset[str] | None = None) -> str:
        """Channels (the allowed ones by default) as Slack links (`<#C0123>`), ids checked."""
        chosen = self.allowed_channels if channels is None else channels
        links = [f"<#{c}>" for c in sorted(chosen) if _CHANNEL_ID.fullmatch(c)]
        return ", ".join(links) or "an allowed channel"


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

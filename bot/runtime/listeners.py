"""The Slack side of the open services: the listeners' dependencies, shared in a process by the Bolt
app, the button jobs, the incident checklists and the watches."""

from __future__ import annotations

import time

from bot.runtime.bolt import TRACE_SLOTS, slack_deps
from bot.runtime.services import Services
from bot.slack.deps import SlackDeps


def listener_deps(services: Services, *, trace_slots: int = TRACE_SLOTS) -> SlackDeps:
    """The dependencies every Slack flow of this process runs on (no job queue, no follow-ups:
    the serving process adds its own)."""
    return slack_deps(
        services.settings, tracer=services.tracer, store=services.store, pdfs=services.api,
        clock=time.monotonic, trace_slots=trace_slots, wall_clock=services.clock,
        ledger=services.ledger,
    )  # fmt: skip

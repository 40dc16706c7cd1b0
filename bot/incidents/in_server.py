"""The incident watcher inside `qbx serve`: with QBX_INCIDENT_CHANNEL set, the server process runs
the periodic loop itself, taking its turn with the workers and the other replicas (turns.py), so
a single-process install (no Redis, no worker) gets incident posts too."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_sdk.web.async_client import AsyncWebClient

from bot.incidents.wiring import build_watcher, slack_side, watch_forever
from bot.qboxmail.client import QboxmailClient
from bot.settings import Settings
from bot.store import Store


@asynccontextmanager
async def serving_watcher(
    settings: Settings, *, api: QboxmailClient, simulated: bool, store: Store,
    client: AsyncWebClient, enabled: bool = True,
) -> AsyncIterator[asyncio.Task[None] | None]:  # fmt: skip
    """The periodic watcher as a task of this process while the block runs (None when off)."""
    if not enabled or not settings.qbx_incident_channel:
        yield None
        return
    side = slack_side(settings, client, api=api, simulated=simulated, store=store)
    watcher = build_watcher(settings, api=api, store=store, poster=side.poster,
                            report=side.report)  # fmt: skip
    interval = settings.qbx_watch_interval_seconds
    task = asyncio.create_task(watch_forever(watcher.check, interval, turn=watcher.my_turn))
    try:
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

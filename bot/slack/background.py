"""Work that runs after the ack: tracked tasks whose failures go to the one error handler.

Listeners acknowledge, then `start` their work here, so the HTTP answer never waits for it
(and Bolt's ack bookkeeping never sees a failure that happens a moment after the ack). With a
journal attached (Redis), work started with `acked=` is recorded until it has been answered, so
another process answers it if this one dies (bot.slack.journal).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot.slack.journal import AckedWork, Journal

OnError = Callable[[Exception], Awaitable[None]]
MAX_YIELD = 1.0  # seconds new work waits at most for pending acks (no starvation under load)


class InFlight:
    """Counts Slack requests still being answered (the web layer marks them)."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def begin(self) -> None:
        self._count += 1
        self._idle.clear()

    def end(self) -> None:
        self._count = max(0, self._count - 1)
        if self._count == 0:
            self._idle.set()

    async def idle(self, at_most: float) -> None:
        """Return once no request is being answered, or after `at_most` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), at_most)


class Background:
    """A set of running tasks; `drain` waits for them (tests, benchmarks, shutdown).

    New work first yields to requests still being answered (up to MAX_YIELD), so that under a
    burst the acks go out before the much larger work of the first requests takes the loop.
    """

    def __init__(self, in_flight: InFlight | None = None, *, max_yield: float = MAX_YIELD) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self.in_flight = in_flight or InFlight()
        self._max_yield = max_yield
        self.journal: Journal | None = None

    def start(self, work: Coroutine[Any, Any, None], on_error: OnError) -> None:
        task = asyncio.create_task(self._run(work, on_error, None))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def start_acked(
        self, work: Coroutine[Any, Any, None], on_error: OnError, acked: AckedWork
    ) -> None:
        """`start`, once `acked` is in the journal: a listener awaits this before it returns,
        so Slack's acknowledgement never leaves before the record that someone owes an answer."""
        recorded = await self.journal.opened(acked) if self.journal is not None else None
        task = asyncio.create_task(self._run(work, on_error, recorded))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(
        self, work: Coroutine[Any, Any, None], on_error: OnError, recorded: str | None
    ) -> None:
        try:
            await self.in_flight.idle(self._max_yield)
            await work
        except Exception as error:  # the one catch-all: handed to the app's error handler
            await on_error(error)
        if self.journal is not None and recorded is not None:  # answered (not cancelled)
            await self.journal.closed(recorded)

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def drain(self, grace: float) -> None:
        """Wait up to `grace` seconds for running work; cancel what is left."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

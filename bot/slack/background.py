"""Work that runs after the ack: tracked tasks whose failures go to the one error handler.

Listeners acknowledge, then `start` their work here, so the HTTP answer never waits for it
(and Bolt's ack bookkeeping never sees a failure that happens a moment after the ack).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

OnError = Callable[[Exception], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


START_DELAY = 0.05  # seconds: the HTTP answer is written before the work competes for the loop


class Background:
    """A set of running tasks; `drain` waits for them (tests, benchmarks, shutdown).

    Work starts `start_delay` after it is handed over, so that under a burst every pending
    ack is answered before the (much larger) work of the first requests takes the loop.
    """

    def __init__(self, *, start_delay: float = START_DELAY, sleep: Sleep = asyncio.sleep) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._delay = start_delay
        self._sleep = sleep

    def start(self, work: Coroutine[Any, Any, None], on_error: OnError) -> None:
        task = asyncio.create_task(self._run(work, on_error))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, work: Coroutine[Any, Any, None], on_error: OnError) -> None:
        try:
            await self._sleep(self._delay)
            await work
        except Exception as error:  # the one catch-all: handed to the app's error handler
            await on_error(error)

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

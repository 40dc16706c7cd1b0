"""One pass over the due watches: re-trace each, update its result in place, end it when final.

A pass holds the store lease `watch:pass`, so however many processes poll, one pass runs at a
time across replicas. A check that cannot reach Qboxmail keeps the watch and tries again later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Final, Protocol

from bot.clocks import EpochClock
from bot.errors import QbxError
from bot.logs import get_logger
from bot.store.base import Store
from bot.watch.book import WatchBook
from bot.watch.model import POLL_SECONDS, Watch, WatchStatus, after_check, delay_after

PASS_LOCK: Final = "watch:pass"
PASS_SECONDS: Final = 300.0  # a pass's lease; a dead poller's lease frees itself after this
Sleep = Callable[[float], Awaitable[None]]
log = get_logger("qbx.watch")


@dataclass(frozen=True)
class Checked:
    code: str  # the verdict code found
    key: str = ""  # where the new result's context is kept


class Checker(Protocol):
    """Re-traces a watched message and shows the result in place."""

    async def check(self, watch: Watch) -> Checked: ...

    async def ended(self, watch: Watch) -> None:
        """Say in place that the watch ended (final state, time up, or stopped)."""
        ...


@dataclass(frozen=True)
class PassResult:
    ran: bool  # False: another process held the lease
    checked: int = 0
    ended: int = 0
    failed: int = 0


class WatchEngine:
    def __init__(
        self,
        store: Store,
        book: WatchBook,
        checker: Checker,
        *,
        clock: EpochClock,
        ttl_seconds: float,
    ) -> None:
        self._store, self._book, self._checker = store, book, checker
        self._clock, self._ttl = clock, ttl_seconds

    async def run_pass(self) -> PassResult:
        async with self._store.lock(PASS_LOCK, PASS_SECONDS) as held:
            if not held:
                return PassResult(ran=False)
            now = self._clock()
            due = [w for w in (await self._book.all()).values() if w.due(now)]
            outcomes = [await self._one(watch, now) for watch in due]
            return PassResult(True, len(due), outcomes.count("ended"), outcomes.count("failed"))

    async def _one(self, watch: Watch, now: float) -> str:
        if now - watch.started_at >= self._ttl:
            return await self._end(replace(watch, status=WatchStatus.EXPIRED))
        try:
            found = await self._checker.check(watch)
        except Exception as exc:
            # the watch stays and is tried again on its back-off; its TTL still ends it
            log.warning("watch_check_failed", watch=watch.watch_id, error=repr(exc))
            later = replace(watch, next_at=now + delay_after(watch.checks))
            await self._book.save(later)
            return "failed"
        checked = after_check(watch, found.code, now, self._ttl, found.key)
        if checked.status is WatchStatus.WATCHING:
            await self._book.save(checked)
            return "checked"
        return await self._end(checked)

    async def _end(self, watch: Watch) -> str:
        if await self._book.save(watch):
            await self._checker.ended(watch)
        return "ended"


async def poll_forever(
    engine: WatchEngine, *, interval: float = POLL_SECONDS, sleep: Sleep = asyncio.sleep
) -> None:
    """Run a pass every `interval` seconds until cancelled; a failed pass waits for the next."""
    while True:
        try:
            await engine.run_pass()
        except QbxError as exc:  # the store is down: the next pass tries again
            log.warning("watch_pass_failed", error=str(exc))
        await sleep(interval)

"""The open watches, kept in the store (so they survive restarts and are shared by replicas).

One JSON document holds them all (at most QBX_MAX_WATCHES); every change is a short
read-modify-write under the store lock `watch:book`, retried a few times when another process
holds it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from bot.errors import StoreError
from bot.store.base import Store
from bot.watch.model import Watch, WatchStatus

DOC_KEY: Final = "watch:book"
LOCK_NAME: Final = "watch:book"
LOCK_SECONDS: Final = 10.0
LOCK_TRIES: Final = 50
LOCK_WAIT: Final = 0.02

Sleep = Callable[[float], Awaitable[None]]
Change = Callable[[dict[str, Watch]], Any]


class BookBusy(StoreError):
    """The watch book stayed locked by another process; try again."""


@dataclass(frozen=True)
class Added:
    watch: Watch
    new: bool  # False: that message was already watched in that place
    full: bool = False  # True: QBX_MAX_WATCHES reached; nothing was added


class WatchBook:
    def __init__(self, store: Store, *, max_watches: int, sleep: Sleep = asyncio.sleep) -> None:
        self._store, self._max, self._sleep = store, max_watches, sleep

    async def all(self) -> dict[str, Watch]:
        raw = await self._store.get_json(DOC_KEY) or {}
        return {key: Watch.from_json(value) for key, value in raw.items()}

    async def _change(self, change: Change) -> Any:
        for _ in range(LOCK_TRIES):
            async with self._store.lock(LOCK_NAME, LOCK_SECONDS) as held:
                if held:
                    watches = await self.all()
                    result = change(watches)
                    doc = {key: w.to_json() for key, w in watches.items()}
                    await self._store.put_json(DOC_KEY, doc, None)
                    return result
            await self._sleep(LOCK_WAIT)
        raise BookBusy("the watch list is busy; try again in a moment")

    async def add(self, watch: Watch) -> Added:
        def change(watches: dict[str, Watch]) -> Added:
            existing = watches.get(watch.watch_id)
            if existing is not None and existing.status is WatchStatus.WATCHING:
                return Added(existing, new=False)
            if len(watches) - (existing is not None) >= self._max:
                return Added(watch, new=False, full=True)
            watches[watch.watch_id] = watch
            return Added(watch, new=True)

        added: Added = await self._change(change)
        return added

    async def save(self, watch: Watch) -> bool:
        """Store `watch` (a check's result) unless it was stopped meanwhile; ended ones leave."""

        def change(watches: dict[str, Watch]) -> bool:
            current = watches.get(watch.watch_id)
            if current is None or current.status is not WatchStatus.WATCHING:
                return False
            if watch.status is WatchStatus.WATCHING:
                watches[watch.watch_id] = watch
            else:
                del watches[watch.watch_id]
            return True

        saved: bool = await self._change(change)
        return saved

    async def stop(self, watch_id: str) -> Watch | None:
        """Remove the watch; the watch as it was, or None when it was not open."""

        def change(watches: dict[str, Watch]) -> Watch | None:
            return watches.pop(watch_id, None)

        stopped: Watch | None = await self._change(change)
        return stopped

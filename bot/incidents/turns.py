"""Whose turn it is to check: every `qbx serve` and `qbx worker` process may run the watcher's
loop, and one check per interval runs across all of them: the process that claims the turn holds
it for most of an interval (it is usually the one to claim it again); when it dies, another
takes over at its next wake. With Redis the claim is shared by every replica and worker; without
it the process is alone and always has its turn."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from bot.store.base import Store

TURN_KEY: Final = "incident-watch-turn"
HOLD_SHARE: Final = 0.9  # of the interval: the holder's next wake finds the turn free again
Turn = Callable[[], Awaitable[bool]]


def shared_turn(store: Store, interval: float) -> Turn:
    """True for the first claimer; False for everyone else until the claim lapses."""

    async def mine() -> bool:
        return await store.claim(TURN_KEY, interval * HOLD_SHARE)

    return mine


async def always() -> bool:
    return True

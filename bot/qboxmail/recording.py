"""Call recording: every Qboxmail call made while a `CallLog` is current is counted in it.

The requester records each call (retries included in the one call) in the log that
`recording(log)` made current for the task and the tasks it starts. The longest chain of
dependent calls is measured with a `Chain` in a context variable: a call starts at the chain's
level and ends one level deeper, so calls made together (gather) share a level while calls made
one after another add up. Pure: no httpx here, so the diagnostic core may import it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from bot.errors import ApiUnreachable

T = TypeVar("T")


@dataclass
class Chain:
    """The depth, in API calls, reached by one fact's fetch so far."""

    level: int = 0


@dataclass
class CallLog:
    """Every API call of one run: how many, how many failed as unreachable, the deepest chain."""

    calls: int = 0
    succeeded: int = 0
    unreachable: int = 0
    depth: int = 0
    first_unreachable: ApiUnreachable | None = None


CURRENT_CHAIN: ContextVar[Chain | None] = ContextVar("qbx_current_chain", default=None)
CURRENT_LOG: ContextVar[CallLog | None] = ContextVar("qbx_current_call_log", default=None)


@contextmanager
def recording(log: CallLog) -> Iterator[CallLog]:
    """Record in `log` the calls made inside the block (and in the tasks it starts)."""
    token = CURRENT_LOG.set(log)
    try:
        yield log
    finally:
        CURRENT_LOG.reset(token)


async def recorded(call: Callable[[], Awaitable[T]]) -> T:
    """Run one API call; when a log is current, count it and advance the chain by one level."""
    log = CURRENT_LOG.get()
    if log is None:
        return await call()
    chain = CURRENT_CHAIN.get()
    start = chain.level if chain else 0
    log.calls += 1
    try:
        result = await call()
    except ApiUnreachable as error:
        log.unreachable += 1
        log.first_unreachable = log.first_unreachable or error
        raise
    finally:
        if chain is not None:
            chain.level = max(chain.level, start + 1)
        log.depth = max(log.depth, start + 1)
    log.succeeded += 1
    return result

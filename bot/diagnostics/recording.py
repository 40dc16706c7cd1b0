"""Counts the API calls of one run and measures the longest chain of dependent calls.

Each fact runs with a `Chain` in a context variable: a call starts at the chain's level
and ends one level deeper, so calls made together (gather) share a level while calls made
one after another add up. A fact starts at the deepest level of the facts it needs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
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
    names: list[str] = field(default_factory=list)
    first_unreachable: ApiUnreachable | None = None


CURRENT_CHAIN: ContextVar[Chain | None] = ContextVar("qbx_current_chain", default=None)


async def recorded(log: CallLog, name: str, call: Callable[[], Awaitable[T]]) -> T:
    """Run one API call, counting it and advancing the current chain by one level."""
    chain = CURRENT_CHAIN.get()
    start = chain.level if chain else 0
    log.calls += 1
    log.names.append(name)
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

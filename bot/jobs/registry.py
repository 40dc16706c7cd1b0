"""Jobs as plain async functions: their context, the registry, the retry policy, the queue seam."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from bot.logs import get_logger

D = TypeVar("D")
Payload = dict[str, Any]  # JSON-shaped: it crosses processes
log = get_logger(__name__)


@dataclass(frozen=True)
class JobContext(Generic[D]):
    job_id: str
    name: str
    attempt: int  # 1 on the first try
    max_tries: int
    deps: D


JobFunction = Callable[[JobContext[D], Payload], Awaitable[object]]


@dataclass(frozen=True)
class GaveUp:
    """A job that failed its last try: what the Slack layer tells the thread."""

    job_id: str
    name: str
    payload: Payload
    attempts: int
    error: str


GiveUpHandler = Callable[[GaveUp], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    max_tries: int = 3
    first_delay: float = 5.0  # seconds before the second try; doubles per try
    timeout: float = 300.0  # seconds one try may run
    lost_grace: float = 10.0  # after timeout + this, a job whose worker died runs again

    def delay(self, attempt: int) -> float:
        return float(self.first_delay * 2 ** (attempt - 1))


class UnknownJob(KeyError):
    """No job function is registered under this name."""


class JobRegistry(Generic[D]):
    """Job functions by name, the dependencies they get, and who hears when one gives up."""

    def __init__(self, deps: D, *, on_give_up: GiveUpHandler | None = None) -> None:
        self.deps = deps
        self._on_give_up: list[GiveUpHandler] = [on_give_up] if on_give_up else []
        self._closers: list[Callable[[], Awaitable[None]]] = []
        self._functions: dict[str, JobFunction[D]] = {}

    def add_give_up_handler(self, handler: GiveUpHandler) -> None:
        """Also tell `handler` when a job gives up (e.g. the Slack jobs' thread note)."""
        self._on_give_up.append(handler)

    def add_closer(self, closer: Callable[[], Awaitable[None]]) -> None:
        """Run `closer` when the worker stops (resources the jobs opened)."""
        self._closers.append(closer)

    async def aclose(self) -> None:
        for closer in reversed(self._closers):
            await closer()

    def register(self, name: str, function: JobFunction[D]) -> None:
        if name in self._functions:
            raise ValueError(f"job {name!r} is registered twice")
        self._functions[name] = function

    def names(self) -> tuple[str, ...]:
        return tuple(self._functions)

    def function(self, name: str) -> JobFunction[D]:
        try:
            return self._functions[name]
        except KeyError:
            raise UnknownJob(name) from None

    async def give_up(self, gave_up: GaveUp) -> None:
        log.warning("job.gave_up", job=gave_up.name, job_id=gave_up.job_id, error=gave_up.error)
        for handler in self._on_give_up:
            await handler(gave_up)


async def run_try(
    registry: JobRegistry[D], ctx: JobContext[D], payload: Payload, limit_seconds: float
) -> object:
    """One try of a job, bounded by `limit_seconds`."""
    async with asyncio.timeout(limit_seconds):
        return await registry.function(ctx.name)(ctx, payload)


def reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class JobQueue(Protocol):
    async def enqueue(self, name: str, payload: Payload) -> str:
        """Queue job `name`; return its id. UnknownJob for an unregistered name."""
        ...

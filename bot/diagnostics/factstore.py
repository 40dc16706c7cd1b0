"""Facts: named values a checklist needs, each fetched at most once per run, concurrently.

A `Fact` names its async fetcher and the facts it depends on. A `FactStore` runs one task per
fact on first request (so two steps needing the account share one API call), starts
independent facts together, and turns any exception into `Missing` with the reason: a fact
that could not be found out is never mistaken for a value.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from bot.diagnostics.ledger_lookup import LedgerLookup
from bot.errors import QboxmailError
from bot.qboxmail.reads import QboxmailApi
from bot.qboxmail.recording import CURRENT_CHAIN, Chain
from bot.recognition.targets import Target

T = TypeVar("T")


@dataclass(frozen=True)
class RunOptions:
    """What the person asked for beyond the target itself."""

    deep: bool = False
    token_prefix: str | None = None  # the first characters of the Send token the caller used
    client_ip: str | None = None  # the caller's IP, when not in TraceMail
    message_id: str | None = None  # for a mailbox check: find which folder it landed in


@dataclass(frozen=True)
class FactContext:
    """Everything a fetcher may use: the API, the target, the time, the limits."""

    api: QboxmailApi
    target: Target
    now: datetime
    scan_budget: int
    ledger: LedgerLookup | None = None
    options: RunOptions = field(default_factory=RunOptions)


@dataclass(frozen=True)
class Missing:
    """A fact that could not be found out, and why."""

    reason: str


class Known:
    """Resolved facts, read with the typed `Fact` handle: `known[ACCOUNT]`.

    Inside a fetcher, `await known.need(FACT)` asks for a fact decided at run time (a
    dependency that only some targets have); its depth is added to the caller's chain.
    """

    def __init__(self, values: Mapping[str, object], store: FactStore | None = None) -> None:
        self._values = dict(values)
        self._store = store

    async def need(self, fact: Fact[T]) -> T | Missing:
        if self._store is None:
            raise KeyError(f"fact {fact.name!r} was not declared as needed")
        value = await self._store.get(fact)
        chain = CURRENT_CHAIN.get()
        if chain is not None:
            chain.level = max(chain.level, self._store.levels.get(fact.name, 0))
        return value

    def __getitem__(self, fact: Fact[T]) -> T:
        if fact.name not in self._values:
            raise KeyError(f"fact {fact.name!r} was not declared as needed")
        return cast(T, self._values[fact.name])

    def __contains__(self, fact: Fact[Any]) -> bool:
        return fact.name in self._values


Fetcher = Callable[[FactContext, Known], Awaitable[T]]


@dataclass(frozen=True, eq=False)
class Fact(Generic[T]):
    """One named fact: how to fetch it and what it needs first."""

    name: str
    fetch: Fetcher[T]
    needs: tuple[Fact[Any], ...] = ()


def describe_failure(error: BaseException) -> str:
    """The reason shown for a fact that could not be found out."""
    if isinstance(error, QboxmailError):
        return str(error)
    return f"{type(error).__name__}: {error}"


class FactStore:
    """Per-run memo of facts: one task per fact, started on first request."""

    def __init__(self, ctx: FactContext, catalogue: Mapping[str, Fact[Any]]) -> None:
        self.ctx = ctx
        self._catalogue = catalogue
        self._tasks: dict[str, asyncio.Task[object]] = {}
        self.levels: dict[str, int] = {}

    def task(self, name: str) -> asyncio.Task[object]:
        """The (possibly running) task that resolves the catalogue's fact `name`."""
        return self._task_for(self._catalogue[name])

    def _task_for(self, fact: Fact[Any]) -> asyncio.Task[object]:
        if fact.name not in self._tasks:
            coro = self._resolve(fact)
            self._tasks[fact.name] = asyncio.create_task(coro, name=f"fact:{fact.name}")
        return self._tasks[fact.name]

    @property
    def started(self) -> frozenset[str]:
        """The names of the facts this run asked for."""
        return frozenset(self._tasks)

    async def resolve(self, name: str) -> object:
        """The fact's value, or `Missing`."""
        return await self.task(name)

    async def get(self, fact: Fact[T]) -> T | Missing:
        return cast("T | Missing", await self._task_for(fact))

    async def _resolve(self, fact: Fact[Any]) -> object:
        deps = await asyncio.gather(*(self._task_for(dep) for dep in fact.needs))
        for dep, value in zip(fact.needs, deps, strict=True):
            if isinstance(value, Missing):
                self.levels[fact.name] = self.levels.get(dep.name, 0)
                return Missing(f"needs {dep.name}: {value.reason}")
        chain = Chain(level=max((self.levels.get(d.name, 0) for d in fact.needs), default=0))
        CURRENT_CHAIN.set(chain)
        try:
            values = {dep.name: value for dep, value in zip(fact.needs, deps, strict=True)}
            known = Known(values, store=self)
            return await fact.fetch(self.ctx, known)
        except Exception as error:  # the engine's one place: any failure is "could not find out"
            return Missing(describe_failure(error))
        finally:
            self.levels[fact.name] = chain.level

    async def aclose(self) -> None:
        """Cancel facts still running (a step that is no longer needed)."""
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

"""Acknowledged Slack work, recorded in Redis until it is answered, so that work a dead process
acknowledged is answered by another: each process renews an "alive" key (a short lease) and
sweeps the record for work whose owner's lease has run out, claims it once and rescues it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Protocol

from bot.errors import StoreError
from bot.logs import get_logger

LEASE_SECONDS = 15.0  # a process that has not renewed its lease for this long is taken for dead
SWEEP_SECONDS = 5.0  # how often each process looks for work a dead process left
RESCUE_CLAIM_SECONDS = 3600.0
log = get_logger("qbx.slack.journal")


class WorkKind(StrEnum):
    COMMAND = "command"
    CLICK = "click"
    SHORTCUT = "shortcut"
    PASTE = "paste"
    MENTION = "mention"


@dataclass(frozen=True)
class AckedWork:
    """What another process needs to answer acknowledged work: who, where, and how."""

    kind: WorkKind
    user: str
    channel: str
    text: str = ""  # a command's text (a command is run again; other work is told to retry)
    response_url: str = ""
    thread_ts: str = ""

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> AckedWork:
        names = ("user", "channel", "text", "response_url", "thread_ts")
        return cls(WorkKind(value["kind"]), **{n: str(value.get(n) or "") for n in names})


class Pending(Protocol):
    """The store's calls the journal uses (FallbackStore over Redis has them)."""

    async def pending_put(self, item_id: str, value: Any) -> None: ...

    async def pending_drop(self, item_id: str) -> None: ...

    async def pending_all(self) -> dict[str, Any]: ...

    async def get_json(self, key: str) -> Any: ...

    async def put_json(self, key: str, value: Any, ttl_seconds: float | None) -> None: ...

    async def claim(self, key: str, ttl_seconds: float) -> bool: ...


Rescue = Callable[[AckedWork], Awaitable[None]]


class Journal:
    """One process's view of the shared record of acknowledged work."""

    def __init__(
        self, store: Pending, *, owner: str | None = None, lease: float = LEASE_SECONDS
    ) -> None:
        self._store, self._lease = store, lease
        self.owner = owner or f"{os.getpid()}.{secrets.token_hex(4)}"  # pid: for operators

    async def opened(self, work: AckedWork) -> str | None:
        """Record `work` as acknowledged by this process; its id (None: Redis is down)."""
        item_id = f"{self.owner}:{secrets.token_hex(6)}"
        try:
            await self._store.pending_put(item_id, {"owner": self.owner, **asdict(work)})
        except StoreError:
            log.warning("journal.unrecorded", kind=work.kind.value)
            return None
        return item_id

    async def closed(self, item_id: str) -> None:
        try:
            await self._store.pending_drop(item_id)
        except StoreError:
            log.warning("journal.undropped", item=item_id)

    async def beat(self) -> None:
        await self._store.put_json(f"alive:{self.owner}", True, self._lease)

    async def sweep(self, rescue: Rescue) -> int:
        """Rescue each piece of work whose owner is gone (claimed once across processes)."""
        rescued = 0
        for item_id, entry in (await self._store.pending_all()).items():
            owner = str(entry.get("owner") or "")
            if owner == self.owner or await self._store.get_json(f"alive:{owner}"):
                continue
            if await self._store.claim(f"rescue:{item_id}", RESCUE_CLAIM_SECONDS):
                log.warning("journal.rescued", item=item_id, kind=entry.get("kind"))
                await self._store.pending_drop(item_id)
                await rescue(AckedWork.from_json(entry))
                rescued += 1
        return rescued

    async def run(self, rescue: Rescue, *, sweep_every: float = SWEEP_SECONDS) -> None:
        """Renew this process's lease and sweep, until cancelled; Redis outages only pause it."""
        beats_per_sweep = max(1, round(sweep_every / (self._lease / 3)))
        beat = 0
        while True:
            try:
                await self.beat()
                if beat % beats_per_sweep == 0:
                    await self.sweep(rescue)
            except StoreError as exc:
                log.warning("journal.paused", reason=str(exc))
            beat += 1
            await asyncio.sleep(self._lease / 3)

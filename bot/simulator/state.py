"""One running simulation: the world, its TraceMail store, the clock, faults and live counters."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.clocks import Monotonic
from bot.qboxmail.contract import SEND_MAX_PAYLOAD_BYTES, SEND_RATE_PER_SECOND
from bot.simulator.clock import SimClock
from bot.simulator.faults import Faults
from bot.simulator.randomness import rng_for, uuid4_text
from bot.simulator.tracemail_store import TraceMailStore
from bot.simulator.world import World

Sleep = Callable[[float], Awaitable[None]]


@dataclass
class RateLimiter:
    """At most `limit` requests per token in any one-second window (sliding)."""

    monotonic: Monotonic = time.monotonic
    limit: int = SEND_RATE_PER_SECOND
    _seen: dict[str, deque[float]] = field(default_factory=dict)

    def retry_after(self, token: str) -> float | None:
        """None when the request may go ahead (and counts it), else seconds to wait."""
        now = self.monotonic()
        window = self._seen.setdefault(token, deque())
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= self.limit:
            return max(0.001, 1.0 - (now - window[0]))
        window.append(now)
        return None


@dataclass
class LiveState:
    """What requests have changed since start: messages sent, tokens last used, suppressions."""

    sent: dict[int, int] = field(default_factory=dict)
    token_used: dict[int, datetime] = field(default_factory=dict)
    suppression_active: dict[int, bool] = field(default_factory=dict)  # entry id -> edited flag

    def record(self, account_id: int, count: int) -> None:
        self.sent[account_id] = self.sent.get(account_id, 0) + count


class Simulation:
    """Everything a request handler needs, in one object held by the Starlette app."""

    def __init__(
        self,
        *,
        world: World,
        tracemail: TraceMailStore,
        clock: SimClock,
        management_token: str,
        faults: Faults,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        scenario: str | None = None,
    ) -> None:
        self.world = world
        self.tracemail = tracemail
        self.clock = clock
        self.management_token = management_token
        self.faults = faults
        self.sleep = sleep
        self.scenario = scenario
        self.live = LiveState()
        self.rate_limiter = RateLimiter(monotonic)
        self._ids = rng_for(world.seed, "live-ids")
        self._serial = 0
        self.stopping = asyncio.Event()
        self.send_max_payload_bytes = SEND_MAX_PAYLOAD_BYTES  # tests may lower it
        self.drift = False  # answer with the fields in bot.simulator.drift changed

    def new_uuid(self) -> str:
        return uuid4_text(self._ids.getrandbits(128))

    def next_serial(self) -> int:
        self._serial += 1
        return self._serial

    async def hang(self, seconds: float) -> None:
        """Hold a request (a timeout fault) until `seconds` pass or the server stops."""
        try:
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)
        except TimeoutError:
            return

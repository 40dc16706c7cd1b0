"""Throttling chat.update so progress respects Slack's Tier 3 limit (about 50 a minute).

Intermediate progress is dropped when the shared budget is spent; a result's final update is
always sent (and a 429 is retried by the client after Retry-After).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clocks import Monotonic

MAX_TRACKED = 1000  # messages remembered for the per-message interval


@dataclass
class UpdateThrottle:
    """A token bucket shared by all messages, plus a minimum interval per message."""

    clock: Monotonic
    per_minute: float = 45.0
    per_message_interval: float = 1.5
    _tokens: float = field(default=0.0, init=False)
    _refilled_at: float | None = field(default=None, init=False)
    _last: dict[str, float] = field(default_factory=dict, init=False)

    def allow(self, ts: str) -> bool:
        """May an intermediate update of message `ts` go out now? Spends a token if so."""
        now = self.clock()
        self._refill(now)
        last = self._last.get(ts)
        if self._tokens < 1 or (last is not None and now - last < self.per_message_interval):
            return False
        self._tokens -= 1
        self._last[ts] = now
        if len(self._last) > MAX_TRACKED:
            self._forget_before(now - self.per_message_interval)
        return True

    def spend_final(self, ts: str) -> None:
        """Account for a final update (sent whatever the budget) and forget the message."""
        self._refill(self.clock())
        self._tokens = max(0.0, self._tokens - 1)
        self._last.pop(ts, None)

    @property
    def tracked(self) -> int:
        """How many messages the per-message interval remembers."""
        return len(self._last)

    def _forget_before(self, cutoff: float) -> None:
        """Drop messages whose final update never came (a failed trace) once they are idle."""
        self._last = {ts: at for ts, at in self._last.items() if at >= cutoff}

    def _refill(self, now: float) -> None:
        if self._refilled_at is None:
            self._tokens, self._refilled_at = self.per_minute / 6, now
            return
        rate = self.per_minute / 60.0
        self._tokens = min(self.per_minute / 6, self._tokens + (now - self._refilled_at) * rate)
        self._refilled_at = now

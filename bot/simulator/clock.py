"""The simulator's movable clock: real (or frozen) UTC time plus an offset tests can shift."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def _system_now() -> datetime:
    return datetime.now(UTC)


class SimClock:
    """`now()` is the source time plus an offset; `advance()` and `set()` move it.

    A frozen start (`SimClock(start)`) stands still until moved, so a test decides what time
    it is; without one the clock follows real UTC time.
    """

    def __init__(
        self, start: datetime | None = None, *, source: Callable[[], datetime] | None = None
    ) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the simulator clock needs an aware datetime (UTC)")
        frozen = start.astimezone(UTC) if start is not None else None
        self._source = source or ((lambda: frozen) if frozen is not None else _system_now)
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return self._source() + self._offset

    def timestamp(self) -> float:
        return self.now().timestamp()

    def advance(self, delta: timedelta) -> datetime:
        self._offset += delta
        return self.now()

    def set(self, when: datetime) -> datetime:
        if when.tzinfo is None:
            raise ValueError("the simulator clock needs an aware datetime (UTC)")
        self._offset += when - self.now()
        return self.now()

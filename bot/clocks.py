"""The clock types, one name per meaning, injected wherever time is read (tests pass their own)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeAlias

WallClock: TypeAlias = Callable[[], datetime]  # aware UTC "now" (a report's time, an incident's)
EpochClock: TypeAlias = Callable[[], float]  # epoch seconds, like time.time (expiry, schedules)
Monotonic: TypeAlias = Callable[[], float]  # seconds for intervals only, like time.monotonic

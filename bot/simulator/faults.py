"""Faults as data, per route: latency, 5xx, 429 bursts, hangs, malformed JSON, data-wrapped items.

A route is an endpoint name from `contract.ENDPOINTS` or "*" for every route. Rates below 1
are decided by a generator seeded per route, so a run is repeatable request for request.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any

from bot.qboxmail.contract import ENDPOINTS_BY_NAME
from bot.simulator.randomness import derive_seed

ANY_ROUTE = "*"


@dataclass(frozen=True)
class Fault:
    """What to do to requests on one route. Every field defaults to "no fault"."""

    latency_ms: int = 0
    error_rate: float = 0.0  # share of requests answered `error_status`
    error_status: int = 500
    rate_limit_burst: int = 0  # the next N requests are answered 429
    rate_limit_rate: float = 0.0  # or this share of requests
    retry_after: int = 1  # seconds, in the 429's Retry-After header
    timeout_rate: float = 0.0  # share of requests that hang for `hang_seconds`, then answer
    hang_seconds: float = 30.0
    malformed_rate: float = 0.0  # share of 2xx bodies cut in half (invalid JSON)
    data_wrapped: bool = False  # items sent as {"data": "<json text>"}

    def __post_init__(self) -> None:
        for name in ("error_rate", "rate_limit_rate", "timeout_rate", "malformed_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if not 500 <= self.error_status <= 599:
            raise ValueError("error_status must be a 5xx status")
        if min(self.latency_ms, self.rate_limit_burst, self.retry_after) < 0:
            raise ValueError("latency_ms, rate_limit_burst and retry_after must be >= 0")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Action(StrEnum):
    PASS = "pass"
    ERROR = "error"
    RATE_LIMIT = "rate_limit"
    HANG = "hang"


@dataclass(frozen=True)
class Decision:
    action: Action
    latency_s: float
    malformed: bool
    data_wrapped: bool
    fault: Fault


_NONE = Decision(Action.PASS, 0.0, False, False, Fault())


class Faults:
    """The faults in force, by route; `decide` draws one request's fate."""

    def __init__(self, seed: int, latency_ms: int = 0) -> None:
        self._seed = seed
        self._faults: dict[str, Fault] = {}
        self._bursts: dict[str, int] = {}
        self._rngs: dict[str, random.Random] = {}
        self._base_latency = latency_ms / 1000.0

    def set(self, route: str, fault: Fault) -> None:
        if route != ANY_ROUTE and route not in ENDPOINTS_BY_NAME:
            raise ValueError(f"unknown route {route!r}: use an endpoint name or '*'")
        self._faults[route] = fault
        self._bursts[route] = fault.rate_limit_burst
        self._rngs[route] = random.Random(derive_seed(self._seed, "faults", route))

    def clear(self, route: str | None = None) -> None:
        for table in (self._faults, self._bursts, self._rngs):
            if route is None:
                table.clear()
            else:
                table.pop(route, None)

    def snapshot(self) -> dict[str, Fault]:
        return dict(self._faults)

    def decide(self, route: str) -> Decision:
        key = route if route in self._faults else ANY_ROUTE
        fault = self._faults.get(key)
        if fault is None:
            if self._base_latency:
                return Decision(Action.PASS, self._base_latency, False, False, Fault())
            return _NONE
        return Decision(
            self._action(key, fault),
            self._base_latency + fault.latency_ms / 1000.0,
            self._draw(key, fault.malformed_rate),
            fault.data_wrapped,
            fault,
        )

    def _action(self, key: str, fault: Fault) -> Action:
        if self._bursts.get(key, 0) > 0:
            self._bursts[key] -= 1
            return Action.RATE_LIMIT
        if self._draw(key, fault.rate_limit_rate):
            return Action.RATE_LIMIT
        if self._draw(key, fault.error_rate):
            return Action.ERROR
        if self._draw(key, fault.timeout_rate):
            return Action.HANG
        return Action.PASS

    def _draw(self, key: str, rate: float) -> bool:
        if rate >= 1.0:
            return True
        if rate <= 0.0:
            return False
        return self._rngs[key].random() < rate

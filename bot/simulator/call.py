"""One request as a handler sees it: the simulation, the path's named parts and the query."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from bot.simulator.params import Params
from bot.simulator.responses import Resources
from bot.simulator.state import Simulation


@dataclass(frozen=True)
class Call:
    sim: Simulation
    request: Request
    path: dict[str, str]
    params: Params
    now: datetime

    @property
    def ts(self) -> float:
        return self.now.timestamp()


Handler = Callable[[Call], Awaitable[Resources | Response]]

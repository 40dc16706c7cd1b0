"""The ASGI app: `POST /slack/events` through Bolt's ASGI adapter, `GET /healthz` for probes,
plus the routes the runtime adds (POST /ledger, POST /alerts when configured).

`HealthChecks` asks each dependency (Slack auth.test, a cheap Qboxmail GET, the store) and
answers 200 when all answer, 503 otherwise. The store answers even while Redis is down (state
falls back to the process): then /healthz stays 200 with `"status": "degraded"` and the store
component says `"redis": "down"`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from bot.logs import get_logger
from bot.slack.background import InFlight
from bot.store import FallbackStore, Store

Probe = Callable[[], Awaitable[bool]]
Detail = Callable[[], Awaitable[dict[str, object]]]
"""A probe that describes its component: {"ok": bool, "degraded": bool, ...}."""
PROBE_TIMEOUT = 3.0
EVENTS_PATH = "/slack/events"
LEDGER_PATH = "/ledger"
HEALTH_KEY = "healthz"  # read (never written) by the store probe to try Redis again
log = get_logger("qbx.web")


@dataclass(frozen=True)
class HealthChecks:
    """Named probes; each returns True when its dependency answers (False or raises: down).
    `details` describe their component and may mark it degraded (answering, but not fully)."""

    probes: Mapping[str, Probe]
    details: Mapping[str, Detail] = field(default_factory=dict)
    timeout: float = PROBE_TIMEOUT

    async def run(self) -> tuple[int, dict[str, object]]:
        names = [*self.probes, *self.details]
        outcomes = await asyncio.gather(*(self._one(n) for n in names))
        components = dict(zip(names, outcomes, strict=True))
        healthy = all(c["ok"] for c in components.values())
        degraded = any(c.get("degraded") for c in components.values())
        body: dict[str, object] = {
            "status": "ok" if healthy and not degraded else "degraded",
            "components": components,
        }
        return (200 if healthy else 503), body

    async def _one(self, name: str) -> dict[str, object]:
        started = time.perf_counter()
        error: str | None = None
        detail: dict[str, object] = {}
        try:
            detail = await asyncio.wait_for(self._ask(name), self.timeout)
            ok = bool(detail.pop("ok", False))
        except Exception as exc:  # a probe failing is the answer, not a crash
            ok, error = False, type(exc).__name__
            log.warning("health_probe_failed", component=name, error=error)
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        return {"ok": ok, "ms": elapsed, **detail, **({"error": error} if error else {})}

    async def _ask(self, name: str) -> dict[str, object]:
        if name in self.details:
            return await self.details[name]()
        return {"ok": await self.probes[name]()}


def store_probe(store: Store) -> Detail:
    """The store: in memory, or Redis (up/down); degraded while state lives in this process."""

    async def probe() -> dict[str, object]:
        if not isinstance(store, FallbackStore):
            return {"ok": await store.ping(), "backend": "memory"}
        redis_up = await store.ping()
        if redis_up and store.degraded:
            await store.get_json(HEALTH_KEY)  # a store call: back on Redis once its retry is due
        degraded = store.degraded or not redis_up
        if degraded:
            log.warning("health_store_degraded", redis="up" if redis_up else "down")
        return {
            "ok": True,
            "backend": "redis",
            "redis": "up" if redis_up else "down",
            "degraded": degraded,
            **({"fallback": "process memory"} if degraded else {}),
        }

    return probe


class _Counted:
    """Bolt's ASGI adapter, marking each Slack request in flight while it is answered (new
    background work waits for those answers first)."""

    def __init__(self, bolt: AsyncSlackRequestHandler, in_flight: InFlight) -> None:
        self._bolt, self._in_flight = bolt, in_flight

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._in_flight.begin()
        try:
            await self._bolt(scope, receive, send)  # type: ignore[arg-type]  # Bolt: scope is a dict
        finally:
            self._in_flight.end()


def build_asgi(
    app: AsyncApp,
    health: HealthChecks,
    in_flight: InFlight,
    routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """Starlette routing Slack's events (Bolt's ASGI adapter), /healthz and `routes`."""
    slack = _Counted(AsyncSlackRequestHandler(app, path=EVENTS_PATH), in_flight)

    async def healthz(request: Request) -> JSONResponse:
        status, body = await health.run()
        return JSONResponse(body, status_code=status)

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            *routes,
        ]
    )

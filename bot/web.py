"""The ASGI app: `POST /slack/events` through Bolt's ASGI adapter, `GET /healthz` for probes.

`HealthChecks` asks each dependency (Slack auth.test, a cheap Qboxmail GET, the store's ping)
and answers 200 when all answer, 503 otherwise.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from bot.logs import get_logger
from bot.slack.background import InFlight

Probe = Callable[[], Awaitable[bool]]
PROBE_TIMEOUT = 3.0
EVENTS_PATH = "/slack/events"
log = get_logger("qbx.web")


@dataclass(frozen=True)
class HealthChecks:
    """Named probes; each returns True when its dependency answers (False or raises: down)."""

    probes: Mapping[str, Probe]
    timeout: float = PROBE_TIMEOUT

    async def run(self) -> tuple[int, dict[str, object]]:
        names = list(self.probes)
        outcomes = await asyncio.gather(*(self._one(n) for n in names))
        components = dict(zip(names, outcomes, strict=True))
        healthy = all(c["ok"] for c in components.values())
        body: dict[str, object] = {
            "status": "ok" if healthy else "degraded",
            "components": components,
        }
        return (200 if healthy else 503), body

    async def _one(self, name: str) -> dict[str, object]:
        started = time.perf_counter()
        error: str | None = None
        try:
            ok = await asyncio.wait_for(self.probes[name](), self.timeout)
        except Exception as exc:  # a probe failing is the answer, not a crash
            ok, error = False, type(exc).__name__
            log.warning("health_probe_failed", component=name, error=error)
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        return {"ok": ok, "ms": elapsed, **({"error": error} if error else {})}


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


def build_asgi(app: AsyncApp, health: HealthChecks, in_flight: InFlight) -> Starlette:
    """Starlette routing two paths: Slack's events (Bolt's ASGI adapter) and /healthz."""
    slack = _Counted(AsyncSlackRequestHandler(app, path=EVENTS_PATH), in_flight)

    async def healthz(request: Request) -> JSONResponse:
        status, body = await health.run()
        return JSONResponse(body, status_code=status)

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )

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

from bot.logs import get_logger

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


def build_asgi(app: AsyncApp, health: HealthChecks) -> Starlette:
    """Starlette routing two paths: Slack's events (Bolt's ASGI adapter) and /healthz."""
    slack = AsyncSlackRequestHandler(app, path=EVENTS_PATH)

    async def healthz(request: Request) -> JSONResponse:
        status, body = await health.run()
        return JSONResponse(body, status_code=status)

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )

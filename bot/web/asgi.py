"""The ASGI app: `POST /slack/events` through Bolt's ASGI adapter, `GET /healthz` for probes,
plus the optional routes (bot.runtime.routes: POST /ledger, POST /alerts when configured).

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
from slack_bolt.request.internals import parse_body
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Message, Receive, Scope, Send

from bot.logs import get_logger
from bot.slack.background import InFlight
from bot.store import FallbackStore, Store
from bot.web.guard import (
    SLACK_MAX_BODY_BYTES,
    SLACK_MAX_SKEW_SECONDS,
    Refused,
    read_bounded,
    utf8,
    verify_slack,
)

Probe = Callable[[], Awaitable[bool]]
Detail = Callable[[], Awaitable[dict[str, object]]]
"""A probe that describes its component: {"ok": bool, "degraded": bool, ...}."""
PROBE_TIMEOUT = 3.0
HEALTH_CACHE_SECONDS = 5.0  # one dependency check per this long, however many probes arrive
EVENTS_PATH = "/slack/events"
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


class CachedHealth:
    """/healthz answers from one check every `ttl` seconds: anonymous probes cannot turn into
    Slack and Qboxmail calls (concurrent probes share the check in progress)."""

    def __init__(
        self, health: HealthChecks, ttl: float = HEALTH_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self._health, self._ttl, self._clock = health, ttl, clock
        self._lock = asyncio.Lock()
        self._last: tuple[float, tuple[int, dict[str, object]]] | None = None

    async def run(self) -> tuple[int, dict[str, object]]:
        async with self._lock:
            if self._last is None or self._clock() - self._last[0] >= self._ttl:
                self._last = (self._clock(), await self._health.run())
            return self._last[1]


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


Claim = Callable[[str, float], Awaitable[bool]]
"""Store.claim: the first caller of a key within the TTL gets True."""


@dataclass(frozen=True)
class SlackGate:
    """What stands before Bolt: the signing secret, the replay claim and the clock."""

    secret: str
    claim: Claim
    clock: Callable[[], float] = time.time
    max_body_bytes: int = SLACK_MAX_BODY_BYTES

    async def admit(self, request: Request) -> bytes | None:
        """The verified, well-formed body; None for a replay; Refused otherwise."""
        body = await read_bounded(request, self.max_body_bytes)
        signature = verify_slack(self.secret, request.headers, body, self.clock())
        _parse_as_bolt_does(body, request.headers.get("content-type"))
        if not await self.claim(f"slack-request:{signature}", 2 * SLACK_MAX_SKEW_SECONDS):
            return None
        return body


def _parse_as_bolt_does(body: bytes, content_type: str | None) -> None:
    """Refused(400) unless Bolt's own parser reads `body` as a JSON object."""
    try:
        parsed = parse_body(utf8(body), content_type)
    except (ValueError, RecursionError) as exc:
        raise Refused(400, "invalid_body", "the body is not a Slack payload") from exc
    if not isinstance(parsed, dict):
        raise Refused(400, "invalid_body", "the body is not a Slack payload")


class _Gated:
    """Bolt's ASGI adapter behind the gate: nothing reaches Bolt (its listeners, its error handler,
    its logs) before the signature is verified; each admitted request is marked in flight."""

    def __init__(
        self, bolt: AsyncSlackRequestHandler, in_flight: InFlight, gate: SlackGate | None
    ) -> None:
        self._bolt, self._in_flight, self._gate = bolt, in_flight, gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._gate is not None:
            try:
                body = await self._gate.admit(Request(scope, receive))
            except Refused as refused:
                log.warning("slack_request_refused", status=refused.status, reason=refused.message)
                await refused.response()(scope, receive, send)
                return
            if body is None:
                log.info("slack_request_replayed")
                await Response(status_code=200)(scope, receive, send)
                return
            receive = _replay(body)
        self._in_flight.begin()
        try:
            await self._bolt(scope, receive, send)  # type: ignore[arg-type]  # Bolt: scope is a dict
        finally:
            self._in_flight.end()


def _replay(body: bytes) -> Receive:
    """An ASGI receive that hands over `body` once (the gate has already read the request)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def build_asgi(
    app: AsyncApp,
    health: HealthChecks,
    in_flight: InFlight,
    routes: Sequence[BaseRoute] = (),
    *,
    gate: SlackGate | None,
) -> Starlette:
    """Starlette routing Slack's events (Bolt's ASGI adapter, behind `gate`; None only for
    unsigned transports), /healthz and `routes`."""
    cached = CachedHealth(health)

    async def healthz(request: Request) -> JSONResponse:
        status, body = await cached.run()
        return JSONResponse(body, status_code=status)

    slack: list[BaseRoute] = []
    if gate is not None:  # unsigned transports (Socket Mode) take no events over HTTP
        bolt = AsyncSlackRequestHandler(app, path=EVENTS_PATH)
        slack = [Route(EVENTS_PATH, _Gated(bolt, in_flight, gate), methods=["POST"])]
    return Starlette(routes=[*slack, Route("/healthz", healthz, methods=["GET"]), *routes])

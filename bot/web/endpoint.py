"""One signed JSON webhook, the mechanism behind POST /ledger and POST /alerts: a bounded body,
a v1 signature with a fresh timestamp, the endpoint's own parsing and validation, a replayed
request handled once, and one JSON error shape for every refusal.

In order: body over the limit -> 413 `too_large`; missing, stale or wrong signature -> 401
`unauthorized`; not JSON -> 400 `invalid_json` (or 422, where the endpoint names the body as
the bad field); bad fields -> 422 `invalid` naming each one; the same signed request again ->
the endpoint's `duplicate` answer, without doing its work twice; a copy arriving while the
first is being handled -> 503 `busy`. Every error body has one shape:

    {"error": "<code>", "message": "<what happened, and the fix>",
     "fields": [{"field": "<dotted path>", "message": "<what is wrong>"}]}

`fields` only on 422 (list positions are path parts: `1.messages.0.message_id`); a 503 carries
`Retry-After`. A request whose work failed is not remembered, so the sender's retry does it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.clocks import EpochClock
from bot.errors import ConfigError
from bot.store.base import Store
from bot.store.keys import WEBHOOK_HANDLING_SECONDS, WEBHOOK_SEEN_TTL, webhook_seen
from bot.web.guard import V1_SIGNATURE, Refused, read_bounded, v1_problem

RETRY_AFTER_SECONDS: Final = 5
T = TypeVar("T")
Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Webhook(Generic[T]):
    """A signed JSON endpoint: `parse` turns the verified body into a value (or raises Refused),
    `handle` does the work and answers (or raises Refused: not remembered), `duplicate` answers
    a replay. `name` keys the replay memory; `setting` names the secret in refusals."""

    name: str
    setting: str
    secret: str
    max_body_bytes: int
    parse: Callable[[bytes], T]
    handle: Callable[[T], Awaitable[Response]]
    duplicate: Callable[[T], Response]
    clock: EpochClock = time.time
    seen: Store | None = None  # remembers which signed requests were handled

    def __post_init__(self) -> None:
        if not self.secret:
            raise ConfigError(f"POST /{self.name} needs a non-empty shared secret ({self.setting})")

    def route(self) -> Route:
        return Route(f"/{self.name}", self.endpoint, methods=["POST"])

    async def endpoint(self, request: Request) -> Response:
        try:
            body = await read_bounded(request, self.max_body_bytes)
            self._verify(request, body)
            value = self.parse(body)
            return await self._once(webhook_seen(self.name, request.headers[V1_SIGNATURE]), value)
        except Refused as refused:
            return refused.response()

    def _verify(self, request: Request, body: bytes) -> None:
        problem = v1_problem(self.secret, request.headers, body, self.clock())
        if problem is not None:
            raise Refused(401, "unauthorized", f"{problem}; sign the body with {self.setting}")

    async def _once(self, key: str, value: T) -> Response:
        seen = self.seen
        if seen is None:
            return await self.handle(value)
        if await seen.get_json(key):
            return self.duplicate(value)
        async with seen.lock(key, WEBHOOK_HANDLING_SECONDS) as held:
            if not held:
                raise Refused(503, "busy", "the same request is being handled; retry",
                              retry_after=RETRY_AFTER_SECONDS)  # fmt: skip
            if await seen.get_json(key):
                return self.duplicate(value)
            answer = await self.handle(value)
            await seen.put_json(key, True, WEBHOOK_SEEN_TTL)
            return answer

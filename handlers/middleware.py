"""Global middleware, run for every request before any listener: first the log context, then
the one access check (a refused request is acknowledged here and answered privately)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import bind_request
from bot.slack.deps import SlackDeps
from bot.slack.intake import refuse_unless_allowed
from bot.slack.origin import origin_of

Next = Callable[[], Awaitable[None]]


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.middleware
    async def log_context(body: dict[str, Any], next_: Next) -> None:
        """Every log line of this request (and of the work it starts) carries these."""
        origin = origin_of(body)
        bind_request(trace_id=deps.new_reference(), slack_user=origin.user,
                     slack_channel=origin.channel)  # fmt: skip
        await next_()

    @app.middleware
    async def access_check(
        body: dict[str, Any], client: AsyncWebClient, next_: Next
    ) -> BoltResponse | None:
        if await refuse_unless_allowed(deps, client, body):
            await next_()
            return None
        return BoltResponse(status=200, body="")  # the ack; the refusal goes privately

"""The one error handler: every listener's exception (raised in Bolt, or in work started after the
ack) becomes words for the user (bot.slack.explanations); unexpected ones get a reference id, logged
with the traceback."""

from __future__ import annotations

from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import get_logger
from bot.slack.background import OnError
from bot.slack.buttons import Reply
from bot.slack.deps import SlackDeps
from bot.slack.explanations import CHANNEL_ERRORS, explain, slack_error_code
from bot.slack.poster import Poster
from handlers.replies import ResponseUrlFailed, private_reply, via_ephemeral

log = get_logger("qbx.slack")


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.error
    async def on_error(
        error: Exception, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond | None
    ) -> None:
        await report_failure(deps, error, body, client, respond)


def failure_handler(
    deps: SlackDeps, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond | None
) -> OnError:
    """The error handler, bound to one request, for work that runs after the ack."""

    async def on_error(error: Exception) -> None:
        await report_failure(deps, error, body, client, respond)

    return on_error


async def report_failure(
    deps: SlackDeps,
    error: Exception,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond | None,
) -> None:
    facing = explain(error, deps.new_reference)
    if facing.reference is not None:
        log.error("slack_listener_failed", reference=facing.reference, exc_info=error)
    else:
        log.warning("slack_request_refused", error=type(error).__name__, detail=str(error))
    reply = _reply_for(deps, error, body, client, respond)
    if reply is None:
        return
    try:
        await reply(facing.message)
    except (ResponseUrlFailed, SlackApiError, aiohttp.ClientError, TimeoutError) as failed:
        log.error("slack_failure_unreported", error=type(failed).__name__)


def _reply_for(
    deps: SlackDeps,
    error: Exception,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond | None,
) -> Reply | None:
    if respond is not None and body.get("response_url"):
        user = body.get("user_id") or (body.get("user") or {}).get("id") or ""
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id") or ""
        return private_reply(respond, Poster(client), str(channel), str(user), deps.sleep)
    event = body.get("event") or {}
    channel, user = event.get("channel"), event.get("user")
    if channel and user and slack_error_code(error) not in CHANNEL_ERRORS:
        return via_ephemeral(Poster(client), str(channel), str(user), event.get("thread_ts"))
    return None

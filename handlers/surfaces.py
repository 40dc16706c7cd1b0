"""Slack's own surfaces: the Home tab (app_home_opened) and the trace form's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.home import TRACE_MODAL, WHAT
from bot.slack.deps import SlackDeps
from bot.slack.home import form_problem, publish_home, run_form
from bot.slack.poster import Poster
from handlers.failures import failure_handler
from handlers.replies import via_ephemeral


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.event("app_home_opened")
    async def home_opened(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        work = publish_home(deps, Poster(client), str(event["user"]))
        deps.background.start(work, failure_handler(deps, body, client, None))

    @app.view(TRACE_MODAL)
    async def trace_form(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        text, problem = form_problem(deps, view)
        if problem is not None:
            await ack(response_action="errors", errors={WHAT: problem})
            return
        await ack()
        user, channel = str(body["user"]["id"]), str(view.get("private_metadata") or "")
        poster = Poster(client)
        reply = via_ephemeral(poster, channel, user, None)
        work = run_form(deps, poster, user, channel, text, reply)
        deps.background.start(work, failure_handler(deps, body, client, None))

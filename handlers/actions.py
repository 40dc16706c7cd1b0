"""Result buttons: acknowledge, then Log PDF / Deeper trace / Re-run / Escalation bundle."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import VIEW_NARROW
from bot.slack.buttons import Click, press_button
from bot.slack.narrow import read_narrowing, run_narrowed
from bot.slack.ports import SlackDeps
from bot.slack.poster import Poster
from handlers.errors import failure_handler
from handlers.replies import via_response_url

BUTTONS = re.compile(r"^qbx_(log_pdf(:\d+)?|deeper|rerun|bundle|narrow|evidence)$")


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(BUTTONS)
    async def button(
        ack: AsyncAck,
        action: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        click = Click(
            action_id=str(action["action_id"]),
            key=str(action.get("value") or ""),
            user=str(body["user"]["id"]),
            channel=str((body.get("channel") or {}).get("id") or ""),
            trigger_id=str(body.get("trigger_id") or ""),
        )
        work = press_button(deps, Poster(client), click, via_response_url(respond))
        deps.background.start(work, failure_handler(deps, body, client, respond))

    @app.view(VIEW_NARROW)
    async def narrow(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        view = body["view"]
        narrowing = read_narrowing(view.get("state", {}).get("values", {}))
        if isinstance(narrowing, dict):
            await ack(response_action="errors", errors=narrowing)
            return
        await ack()
        user, key = str(body["user"]["id"]), str(view.get("private_metadata") or "")
        work = run_narrowed(deps, Poster(client), key, narrowing, user)
        deps.background.start(work, failure_handler(deps, body, client, None))

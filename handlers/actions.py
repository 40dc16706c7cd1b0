"""Result buttons: acknowledge, then Log PDF / Deeper trace / Re-run / Escalation bundle."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import VIEW_NARROW
from bot.slack.buttons import Click, press_button
from bot.slack.deps import SlackDeps
from bot.slack.journal import AckedWork, WorkKind
from bot.slack.narrow import read_narrowing, run_narrowed
from bot.slack.poster import Poster
from handlers.failures import failure_handler
from handlers.replies import private_reply

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
        poster = Poster(client)
        reply = private_reply(respond, poster, click.channel, click.user, deps.sleep)
        work = press_button(deps, poster, click, reply)
        url = str(body.get("response_url") or "")
        acked = AckedWork(WorkKind.CLICK, click.user, click.channel, response_url=url)
        on_error = failure_handler(deps, body, client, respond)
        await deps.background.start_acked(work, on_error, acked)

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

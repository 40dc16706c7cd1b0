"""Follow-up buttons (Watch, Stop watching, Reply draft, Reactivate, 👍/👎) and the 👎 modal."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.followup import WHY_CALLBACK
from bot.slack.deps import SlackDeps
from bot.slack.feedback import record_why
from bot.slack.followup_buttons import FollowClick, press_followup
from bot.slack.journal import AckedWork, WorkKind
from bot.slack.poster import Poster
from handlers.failures import failure_handler
from handlers.replies import private_reply

FOLLOWUP_BUTTONS = re.compile(
    r"^qbx_(watch|unwatch|reply_draft|reactivate|feedback_up|feedback_down)$"
)


def _message_ts(body: dict[str, Any]) -> str:
    container = body.get("container") or {}
    message = body.get("message") or {}
    return str(container.get("message_ts") or message.get("ts") or "")


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(FOLLOWUP_BUTTONS)
    async def followup_button(
        ack: AsyncAck,
        action: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        click = FollowClick(
            action_id=str(action["action_id"]),
            value=str(action.get("value") or ""),
            user=str(body["user"]["id"]),
            channel=str((body.get("channel") or {}).get("id") or ""),
            message_ts=_message_ts(body),
            trigger_id=str(body.get("trigger_id") or ""),
        )
        poster = Poster(client)  # as every button: a private reply that falls back, journaled
        reply = private_reply(respond, poster, click.channel, click.user, deps.sleep)
        work = press_followup(deps, poster, click, reply)
        url = str(body.get("response_url") or "")
        acked = AckedWork(WorkKind.CLICK, click.user, click.channel, response_url=url)
        await deps.background.start_acked(work, failure_handler(deps, body, client, respond), acked)

    @app.view(WHY_CALLBACK)
    async def feedback_why(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()  # closes the modal; recording is one quick store write
        await record_why(deps, str(body["user"]["id"]), view)

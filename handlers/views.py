"""Modal submissions (*Narrow the search*, the trace form, a 👎's why): one listener. A
submission with problems is answered in the modal itself (Slack's `response_action: errors`)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.deps import SlackDeps
from bot.slack.intake import VIEWS, start_submission, submission_problems


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.view(VIEWS)
    async def submitted(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        problems = submission_problems(deps, body)
        if problems is not None:
            await ack(response_action="errors", errors=problems)
            return
        await ack()
        await start_submission(deps, client, body)

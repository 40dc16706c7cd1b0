"""The Slack adapter: short Bolt listeners that ack first, then call typed functions in bot/."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.deps import SlackDeps
from handlers import actions, commands, events, failures, followup, shortcuts, surfaces


def register_all(app: AsyncApp, deps: SlackDeps) -> None:
    """Register every listener and the one error handler on `app`."""
    for module in (commands, events, actions, followup, shortcuts, surfaces, failures):
        module.register(app, deps)

"""The Slack adapter: Bolt listeners and middleware, and nothing else.

The line: a listener in handlers/ acknowledges (within Slack's 3 s, before any I/O), then calls
one typed function in bot/slack/ (mostly bot/slack/intake.py) with the request's body and the
Web API client; it reads no payload field beyond what Bolt needs to match it. Every flow, every
reply, every Slack payload shape lives in bot/slack/. Two global middleware run first, for every
request: the log context (trace id, Slack user and channel on every log line of the request) and
the one access check.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.deps import SlackDeps
from handlers import buttons, commands, events, failures, middleware, shortcuts, views


def register_all(app: AsyncApp, deps: SlackDeps) -> None:
    """Register the middleware (in order), every listener and the one error handler on `app`."""
    middleware.register(app, deps)
    for module in (commands, events, buttons, shortcuts, views, failures):
        module.register(app, deps)

"""What an accepted alert does: an alert post in QBX_INCIDENT_CHANNEL, its ids traced in the thread.

The parent goes out before POST /alerts answers 202 (so a caller learns when Slack refused it);
the traces run afterwards in the background, through the Slack tracing path (dedupe per thread,
progress, buttons). `alert_routes` is the route factory bot.runtime.routes mounts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Final

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.routing import Route

from bot.clocks import EpochClock
from bot.incidents.ports import Message
from bot.incidents.render import SEVERITY_EMOJI
from bot.incidents.slack_poster import channel_errors
from bot.incidents.webhook import Alert, AlertNotPosted, OnAlert, alerts_webhook
from bot.logs import get_logger
from bot.render.blocks import notice_message
from bot.render.mrkdwn import escape
from bot.render.slack_limits import MAX_HEADER, MAX_SECTION_TEXT, Block, clip, context_block
from bot.settings import Settings
from bot.slack.deps import SlackDeps
from bot.slack.pasted import trace_ids_in
from bot.slack.poster import Place, Poster

ALERT_ACTOR: Final = "qbx-alerts"  # who the audit log says traced an alert's ids
_log = get_logger(__name__)


@dataclass(frozen=True)
class AlertDeps:
    slack: SlackDeps  # the listeners' deps: store, tracer, throttle, background
    client: AsyncWebClient
    channel: str  # QBX_INCIDENT_CHANNEL


def alert_message(alert: Alert) -> Message:
    """The alert's parent post: every caller-supplied value escaped and clipped."""
    emoji = SEVERITY_EMOJI[alert.severity]
    title = clip(escape(alert.title), MAX_HEADER)
    lines = [f"{emoji} *{escape(alert.severity.value.capitalize())}:* {title}"]
    if alert.text:
        lines.append(escape(alert.text))
    if alert.ids:
        lines.append("*Ids:* " + ", ".join(_code(i) for i in alert.ids))
    text = {"type": "mrkdwn", "text": clip("\n".join(lines), MAX_SECTION_TEXT)}
    blocks: list[Block] = [{"type": "section", "text": text}, context_block(_context(alert))]
    fallback = f"{emoji} {alert.severity.value}: {escape(alert.title)}"
    return {"text": clip(fallback, 3000), "blocks": blocks}


def _code(value: str) -> str:
    """Escaped, in an inline code span it cannot end early."""
    return "`" + escape(value.replace("`", "'")) + "`"


def _context(alert: Alert) -> str:
    parts = [f"Alert from {escape(alert.source)}" if alert.source else "Alert via POST /alerts"]
    if alert.link is not None:
        url = escape(str(alert.link).replace("|", "%7C"))
        parts.append(f"<{url}|details>")
    if alert.ids:
        parts.append("traces in the thread")
    return " · ".join(parts)


def build_alert_handler(deps: AlertDeps) -> OnAlert:
    """`on_alert` for alerts_webhook: post the parent, then trace the ids into its thread."""
    poster = Poster(deps.client)

    async def on_alert(alert: Alert) -> None:
        ts = await _post_parent(poster, deps.channel, alert)
        _log.info("alert_posted", channel=deps.channel, ts=ts, ids=len(alert.ids))
        if alert.ids:
            thread = Place(deps.channel, ts)
            deps.slack.background.start(_trace(deps.slack, poster, alert, thread), _failed)

    return on_alert


async def _post_parent(poster: Poster, channel: str, alert: Alert) -> str:
    try:
        with channel_errors(channel):
            return await poster.post(Place(channel), alert_message(alert))
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:  # after the poster's retries
        _log.error("alert_not_posted", channel=channel, error=type(exc).__name__)
        raise AlertNotPosted(f"Slack did not take the post ({type(exc).__name__})") from exc


async def _trace(deps: SlackDeps, poster: Poster, alert: Alert, thread: Place) -> None:
    if not await trace_ids_in(deps, poster, "\n".join(alert.ids), thread, ALERT_ACTOR):
        listed = ", ".join(_code(i) for i in alert.ids)
        await poster.post(thread, notice_message(f"None of these is an id qbx can trace: {listed}"))


async def _failed(error: Exception) -> None:
    _log.error("alert_trace_failed", error=repr(error), exc_info=error)


def alert_routes(
    settings: Settings,
    deps: SlackDeps,
    client: AsyncWebClient,
    *,
    clock: EpochClock = time.time,
) -> list[Route]:
    """POST /alerts, signed with QBX_ALERTS_SECRET; [] (with a logged note) when not configured."""
    secret = settings.qbx_alerts_secret.get_secret_value() if settings.qbx_alerts_secret else ""
    if not secret or not settings.qbx_incident_channel:
        missing = "QBX_ALERTS_SECRET" if not secret else "QBX_INCIDENT_CHANNEL"
        _log.info("alerts_webhook_disabled", reason=f"{missing} is not set")
        return []
    handler = build_alert_handler(AlertDeps(deps, client, settings.qbx_incident_channel))
    return [alerts_webhook(secret, handler, clock=clock, seen=deps.store).route()]

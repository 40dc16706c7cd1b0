"""Slack checks: the bot token (`auth.test`), its scopes against the manifest's, membership of
the watched and incident channels, and the signing secret. Read-only Web API calls."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.doctor.report import Area, Check, Status
from bot.doctor.verdicts import listed

SCOPES_HEADER = "x-oauth-scopes"
MANIFEST = Path(__file__).resolve().parents[2] / "slack-manifest.yml"
INVITE = "/invite @qbx in that channel"


@dataclass(frozen=True)
class SlackSetup:
    """The Slack settings the checks look at (secrets only as 'set or not')."""

    watch_channels: tuple[str, ...]
    incident_channel: str | None
    signing_secret_set: bool
    app_token_set: bool


def manifest_scopes(text: str) -> tuple[str, ...]:
    """The bot scopes listed under oauth_config.scopes.bot in slack-manifest.yml."""
    scopes: list[str] = []
    path: list[tuple[int, str]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        path = [(i, key) for i, key in path if i < indent]
        keys = [key for _, key in path]
        if line.strip().startswith("- ") and keys[-3:] == ["oauth_config", "scopes", "bot"]:
            scopes.append(line.strip()[2:].strip())
        elif line.strip().endswith(":"):
            path.append((indent, line.strip()[:-1]))
    return tuple(scopes)


def signing_check(setup: SlackSetup) -> Check:
    name = "signing secret"
    if setup.signing_secret_set:
        return Check(Area.SLACK, name, Status.OK, "set")
    if setup.app_token_set:
        return Check(
            Area.SLACK, name, Status.OK, "not set; Socket Mode (SLACK_APP_TOKEN) needs none"
        )
    return Check(
        Area.SLACK, name, Status.FAIL, "SLACK_SIGNING_SECRET is not set: qbx serve cannot verify "
        "Slack's requests", "copy Basic Information → Signing Secret into SLACK_SIGNING_SECRET",
    )  # fmt: skip


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None


def scope_check(granted_header: str | None, wanted: tuple[str, ...]) -> Check:
    name = "scopes"
    if not wanted:
        return Check(
            Area.SLACK, name, Status.WARN, "no manifest to compare the granted scopes with",
            "run qbx doctor from the project's directory (it reads slack-manifest.yml)",
        )  # fmt: skip
    if granted_header is None:
        return Check(
            Area.SLACK, name, Status.WARN, "Slack did not say which scopes the token has",
            f"compare OAuth & Permissions with slack-manifest.yml: {', '.join(wanted)}",
        )  # fmt: skip
    granted = {s.strip() for s in granted_header.split(",") if s.strip()}
    missing = [s for s in wanted if s not in granted]
    if missing:
        return Check(
            Area.SLACK, name, Status.FAIL, f"the token lacks {listed(missing)}",
            "add them under OAuth & Permissions (or paste slack-manifest.yml again), then "
            "reinstall the app and update SLACK_BOT_TOKEN",
        )  # fmt: skip
    extra = sorted(granted - set(wanted))
    more = f" (also granted, unused: {listed(extra)})" if extra else ""
    return Check(Area.SLACK, name, Status.OK, f"all {len(wanted)} of the manifest's{more}")


async def auth_check(client: AsyncWebClient, wanted: tuple[str, ...]) -> list[Check]:
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        reason = error.response.get("error", "error")
        return [
            Check(
                Area.SLACK, "bot token", Status.FAIL, f"auth.test answered {reason}",
                "copy the Bot User OAuth Token (xoxb-…) into SLACK_BOT_TOKEN",
            )
        ]  # fmt: skip
    who = f"{answer.get('user') or answer.get('user_id')} in team {answer.get('team_id')}"
    scopes = scope_check(_header(answer.headers, SCOPES_HEADER), wanted)
    return [Check(Area.SLACK, "bot token", Status.OK, f"works: {who}"), scopes]


async def _is_member(client: AsyncWebClient, channel: str) -> bool:
    """conversations.info's is_member; without channels:read, conversations.history (the scope
    qbx has) answers not_in_channel when the bot is not a member."""
    try:
        info = await client.conversations_info(channel=channel)
        return bool((info.get("channel") or {}).get("is_member"))
    except SlackApiError as error:
        if error.response.get("error") != "missing_scope":
            raise
    await client.conversations_history(channel=channel, limit=1)
    return True


async def channel_check(client: AsyncWebClient, channel: str, role: str) -> Check:
    name = f"{role} channel {channel}"
    try:
        member = await _is_member(client, channel)
    except SlackApiError as error:
        reason = str(error.response.get("error", "error"))
        if reason == "not_in_channel":
            return Check(Area.SLACK, name, Status.FAIL, "the bot is not a member", INVITE)
        return Check(
            Area.SLACK, name, Status.FAIL, f"Slack answered {reason}",
            "check the channel id (right-click the channel → Copy link)",
        )  # fmt: skip
    if not member:
        return Check(Area.SLACK, name, Status.FAIL, "the bot is not a member", INVITE)
    return Check(Area.SLACK, name, Status.OK, "the bot is a member")


async def slack_checks(
    client: AsyncWebClient | None, setup: SlackSetup, wanted: tuple[str, ...]
) -> list[Check]:
    if client is None:
        return [
            Check(
                Area.SLACK, "bot token", Status.WARN, "SLACK_BOT_TOKEN is not set: no Slack app",
                "follow the README's 'Connecting a real Slack workspace' to use qbx in Slack",
            )
        ]  # fmt: skip
    checks = [signing_check(setup), *await auth_check(client, wanted)]
    if checks[1].status is Status.FAIL:
        return checks
    roles = [(c, "watched") for c in setup.watch_channels]
    roles += [(setup.incident_channel, "incident")] if setup.incident_channel else []
    return checks + [await channel_check(client, channel, role) for channel, role in roles]

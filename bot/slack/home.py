"""The Home tab (each user's recent traces, open watches, incidents, dependency health) and the
trace form that `/qbx` alone opens; the form's submission runs the trace in its channel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.errors import InputError
from bot.incidents.tracker import open_incidents
from bot.render.home import MAX_HOME_INCIDENTS, HomeState, RecentTrace, command_text, home_view
from bot.render.mrkdwn import Masker
from bot.slack.commands import SlashCommand, plan_command, run_command
from bot.slack.deps import SlackDeps
from bot.slack.poster import Poster
from bot.slack.recent import recent_key
from bot.slack.replies import Reply


async def home_state(deps: SlackDeps, user: str) -> HomeState:
    kept = await deps.store.get_json(recent_key(user)) or []
    recent = [RecentTrace(**item) for item in kept if isinstance(item, dict)]
    followup = deps.followup
    watches = list((await followup.book.all()).values()) if followup else []
    health = await followup.health() if followup and followup.health else {}
    channel = followup.incident_channel if followup else None
    incidents, count = await open_incidents(deps.store, MAX_HOME_INCIDENTS)
    return HomeState(user, recent, watches, health, channel, incidents, count)


async def publish_home(deps: SlackDeps, poster: Poster, user: str) -> None:
    state = await home_state(deps, user)
    view = home_view(state, Masker(enabled=deps.mask_recipients))
    await poster.client.views_publish(user_id=user, view=view)


def form_problem(deps: SlackDeps, view: Mapping[str, Any]) -> tuple[str, str | None]:
    """The `/qbx trace` text the form stands for, and what is wrong with it (None: nothing)."""
    text = command_text((view.get("state") or {}).get("values") or {})
    try:
        plan_command(f"trace {text}", deps.max_ids)
    except InputError as error:
        return text, str(error)[:150]
    return text, None


async def run_form(
    deps: SlackDeps, poster: Poster, user: str, channel: str, text: str, reply: Reply
) -> None:
    """Run the submitted form as `/qbx trace <text>` in the channel it was opened in."""
    await run_command(deps, poster, SlashCommand(f"trace {text}", user, channel), reply)

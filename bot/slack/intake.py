"""From each Slack request to its work: the payload read into typed values once, the private
reply chosen, the work started after the ack (journaled when a survivor must answer it), and
its failures sent to the one report (bot/slack/explanations.py). The listeners in handlers/
call these and nothing else."""

from __future__ import annotations

import re
from collections.abc import Coroutine, Mapping
from typing import Any, Final

from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import VIEW_NARROW
from bot.render.followup import WHY_CALLBACK
from bot.render.home import TRACE_MODAL, WHAT
from bot.slack.buttons import press_button
from bot.slack.clicks import Click
from bot.slack.commands import SlashCommand, run_command
from bot.slack.deps import SlackDeps
from bot.slack.explanations import failure_handler
from bot.slack.feedback import record_why
from bot.slack.home import form_problem, publish_home, run_form
from bot.slack.journal import AckedWork, WorkKind
from bot.slack.messages import trace_mentioned_thread, trace_pasted, trace_shortcut
from bot.slack.narrow import Narrowing, read_narrowing, run_narrowed
from bot.slack.origin import origin_of, reply_to
from bot.slack.poster import Poster
from bot.slack.refusals import refusal_for, start_refusal

Body = Mapping[str, Any]
VIEWS: Final = re.compile(
    f"^({'|'.join(map(re.escape, (VIEW_NARROW, TRACE_MODAL, WHY_CALLBACK)))})$"
)
Work = Coroutine[Any, Any, None]


async def _start_acked(
    deps: SlackDeps, poster: Poster, body: Body, work: Work, acked: AckedWork
) -> None:
    await deps.background.start_acked(work, failure_handler(deps, poster, body), acked)


def _start(deps: SlackDeps, poster: Poster, body: Body, work: Work) -> None:
    deps.background.start(work, failure_handler(deps, poster, body))


async def refuse_unless_allowed(deps: SlackDeps, client: AsyncWebClient, body: Body) -> bool:
    """The one access check, before any listener: False (and a private answer started) when
    the person may not use qbx there."""
    refused = await refusal_for(deps, body)
    if refused is not None:
        start_refusal(deps, Poster(client), body, refused)
    return refused is None


async def start_command(deps: SlackDeps, client: AsyncWebClient, body: Body) -> None:
    """`/qbx ...`."""
    poster, origin = Poster(client), origin_of(body)
    command = SlashCommand(str(body.get("text") or ""), origin.user, origin.channel,
                           str(body.get("trigger_id") or ""))  # fmt: skip
    work = run_command(deps, poster, command, reply_to(deps, poster, origin))
    acked = AckedWork(WorkKind.COMMAND, origin.user, origin.channel, command.text,
                      origin.response_url)  # fmt: skip
    await _start_acked(deps, poster, body, work, acked)


async def start_click(deps: SlackDeps, client: AsyncWebClient, body: Body) -> None:
    """A button on a result (its own or a follow-up)."""
    poster, origin = Poster(client), origin_of(body)
    action = body["actions"][0]
    click = Click(str(action["action_id"]), str(action.get("value") or ""), origin.user,
                  origin.channel, _message_ts(body), str(body.get("trigger_id") or ""))  # fmt: skip
    work = press_button(deps, poster, click, reply_to(deps, poster, origin))
    acked = AckedWork(WorkKind.CLICK, origin.user, origin.channel, response_url=origin.response_url)
    await _start_acked(deps, poster, body, work, acked)


def _message_ts(body: Body) -> str:
    container = body.get("container") or {}
    message = body.get("message") or {}
    return str(container.get("message_ts") or message.get("ts") or "")


async def start_shortcut(deps: SlackDeps, client: AsyncWebClient, body: Body) -> None:
    """The message shortcut "Trace ids in this message"."""
    poster, origin = Poster(client), origin_of(body)
    work = trace_shortcut(deps, poster, body, reply_to(deps, poster, origin))
    acked = AckedWork(WorkKind.SHORTCUT, origin.user, origin.channel,
                      response_url=origin.response_url)  # fmt: skip
    await _start_acked(deps, poster, body, work, acked)


async def start_message_event(
    deps: SlackDeps, client: AsyncWebClient, body: dict[str, Any], retry: str | None
) -> None:
    """`@qbx` in a thread, or a message in a watched channel (a person's or another bot's)."""
    poster, event = Poster(client), body["event"]
    if event.get("type") == "app_mention":
        work, kind = trace_mentioned_thread(deps, poster, event, body, retry), WorkKind.MENTION
    else:
        work, kind = trace_pasted(deps, poster, event, body, retry), WorkKind.PASTE
    await _start_acked(deps, poster, body, work, _acked_event(kind, event))


def _acked_event(kind: WorkKind, event: Mapping[str, Any]) -> AckedWork:
    """What a survivor needs to tell the thread (never the message's text: it stays in Slack)."""
    author = str(event.get("user") or event.get("bot_id") or "")
    thread = str(event.get("thread_ts") or event.get("ts") or "")
    return AckedWork(kind, author, str(event.get("channel") or ""), thread_ts=thread)


def submission_problems(deps: SlackDeps, body: Body) -> dict[str, str] | None:
    """What is wrong in a submitted modal, per block, to show in it (None: nothing)."""
    view = body["view"]
    if view.get("callback_id") == VIEW_NARROW:
        narrowing = read_narrowing(_values(body))
        return narrowing if isinstance(narrowing, dict) else None
    if view.get("callback_id") == TRACE_MODAL:
        problem = form_problem(deps, view)[1]
        return None if problem is None else {WHAT: problem}
    return None


async def start_submission(deps: SlackDeps, client: AsyncWebClient, body: Body) -> None:
    """A modal submitted without problems (see `submission_problems`)."""
    poster, origin, view = Poster(client), origin_of(body), body["view"]
    if view.get("callback_id") == WHY_CALLBACK:  # one quick store write, awaited
        await record_why(deps, origin.user, view)
    elif view.get("callback_id") == VIEW_NARROW:
        narrowing = read_narrowing(_values(body))
        assert isinstance(narrowing, Narrowing)
        key = str(view.get("private_metadata") or "")
        _start(deps, poster, body, run_narrowed(deps, poster, key, narrowing, origin.user))
    elif view.get("callback_id") == TRACE_MODAL:
        text, reply = form_problem(deps, view)[0], reply_to(deps, poster, origin)
        _start(deps, poster, body, run_form(deps, poster, origin.user, origin.channel, text, reply))


def _values(body: Body) -> Mapping[str, Any]:
    values: Mapping[str, Any] = body["view"].get("state", {}).get("values", {})
    return values


def start_home(deps: SlackDeps, client: AsyncWebClient, body: Body) -> None:
    """The Home tab opened."""
    event = body["event"]
    if event.get("tab", "home") != "home":
        return
    poster = Poster(client)
    _start(deps, poster, body, publish_home(deps, poster, str(event["user"])))

"""`/qbx watch <message id> [to <recipient>] [on <date>]`: trace it, then watch that result.

Checked before the trace grammar (bot/slack/commands.py asks `is_watch_command` first).
"""

from __future__ import annotations

from typing import Final

from slack_sdk.web.async_client import AsyncWebClient

from bot.recognition.ids import recognise
from bot.recognition.targets import TargetKind
from bot.render.blocks import Message, notice_message
from bot.render.buttons import ACTION_RERUN, watchable
from bot.render.mrkdwn import escape
from bot.slack.deps import SlackDeps
from bot.slack.poster import Place, Poster
from bot.slack.replies import Reply
from bot.slack.tracing import TraceSpec, context_from_json, run_trace
from bot.slack.watching import NOT_WATCHABLE, start_watch

VERB: Final = "watch"
USAGE: Final = (
    "Usage: `/qbx watch <message id> [to <recipient>] [on <date>]` — for example "
    "`/qbx watch 4f9c2f4e-1c7b-4d2a-9d55-2b8f0e6a1c3d@mail.example.com to anna@example.com`"
)


def is_watch_command(text: str) -> bool:
    words = text.strip().split(maxsplit=1)
    return bool(words) and words[0].lower() == VERB


class _Recording(Poster):
    """A Poster that remembers the first message it posted and the last version of each."""

    def __init__(self, client: AsyncWebClient) -> None:
        super().__init__(client)
        self.parent_ts = ""
        self.last: dict[str, Message] = {}

    async def post(self, place: Place, message: Message) -> str:
        ts = await super().post(place, message)
        self.parent_ts = self.parent_ts or ts
        return ts

    async def update(self, channel: str, ts: str, message: Message) -> None:
        await super().update(channel, ts, message)
        self.last[ts] = message

    def key(self) -> str:
        blocks = self.last.get(self.parent_ts, {}).get("blocks", [])
        elements = [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]
        return next((str(e["value"]) for e in elements if e["action_id"] == ACTION_RERUN), "")


async def run_watch_command(
    deps: SlackDeps, poster: Poster, text: str, user: str, channel: str, reply: Reply
) -> None:
    argument = text.strip().split(maxsplit=1)[1:] or [""]
    found = recognise(argument[0], limit=1, lone_reference=False)
    targets = [t for t in found.targets if t.kind is TargetKind.MESSAGE_ID]
    if not targets or deps.followup is None:
        await reply(notice_message(USAGE if deps.followup else "Watches are not enabled here."))
        return
    decision = await deps.store.hit_rate_limit(user, deps.traces_per_minute)
    if not decision.allowed:
        await reply(notice_message(":hourglass: Too many traces this minute; try again soon."))
        return
    recorder = _Recording(poster.client)
    report = await run_trace(deps, recorder, TraceSpec(target=targets[0]), Place(channel), user,
                             fresh=True)  # fmt: skip
    if not watchable(report):
        await reply(notice_message(NOT_WATCHABLE.format(code=escape(report.verdict.code.value))))
        return
    raw = await deps.store.get_context(recorder.key())
    if raw is None:
        await reply(notice_message("The result's buttons expired before the watch started."))
        return
    context = context_from_json(raw)
    await reply(await start_watch(deps, poster, context, recorder.key(), recorder.parent_ts, user))

"""The app's own surfaces as Block Kit: the trace form (a modal) and the Home tab. Pure.

Every outside value on the Home tab (a trace's subject, a watch's, an incident's summary) is
masked, escaped and clipped; lists are capped so the view stays within Slack's 100 blocks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.incidents.lifecycle import IncidentRecord
from bot.incidents.render import SEVERITY_EMOJI, affected, rule_title, when
from bot.render.modals import input_block, modal
from bot.render.mrkdwn import Masker, escape, safe
from bot.render.slack_limits import Block, clip, context_block
from bot.watch.model import Watch

TRACE_MODAL: Final = "qbx_trace_modal"
WHAT, RECIPIENT, DAY = "what", "recipient", "date"
MAX_WHAT: Final = 3000
HEALTH_MARK: Final = {True: ":large_green_circle:", False: ":red_circle:"}
MAX_HOME_INCIDENTS: Final = 10  # the newest open incidents shown; the rest are counted


def _input(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    return input_block(block_id, label, {**element, "action_id": block_id}, optional=optional)


def trace_modal(channel: str) -> Block:
    """`/qbx` with nothing after it: what to trace, and the hints that narrow the search."""
    what = {"type": "plain_text_input", "multiline": True, "max_length": MAX_WHAT,
            "placeholder": {"type": "plain_text", "text": "a message id, request_id, address, "
                            "domain, code, or a pasted error body"}}  # fmt: skip
    recipient = {"type": "plain_text_input", "max_length": 320}
    blocks = [
        _input(WHAT, "Id or text", what),
        _input(RECIPIENT, "Recipient (optional)", recipient, optional=True),
        _input(DAY, "Date sent (optional)", {"type": "datepicker"}, optional=True),
    ]
    # the trace is posted where the form was opened (its channel rides in the metadata)
    return modal(TRACE_MODAL, "Trace with qbx", blocks, metadata=channel, submit="Trace",
                 close="Cancel")  # fmt: skip


def command_text(values: Mapping[str, Any]) -> str:
    """The submitted form as the `/qbx trace` text it stands for."""

    def value(block: str, key: str) -> str:
        return str(((values.get(block) or {}).get(block) or {}).get(key) or "").strip()

    text = value(WHAT, "value")
    recipient, day = value(RECIPIENT, "value"), value(DAY, "selected_date")
    return " ".join(p for p in (text, f"to {recipient}" if recipient else "",
                                f"on {day}" if day else "") if p)  # fmt: skip


@dataclass(frozen=True)
class RecentTrace:
    subject: str
    code: str
    channel: str
    ts: str
    at: str  # "2026-11-23 15:30 UTC"

    @property
    def link(self) -> str:
        return message_link(self.channel, self.ts)


def message_link(channel: str, ts: str) -> str:
    """A message's permalink, built from its channel and ts (no API call)."""
    return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"


@dataclass(frozen=True)
class HomeState:
    user: str
    recent: Sequence[RecentTrace]
    watches: Sequence[Watch]
    health: Mapping[str, bool]
    incident_channel: str | None
    incidents: Sequence[IncidentRecord] = ()  # the newest open ones, at most MAX_HOME_INCIDENTS
    open_incidents: int = 0  # how many are open in all


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}}


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def home_view(state: HomeState, mask: Masker) -> Block:
    blocks: list[Block] = [_header("Your recent traces")]
    blocks += [_section(_recent_line(r, mask)) for r in state.recent] or [
        context_block("None yet: `/qbx trace <id>`, or `/qbx` alone for a form.")
    ]
    blocks.append(_header("Open watches"))
    blocks += [_section(_watch_line(w, state.user, mask)) for w in state.watches] or [
        context_block("Nothing is being watched.")
    ]
    blocks.append(_header("Open incidents"))
    blocks += [_section(_incident_line(r, mask)) for r in state.incidents[:MAX_HOME_INCIDENTS]]
    blocks.append(context_block(_incidents_note(state)))
    blocks.append(_header("Dependencies"))
    blocks.append(_section("  ".join(f"{HEALTH_MARK[ok]} {escape(name)}"
                                     for name, ok in state.health.items())))  # fmt: skip
    return {"type": "home", "blocks": blocks[:100]}


def _recent_line(trace: RecentTrace, mask: Masker) -> str:
    subject = safe(clip(trace.subject, 120), mask)
    return f"*{escape(trace.code)}* · `{subject}` · {escape(trace.at)} · <{trace.link}|open>"


def _watch_line(watch: Watch, user: str, mask: Masker) -> str:
    mine = " (yours)" if watch.user == user else ""
    link = message_link(watch.channel, watch.parent_ts)
    subject = safe(clip(watch.subject, 120), mask)
    return f":eyes: `{subject}`{mine} · last *{escape(watch.code)}* · <{link}|open>"


def _incident_line(record: IncidentRecord, mask: Masker) -> str:
    state = record.severity.value.capitalize() + (" (updated)" if record.revision > 1 else "")
    title = safe(clip(f"{rule_title(record.rule_id)} on {affected(record)}", 150), mask)
    summary = safe(clip(record.summary, 300), mask)
    post = (
        f"<{message_link(record.channel, record.parent_ts)}|open>"
        if record.parent_ts is not None
        else f"being posted in <#{escape(record.channel)}>"
    )
    return (
        f"{SEVERITY_EMOJI[record.severity]} *{state}:* {title}\n{summary}\n"
        f"since {when(record.started_at)} · {post}"
    )


def _incidents_note(state: HomeState) -> str:
    shown = min(len(state.incidents), MAX_HOME_INCIDENTS)
    more = state.open_incidents - shown
    where = state.incident_channel
    if where is None:
        return "The incident watcher is off (QBX_INCIDENT_CHANNEL is not set)."
    lead = "No open incidents." if not shown else (f"{more} more open." if more > 0 else "")
    return f"{lead} Incidents are posted and updated in <#{escape(where)}>.".strip()

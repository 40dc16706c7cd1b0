"""Incident records -> Slack messages: the parent, its thread details, the resolution note. Pure.

Every value that came from the API (names, summaries) is escaped; every text is clipped to
Slack's limits (bot.render.slack_limits).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.incidents.blast import BlastRadius
from bot.incidents.lifecycle import IncidentRecord
from bot.incidents.observation import Counts, IncidentSeverity, Scope
from bot.incidents.ports import Message
from bot.render.mrkdwn import escape
from bot.render.slack_limits import (
    MAX_FIELD_TEXT,
    MAX_FIELDS,
    MAX_HEADER,
    MAX_SECTION_TEXT,
    MAX_TOP_TEXT,
    Block,
    clip,
    context_block,
)

SEVERITY_EMOJI: Final = {
    IncidentSeverity.CRITICAL: ":rotating_light:",
    IncidentSeverity.WARNING: ":warning:",
}
RESOLVED_EMOJI: Final = ":white_check_mark:"
REOPENED_EMOJI: Final = ":repeat:"
SCOPE_NOUN: Final = {Scope.ACCOUNT: "Account", Scope.DOMAIN: "Domain"}


def rule_title(rule_id: str) -> str:
    """`bounce_rate` -> `Bounce rate`."""
    return rule_id.replace("_", " ").capitalize()


def affected(record: IncidentRecord) -> str:
    resource = record.resource
    noun = SCOPE_NOUN[resource.scope]
    if resource.scope is Scope.ACCOUNT and resource.label != resource.id:
        return f"{noun} {resource.label} ({resource.id})"
    return f"{noun} {resource.label}"


def when(moment: datetime) -> str:
    """A Slack date token (shown in the reader's time zone) with a UTC fallback."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def chart_title(record: IncidentRecord) -> str:
    return clip(f"{affected(record)}: delivered, bounced, suppressed", MAX_HEADER)


def parent_message(record: IncidentRecord) -> Message:
    emoji = RESOLVED_EMOJI if not record.active else SEVERITY_EMOJI[record.severity]
    state = "Resolved" if not record.active else record.severity.value.capitalize()
    title = f"{state}: {rule_title(record.rule_id)} on {affected(record)}"
    fields = [
        _field("Severity", f"{SEVERITY_EMOJI[record.severity]} {record.severity.value}"),
        _field("Affected", escape(affected(record))),
        _field("Started", when(record.started_at)),
        _field("Status", _status(record)),
        *(_field(escape(name), _number(value)) for name, value in record.counts),
    ]
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(escape(title), MAX_HEADER)}},
        _section(f"{emoji} {escape(record.summary)}"),
        {"type": "section", "fields": fields[:MAX_FIELDS]},
        context_block(
            f"Incident `{escape(record.incident_id)}` · updated {when(record.updated_at)}"
        ),
    ]
    fallback = f"{emoji} {escape(title)}: {escape(record.summary)}"
    return {"text": clip(fallback, MAX_TOP_TEXT), "blocks": blocks}


def details_message(record: IncidentRecord, blast: BlastRadius | None = None) -> Message:
    """The thread's text reply: what fired, the figures behind it, and the blast radius."""
    lines = [
        f"*{escape(rule_title(record.rule_id))}* on {escape(affected(record))}",
        escape(record.summary),
        _counts_text(record.counts),
    ]
    blocks = [_section("\n".join(line for line in lines if line))]
    if blast is not None:
        blocks += _blast_blocks(blast)
    return {"text": clip(escape(record.summary), MAX_TOP_TEXT), "blocks": blocks}


def _blast_blocks(blast: BlastRadius) -> list[Block]:
    if not blast.sampled:
        return [context_block("No matching TraceMail entries today.")]
    sample = f"{blast.sampled:,} entries today" + ("" if blast.complete else ", the newest")
    return [
        _section(f"*Top replies* ({sample})\n{_ranked(blast.replies, code=True)}"),
        _section(f"*Top recipient domains*\n{_ranked(blast.domains, code=False)}"),
    ]


def _ranked(rows: tuple[tuple[str, int], ...], *, code: bool) -> str:
    mark = "`" if code else ""
    return "\n".join(f"• {mark}{_inline(value)}{mark} × {n:,}" for value, n in rows)


def _inline(value: str) -> str:
    """Escaped, and without backticks that would end an inline code span."""
    return escape(value.replace("`", "'"))


def resolution_note(record: IncidentRecord) -> Message:
    ended = record.resolved_at or record.updated_at
    minutes = max(0, int((ended - record.started_at).total_seconds() // 60))
    text = (
        f"{RESOLVED_EMOJI} Resolved {when(ended)}: {escape(rule_title(record.rule_id))} "
        f"has been clear for {record.clear_streak} checks in a row "
        f"(open for {minutes // 60} h {minutes % 60} min). Now: {escape(record.summary)}"
    )
    fallback = f"Resolved: {escape(record.summary)}"
    return {"text": clip(fallback, MAX_TOP_TEXT), "blocks": [_section(text)]}


def reopen_note(record: IncidentRecord) -> Message:
    """Back within the cool-down: said in the thread of the post that is open again."""
    text = (
        f"{REOPENED_EMOJI} Back {when(record.updated_at)}, within the cool-down after it "
        f"resolved, so this post is open again: {escape(record.summary)}"
    )
    return {"text": clip(f"Back: {escape(record.summary)}", MAX_TOP_TEXT),
            "blocks": [_section(text)]}  # fmt: skip


def _status(record: IncidentRecord) -> str:
    if not record.active and record.resolved_at is not None:
        return f"{RESOLVED_EMOJI} resolved {when(record.resolved_at)}"
    return "open" if record.revision == 1 else f"open (updated {when(record.updated_at)})"


def _counts_text(counts: Counts) -> str:
    return "\n".join(f"• {escape(name)}: {_number(value)}" for name, value in counts)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _field(label: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": clip(f"*{label}*\n{value}", MAX_FIELD_TEXT)}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}}

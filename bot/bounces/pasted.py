"""A bounce inside pasted text (Slack, `qbx trace`): recognised only when it reads as a failure
report naming failed recipients; and the original id qbx can trace (a Qboxmail message_id)."""

from __future__ import annotations

import html
import re
from typing import Final

from bot.bounces.model import BounceKind, BounceReport
from bot.bounces.reader import read_bounce
from bot.qboxmail.contract import MESSAGE_ID_RE
from bot.recognition.targets import Hints, Target, TargetKind

MIN_CHARS: Final = 160  # a chat line about a failure ("mail to x failed: 550") is no bounce
MIN_LINES: Final = 3
MAX_SCAN: Final = 20_000
_LOOKS_REPORTED: Final = re.compile(
    r"(?i)deliver|undeliver|bounce|returned|mailer-daemon|postmaster|final-recipient|said:|"
    r"failed|rejected|[245]\.\d{1,3}\.\d{1,3}"
)
_SLACK_MAILTO: Final = re.compile(r"<mailto:[^|>]{1,300}\|([^>]{1,300})>")
_SLACK_LINK: Final = re.compile(r"<((?:https?|ftp)://[^|>]{1,2000})(?:\|[^>]{0,2000})?>")


def bounce_in(text: str) -> BounceReport | None:
    """The bounce `text` is, when it is one (bounce or delay, naming who failed)."""
    if len(text) < MIN_CHARS or text.count("\n") < MIN_LINES - 1:
        return None
    if not _LOOKS_REPORTED.search(text[:MAX_SCAN]):
        return None
    report = read_bounce(from_slack(text))
    if report.kind in (BounceKind.BOUNCE, BounceKind.DELAY) and report.recipients:
        return report
    return None


def from_slack(text: str) -> str:
    """Slack's markup undone: `<mailto:a@b|a@b>` -> `a@b`, links unwrapped, entities decoded."""
    text = _SLACK_LINK.sub(r"\1", _SLACK_MAILTO.sub(r"\1", text))
    return html.unescape(text)


def original_target(report: BounceReport) -> Target | None:
    """The trace to run for the bounced original, when its id is a Qboxmail message_id."""
    original = (report.original_message_id or "").lower()
    if not MESSAGE_ID_RE.fullmatch(original):
        return None
    hints = Hints(recipients=tuple(r.address for r in report.recipients[:5]))
    return Target(TargetKind.MESSAGE_ID, original, hints)

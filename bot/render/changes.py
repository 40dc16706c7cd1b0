"""What changed between two answers to the same question, in a few words. Pure."""

from __future__ import annotations

from typing import Final

from bot.diagnostics.report import Report

MAX_STEPS: Final = 3


def what_changed(old: Report, new: Report) -> str:
    """'no change', or e.g. 'verdict bounced → delivered; outcome fail → pass'."""
    parts = []
    if old.verdict.code != new.verdict.code:
        parts.append(f"verdict {_words(old.verdict.code)} → {_words(new.verdict.code)}")
    before = {s.id: s.status for s in old.steps}
    moved = [
        f"{_words(s.id)} {before[s.id]} → {s.status}"
        for s in new.steps
        if s.id in before and before[s.id] != s.status
    ]
    parts += moved[:MAX_STEPS]
    if len(moved) > MAX_STEPS:
        parts.append(f"{len(moved) - MAX_STEPS} more steps changed")
    return "; ".join(parts) or "no change"


def _words(code: str) -> str:
    return code.replace("_", " ")

"""Was this right? Feedback on answers as audit entries, and agreement per verdict code. Pure.

A 👍 or 👎 is the audit entry `feedback:up` / `feedback:down` (actor: who judged, target: the
verdict code, detail: `answer=<the answer's id>`); a 👎's one line of why is `feedback:why`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from bot.store.base import AuditEntry

UP: Final = "feedback:up"
DOWN: Final = "feedback:down"
WHY: Final = "feedback:why"
MAX_WHY: Final = 200  # characters of a reason kept


def vote_entry(user: str, code: str, answer: str, channel: str, agree: bool) -> AuditEntry:
    return AuditEntry(user, UP if agree else DOWN, code, channel, f"answer={answer}")


def why_entry(user: str, code: str, answer: str, channel: str, why: str) -> AuditEntry:
    line = " ".join(why.split())[:MAX_WHY]
    return AuditEntry(user, WHY, code, channel, f"answer={answer} why={line}")


@dataclass(frozen=True)
class Agreement:
    code: str
    up: int
    down: int
    reasons: tuple[str, ...] = ()  # the newest first

    @property
    def percent(self) -> float:
        return 100.0 * self.up / (self.up + self.down) if self.up + self.down else 0.0


def summarise(entries: Iterable[AuditEntry]) -> list[Agreement]:
    """Agreement per verdict code, most judged first (then by code)."""
    votes: dict[str, list[int]] = {}
    reasons: dict[str, list[str]] = {}
    for entry in entries:
        if entry.action in (UP, DOWN):
            counts = votes.setdefault(entry.target, [0, 0])
            counts[entry.action == DOWN] += 1
        elif entry.action == WHY:
            reasons.setdefault(entry.target, []).append(entry.detail.partition(" why=")[2])
    rows = [
        Agreement(code, up, down, tuple(reasons.get(code, ())))
        for code, (up, down) in votes.items()
    ]
    return sorted(rows, key=lambda r: (-(r.up + r.down), r.code))


def table(rows: list[Agreement]) -> str:
    if not rows:
        return "(no feedback yet)"
    lines = [f"{'verdict':<22} {'👍':>4} {'👎':>4} {'agree':>6}"]
    for row in rows:
        lines.append(f"{row.code:<22} {row.up:>4} {row.down:>4} {row.percent:>5.0f}%")
        lines += [f"    👎 {reason}" for reason in row.reasons[:3]]
    return "\n".join(lines)

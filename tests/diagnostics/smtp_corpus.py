"""The labelled bounce corpus (Sisimai's verdicts) read against `decode`: the rows, and the
agreement figures that the corpus test asserts and `bench/bounce_replies.py` prints."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from bot.diagnostics.smtp import SmtpCategory, SmtpDiagnosis, decode
from bot.diagnostics.smtp_codes import BounceReason
from bot.diagnostics.smtp_reasons import category_of

LABELS: Final = Path(__file__).parents[1] / "data" / "bounces" / "sisimai-labels.jsonl"
# Not failures, or Sisimai's own "could not tell": left out of every figure.
LEFT_OUT: Final = frozenset({"feedback", "vacation", "onhold", "undefined"})
_INVENTED: Final = re.compile(r"^[245]\.0\.9\d\d$")  # Sisimai's X.0.9NN: no code in the bounce


@dataclass(frozen=True)
class Row:
    file: str
    code: int | None
    enhanced: str | None
    text: str
    reason: BounceReason  # Sisimai's
    hard: bool | None  # Sisimai's hardbounce


@dataclass(frozen=True)
class Judged:
    row: Row
    diagnosis: SmtpDiagnosis

    @property
    def expected_category(self) -> SmtpCategory:
        return category_of(self.row.reason, self.diagnosis.temporary)


@dataclass(frozen=True)
class Figures:
    rows: int
    reason_agree: float
    category_agree: float
    undefined: float  # read as undefined / unexplained
    permanent_rows: int  # rows where Sisimai could tell hard from soft
    permanent_agree: float


def failure_rows(path: Path = LABELS) -> list[Row]:
    """The labelled rows that report a failure Sisimai could name."""
    lines = path.read_text(encoding="utf-8").splitlines()
    raws = [json.loads(line) for line in lines if line.strip()]
    return [_row(raw) for raw in raws if raw["reason"] not in LEFT_OUT]


def _row(raw: dict[str, object]) -> Row:
    status = str(raw.get("deliverystatus") or "")
    code = str(raw.get("replycode") or "")
    hard = raw.get("hardbounce")
    return Row(
        file=str(raw["file"]),
        code=int(code) if code.isdigit() else None,
        enhanced=status if status and not _INVENTED.match(status) else None,
        text=str(raw.get("diagnosticcode") or ""),
        reason=BounceReason(str(raw["reason"])),
        hard=hard if isinstance(hard, bool) else None,
    )


def judge(rows: list[Row]) -> list[Judged]:
    return [Judged(row, decode(row.code, row.enhanced, row.text)) for row in rows]


def figures(judged: list[Judged]) -> Figures:
    total = len(judged)
    with_hard = [j for j in judged if j.row.hard is not None]
    return Figures(
        rows=total,
        reason_agree=_share(j.diagnosis.reason == j.row.reason for j in judged),
        category_agree=_share(j.diagnosis.category == j.expected_category for j in judged),
        undefined=_share(j.diagnosis.reason is BounceReason.UNDEFINED for j in judged),
        permanent_rows=len(with_hard),
        permanent_agree=_share(j.diagnosis.permanent == j.row.hard for j in with_hard),
    )


def per_reason(judged: list[Judged]) -> dict[BounceReason, tuple[int, int]]:
    """Sisimai's reason -> (rows, rows where qbx read the same)."""
    totals = Counter(j.row.reason for j in judged)
    agreed = Counter(j.row.reason for j in judged if j.diagnosis.reason == j.row.reason)
    return {reason: (totals[reason], agreed[reason]) for reason in sorted(totals)}


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0

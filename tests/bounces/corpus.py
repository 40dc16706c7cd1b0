"""The labelled bounce corpus (tests/data/bounces, Sisimai's labels) and how qbx's reading of it
is scored: used by the corpus tests and printed by bench/bounce_messages.py."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.bounces import BounceKind, BounceReport, FailedRecipient, read_bounce
from bot.diagnostics.smtp import BounceReason
from bot.diagnostics.smtp_reasons import category_of
from tests.diagnostics.smtp_corpus import LEFT_OUT

CORPUS = Path(__file__).resolve().parent.parent / "data" / "bounces"
NOT_FAILURES = frozenset({"feedback", "vacation"})


@dataclass(frozen=True)
class Expected:
    """What Sisimai read in one file."""

    recipients: frozenset[str]
    message_id: str | None
    reasons: dict[str, str]
    codes: dict[str, tuple[str, str]]  # recipient -> (basic code, enhanced code) as labelled
    feedback: bool
    vacation: bool


@dataclass
class Score:
    files: int = 0
    equal_sets: int = 0
    ids_wanted: int = 0
    ids_found: int = 0
    reasons_compared: int = 0
    reasons_agree: int = 0
    codes_compared: int = 0
    codes_agree: int = 0
    disagreements: list[str] = field(default_factory=list)

    def line(self, text: str) -> None:
        self.disagreements.append(text)


def labels() -> dict[str, Expected]:
    rows: dict[str, list[dict[str, object]]] = defaultdict(list)
    for line in (CORPUS / "sisimai-labels.jsonl").read_text().splitlines():
        row = json.loads(line)
        rows[str(row["file"])].append(row)
    return {name: _expected(found) for name, found in rows.items()}


def _expected(rows: list[dict[str, object]]) -> Expected:
    failing = [r for r in rows if r["reason"] not in NOT_FAILURES]
    return Expected(
        recipients=frozenset(str(r["recipient"]).lower() for r in failing),
        message_id=next((str(r["messageid"]) for r in rows if r["messageid"]), None),
        reasons={str(r["recipient"]).lower(): str(r["reason"]) for r in failing},
        codes={str(r["recipient"]).lower(): _codes(r) for r in failing},
        feedback=any(r["reason"] == "feedback" for r in rows),
        vacation=any(r["reason"] == "vacation" for r in rows),
    )


def _codes(row: dict[str, object]) -> tuple[str, str]:
    status = str(row["deliverystatus"] or "")
    invented = bool(re.fullmatch(r"\d\.0\.9\d\d", status))  # Sisimai's own, not the bounce's
    return str(row["replycode"] or ""), "" if invented else status


def read(name: str) -> BounceReport:
    return read_bounce((CORPUS / name).read_bytes())


def score(expected: dict[str, Expected]) -> Score:
    """Failed-recipient sets, original ids and reasons, over files with a failure label."""
    result = Score()
    for name, want in sorted(expected.items()):
        if not want.recipients:
            continue
        got = read(name)
        result.files += 1
        _score_one(result, name, want, got)
    return result


def _score_one(result: Score, name: str, want: Expected, got: BounceReport) -> None:
    found = {r.address for r in got.recipients}
    if found == want.recipients:
        result.equal_sets += 1
    else:
        result.line(f"recipients {name}: sisimai {sorted(want.recipients)} qbx {sorted(found)}")
    if want.message_id:
        result.ids_wanted += 1
        if got.original_message_id == want.message_id:
            result.ids_found += 1
        else:
            result.line(f"message-id {name}: sisimai {want.message_id} "
                        f"qbx {got.original_message_id}")  # fmt: skip
    for recipient in got.recipients:
        _score_codes(result, name, want.codes.get(recipient.address), recipient)
        if recipient.address in want.reasons:
            result.reasons_compared += 1
            if recipient.reason.value == want.reasons[recipient.address]:
                result.reasons_agree += 1


def _score_codes(
    result: Score, name: str, want: tuple[str, str] | None, got: FailedRecipient
) -> None:
    """The reply's basic and enhanced codes against Sisimai's (where it had them)."""
    if want is None or not any(want):
        return
    result.codes_compared += 1
    mine = (
        str(got.reply.code or "") if want[0] else "",
        (got.reply.enhanced or "") if want[1] else "",
    )
    if mine == want:
        result.codes_agree += 1
    else:
        result.line(f"reply codes {name} {got.address}: sisimai {want} qbx {mine} "
                    f"text {(got.reply.text or '')[:120]!r}")  # fmt: skip


def kinds_of(names: list[str]) -> dict[str, BounceKind]:
    return {name: read(name).kind for name in names}


def files_under(folder: str) -> list[str]:
    return sorted(str(p.relative_to(CORPUS)) for p in (CORPUS / "eml" / folder).glob("*.eml"))


@dataclass(frozen=True)
class EndToEnd:
    """One labelled failure read end to end: Sisimai's row and qbx's recipient (None when qbx
    did not report that recipient: it counts as a disagreement on every figure)."""

    file: str
    recipient: str
    reason: BounceReason  # Sisimai's
    hard: bool | None  # Sisimai's hardbounce
    text: str  # Sisimai's diagnosticcode, for the reader of the disagreements
    got: FailedRecipient | None

    @property
    def reason_agrees(self) -> bool:
        return self.got is not None and self.got.reason is self.reason

    @property
    def category_agrees(self) -> bool:
        got = self.got
        return got is not None and got.category is category_of(self.reason, got.temporary)

    @property
    def permanent_agrees(self) -> bool:
        return self.got is not None and self.got.permanent == self.hard


def end_to_end() -> list[EndToEnd]:
    """Every labelled failure Sisimai could name (the reply reader's rows), read from its whole
    message by `read_bounce`, as `qbx bounce` and Slack read it."""
    reports: dict[str, BounceReport] = {}
    rows = []
    for line in (CORPUS / "sisimai-labels.jsonl").read_text().splitlines():
        raw = json.loads(line)
        if raw["reason"] in LEFT_OUT:
            continue
        name, address = str(raw["file"]), str(raw["recipient"]).lower()
        report = reports.setdefault(name, read(name))
        got = next((r for r in report.recipients if r.address == address), None)
        hard = raw["hardbounce"]
        rows.append(EndToEnd(name, address, BounceReason(str(raw["reason"])),
                             hard if isinstance(hard, bool) else None,
                             str(raw["diagnosticcode"] or ""), got))  # fmt: skip
    return rows


def share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0

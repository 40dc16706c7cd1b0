"""Reasons read END TO END on the labelled corpus: each failed recipient's reply found in its
whole bounce message and decoded with the report's context, as `qbx bounce` and Slack give it,
against Sisimai's labels. Agreement figures, not timing: `bench/bounce_messages.py` prints them
with every disagreement."""

from __future__ import annotations

import pytest

from bot.diagnostics.smtp import BounceReason
from tests.bounces.corpus import EndToEnd, end_to_end, share


@pytest.fixture(scope="module")
def rows() -> list[EndToEnd]:
    return end_to_end()


def _failing(rows: list[EndToEnd], flag: str) -> str:
    bad = [r for r in rows if not getattr(r, flag)]
    return "\n".join(f"{r.file} {r.recipient}: sisimai {r.reason} qbx "
                     f"{r.got.reason if r.got else 'not reported'}" for r in bad)  # fmt: skip


def test_every_labelled_failure_is_scored(rows: list[EndToEnd]) -> None:
    assert len(rows) == 315
    assert sum(r.got is not None for r in rows) >= 305


def test_reasons_agree_with_sisimai_end_to_end(rows: list[EndToEnd]) -> None:
    assert share([r.reason_agrees for r in rows]) >= 0.85, _failing(rows, "reason_agrees")


def test_categories_agree_end_to_end(rows: list[EndToEnd]) -> None:
    assert share([r.category_agrees for r in rows]) >= 0.92, _failing(rows, "category_agrees")


def test_few_recipients_are_left_unexplained_end_to_end(rows: list[EndToEnd]) -> None:
    unexplained = [r.got is None or r.got.reason is BounceReason.UNDEFINED for r in rows]
    assert share(unexplained) <= 0.04


def test_permanence_agrees_with_sisimais_hard_bounces_end_to_end(rows: list[EndToEnd]) -> None:
    """Over the recipients qbx reports (the few it misses are the recipient-set figure's).
    94.5 %, short of the reply reader's 95 %: the rest are Sisimai's `filtered` (soft) on
    replies that plainly say "user unknown", as on the labels, and three bounces whose text
    part and DSN disagree, where Sisimai read the text and qbx the DSN's reply."""
    judged = [r for r in rows if r.hard is not None and r.got is not None]
    assert len(judged) >= 305
    assert share([r.permanent_agrees for r in judged]) >= 0.94, _failing(judged, "permanent_agrees")

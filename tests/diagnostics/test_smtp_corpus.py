"""The reply reader on real bounces: Sisimai's labelled corpus (tests/data/bounces). Agreement
figures, not timing: `bench/bounce_replies.py` prints them with every disagreement."""

from __future__ import annotations

import pytest

from bot.diagnostics.smtp import BounceReason, SmtpCategory
from bot.diagnostics.smtp_cues import STRONG, WEAK
from bot.diagnostics.smtp_text import read_reply
from tests.diagnostics.smtp_corpus import Judged, failure_rows, figures, judge


@pytest.fixture(scope="module")
def judged() -> list[Judged]:
    return judge(failure_rows())


def test_the_corpus_has_its_labelled_failures(judged: list[Judged]) -> None:
    assert len(judged) == 315
    assert {j.row.reason for j in judged} >= {BounceReason.USER_UNKNOWN, BounceReason.BLOCKED}


def test_reasons_agree_with_sisimai(judged: list[Judged]) -> None:
    assert figures(judged).reason_agree >= 0.85


def test_categories_agree_with_sisimais_reasons(judged: list[Judged]) -> None:
    assert figures(judged).category_agree >= 0.92


def test_few_replies_are_left_unexplained(judged: list[Judged]) -> None:
    assert figures(judged).undefined <= 0.04


def test_permanence_agrees_with_sisimais_hard_bounces(judged: list[Judged]) -> None:
    found = figures(judged)
    assert found.permanent_rows == 315
    assert found.permanent_agree >= 0.95


def test_a_clear_user_unknown_is_never_a_policy_problem(judged: list[Judged]) -> None:
    unknown = [j for j in judged if j.row.reason is BounceReason.USER_UNKNOWN]
    assert all(j.diagnosis.category is SmtpCategory.HARD_BOUNCE for j in unknown)


def test_every_cue_match_contains_one_of_its_keys(judged: list[Judged]) -> None:
    """The literal pre-check never hides a match (checked on every corpus reply)."""
    texts = [read_reply(j.row.text).text for j in judged if j.row.text]
    for cue in (*STRONG, *WEAK):
        for text in texts:
            if cue.keys and cue.pattern.search(text):
                assert any(key in text for key in cue.keys), (cue.label, text)

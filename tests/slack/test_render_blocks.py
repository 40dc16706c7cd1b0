"""Block Kit rendering: inside Slack's limits, outside values escaped, recipients masked."""

from __future__ import annotations

import json

import pytest

from bot.diagnostics.report import Severity, StepStatus, VerdictCode
from bot.recognition.targets import Target, TargetKind
from bot.render.blocks import (
    SEVERITY_EMOJI,
    Style,
    overflow_message,
    progress_message,
    style_for,
    usage_message,
    verdict_message,
)
from bot.render.bundle import bundle_message
from bot.render.buttons import ResultActions
from bot.render.checklist import checklist_message, evidence_message
from bot.render.mrkdwn import Masker, escape, mask_address
from bot.render.slack_limits import clip, validate_blocks
from tests.slack.reports import HOSTILE, MESSAGE_ID, report, step

MASKED = Style(mask_recipients=True)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("a & b", "a &amp; b"),
        ("<https://x.example|y>", "&lt;https://x.example|y&gt;"),
        ("*bold* _it_", "*bold* _it_"),
        ("&lt;", "&amp;lt;"),
    ],
    ids=["broadcast", "ampersand", "link", "markup-untouched", "entity-reescaped"],
)
def test_escape_replaces_only_the_three_control_characters(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


@pytest.mark.parametrize(
    ("text", "enabled", "expected"),
    [
        ("to jane@example.com", True, "to j***@example.com"),
        ("to jane@example.com", False, "to jane@example.com"),
        (MESSAGE_ID, True, MESSAGE_ID),
        ("from news@shop.example", True, "from news@shop.example"),
    ],
    ids=["masked", "masking-off", "message-id-kept", "sender-kept"],
)
def test_masker(text: str, enabled: bool, expected: str) -> None:
    assert Masker(enabled=enabled, keep=("news@shop.example",))(text) == expected


def test_mask_address_keeps_first_letter_and_domain() -> None:
    assert mask_address("jane@example.com") == "j***@example.com"


def every_text(message: dict[str, object]) -> str:
    return json.dumps(message, ensure_ascii=False)


def test_hostile_values_arrive_inert_in_every_message() -> None:
    hostile = report(text=HOSTILE, logs=2)
    style = style_for(hostile, mask_recipients=True)
    messages = [
        verdict_message(hostile, ResultActions(rerun="k"), style),
        checklist_message(hostile, style),
        evidence_message(hostile, style),
        bundle_message(hostile, style),
        progress_message(HOSTILE, 1, 3, step(1, text=HOSTILE), style),
        usage_message(HOSTILE, "/qbx trace <id>", HOSTILE),
    ]
    for message in messages:
        text = every_text(message)
        assert "<!channel>" not in text
        assert "<@U123>" not in text
        assert "<https://evil" not in text
        assert "&lt;!channel&gt;" in text


def test_recipients_are_masked_in_channel_posts_but_senders_are_not() -> None:
    rendered = every_text(checklist_message(report(), style_for(report(), mask_recipients=True)))
    assert "jane.doe@customer.example" not in rendered
    assert "j***@customer.example" in rendered


def test_masking_off_shows_recipients() -> None:
    rendered = every_text(bundle_message(report(), style_for(report(), mask_recipients=False)))
    assert "jane.doe@customer.example" in rendered


@pytest.mark.parametrize("code", list(VerdictCode), ids=str)
def test_verdict_line_carries_the_severity_emoji(code: VerdictCode) -> None:
    message = verdict_message(report(code=code), ResultActions(), MASKED)
    assert message["blocks"][0]["text"]["text"].startswith(
        SEVERITY_EMOJI[Severity(code_severity(code))]
    )


def code_severity(code: VerdictCode) -> str:
    from bot.diagnostics.report import severity_of

    return severity_of(code).value


def test_huge_report_is_cut_with_and_n_more_and_stays_valid() -> None:
    steps = tuple(step(i, StepStatus.FAIL, "x" * 5000) for i in range(120))
    huge = report(steps=steps, text="y" * 5000, logs=40)
    actions = ResultActions(
        log_pdfs=tuple((log, "k" * 40) for log in huge.logs), deeper="k", rerun="k", bundle="k"
    )
    messages = [
        verdict_message(huge, actions, MASKED),
        checklist_message(huge, MASKED),
        bundle_message(huge, MASKED),
    ]
    for message in messages:
        assert validate_blocks(message) == []
    assert "…and" in every_text(messages[1])


def test_overflow_lists_untraced_ids() -> None:
    extra = tuple(Target(TargetKind.DOMAIN, f"d{i}.example") for i in range(30))
    message = overflow_message(extra, 5, MASKED)
    assert validate_blocks(message) == []
    assert "d0.example" in every_text(message)
    assert "…and 10 more ids" in every_text(message)


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ({"text": "t", "blocks": [{"type": "divider"}] * 51}, "51 blocks"),
        ({"blocks": [{"type": "divider"}]}, "fallback"),
        (
            {
                "text": "t",
                "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
            },
            "header",
        ),
        (
            {
                "text": "t",
                "blocks": [
                    {
                        "type": "actions",
                        "elements": [
                            {
                                "type": "button",
                                "text": {"type": "plain_text", "text": "b"},
                                "value": "v" * 2001,
                                "action_id": "a",
                            }
                        ],
                    }
                ],
            },
            "button value",
        ),
        (
            {
                "text": "t",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "s" * 3001}}],
            },
            "section text",
        ),
        (
            {
                "text": "t",
                "blocks": json.dumps(
                    [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}]
                ),
            },
            "fields",
        ),
    ],
    ids=[
        "too-many-blocks",
        "no-fallback",
        "long-header",
        "long-value",
        "long-section",
        "many-fields",
    ],
)
def test_validate_blocks_reports_each_broken_limit(
    message: dict[str, object], problem: str
) -> None:
    assert any(problem in p for p in validate_blocks(message))


def test_clip_never_splits_an_entity() -> None:
    cut = clip("a" * 8 + "&amp;" + "b" * 10, 11)
    assert cut.endswith("…")
    assert "&am" not in cut
    assert len(cut) <= 11

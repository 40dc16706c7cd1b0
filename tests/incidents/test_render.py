"""Incident messages: what the parent shows, inside Slack's limits, with every API value escaped."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.incidents.lifecycle import IncidentPolicy, IncidentRecord, IncidentStatus, decide
from bot.incidents.observation import Finding, ResourceRef, Scope
from bot.incidents.render import details_message, parent_message, resolution_note
from bot.render.slack_limits import validate_blocks
from tests.incidents.support import ACCOUNT, START, firing

POLICY = IncidentPolicy(channel="C1", clear_checks=3)
HOSTILE = "<!channel> & <https://evil.example|click>"


def record(summary: str = "Bounce rate 3.2 % in the last hour", **counts: float) -> IncidentRecord:
    counts = counts or {"bounce rate %": 3.2, "bounce": 32, "all": 1000}
    made = decide(None, Finding("bounce_rate", ACCOUNT, START, firing(summary, **counts)), START,
                  POLICY)  # fmt: skip
    assert made is not None
    return made


def text_of(message: dict[str, object]) -> str:
    return json.dumps(message)


def test_parent_shows_severity_affected_counts_start_and_status() -> None:
    message = parent_message(record())
    text = text_of(message)
    assert ":rotating_light:" in text
    assert "Account acme (4127)" in text
    assert "3.2" in text
    assert "1,000" in text
    assert f"<!date^{int(START.timestamp())}^" in text
    assert "open" in text
    assert validate_blocks(message) == []


def test_resolved_parent_says_so() -> None:
    done = replace(record(), status=IncidentStatus.RESOLVED, resolved_at=START + timedelta(hours=1))
    message = parent_message(done)
    assert message["text"].startswith(":white_check_mark: Resolved")
    assert "resolved" in text_of(message["blocks"])


def test_resolution_note_says_how_long_and_how_many_checks() -> None:
    done = replace(record(), status=IncidentStatus.RESOLVED, clear_streak=3,
                   resolved_at=START + timedelta(hours=2, minutes=5))  # fmt: skip
    note = resolution_note(done)
    assert "clear for 3 checks" in text_of(note)
    assert "2 h 5 min" in text_of(note)
    assert validate_blocks(note) == []


@pytest.mark.parametrize("build", [parent_message, details_message, resolution_note])
def test_api_values_are_escaped_everywhere(build) -> None:  # type: ignore[no-untyped-def]
    hostile = replace(
        record(summary=HOSTILE, **{HOSTILE: 1}),
        resource=ResourceRef(Scope.DOMAIN, HOSTILE, HOSTILE),
        rule_id="bounce_rate",
    )
    text = text_of(build(hostile))
    assert "<!channel>" not in text
    assert "<https://evil" not in text
    assert "&lt;!channel&gt; &amp;" in text or build is resolution_note


def test_huge_values_stay_inside_slack_limits() -> None:
    big = record(summary="x" * 50_000, **{f"figure {i}": i for i in range(30)})
    big = replace(big, resource=ResourceRef(Scope.DOMAIN, "d" * 500, "d" * 500))
    for message in (parent_message(big), details_message(big), resolution_note(big)):
        assert validate_blocks(message) == []

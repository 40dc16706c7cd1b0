"""`qbx trace` given a bounce's text reads it as a bounce, then traces the original message when
its Message-ID is a Qboxmail one (on the embedded simulator)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.bounces.pasted import bounce_in, from_slack, original_target
from bot.cli import main
from bot.diagnostics.report import Report
from bot.simulator import create_simulation
from bot.simulator.describe import describe

BOUNCED = {s["name"]: s for s in describe(create_simulation())["scenarios"]}["bounced"]["ids"]


def bounce_text(message_id: str, recipient: str) -> str:
    return (
        "This is the mail system at host relay.example.net.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients.\n\n"
        f"<{recipient}>: host mx.libero.it[192.0.2.7] said: 550 5.1.1\n"
        f"    <{recipient}>: Recipient address rejected: User unknown <!channel>\n"
        "    (in reply to RCPT TO command)\n\n"
        "--- Below this line is a copy of the message.\n\n"
        f"Message-ID: <{message_id}>\nFrom: orders@mail.acme-shop.example\nTo: {recipient}\n"
    )


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("QBOXMAIL_API_TOKEN", "QBOXMAIL_API_URL", "LOG_FORMAT", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")


def test_a_pasted_bounce_is_read_then_its_qboxmail_original_traced(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = bounce_text(BOUNCED["message_id"], BOUNCED["to"])
    assert main(["trace", text, "--json"]) == 0
    bounce_line, report_line = capsys.readouterr().out.strip().splitlines()
    bounce = json.loads(bounce_line)
    assert bounce["kind"] == "bounce"
    assert [r["address"] for r in bounce["recipients"]] == [BOUNCED["to"]]
    assert bounce["recipients"][0]["remote_host"] == "mx.libero.it"
    report = Report.from_json(report_line)
    assert report.verdict.code.value == "bounced"


def test_a_bounce_of_a_message_sent_elsewhere_is_read_and_not_traced(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["trace", bounce_text("abc.123@mail.other.example", "bob@example.org")]) == 0
    out = capsys.readouterr().out
    assert "bob@example.org: " in out
    assert "not a Qboxmail message_id" in out


@pytest.mark.parametrize(
    "text",
    [
        f"customer says {BOUNCED['message_id']} to {BOUNCED['to']} never arrived, help",
        f"delivery failed to {BOUNCED['to']}: 550 5.1.1 user unknown, can you check the "
        "account? it worked yesterday and the customer is waiting for the order confirmation",
    ],
    ids=["ids", "one-line-about-a-failure"],
)
def test_chat_text_about_a_failure_is_not_read_as_a_bounce(text: str) -> None:
    assert bounce_in(text) is None


def test_slack_markup_is_undone_before_reading() -> None:
    pasted = bounce_text(BOUNCED["message_id"], "<mailto:x@example.org|x@example.org>")
    report = bounce_in(pasted.replace("<!channel>", "&lt;!channel&gt;"))
    assert report is not None
    assert [r.address for r in report.recipients] == ["x@example.org"]
    assert "&lt;" not in from_slack("a &lt;b&gt;")
    target = original_target(report)
    assert target is not None
    assert target.value == BOUNCED["message_id"]
    assert target.hints.recipients == ("x@example.org",)

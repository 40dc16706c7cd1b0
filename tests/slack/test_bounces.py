"""Bounces in Slack through the real Bolt app: pasted in a watched channel, given to /qbx trace,
or attached as a message file (downloaded with the bot token from the Web API stand-in)."""

from __future__ import annotations

from typing import Any

from bot.slack.files import MAX_FILE_BYTES
from tests.bounces.corpus import CORPUS
from tests.bounces.test_trace_bounce import bounce_text
from tests.slack.conftest import CHANNEL, USER, WATCHED, Harness, dumps, parents
from tests.slack.standin import Call

ROOT_TS = "1700000000.000100"


def shared(text: str, files: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": "message", "channel": WATCHED, "user": USER, "text": text,
                             "ts": ROOT_TS}  # fmt: skip
    if files is not None:
        event.update(subtype="file_share", files=files)
    return event


def in_thread(calls: list[Call], thread_ts: str = ROOT_TS) -> list[Call]:
    return [c for c in calls
            if c.method == "chat.postMessage" and c.args.get("thread_ts") == thread_ts]  # fmt: skip


ANSWERED = ("a bounce", "not a bounce", "did not read")


def bounce_answers(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "chat.postMessage"
            and any(words in c.text for words in ANSWERED)]  # fmt: skip


def checklist_done(calls: list[Call]) -> bool:
    """The original's checklist is posted and its parent carries the final verdict (with its
    buttons): the checklist goes out just before the parent's last edit."""
    posted = [c for c in calls if c.method == "chat.postMessage"]
    checklist = any(c.text.startswith("Checklist") for c in posted)
    final = any(c.method == "chat.update" and "qbx_rerun" in dumps(c) for c in calls)
    return checklist and final


async def test_a_pasted_bounce_is_answered_per_recipient_then_its_original_traced(
    qbx: Harness,
) -> None:
    ids = qbx.scenarios["bounced"]["ids"]
    await qbx.event(shared(bounce_text(ids["message_id"], ids["to"])))
    calls = await qbx.slack.wait_for(checklist_done)
    (answer,) = bounce_answers(calls)
    assert answer.args["thread_ts"] == ROOT_TS
    body = dumps(answer)
    assert "1 recipient failed" in body
    assert ids["to"] not in body  # masked in channel posts
    assert ids["to"][0] + "***@" in body
    assert "<!channel>" not in body
    assert "&lt;!channel&gt;" in body
    assert "tracing it in Qboxmail below" in body
    assert any(":x: *Bounced*" in dumps(c) for c in calls if c.method == "chat.update")
    assert not any(c.text.startswith("Checklist") and ids["to"] in dumps(c) for c in calls)


async def test_the_same_bounce_pasted_again_in_the_thread_is_answered_once(qbx: Harness) -> None:
    ids = qbx.scenarios["bounced"]["ids"]
    text = bounce_text(ids["message_id"], ids["to"])
    await qbx.event(shared(text))
    await qbx.slack.wait_for(checklist_done)
    again = {**shared(text), "ts": "1700000000.000200", "thread_ts": ROOT_TS}
    await qbx.event(again)
    other = shared(f"and {qbx.trace_id('delivered')}")
    await qbx.event(other | {"ts": "1700000000.000300", "thread_ts": ROOT_TS})
    calls = await qbx.slack.wait_for(lambda cs: sum(c.text.startswith("Checklist")
                                                    for c in in_thread(cs)) >= 2)  # fmt: skip
    assert len(bounce_answers(calls)) == 1


async def test_slash_trace_with_a_bounce_posts_the_answer_then_the_trace_in_its_thread(
    qbx: Harness,
) -> None:
    ids = qbx.scenarios["bounced"]["ids"]
    response = await qbx.command("trace\n" + bounce_text(ids["message_id"], ids["to"]))
    assert response.status_code == 200
    calls = await qbx.slack.wait_for(checklist_done)
    (answer,) = [c for c in parents(calls, CHANNEL) if "a bounce" in c.text]
    answer_ts = answer.answer["ts"]
    assert any(c.text.startswith("Checklist") for c in in_thread(calls, answer_ts))


async def test_an_attached_eml_is_downloaded_with_the_bot_token_and_answered(
    qbx: Harness,
) -> None:
    content = (CORPUS / "eml/bsd/lhost-exim-03.eml").read_bytes()
    qbx.slack.files["F0BOUNCE"] = ("returned.eml", content)
    await qbx.event(shared("", [{"id": "F0BOUNCE", "name": "returned.eml",
                                 "mimetype": "message/rfc822"}]))  # fmt: skip
    calls = await qbx.slack.wait_for(lambda cs: bool(bounce_answers(cs)))
    (download,) = [c for c in calls if c.method == "file_download"]
    assert download.args["auth"] == "Bearer xoxb-test-token-000"
    body = dumps(bounce_answers(calls)[0])
    assert "returned.eml" in body
    assert "k***@example.or.jp" in body
    assert "554 5.7.0 Header error" in body
    assert "not a Qboxmail message_id" in body  # a message sent elsewhere: nothing traced


async def test_a_file_over_the_size_limit_is_refused_without_downloading(qbx: Harness) -> None:
    qbx.slack.files["F0HUGE"] = ("huge.eml", b"x" * (MAX_FILE_BYTES + 1))
    await qbx.event(shared("", [{"id": "F0HUGE", "name": "huge.eml"}]))
    calls = await qbx.slack.wait_for(lambda cs: bool(bounce_answers(cs)))
    assert "did not read" in bounce_answers(calls)[0].text
    assert "up to 10 MB" in dumps(bounce_answers(calls)[0])
    assert not [c for c in calls if c.method == "file_download"]


async def test_an_attached_auto_reply_is_said_to_be_no_bounce(qbx: Harness) -> None:
    content = (CORPUS / "eml/bsd/rfc3834-01.eml").read_bytes()
    qbx.slack.files["F0AWAY"] = ("away.eml", content)
    await qbx.event(shared("", [{"id": "F0AWAY", "name": "away.eml"}]))
    calls = await qbx.slack.wait_for(lambda cs: bool(bounce_answers(cs)))
    assert "automatic reply" in bounce_answers(calls)[0].text
    assert not checklist_done(calls)


async def test_a_file_slack_will_not_describe_gets_a_clear_reply(qbx: Harness) -> None:
    await qbx.event(shared("", [{"id": "F0GONE", "name": "gone.eml"}]))
    calls = await qbx.slack.wait_for(lambda cs: bool(bounce_answers(cs)))
    text = bounce_answers(calls)[0].text
    assert "file_not_found" in text
    assert "files:read" in text

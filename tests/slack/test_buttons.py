"""The result buttons end to end: Log PDF upload into the thread, Deeper trace, Re-run,
Escalation bundle; stale keys, refused users and double clicks get a private answer, no work."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.recognition.ids import recognise
from bot.slack.tracing import TraceSpec
from tests.slack.conftest import CHANNEL, USER, Harness, buttons, dumps, in_thread, parents
from tests.slack.standin import Call

PARENT = "1800000000.000001"


def verdict_with(action_prefix: str):  # type: ignore[no-untyped-def]
    def check(calls: list[Call]) -> bool:
        return any(
            b["action_id"].startswith(action_prefix)
            for c in calls
            if c.method == "chat.update"
            for b in buttons(c)
        )

    return check


async def result_buttons(qbx: Harness, text: str, action_prefix: str) -> dict[str, dict[str, Any]]:
    await qbx.command(text)
    calls = await qbx.slack.wait_for(verdict_with(action_prefix))
    final = [c for c in calls if c.method == "chat.update" and buttons(c)][-1]
    await qbx.slack.wait_for(lambda cs: len(in_thread(cs, PARENT)) >= 1)
    return {b["action_id"]: b for b in buttons(final)}


def private_answers(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "response_url"]


async def test_log_pdf_is_uploaded_into_the_results_thread(qbx: Harness) -> None:
    mailbox = qbx.scenarios["mailbox_inactive"]["trace"]
    found = await result_buttons(qbx, f"trace {mailbox}", "qbx_log_pdf")
    await qbx.click(found["qbx_log_pdf:0"])
    calls = await qbx.slack.wait_for(
        lambda cs: any(c.method == "files.completeUploadExternal" for c in cs)
    )
    [ask] = [c for c in calls if c.method == "files.getUploadURLExternal"]
    [upload] = [c for c in calls if c.method == "upload"]
    [complete] = [c for c in calls if c.method == "files.completeUploadExternal"]
    assert ask.args["filename"].endswith(".pdf")
    assert ask.args["filename"].startswith("qboxmail-")
    assert upload.body.startswith(b"%PDF")
    assert int(ask.args["length"]) == len(upload.body)
    assert complete.args["channel_id"] == CHANNEL
    assert complete.args["thread_ts"] == PARENT


def live_buttons(calls: list[Call]) -> list[dict[str, Any]]:
    """The buttons of the parent as it stands now (its last edit)."""
    return buttons([c for c in calls if c.method == "chat.update" and c.args["ts"] == PARENT][-1])


async def test_deeper_trace_adds_only_its_new_steps_and_edits_the_parent(qbx: Harness) -> None:
    found = await result_buttons(qbx, f"trace {qbx.trace_id('bounced')}", "qbx_deeper")
    await qbx.click(found["qbx_deeper"])
    await qbx.slack.wait_for(lambda cs: any("Deeper trace by" in dumps(c) for c in cs))
    await qbx.runtime.deps.background.drain(30)
    calls = qbx.slack.calls
    [_, deeper] = in_thread(calls, PARENT)
    text = dumps(deeper)
    assert "deeper" in text.lower()
    assert "Find the message" not in text  # only the new steps
    assert "found, accepted" not in text
    assert len(parents(calls)) == 1  # no new parent
    live = {b["action_id"] for b in live_buttons(calls)}
    assert "qbx_deeper" not in live  # done: the button is gone
    assert "qbx_rerun" in live


async def test_rerun_traces_again_bypassing_the_cache(qbx: Harness) -> None:
    message_id = qbx.trace_id("delivered")
    found = await result_buttons(qbx, f"trace {message_id}", "qbx_rerun")
    key = TraceSpec(target=recognise(message_id).targets[0]).cache_key
    first = await qbx.runtime.deps.store.get_report(key)
    assert first is not None, "the first trace was cached"
    await qbx.click(found["qbx_rerun"])
    await qbx.slack.wait_for(lambda cs: any("Re-run by" in dumps(c) for c in cs))
    again = await qbx.runtime.deps.store.get_report(key)
    assert again is not None
    assert again.report.generated_at > first.report.generated_at, "traced afresh, not cached"


async def test_rerun_edits_the_parent_and_the_checklist_in_place(qbx: Harness) -> None:
    found = await result_buttons(qbx, f"trace {qbx.trace_id('bounced')}", "qbx_rerun")
    posts_before = [c for c in qbx.slack.calls if c.method == "chat.postMessage"]
    await qbx.click(found["qbx_rerun"])
    await qbx.slack.wait_for(lambda cs: any("Re-run by" in dumps(c) for c in cs))
    await qbx.runtime.deps.background.drain(30)
    calls = qbx.slack.calls
    assert [c for c in calls if c.method == "chat.postMessage"] == posts_before  # nothing new
    [checklist] = in_thread(calls, PARENT)
    checklist_ts = checklist.answer["ts"]
    assert any(c.method == "chat.update" and c.args["ts"] == checklist_ts for c in calls)
    [edited] = [c for c in calls if c.method == "chat.update" and "Re-run by" in dumps(c)]
    assert edited.args["ts"] == PARENT
    assert f"Re-run by <@{USER}>: no change" in dumps(edited)
    old_key = found["qbx_rerun"]["value"]
    assert all(b["value"] != old_key for b in live_buttons(calls))  # one live set of buttons


async def test_escalation_bundle_is_one_code_block_whole_only_for_the_asker(
    qbx: Harness,
) -> None:
    scenario = qbx.scenarios["bounced"]
    ids = scenario["ids"]
    text = f"trace {ids['message_id']} to {ids['to']} on {ids['date']}"
    found = await result_buttons(qbx, text, "qbx_bundle")
    await qbx.click(found["qbx_bundle"])
    calls = await qbx.slack.wait_for(
        lambda cs: (
            any("Escalation bundle" in c.text for c in in_thread(cs, PARENT))
            and bool(private_answers(cs))
        )
    )
    [bundle] = [c for c in in_thread(calls, PARENT) if "Escalation bundle" in c.text]
    [block] = [b for b in bundle.blocks if b["type"] == "section"]
    body = block["text"]["text"]
    assert body.startswith("```\n")
    assert body.endswith("\n```")
    assert body.count("```") == 2  # one code block
    for field in ("request_id", "message_id", "submitted", "sender", "remote reply", "checked"):
        assert f"{field}:" in body
    assert ids["message_id"] in body
    assert ids["request_id"] in body
    assert "550 5.1.1" in body  # the remote server's reply
    assert "thread: https://team.slack.example/archives/C0SUPPORT/p1800000000000001" in body
    assert ids["to"] not in body  # masked in the channel
    [mine] = private_answers(calls)
    assert mine.args["response_type"] == "ephemeral"
    assert f"recipient: {ids['to']}" in dumps(mine)  # whole, for the asker only
    assert [c for c in calls if c.method == "chat.getPermalink"]


async def test_double_click_is_answered_once(qbx: Harness) -> None:
    scenario = qbx.scenarios["not_found"]
    found = await result_buttons(qbx, f"trace {scenario['trace']}", "qbx_bundle")
    await asyncio.gather(qbx.click(found["qbx_bundle"]), qbx.click(found["qbx_bundle"]))
    await qbx.slack.wait_for(lambda cs: len(private_answers(cs)) >= 2)
    await qbx.runtime.deps.background.drain(30)
    bundles = [c for c in in_thread(qbx.slack.calls, PARENT) if "Escalation bundle" in c.text]
    assert len(bundles) == 1
    answers = [dumps(c) for c in private_answers(qbx.slack.calls)]
    assert sum("just used" in a for a in answers) == 1
    assert sum("only you can see this copy" in a for a in answers) == 1


async def test_stale_or_unknown_key_gets_a_clear_answer(qbx: Harness) -> None:
    await qbx.click({"action_id": "qbx_rerun", "value": "no-such-key"})
    calls = await qbx.slack.wait_for(lambda cs: len(private_answers(cs)) >= 1)
    assert "expired" in dumps(private_answers(calls)[0])
    assert not [c for c in calls if c.method == "chat.postMessage"]


class TestRefusedClick:
    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {"qbx_allowed_users": (USER,)}

    async def test_a_click_from_someone_not_allowed_does_nothing(self, qbx: Harness) -> None:
        found = await result_buttons(qbx, f"trace {qbx.trace_id('bounced')}", "qbx_rerun")
        posts_before = len([c for c in qbx.slack.calls if c.method == "chat.postMessage"])
        await qbx.click(found["qbx_rerun"], user="U0INTRUDER")
        calls = await qbx.slack.wait_for(lambda cs: len(private_answers(cs)) >= 1)
        assert "allowed users" in dumps(private_answers(calls)[0])
        await qbx.runtime.deps.background.drain(30)
        assert len([c for c in qbx.slack.calls if c.method == "chat.postMessage"]) == posts_before

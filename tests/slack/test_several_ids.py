"""Several ids pasted at once: one summary reply (one line per id, in the order given), then each
id's own result; 👀 on the pasted message while qbx works, ✅ when it is done."""

from __future__ import annotations

from typing import Any

import pytest

from tests.slack.conftest import USER, WATCHED, Harness, dumps
from tests.slack.standin import NO_REACTIONS_CHANNEL, Call

ROOT_TS = "1700000000.000200"
ORDER = ("delivered", "bounced", "deferred")


def pasted(text: str, channel: str = WATCHED) -> dict[str, Any]:
    return {"type": "message", "channel": channel, "user": USER, "text": text, "ts": ROOT_TS}


def posts_in_thread(calls: list[Call]) -> list[Call]:
    return [
        c for c in calls
        if c.method == "chat.postMessage" and c.args.get("thread_ts") == ROOT_TS
    ]  # fmt: skip


def reactions(calls: list[Call]) -> list[tuple[str, str]]:
    return [(c.method, str(c.args.get("name"))) for c in calls if c.method.startswith("reactions.")]


async def paste_three(qbx: Harness, channel: str = WATCHED) -> list[str]:
    ids = [qbx.trace_id(name) for name in ORDER]
    await qbx.event(pasted(f"three failed: {ids[0]}, then {ids[1]} and {ids[2]}", channel))
    await qbx.slack.wait_for(_summary_done)
    await qbx.runtime.deps.background.drain(30)  # then the reactions
    return ids


def _summary_done(calls: list[Call]) -> bool:
    return any(c.method == "chat.update" and "3 answered" in c.text for c in calls)


async def test_one_summary_first_then_each_result_in_the_order_given(qbx: Harness) -> None:
    ids = await paste_three(qbx)
    calls = qbx.slack.calls
    posts = posts_in_thread(calls)
    summary, placeholders = posts[0], posts[1:4]
    assert summary.text.startswith("3 ids")
    for placeholder, message_id in zip(placeholders, ids, strict=True):
        assert message_id[:8] in dumps(placeholder)  # each result in the order pasted
    [final] = [c for c in calls if c.method == "chat.update" and "3 answered" in c.text]
    assert final.args["ts"] == summary.answer["ts"]
    lines = final.blocks[0]["text"]["text"].splitlines()[1:]
    assert [line.split("`")[1] for line in lines] == ids
    assert "*Delivered*" in lines[0]
    assert "*Bounced*" in lines[1]
    assert "*Deferred*" in lines[2]
    assert not any("checklist in the thread" in dumps(c) for c in calls)
    checklists = [c for c in posts if c.text.startswith("Checklist")]
    assert len(checklists) == 3


async def test_eyes_while_working_then_a_check_mark(qbx: Harness) -> None:
    await paste_three(qbx)
    calls = qbx.slack.calls
    assert reactions(calls) == [
        ("reactions.add", "eyes"),
        ("reactions.remove", "eyes"),
        ("reactions.add", "white_check_mark"),
    ]
    first_reaction = next(i for i, c in enumerate(calls) if c.method == "reactions.add")
    first_post = next(i for i, c in enumerate(calls) if c.method == "chat.postMessage")
    assert first_reaction < first_post  # 👀 before anything else
    assert all(c.args["timestamp"] == ROOT_TS for c in calls if c.method.startswith("reactions."))


class TestWithoutTheReactionsScope:
    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {"qbx_watch_channels": (NO_REACTIONS_CHANNEL,)}

    async def test_a_refused_reaction_never_stops_the_answers(self, qbx: Harness) -> None:
        await paste_three(qbx, NO_REACTIONS_CHANNEL)
        calls = qbx.slack.calls
        assert any(c.method == "reactions.add" for c in calls)
        assert len([c for c in posts_in_thread(calls) if c.text.startswith("Checklist")]) == 3

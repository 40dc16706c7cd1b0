"""Ids pasted in watched channels, incident posts by other bots, @qbx in a thread, the message
shortcut; each id answered once per thread, Slack retries dropped."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from tests.slack.conftest import ALERT_BOT, CHANNEL, USER, WATCHED, Harness, dumps
from tests.slack.standin import BOT_ID, BOT_USER, Call

ROOT_TS = "1700000000.000100"


def message(
    text: str, *, ts: str = ROOT_TS, channel: str = WATCHED, **extra: Any
) -> dict[str, Any]:
    return {"type": "message", "channel": channel, "user": USER, "text": text, "ts": ts, **extra}


def thread_replies(calls: list[Call], thread_ts: str = ROOT_TS) -> list[Call]:
    return [
        c for c in calls
        if c.method == "chat.postMessage" and c.args.get("thread_ts") == thread_ts
    ]  # fmt: skip


def checklists(calls: list[Call], thread_ts: str = ROOT_TS) -> list[Call]:
    return [c for c in thread_replies(calls, thread_ts) if c.text.startswith("Checklist")]


def verdicts(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "chat.update" and "qbx_rerun" in dumps(c)]


def results(n: int, thread_ts: str = ROOT_TS):  # type: ignore[no-untyped-def]
    """n checklists and n final verdicts (the checklist is posted just before its verdict)."""
    return lambda calls: len(checklists(calls, thread_ts)) >= n and len(verdicts(calls)) >= n


async def test_pasted_id_in_a_watched_channel_is_answered_in_its_thread(qbx: Harness) -> None:
    await qbx.event(message(f"customer says {qbx.trace_id('bounced')} never arrived"))
    calls = await qbx.slack.wait_for(results(1))
    replies = thread_replies(calls)
    assert len(replies) == 2, "a verdict reply and a checklist reply"
    assert all(c.args["channel"] == WATCHED for c in replies)
    assert ":x: *Bounced*" in dumps(verdicts(calls)[-1])


async def test_incident_post_by_another_bot_is_answered_in_its_thread(qbx: Harness) -> None:
    incident = {
        "type": "message",
        "subtype": "bot_message",
        "channel": WATCHED,
        "bot_id": ALERT_BOT,
        "username": "PagerBot",
        "text": "",
        "ts": ROOT_TS,
        "attachments": [
            {
                "title": "[FIRING] order mail not delivered",
                "text": f"message_id: {qbx.trace_id('deferred')}",
                "fallback": "order mail not delivered",
            }
        ],
    }
    await qbx.event(incident)
    calls = await qbx.slack.wait_for(results(1))
    assert "Deferred" in dumps(verdicts(calls)[-1])


async def test_slack_retry_and_repeated_id_are_answered_once(qbx: Harness) -> None:
    first = message(f"see {qbx.trace_id('bounced')}")
    await qbx.event(first, event_id="EvSAME")
    await qbx.event(first, event_id="EvSAME", retry_num=1)
    again = message(f"still {qbx.trace_id('bounced')}", ts="1700000000.000200", thread_ts=ROOT_TS)
    await qbx.event(again)
    other = message(f"and {qbx.trace_id('delivered')}", ts="1700000000.000300", thread_ts=ROOT_TS)
    await qbx.event(other)
    calls = await qbx.slack.wait_for(results(2))
    texts = [dumps(c) for c in checklists(calls)]
    assert sum(qbx.trace_id("bounced") in t for t in texts) == 1
    assert sum(qbx.trace_id("delivered") in t for t in texts) == 1
    await qbx.runtime.deps.background.drain(30)
    assert len(checklists(qbx.slack.calls)) == 2


async def test_own_posts_and_unwatched_channels_are_ignored(qbx: Harness) -> None:
    own = message(
        f"{qbx.trace_id('bounced')}", ts="1700000000.000500", user=BOT_USER, bot_id=BOT_ID
    )
    assert (await qbx.event(own)).status_code == 200
    elsewhere = message(qbx.trace_id("bounced"), ts="1700000000.000600", channel=CHANNEL)
    assert (await qbx.event(elsewhere)).status_code == 200
    await qbx.event(message(qbx.trace_id("delivered")))
    await qbx.slack.wait_for(results(1))
    await qbx.runtime.deps.background.drain(30)
    assert thread_replies(qbx.slack.calls, "1700000000.000500") == []
    assert thread_replies(qbx.slack.calls, "1700000000.000600") == []


async def test_at_most_five_ids_per_message_and_the_rest_listed(qbx: Harness) -> None:
    names = [
        "delivered",
        "queued",
        "deferred",
        "greylisted",
        "bounced",
        "bounced_mailbox_full",
        "expired",
    ]
    await qbx.event(message(" ".join(qbx.trace_id(n) for n in names)))
    calls = await qbx.slack.wait_for(results(5), within=60)
    await qbx.runtime.deps.background.drain(30)
    assert len(checklists(qbx.slack.calls)) == 5
    overflow = [c for c in thread_replies(calls) if "at most 5 ids" in c.text]
    assert len(overflow) == 1
    assert qbx.trace_id("expired") in dumps(overflow[0])


async def test_mention_in_a_thread_traces_the_first_message(qbx: Harness) -> None:
    root = message(f"escalation: {qbx.trace_id('bounced')}", channel=CHANNEL)
    qbx.slack.threads[(CHANNEL, ROOT_TS)] = [root]
    mention = {
        "type": "app_mention",
        "channel": CHANNEL,
        "user": USER,
        "text": f"<@{BOT_USER}> what happened?",
        "ts": "1700000000.000900",
        "thread_ts": ROOT_TS,
    }
    await qbx.event(mention)
    calls = await qbx.slack.wait_for(results(1))
    assert any(c.method == "conversations.replies" and c.args.get("ts") == ROOT_TS for c in calls)
    assert qbx.trace_id("bounced") in dumps(checklists(calls)[0])


async def test_message_shortcut_traces_ids_in_any_readable_channel(qbx: Harness) -> None:
    target = message(f"is {qbx.trace_id('delivered')} ok?", channel=CHANNEL)
    await qbx.shortcut(target, channel=CHANNEL)
    calls = await qbx.slack.wait_for(results(1))
    assert "Delivered" in dumps(verdicts(calls)[-1])


async def test_message_shortcut_without_ids_says_so(qbx: Harness) -> None:
    await qbx.shortcut(message("hello there", channel=CHANNEL), channel=CHANNEL)
    calls = await qbx.slack.wait_for(lambda cs: any(c.method == "response_url" for c in cs))
    assert "no new ids" in dumps(next(c for c in calls if c.method == "response_url"))


@pytest.mark.redis
class TestOverRedis:
    """The same dedupe with the shared Redis store (a unique prefix; keys expire on their own)."""

    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {
            "redis_url": "redis://127.0.0.1:6379/0",
            "qbx_redis_prefix": f"qbxtest:{uuid4().hex}:",
        }

    async def test_slack_retry_is_answered_once(self, qbx: Harness) -> None:
        first = message(f"see {qbx.trace_id('bounced')}")
        await qbx.event(first, event_id="EvREDIS")
        await qbx.event(first, event_id="EvREDIS", retry_num=1)
        await qbx.slack.wait_for(results(1))
        await qbx.runtime.deps.background.drain(30)
        assert len(checklists(qbx.slack.calls)) == 1
        assert await qbx.runtime.deps.store.ping()

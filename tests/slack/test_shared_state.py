"""Shared state in one process: cached answers say their age, concurrent traces share one run,
button jobs that give up say so in the thread, /healthz and commands while Redis is down."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.render.slack_limits import validate_blocks
from bot.simulator.faults import Fault
from bot.slack.tracing import age_words, with_age
from tests.redis_support import free_port
from tests.slack.conftest import Harness, buttons, dumps, in_thread, parents, updates_of
from tests.slack.standin import Call
from tests.test_ledger import accepted
from tests.webhook_signing import signed

BUTTON = {"type": "button", "action_id": "qbx_rerun", "value": "k",
          "text": {"type": "plain_text", "text": "Re-run"}}  # fmt: skip


def verdicts(calls: list[Call], ts: str) -> list[Call]:
    return [c for c in updates_of(calls, ts) if buttons(c)]


async def traced(qbx: Harness, text: str, user: str = "U0ENGINEER") -> str:
    """`/qbx text`; the ts of the parent it posted, once its verdict is in."""
    before = len(parents(qbx.slack.calls))
    await qbx.command(text, user=user)
    calls = await qbx.slack.wait_for(lambda cs: len(parents(cs)) > before)
    ts = str(parents(calls)[before].answer["ts"])
    await qbx.slack.wait_for(lambda cs: bool(verdicts(cs, ts)))
    return ts


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(0, "a moment ago"), (4.9, "a moment ago"), (40, "40 s ago"), (150, "2 min ago"),
     (7300, "2 h ago")],
)  # fmt: skip
def test_age_words(seconds: float, words: str) -> None:
    assert age_words(seconds) == words


def test_the_age_line_goes_before_the_buttons_within_limits() -> None:
    message = {"text": "x", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "v"}},
                                       {"type": "actions", "elements": [BUTTON]}]}  # fmt: skip
    aged = with_age(message, 125)
    assert [b["type"] for b in aged["blocks"]] == ["section", "context", "actions"]
    assert "Answer from 2 min ago (cached)" in aged["blocks"][1]["elements"][0]["text"]
    assert validate_blocks(aged) == []
    assert len(message["blocks"]) == 2  # the original is left alone


async def test_a_repeat_trace_answers_from_the_cache_and_says_how_old(qbx: Harness) -> None:
    message_id = qbx.trace_id("delivered")
    first = await traced(qbx, f"trace {message_id}")
    assert "(cached)" not in dumps(verdicts(qbx.slack.calls, first)[-1])
    qbx.sim.faults.set("*", Fault(error_rate=1.0, error_status=503))  # any API call would fail
    again = await traced(qbx, f"trace {message_id}")
    verdict = dumps(verdicts(qbx.slack.calls, again)[-1])
    assert "Answer from a moment ago (cached)" in verdict
    assert "*Re-run* for a fresh one" in verdict
    await qbx.slack.wait_for(lambda cs: len(in_thread(cs, again)) >= 1)


async def test_concurrent_traces_of_one_id_run_once_and_both_get_the_result(
    qbx: Harness,
) -> None:
    message_id = qbx.trace_id("bounced")
    traces: list[str] = []
    tracer = qbx.runtime.deps.tracer
    original = tracer.trace

    async def counted(*args: Any, **kwargs: Any) -> Any:
        traces.append("ran")
        return await original(*args, **kwargs)

    tracer.trace = counted  # type: ignore[method-assign]
    qbx.sim.faults.set("*", Fault(latency_ms=30))  # the two traces overlap for sure
    await asyncio.gather(
        qbx.command(f"trace {message_id}", user="U0ANNA"),
        qbx.command(f"trace {message_id}", user="U0BRUNO"),
    )
    calls = await qbx.slack.wait_for(lambda cs: len(parents(cs)) >= 2)
    both = [str(p.answer["ts"]) for p in parents(calls)]
    await qbx.slack.wait_for(lambda cs: all(verdicts(cs, ts) for ts in both))
    await qbx.runtime.deps.background.drain(30)
    assert traces == ["ran"]
    assert len(set(both)) == 2  # each requester got a parent (and a thread) of their own
    for ts in both:
        assert "*Bounced*" in dumps(verdicts(qbx.slack.calls, ts)[-1])


async def test_a_log_pdf_job_that_gives_up_says_so_in_the_thread(qbx: Harness) -> None:
    mailbox = qbx.scenarios["mailbox_inactive"]["trace"]
    ts = await traced(qbx, f"trace {mailbox}")
    [pdf] = [
        b for b in buttons(verdicts(qbx.slack.calls, ts)[-1]) if b["action_id"] == "qbx_log_pdf:0"
    ]
    qbx.sim.faults.set("log_pdf", Fault(error_rate=1.0, error_status=500))
    await qbx.click(pdf)
    calls = await qbx.slack.wait_for(
        lambda cs: any("gave up" in c.text for c in in_thread(cs, ts)), within=20
    )
    [note] = [c for c in in_thread(calls, ts) if "gave up" in c.text]
    assert "Log PDF gave up after 1 tries:" in note.text
    assert "500" in note.text or "ServerError" in note.text
    assert not [c for c in calls if c.method == "files.completeUploadExternal"]


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"qbx_job_max_tries": 1, "qboxmail_max_retries": 0}


def deeper_posted(calls: list[Call]) -> bool:
    return any("· deep" in dumps(c) for c in calls if c.method == "chat.update")


class TestRedisDown:
    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {"redis_url": f"redis://127.0.0.1:{free_port()}/0", "qbx_ledger_secret": "s3"}

    async def test_commands_are_answered_and_healthz_says_degraded(self, qbx: Harness) -> None:
        ts = await traced(qbx, f"trace {qbx.trace_id('bounced')}")
        found = {b["action_id"]: b for b in buttons(verdicts(qbx.slack.calls, ts)[-1])}
        await qbx.click(found["qbx_deeper"])  # the queue is down: the job runs in this process
        await qbx.slack.wait_for(deeper_posted)
        response = await qbx.http.get("/healthz")
        body = response.json()
        assert response.status_code == 200
        assert body["status"] == "degraded"
        assert body["components"]["store"]["redis"] == "down"
        assert body["components"]["store"]["fallback"] == "process memory"

    async def test_the_ledger_answers_503_rather_than_accept_and_drop(self, qbx: Harness) -> None:
        now = datetime.now(UTC)
        body, headers = signed("s3", accepted(at=now), now.timestamp())
        response = await qbx.http.post("/ledger", content=body, headers=headers)
        assert response.status_code == 503
        assert response.headers["retry-after"]


async def test_without_a_ledger_secret_there_is_no_ledger_route(qbx: Harness) -> None:
    response = await qbx.http.post("/ledger", json={}, headers={"Authorization": "Bearer x"})
    assert response.status_code == 404

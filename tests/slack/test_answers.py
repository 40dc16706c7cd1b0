"""What a support engineer reads, through the real app: private (no recipient or mailbox address
unmasked in anything a channel can read, for every scenario and every button), one glance
(the parent), and a thread people read (what failed, with evidence; the passes in one line)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.slack.conftest import (
    CHANNEL,
    USER,
    WATCHED,
    Harness,
    buttons,
    dumps,
    in_thread,
    parents,
)
from tests.slack.payloads import channel_bound, size, unmasked_addresses
from tests.slack.standin import Call

# One scenario per checklist: every button of their results is clicked too.
CLICKED = ("bounced", "mailbox_inactive", "rejected_ip", "not_found", "healthy", "suppressed")
ALWAYS_PRIVATE = ("response_url", "chat.postEphemeral", "views.open")


def trace_text(scenario: dict[str, Any]) -> str:
    ids, text = scenario["ids"], str(scenario["trace"])
    if text.isdigit():
        return f"account {text}"
    if ids.get("to") and ids.get("date"):
        return f"{text} sent to {ids['to']} on {ids['date']}"
    return text


async def settle(qbx: Harness) -> None:
    for _ in range(3):
        await asyncio.sleep(0.02)
        await qbx.runtime.deps.background.drain(30)


async def trace(qbx: Harness, text: str) -> tuple[Call, Call]:
    """Trace `text`; return the final parent and the checklist reply."""
    start = len(qbx.slack.calls)
    await qbx.command(f"trace {text}")
    await settle(qbx)
    calls = qbx.slack.calls[start:]
    [parent] = parents(calls)
    ts = str(parent.answer["ts"])
    final = [c for c in calls if c.method == "chat.update" and c.args.get("ts") == ts][-1]
    checklist = next(c for c in in_thread(calls, ts) if c.text.startswith("Checklist"))
    return final, checklist


def senders(qbx: Harness) -> set[str]:
    return {str(s["ids"]["from"]).lower() for s in qbx.scenarios.values() if s["ids"].get("from")}


def private_addresses(qbx: Harness) -> set[str]:
    return {
        str(s["ids"][k]).lower()
        for s in qbx.scenarios.values()
        for k in ("to", "email")
        if s["ids"].get(k)
    }


class TestPrivacy:
    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {"qbx_user_traces_per_minute": 1000, "qbx_report_cache_seconds": 0}

    async def test_no_channel_payload_shows_a_recipient_or_mailbox_address(
        self, qbx: Harness
    ) -> None:
        for name, scenario in qbx.scenarios.items():
            parent, _ = await trace(qbx, trace_text(scenario))
            if name in CLICKED:
                for button in buttons(parent):
                    if button["action_id"] != "qbx_narrow":
                        await qbx.click(button)
                        await settle(qbx)
        await paste_several(qbx, ("bounced", "suppressed", "deferred"))
        allowed, secret = senders(qbx), private_addresses(qbx)
        leaks = {
            f"{c.method}: {a}"
            for c in channel_bound(qbx.slack.calls)
            for a in unmasked_addresses(c, allowed)
        }
        assert leaks == set()
        channel_text = json.dumps([c.args for c in channel_bound(qbx.slack.calls)]).lower()
        assert not [a for a in secret if a in channel_text or a.replace("@", "%40") in channel_text]
        uploads = [c for c in qbx.slack.calls if c.method == "files.completeUploadExternal"]
        assert uploads, "the Log PDF buttons were clicked and their files checked too"


async def paste_several(qbx: Harness, names: tuple[str, ...]) -> None:
    """Paste several ids with their recipients in a watched channel (the summary reply too)."""
    text = " and ".join(trace_text(qbx.scenarios[n]) for n in names)
    event = {"type": "message", "channel": WATCHED, "user": USER, "text": text,
             "ts": "1700000000.000900"}  # fmt: skip
    await qbx.event(event)
    await qbx.slack.wait_for(
        lambda cs: any(c.method == "chat.update" and f"{len(names)} answered" in c.text for c in cs)
    )
    await settle(qbx)


class TestMaskingOff:
    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {"qbx_mask_recipients": False}

    async def test_the_scan_finds_an_address_when_masking_is_off(self, qbx: Harness) -> None:
        await trace(qbx, trace_text(qbx.scenarios["bounced"]))
        leaks = {a for c in channel_bound(qbx.slack.calls) for a in unmasked_addresses(c, set())}
        assert qbx.scenarios["bounced"]["ids"]["to"].lower() in leaks


async def test_the_evidence_button_answers_privately_with_sources(qbx: Harness) -> None:
    scenario = qbx.scenarios["bounced"]
    parent, checklist = await trace(qbx, trace_text(scenario))
    assert "GET /api" not in dumps(parent)
    assert "GET /api" not in dumps(checklist)  # API paths stay out of the channel
    evidence = next(b for b in buttons(parent) if b["action_id"] == "qbx_evidence")
    posts_before = len(channel_bound(qbx.slack.calls))
    await qbx.click(evidence)
    await settle(qbx)
    [answer] = [c for c in qbx.slack.calls if c.method == "response_url"]
    assert answer.args["response_type"] == "ephemeral"
    assert "GET /api/delivery/tracemail/mailouts" in dumps(answer)
    assert scenario["ids"]["to"] in dumps(answer)  # the asker sees everything, privately
    assert len(channel_bound(qbx.slack.calls)) == posts_before


@pytest.mark.parametrize("name", ["delivered", "bounced", "bounced_policy", "deferred", "queued"])
async def test_the_parent_is_one_sentence_and_a_few_fields(qbx: Harness, name: str) -> None:
    scenario = qbx.scenarios[name]
    parent, _ = await trace(qbx, trace_text(scenario))
    chars, _ = size(parent)
    assert chars < 430
    head = parent.blocks[0]["text"]["text"]
    label = scenario["verdict"].replace("_", " ")
    assert f"— {label}:" not in head.lower()  # the verdict is not said twice
    fields = " ".join(f["text"] for b in parent.blocks for f in b.get("fields") or [])
    recipient_domain = scenario["ids"]["to"].split("@")[1]
    assert "*When*" in fields
    assert recipient_domain in fields
    assert "account 4127" in fields or "account 4128" in fields
    assert f"<@{USER}>" in dumps(parent)
    assert "checklist in the thread" not in dumps(parent)


async def test_a_rejected_request_names_the_unverified_domain(qbx: Harness) -> None:
    parent, _ = await trace(qbx, trace_text(qbx.scenarios["rejected_domain_not_verified"]))
    head = parent.blocks[0]["text"]["text"]
    assert "promo.acme-shop.example" in head


@pytest.mark.parametrize("name", ["delivered", "bounced", "bounced_mailbox_full", "expired"])
async def test_the_thread_shows_what_failed_and_folds_the_passes(qbx: Harness, name: str) -> None:
    _, checklist = await trace(qbx, trace_text(qbx.scenarios[name]))
    chars, _ = size(checklist)
    assert chars < 1200
    text = dumps(checklist)
    assert "checks passed: found, accepted, attempts" in text
    assert checklist.args["channel"] == CHANNEL
    if name != "delivered":
        assert ":x: *Outcome*" in text
        assert "remote reply" in text  # the evidence that decided it
    assert text.count(":white_check_mark:") == 1  # every pass on one line


async def test_a_bare_mailbox_code_answers_as_with_its_domain_code(qbx: Harness) -> None:
    box = qbx.scenarios["mailbox_inactive"]["ids"]["mailbox_code"]
    domain = qbx.scenarios["mailbox_inactive"]["ids"]["domain_code"]
    bare, _ = await trace(qbx, box)
    given, _ = await trace(qbx, f"{box} {domain}")
    assert "*Mailbox inactive*" in dumps(bare)
    assert bare.blocks[0] == given.blocks[0]  # the same verdict, word for word
    pdfs = [b["text"]["text"] for b in buttons(bare) if b["action_id"].startswith("qbx_log_pdf")]
    assert pdfs
    assert pdfs == [
        b["text"]["text"] for b in buttons(given) if b["action_id"].startswith("qbx_log_pdf")
    ]

"""Hostile text from the API (a bounce reply, a subject) arrives in Slack inert: escaped, so
`<!channel>` can never ping anyone; recipients are masked in channel posts."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.simulator import SimulatorHandle
from bot.simulator.smtp import Reply
from tests.slack.conftest import Harness, buttons
from tests.slack.standin import Call

HOSTILE_REPLY = (
    "550 5.1.1 <!channel> <@U0ADMIN> mailbox unavailable, see <https://evil.example|docs>"
)
HOSTILE_SUBJECT = "<!channel> urgent & <!here>"
MESSAGE_ID = "0c0ffee0-1234-4abc-8def-0123456789ab@mail.acme-shop.example"


def plant_hostile_bounce(sim: SimulatorHandle, bounced_id: str) -> None:
    """Add a copy of the bounced scenario's mailout whose reply and subject are hostile."""
    tracemail = sim.simulation.tracemail
    [original] = [m for m in tracemail.overlay() if m.message_id == bounced_id]
    steps = tuple(
        replace(s, reply=Reply(s.reply.code, s.reply.enhanced, HOSTILE_REPLY)) if s.reply else s
        for s in original.story.steps
    )
    hostile = replace(
        original,
        id=original.id + "9",
        message_id=MESSAGE_ID,
        request_id="0c0ffee0-1234-4abc-8def-0123456789ac",
        subject=HOSTILE_SUBJECT,
        story=replace(original.story, steps=steps),
        created=original.created + 1,
    )
    tracemail.add(hostile)


def sent_text(calls: list[Call]) -> str:
    return "\n".join(json.dumps(c.args, ensure_ascii=False) for c in calls if c.method != "upload")


async def test_hostile_bounce_text_and_subject_arrive_escaped(qbx: Harness) -> None:
    bounced = qbx.scenarios["bounced"]
    plant_hostile_bounce(qbx.sim, bounced["ids"]["message_id"])
    await qbx.command(f"trace {MESSAGE_ID}")
    calls = await qbx.slack.wait_for(
        lambda cs: (
            any(c.method == "chat.update" and buttons(c) for c in cs)
            and any(c.text.startswith("Checklist") for c in cs if c.method == "chat.postMessage")
        )
    )
    text = sent_text(calls)
    assert "&lt;!channel&gt;" in text, "the hostile reply reached Slack, escaped"
    assert "<!channel>" not in text
    assert "<@U0ADMIN>" not in text
    assert "<https://evil.example" not in text
    assert "<!here>" not in text
    assert bounced["ids"]["to"] not in text, "the recipient is masked in channel posts"


async def test_hostile_reply_stays_inert_in_the_bundle_and_the_evidence(qbx: Harness) -> None:
    bounced = qbx.scenarios["bounced"]
    plant_hostile_bounce(qbx.sim, bounced["ids"]["message_id"])
    await qbx.command(f"trace {MESSAGE_ID}")
    calls = await qbx.slack.wait_for(
        lambda cs: any(c.method == "chat.update" and buttons(c) for c in cs)
    )
    final = [c for c in calls if c.method == "chat.update" and buttons(c)][-1]
    for button in buttons(final):
        if button["action_id"] in ("qbx_bundle", "qbx_evidence"):
            await qbx.click(button)
    calls = await qbx.slack.wait_for(
        lambda cs: (
            len([c for c in cs if c.method == "response_url"]) >= 2
            and any("Escalation bundle" in c.text for c in cs if c.method == "chat.postMessage")
        )
    )
    text = sent_text(calls)
    assert "remote reply: 550 5.1.1 &lt;!channel&gt;" in text  # in the bundle's code block
    assert "<!channel>" not in text
    assert "<@U0ADMIN>" not in text
    assert "<https://evil.example" not in text

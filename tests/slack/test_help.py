"""`/qbx help` and refusals speak Slack: escaped angle brackets, Slack's grammar, channel links."""

from __future__ import annotations

from typing import Any

import pytest

from tests.slack.conftest import WATCHED, Harness, dumps, parents
from tests.slack.standin import Call


def private(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "response_url"]


async def answer_to(qbx: Harness, text: str) -> str:
    await qbx.command(text)
    calls = await qbx.slack.wait_for(lambda cs: bool(private(cs)))
    [answer] = private(calls)
    assert answer.args["response_type"] == "ephemeral"
    return str(answer.args["blocks"][0]["text"]["text"])


async def test_help_escapes_angle_brackets_and_speaks_slack(qbx: Harness) -> None:
    text = await answer_to(qbx, "help")
    assert "/qbx trace &lt;message_id, request_id, address, domain or code&gt;" in text
    assert "<message_id" not in text  # Slack would eat it as a link
    assert "/qbx check &lt;kind&gt; &lt;value&gt;" in text
    assert f"<#{WATCHED}>" in text  # where pasted ids are answered, as a channel link
    assert "--json" not in text
    assert "QBX_" not in text
    assert "*Narrow the search*" in text


async def test_bad_input_shows_the_slack_usage_not_the_command_lines(qbx: Harness) -> None:
    text = await answer_to(qbx, "trace")
    assert "/qbx trace &lt;id, address, domain or code&gt;" in text
    assert "qbx trace &lt;message_id |" not in text  # the terminal's usage line
    assert parents(qbx.slack.calls) == []


class TestRefusedChannel:
    @pytest.fixture
    def overrides(self) -> dict[str, Any]:
        return {"qbx_allowed_channels": ("C0OPS", "C0MAIL", "not a channel <!here>")}

    async def test_the_refusal_links_the_allowed_channels(self, qbx: Harness) -> None:
        text = await answer_to(qbx, "help")
        assert "<#C0MAIL>, <#C0OPS>" in text
        assert "QBX_ALLOWED_CHANNELS" not in text
        assert "<!here>" not in dumps(private(qbx.slack.calls)[0])  # only real channel ids

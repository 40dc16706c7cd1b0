"""SlackIncidentPoster over real HTTP against the Web API stand-in (with channel history)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError

from bot.errors import ConfigError
from bot.incidents.slack_poster import EVENT_TYPE, SlackIncidentPoster, started_epoch
from bot.slack.client import build_web_client
from tests.incidents.slack_support import HistoryStandIn, metadata_of, running_history_standin

CHANNEL = "C_INCIDENTS"
OPENED = 1_795_426_800
INCIDENT = f"bounce_rate:domain:shop.example@{OPENED}"
MESSAGE = {"text": "fallback", "blocks": [{"type": "section", "text": {"type": "mrkdwn",
                                                                       "text": "hi"}}]}  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def slack() -> AsyncIterator[HistoryStandIn]:
    async with running_history_standin() as stand:
        yield stand


def poster_for(slack: HistoryStandIn, *, history_page: int = 200) -> SlackIncidentPoster:
    async def no_wait(seconds: float) -> None:
        return None

    client = build_web_client(token="xoxb-test", base_url=f"{slack.base_url}/api/", sleep=no_wait)
    return SlackIncidentPoster(client, history_page=history_page)


async def test_the_parent_carries_the_incident_id_as_message_metadata(
    slack: HistoryStandIn,
) -> None:
    ts = await poster_for(slack).post_parent(CHANNEL, INCIDENT, MESSAGE)
    [call] = slack.parents(CHANNEL)
    assert metadata_of(call) == {
        "event_type": EVENT_TYPE,
        "event_payload": {"incident_id": INCIDENT},
    }
    assert call.blocks == MESSAGE["blocks"]
    assert ts == slack.history[CHANNEL][0]["ts"]


async def test_find_parent_reads_history_with_metadata_from_before_the_incident(
    slack: HistoryStandIn,
) -> None:
    poster = poster_for(slack)
    await poster.post_parent(CHANNEL, "other@1", MESSAGE)
    ts = await poster.post_parent(CHANNEL, INCIDENT, MESSAGE)
    await poster.post_thread(CHANNEL, ts, MESSAGE)
    assert await poster.find_parent(CHANNEL, INCIDENT) == ts
    [history] = slack.named("conversations.history")
    assert history.args["include_all_metadata"] in ("1", "true")
    assert OPENED - 300 < float(history.args["oldest"]) < OPENED


async def test_find_parent_pages_through_history_and_says_none_when_absent(
    slack: HistoryStandIn,
) -> None:
    poster = poster_for(slack, history_page=2)
    first = await poster.post_parent(CHANNEL, INCIDENT, MESSAGE)
    for n in range(5):
        await poster.post_parent(CHANNEL, f"later:{n}@{OPENED}", MESSAGE)
    assert await poster.find_parent(CHANNEL, INCIDENT) == first
    assert len(slack.named("conversations.history")) == 3
    assert await poster.find_parent(CHANNEL, f"never:posted@{OPENED}") is None


async def test_update_and_thread_reply_target_the_parent(slack: HistoryStandIn) -> None:
    poster = poster_for(slack)
    ts = await poster.post_parent(CHANNEL, INCIDENT, MESSAGE)
    await poster.update_parent(CHANNEL, ts, MESSAGE)
    reply = await poster.post_thread(CHANNEL, ts, MESSAGE)
    [update] = slack.named("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (CHANNEL, ts)
    [threaded] = [c for c in slack.in_thread(ts) if c.method == "chat.postMessage"]
    assert reply != ts
    assert "metadata" not in threaded.args


async def test_the_chart_is_uploaded_into_the_thread_with_files_upload_v2(
    slack: HistoryStandIn,
) -> None:
    poster = poster_for(slack)
    ts = await poster.post_parent(CHANNEL, INCIDENT, MESSAGE)
    await poster.upload_chart(CHANNEL, ts, PNG, "Domain shop.example: delivered")
    [complete] = slack.named("files.completeUploadExternal")
    assert (complete.args["channel_id"], complete.args["thread_ts"]) == (CHANNEL, ts)
    assert "Domain shop.example" in complete.args["files"]
    [upload] = slack.uploads()
    assert PNG in upload.body


@pytest.mark.parametrize("channel", ["C_NOT_IN", "C_NOT_FOUND"])
async def test_a_channel_the_bot_is_not_in_becomes_an_instruction(
    slack: HistoryStandIn, channel: str
) -> None:
    poster = poster_for(slack)
    with pytest.raises(ConfigError, match=rf"{channel}.*/invite @qbx"):
        await poster.post_parent(channel, INCIDENT, MESSAGE)
    with pytest.raises(ConfigError, match="/invite @qbx"):
        await poster.find_parent(channel, INCIDENT)


async def test_other_slack_errors_are_left_to_the_caller(slack: HistoryStandIn) -> None:
    with pytest.raises(SlackApiError):
        await poster_for(slack).post_thread("C_BROKEN", "1.0", MESSAGE)


@pytest.mark.parametrize(
    ("incident_id", "epoch"),
    [("a:b:c@1795426800", 1795426800), ("no-epoch", None), ("x@later", None)],
)
def test_the_opening_second_is_read_from_the_incident_id(
    incident_id: str, epoch: int | None
) -> None:
    assert started_epoch(incident_id) == epoch

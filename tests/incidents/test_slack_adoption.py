"""A worker dies right after Slack accepted the parent, before its ts was recorded: the next
worker finds the post by its metadata (conversations.history) and adopts it, never posting a
second parent. Real client, simulator, Slack poster over HTTP; MemoryStore and RedisStore.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

import pytest

from bot.incidents.demo import RampOnly
from bot.incidents.engine import IncidentWatcher
from bot.incidents.ports import Message
from bot.incidents.slack_poster import SlackIncidentPoster
from bot.incidents.tracker import load_record
from bot.incidents.wiring import build_watcher
from bot.qboxmail.client import QboxmailClient
from bot.settings import Settings
from bot.simulator import SimClock, running_simulator
from bot.slack.client import build_web_client
from bot.store.base import Store
from bot.store.memory import MemoryStore
from bot.store.redis_store import RedisStore, connect
from tests.incidents.slack_support import (
    HistoryStandIn,
    bounce_rule,
    metadata_of,
    running_history_standin,
)
from tests.redis_support import REDIS_URL, machine_redis, unique_prefix

ANCHOR = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
STEP = timedelta(minutes=20)
CHANNEL = "C_INCIDENTS"
RAMP_KEY = "bounce_rate:domain:alerts.acme-shop.example"


class Died(Exception):
    """The worker process dying between Slack's answer and recording the ts."""


class DiesAfterPosting(SlackIncidentPoster):
    async def post_parent(self, channel: str, incident_id: str, message: Message) -> str:
        await super().post_parent(channel, incident_id, message)
        raise Died(incident_id)


def settings() -> Settings:
    return Settings(_env_file=None, qbx_incident_channel=CHANNEL,
                    qbx_incident_clear_checks=2, qbx_watch_interval_seconds=1200)  # fmt: skip


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Store, SimClock]]:
    clock = SimClock(ANCHOR)
    if request.param == "memory":
        yield MemoryStore(prefix="t:", clock=clock.timestamp), clock
        return
    prefix = unique_prefix()
    async with machine_redis(prefix):
        redis = RedisStore(connect(REDIS_URL), prefix=prefix, clock=clock.timestamp)
        yield redis, clock
        await redis.aclose()


@pytest.mark.redis
async def test_a_parent_posted_by_a_dead_worker_is_adopted_not_reposted(
    store: tuple[Store, SimClock],
) -> None:
    state, clock = store
    async with AsyncExitStack() as stack:
        sim = await stack.enter_async_context(running_simulator(now=clock))
        token, send = sim.management_token, sim.send_url
        client_of_api = QboxmailClient(api_url=sim.base_url, api_token=token, send_url=send)
        api = await stack.enter_async_context(client_of_api)
        slack = await stack.enter_async_context(running_history_standin())
        client = build_web_client(token="xoxb-t", base_url=f"{slack.base_url}/api/")

        def worker(poster: SlackIncidentPoster) -> IncidentWatcher:
            return build_watcher(settings(), api=RampOnly(api), store=state, poster=poster,
                                 clock=clock.now, rules=bounce_rule())  # fmt: skip

        dying = worker(DiesAfterPosting(client))
        while not slack.parents(CHANNEL):  # checks until the ramp's incident opens (~09:40)
            result = await dying.check()
            clock.advance(STEP)
            assert clock.now() < ANCHOR + timedelta(hours=4), "the ramp never fired"
        assert [key for key, _ in result.failed] == [RAMP_KEY]

        await worker(SlackIncidentPoster(client)).check()  # the restarted worker
        assert_adopted(slack, await load_record(state, RAMP_KEY))


def assert_adopted(slack: HistoryStandIn, record: object) -> None:
    [parent] = slack.parents(CHANNEL)
    ts = slack.history[CHANNEL][0]["ts"]
    assert metadata_of(parent)["event_payload"]["incident_id"].startswith(RAMP_KEY)
    [history] = slack.named("conversations.history")
    assert history.args["include_all_metadata"] in ("1", "true")
    assert getattr(record, "parent_ts", None) == ts
    thread = slack.in_thread(ts)
    assert thread[0].method == "files.completeUploadExternal"
    assert any("Top replies" in json.dumps(c.args) for c in thread)

"""IncidentWatcher.check(): the steps composed, one failing incident isolated, settings mapped."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.errors import ConfigError
from bot.incidents.engine import IncidentWatcher, policy_from_settings
from bot.incidents.lifecycle import ChangeKind
from bot.incidents.publisher import POST_GRACE_SECONDS
from bot.incidents.rules import default_rules
from bot.incidents.tracker import load_record
from bot.qboxmail.models import DeliveryAccount
from bot.settings import Settings
from bot.store.memory import MemoryStore
from tests.incidents.support import Clock, Crash, RecordingPoster, WatchedWorld

SETTINGS = Settings(qbx_incident_channel="C_INC", qbx_incident_clear_checks=2,
                    qbx_watch_interval_seconds=300)  # fmt: skip


@dataclass
class FlakyPoster(RecordingPoster):
    """Slack refuses the first parent post of one incident."""

    refuse: str = ""

    async def post_parent(self, channel: str, incident_id: str, message: dict) -> str:  # type: ignore[type-arg]
        if self.refuse and incident_id.startswith(self.refuse):
            self.refuse = ""
            raise Crash("channel_not_found")
        return await super().post_parent(channel, incident_id, message)


def watcher(api: WatchedWorld, poster: RecordingPoster, clock: Clock, store: MemoryStore):  # type: ignore[no-untyped-def]
    return IncidentWatcher(api=api.client, store=store, poster=poster,
                           rules=default_rules(SETTINGS), policy=policy_from_settings(SETTINGS),
                           clock=clock)  # fmt: skip


def api_with_inactive_accounts() -> WatchedWorld:
    api = WatchedWorld()
    api.accounts = [
        DeliveryAccount(id=1, username="off", status=1, remaining_messages=10**6),
        DeliveryAccount(id=2, username="blocked", status=3, remaining_messages=10**6),
        DeliveryAccount(id=3, username="fine", remaining_messages=10**6),
    ]
    return api


async def test_check_opens_an_incident_per_firing_rule_and_resource() -> None:
    clock, poster = Clock(), RecordingPoster()
    store = MemoryStore(clock=clock.epoch)
    result = await watcher(api_with_inactive_accounts(), poster, clock, store).check()
    assert result.observed == 6  # 3 accounts + 3 domains
    assert sorted(c.key for c in result.of_kind(ChangeKind.OPEN)) == [
        "account_inactive:account:1", "account_inactive:account:2",
    ]  # fmt: skip
    assert len(poster.of("post_parent")) == 2
    assert len(poster.of("upload_chart")) == 2  # the chart, from history + daily statistics


async def test_one_incident_failing_to_post_does_not_stop_the_others() -> None:
    clock, poster = Clock(), FlakyPoster(refuse="account_inactive:account:1@")
    store = MemoryStore(clock=clock.epoch)
    w = watcher(api_with_inactive_accounts(), poster, clock, store)
    first = await w.check()
    assert [key for key, _ in first.failed] == ["account_inactive:account:1"]
    assert [c.key for c in first.changes] == ["account_inactive:account:2"]
    clock.advance(seconds=POST_GRACE_SECONDS)
    second = await w.check()
    assert second.failed == ()
    posted = sorted(i.split("@")[0] for _, i, _ in poster.of("post_parent"))
    assert posted == ["account_inactive:account:1", "account_inactive:account:2"]
    record = await load_record(store, "account_inactive:account:1")
    assert record is not None
    assert record.parent_ts is not None


def test_policy_comes_from_settings() -> None:
    policy = policy_from_settings(SETTINGS)
    assert (policy.channel, policy.clear_checks, policy.min_clear_gap_seconds) == ("C_INC", 2, 150)


def test_policy_needs_the_incident_channel() -> None:
    with pytest.raises(ConfigError, match="QBX_INCIDENT_CHANNEL"):
        policy_from_settings(Settings(qbx_incident_channel=None))

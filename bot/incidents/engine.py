"""One watcher check, composed: observe, window, evaluate, reconcile, publish; and the chart data.

The worker calls `IncidentWatcher.check()` every QBX_WATCH_INTERVAL_SECONDS. Each step is
separately testable; this module only wires them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.clocks import WallClock
from bot.errors import ConfigError
from bot.incidents.blast import BlastRadius, blast_radius
from bot.incidents.chart import ChartData, render_chart
from bot.incidents.cold import with_recent
from bot.incidents.history import CounterHistory, hourly
from bot.incidents.lifecycle import ChangeKind, IncidentChange, IncidentPolicy, IncidentRecord
from bot.incidents.observation import Scope
from bot.incidents.ports import IncidentPoster, IncidentStore
from bot.incidents.publisher import Publisher, ReportSource
from bot.incidents.render import chart_title
from bot.incidents.rules import Rule, evaluate
from bot.incidents.tracker import Reconciler
from bot.incidents.turns import Turn, always
from bot.incidents.watcher import DEFAULT_CONCURRENCY, observe
from bot.logs import get_logger
from bot.qboxmail.reads import QboxmailApi
from bot.settings import Settings

CHART_DAYS = 7
_log = get_logger(__name__)


@dataclass(frozen=True)
class CheckResult:
    observed: int  # resources observed this check
    changes: tuple[IncidentChange, ...]  # every non-NOOP change, after publication
    failed: tuple[tuple[str, str], ...] = ()  # (incident key, why) not published; retried next

    def of_kind(self, kind: ChangeKind) -> list[IncidentChange]:
        return [c for c in self.changes if c.kind is kind]


def policy_from_settings(settings: Settings) -> IncidentPolicy:
    """The incident policy the composition root builds (needs QBX_INCIDENT_CHANNEL)."""
    if not settings.qbx_incident_channel:
        raise ConfigError("incident posts need QBX_INCIDENT_CHANNEL (a Slack channel id)")
    return IncidentPolicy(
        channel=settings.qbx_incident_channel,
        clear_checks=settings.qbx_incident_clear_checks,
        # two workers checking in the same interval must not count one clear spell twice
        min_clear_gap_seconds=settings.qbx_watch_interval_seconds / 2,
        cooldown_seconds=settings.qbx_incident_cooldown_seconds,
    )


class IncidentWatcher:
    def __init__(
        self,
        *,
        api: QboxmailApi,
        store: IncidentStore,
        poster: IncidentPoster,
        rules: Sequence[Rule],
        policy: IncidentPolicy,
        clock: WallClock,
        concurrency: int = DEFAULT_CONCURRENCY,
        report: ReportSource | None = None,
        turn: Turn = always,
        rate_min_messages: int = 0,
    ) -> None:
        self._api = api
        self.my_turn = turn  # the periodic loop checks only when this says so (see turns.py)
        self._rules = tuple(rules)
        self._clock = clock
        self._concurrency = concurrency
        self._rate_min_messages = rate_min_messages  # under it today, a cold start looks back
        self._history = CounterHistory(store)
        self._reconciler = Reconciler(store, policy)
        self._publisher = Publisher(
            store, poster, clock=clock, chart=self.chart, blast=self.blast, report=report
        )

    async def check(self) -> CheckResult:
        observations = await observe(self._api, self._clock, concurrency=self._concurrency)
        windowed = await with_recent(
            self._api,
            [await self._history.record(obs) for obs in observations],
            self._rate_min_messages,
            self._concurrency,
        )
        findings = evaluate(self._rules, windowed)
        changes = await self._reconciler.reconcile(findings, self._clock())
        published: list[IncidentChange] = []
        failed: list[tuple[str, str]] = []
        for change in (c for c in changes if c.kind is not ChangeKind.NOOP):
            try:
                published.append(await self._publish(change))
            except Exception as exc:  # one incident's Slack failure must not stop the others;
                # its record still says what is left to show, so the next check retries it
                _log.warning("incident_publish_failed", incident=change.key, error=repr(exc))
                failed.append((change.key, repr(exc)))
        return CheckResult(len(windowed), tuple(published), tuple(failed))

    async def _publish(self, change: IncidentChange) -> IncidentChange:
        record = await self._publisher.publish(change)
        return IncidentChange(change.kind, change.key, record or change.record)

    async def chart(self, record: IncidentRecord) -> bytes:
        """The PNG for `record`'s resource: 24 hours from the history, 7 days from the API."""
        now = self._clock()
        hours = hourly(await self._history.snapshots(record.resource), now)
        start = (now - timedelta(days=CHART_DAYS - 1)).date()
        resource = record.resource
        days = await self._api.daily_statistics(
            account=int(resource.id) if resource.scope is Scope.ACCOUNT else None,
            domain=resource.id if resource.scope is Scope.DOMAIN else None,
            start_date=start,
            end_date=now.date(),
        )
        data = ChartData(chart_title(record), hours, [(day.date, day) for day in days])
        return await asyncio.to_thread(render_chart, data)  # CPU-bound: keep the loop free

    async def blast(self, record: IncidentRecord) -> BlastRadius:
        """Today's top replies and recipient domains for what `record`'s rule watches."""
        counters = {rule.id: rule.spec.counter for rule in self._rules}
        day = self._clock().date()
        return await blast_radius(self._api, record.resource, counters.get(record.rule_id), day)

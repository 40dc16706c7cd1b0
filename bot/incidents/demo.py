"""The incident demo: the simulator's bounce ramp replayed in simulated time, the watcher checking
at every step, the posts printed (SIMULATED) or sent to a real Slack workspace.

Also `check_once`, one watcher pass against the configured Qboxmail API (`qbx incidents check`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final, TextIO

from bot.clocks import WallClock
from bot.incidents.console import LABEL, ConsolePoster, console_reporter
from bot.incidents.engine import CheckResult, IncidentWatcher
from bot.incidents.lifecycle import ChangeKind
from bot.incidents.wiring import bot_token, build_watcher, slack_side
from bot.qboxmail.client import QboxmailClient
from bot.qboxmail.models import DeliveryAccount, DeliveryDomain, Page, Pagination
from bot.qboxmail.reads import QboxmailApi
from bot.runtime.services import build_trace_service, open_qboxmail, utcnow
from bot.settings import Settings
from bot.simulator import SimClock, running_simulator
from bot.simulator.catalog import RAMP_DOMAIN
from bot.slack.client import build_web_client
from bot.store import Store, open_store

CONSOLE_CHANNEL: Final = "incidents"  # the channel name printed when no workspace is set
RAMP_START_HOUR: Final = 8  # the ramp climbs from 09:00, peaks at 11:00, is over by 13:00


@dataclass(frozen=True)
class DemoPlan:
    steps: int = 27  # 08:00 .. 16:40 at 20-minute steps: opens, updates, resolves
    step: timedelta = timedelta(minutes=20)
    anchor: datetime | None = None  # default: today 08:00 UTC
    everything: bool = False  # watch every simulated account and domain, not just the ramp


class RampOnly:
    """The API as the watcher sees it, narrowed to the ramp's domain (no accounts listed)."""

    def __init__(self, api: Any) -> None:
        self._api = api

    def __getattr__(self, name: str) -> Any:
        return getattr(self._api, name)

    async def delivery_accounts(self, **_: Any) -> Page[DeliveryAccount]:
        return Page(resources=[], pagination=Pagination(page=1, per=25, total_pages=1))

    async def delivery_domains(self, **kw: Any) -> Page[DeliveryDomain]:
        page: Page[DeliveryDomain] = await self._api.delivery_domains(
            **{**kw, "query": RAMP_DOMAIN}
        )
        return page


def ramp_anchor(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=RAMP_START_HOUR, minute=0, second=0, microsecond=0)


def uses_slack(settings: Settings) -> bool:
    return settings.slack_bot_token is not None and bool(settings.qbx_incident_channel)


@asynccontextmanager
async def _watcher(
    settings: Settings, api: QboxmailApi, simulated: bool, clock: WallClock, out: TextIO,
    chart_dir: Path, *, everything: bool = True,
) -> AsyncIterator[IncidentWatcher]:  # fmt: skip
    """The watcher over `api`: to Slack when configured, else to `out` (SIMULATED)."""
    redis_url = settings.redis_url if uses_slack(settings) else None
    prefix = f"{settings.qbx_redis_prefix}demo:"
    store: Store = open_store(redis_url=redis_url, prefix=prefix, clock=time.time)
    incident_api: QboxmailApi = api if everything else RampOnly(api)
    try:
        if uses_slack(settings):
            client = build_web_client(
                token=bot_token(settings), base_url=str(settings.slack_api_url)
            )
            side = slack_side(settings, client, api=api, simulated=simulated, store=store,
                              clock=clock)  # fmt: skip
            yield build_watcher(settings, api=incident_api, store=store, poster=side.poster,
                                report=side.report, clock=clock)  # fmt: skip
            return
        tracer = build_trace_service(settings, api, simulated, clock=clock)
        console = settings.model_copy(update={"qbx_incident_channel": CONSOLE_CHANNEL})
        yield build_watcher(console, api=incident_api, store=store,
                            poster=ConsolePoster(out, chart_dir, clock),
                            report=console_reporter(tracer.check, out), clock=clock)  # fmt: skip
    finally:
        await store.aclose()


async def run_demo(
    settings: Settings, *, out: TextIO, chart_dir: Path, plan: DemoPlan = DemoPlan(),
    today: WallClock = utcnow,
) -> list[CheckResult]:  # fmt: skip
    """Replay the ramp: one watcher check per simulated step; return every check's result."""
    clock = SimClock(plan.anchor or ramp_anchor(today()))
    where = f"Slack channel {settings.qbx_incident_channel}" if uses_slack(settings) else (
        f"this terminal ({LABEL}: nothing is sent to Slack)")  # fmt: skip
    print(f"qbx incidents demo: the simulator's bounce ramp on {RAMP_DOMAIN}, "
          f"checked every {plan.step} of simulated time, posted to {where}.", file=out)  # fmt: skip
    results: list[CheckResult] = []
    async with (
        running_simulator(now=clock) as sim,
        QboxmailClient(
            api_url=sim.base_url, api_token=sim.management_token, send_url=sim.send_url
        ) as api,  # fmt: skip
        _watcher(
            settings, api, True, clock.now, out, chart_dir, everything=plan.everything
        ) as watcher,
    ):
        for _ in range(plan.steps):
            results.append(await watcher.check())
            clock.advance(plan.step)
    opened = {c.key for r in results for c in r.of_kind(ChangeKind.OPEN)}
    resolved = {c.key for r in results for c in r.of_kind(ChangeKind.RESOLVE)}
    print(f"Done: {len(results)} checks; incidents opened: {len(opened)}, "
          f"resolved: {len(resolved)}.", file=out)  # fmt: skip
    return results


async def check_once(settings: Settings, *, out: TextIO, chart_dir: Path) -> CheckResult:
    """One watcher pass against the configured API (the simulator without a token)."""
    async with (
        open_qboxmail(settings) as (api, simulated),
        _watcher(settings, api, simulated, utcnow, out, chart_dir) as watcher,
    ):
        result = await watcher.check()
    print(f"Observed {result.observed} accounts and domains; {len(result.changes)} change(s).",
          file=out)  # fmt: skip
    for change in result.changes:
        summary = change.record.summary if change.record else ""
        print(f"  {change.kind.value:<8} {change.key}: {summary}", file=out)
    for key, why in result.failed:
        print(f"  FAILED   {key}: {why}", file=out)
    if not uses_slack(settings):
        print("With no history yet, rate rules judged today's counters so far (a cold start) "
              "and spike rules waited for an hour of snapshots: run qbx serve or qbx worker to "
              "watch continuously.", file=out)  # fmt: skip
    return result

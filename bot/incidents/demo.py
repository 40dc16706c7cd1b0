"""The incident demo's plan and texts: the simulator's bounce ramp replayed in simulated time, the
watcher checking at every step, the posts printed (SIMULATED) or sent to a real Slack workspace.
bot/runtime/incidents.py runs it (and `qbx incidents check`, one pass)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from bot.incidents.console import LABEL
from bot.incidents.engine import CheckResult
from bot.incidents.lifecycle import ChangeKind
from bot.qboxmail.models import DeliveryAccount, DeliveryDomain, Page, Pagination
from bot.settings import Settings
from bot.simulator.catalog import RAMP_DOMAIN

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


def demo_banner(settings: Settings, plan: DemoPlan) -> str:
    where = f"Slack channel {settings.qbx_incident_channel}" if uses_slack(settings) else (
        f"this terminal ({LABEL}: nothing is sent to Slack)")  # fmt: skip
    return (f"qbx incidents demo: the simulator's bounce ramp on {RAMP_DOMAIN}, "
            f"checked every {plan.step} of simulated time, posted to {where}.")  # fmt: skip


def demo_summary(results: list[CheckResult]) -> str:
    opened = {c.key for r in results for c in r.of_kind(ChangeKind.OPEN)}
    resolved = {c.key for r in results for c in r.of_kind(ChangeKind.RESOLVE)}
    return (f"Done: {len(results)} checks; incidents opened: {len(opened)}, "
            f"resolved: {len(resolved)}.")  # fmt: skip


def check_summary(result: CheckResult, slack: bool) -> str:
    """What one pass saw and changed (`qbx incidents check`)."""
    lines = [f"Observed {result.observed} accounts and domains; {len(result.changes)} change(s)."]
    for change in result.changes:
        summary = change.record.summary if change.record else ""
        lines.append(f"  {change.kind.value:<8} {change.key}: {summary}")
    lines += [f"  FAILED   {key}: {why}" for key, why in result.failed]
    if not slack:
        lines.append("With no history yet, rate rules judged today's counters so far (a cold "
                     "start) and spike rules waited for an hour of snapshots: run qbx serve or qbx "
                     "worker to watch continuously.")  # fmt: skip
    return "\n".join(lines)

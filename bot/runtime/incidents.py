"""The incident watcher on the open services: posting to Slack (`qbx serve`, `qbx worker`) or,
without a workspace, to the terminal; and `qbx incidents demo|check`, which run it once per step.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final, TextIO

from bot.clocks import WallClock
from bot.incidents.console import ConsolePoster, console_reporter
from bot.incidents.demo import (
    CONSOLE_CHANNEL,
    DemoPlan,
    RampOnly,
    check_summary,
    demo_banner,
    demo_summary,
    ramp_anchor,
    uses_slack,
)
from bot.incidents.engine import CheckResult, IncidentWatcher
from bot.incidents.wiring import build_watcher, slack_side
from bot.qboxmail.reads import QboxmailApi
from bot.runtime.listeners import listener_deps
from bot.runtime.services import Services, open_services, utcnow
from bot.settings import Settings
from bot.simulator import SimClock, SimulatorHandle, running_simulator
from bot.slack.deps import SlackDeps

THE_RAMP: Final = DemoPlan()  # the default demo: 27 steps of 20 minutes from 08:00 today


def slack_watcher(
    services: Services, deps: SlackDeps, api: QboxmailApi | None = None
) -> IncidentWatcher:
    """The watcher of the configured account, posting to QBX_INCIDENT_CHANNEL, each incident's
    checklist traced into its thread on `deps` (the process's listener dependencies)."""
    assert services.slack is not None  # callers check SLACK_BOT_TOKEN at start-up
    side = slack_side(deps, services.slack)
    return build_watcher(services.settings, api=api or services.api, store=services.store,
                         poster=side.poster, report=side.report, clock=services.now)  # fmt: skip


def _demo_settings(settings: Settings) -> Settings:
    """The demo's and the one-off check's own state: a `demo:` key prefix, and Redis only when
    the posts go to Slack (else it all lives in memory)."""
    redis_url = settings.redis_url if uses_slack(settings) else None
    prefix = f"{settings.qbx_redis_prefix}demo:"
    return settings.model_copy(update={"redis_url": redis_url, "qbx_redis_prefix": prefix})


@asynccontextmanager
async def _watcher(
    settings: Settings, out: TextIO, chart_dir: Path, *, simulator: SimulatorHandle | None = None,
    now: WallClock = utcnow, everything: bool = True,
) -> AsyncIterator[IncidentWatcher]:  # fmt: skip
    """The watcher over the configured API (or `simulator`): to Slack when configured, else to
    `out` (SIMULATED)."""
    slack = uses_slack(settings)
    async with open_services(_demo_settings(settings), now=now, simulator=simulator, slack=slack,
                             ledger=slack) as services:  # fmt: skip
        api: QboxmailApi = services.api
        if not everything:
            api = RampOnly(services.api)
        if slack:
            yield slack_watcher(services, listener_deps(services), api)
            return
        console = settings.model_copy(update={"qbx_incident_channel": CONSOLE_CHANNEL})
        poster = ConsolePoster(out, chart_dir, now)
        report = console_reporter(services.tracer.check, out)
        yield build_watcher(
            console, api=api, store=services.store, poster=poster, report=report, clock=now
        )


async def run_demo(
    settings: Settings, *, out: TextIO, chart_dir: Path, plan: DemoPlan = THE_RAMP,
    today: WallClock = utcnow,
) -> list[CheckResult]:  # fmt: skip
    """Replay the ramp: one watcher check per simulated step; return every check's result."""
    clock = SimClock(plan.anchor or ramp_anchor(today()))
    print(demo_banner(settings, plan), file=out)
    results: list[CheckResult] = []
    async with (
        running_simulator(now=clock) as sim,
        _watcher(
            settings, out, chart_dir, simulator=sim, now=clock.now, everything=plan.everything
        ) as watcher,  # fmt: skip
    ):
        for _ in range(plan.steps):
            results.append(await watcher.check())
            clock.advance(plan.step)
    print(demo_summary(results), file=out)
    return results


async def check_once(settings: Settings, *, out: TextIO, chart_dir: Path) -> CheckResult:
    """One watcher pass against the configured API (the simulator without a token)."""
    async with _watcher(settings, out, chart_dir) as watcher:
        result = await watcher.check()
    print(check_summary(result, uses_slack(settings)), file=out)
    return result

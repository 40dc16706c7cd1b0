"""The incident watcher's parts: `build_watcher` from settings and open services, the Slack side
(poster, and the checklist report in each incident's thread through the Slack tracing path, so its
buttons work), and the periodic loop (`checking`). bot/runtime assembles them per process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Final

from slack_sdk.web.async_client import AsyncWebClient

from bot.clocks import WallClock
from bot.errors import QbxError
from bot.incidents.engine import CheckResult, IncidentWatcher, policy_from_settings
from bot.incidents.lifecycle import IncidentRecord
from bot.incidents.ports import IncidentPoster
from bot.incidents.publisher import ReportSource
from bot.incidents.rules import Rule, default_rules
from bot.incidents.slack_poster import SlackIncidentPoster
from bot.incidents.turns import Turn, always, shared_turn
from bot.logs import get_logger
from bot.qboxmail.reads import QboxmailApi
from bot.recognition.grammar import CheckKind
from bot.render.blocks import notice_message
from bot.render.mrkdwn import escape
from bot.settings import Settings
from bot.slack.deps import SlackDeps
from bot.slack.poster import Place, Poster
from bot.slack.tracing import TraceSpec, run_trace
from bot.store import Store

INCIDENT_ACTOR: Final = "qbx-incidents"  # who the audit log says ran an incident's checklist
Sleep = Callable[[float], Awaitable[None]]
_log = get_logger(__name__)


@dataclass(frozen=True)
class SlackSide:
    poster: IncidentPoster
    report: ReportSource


def checklist_reporter(deps: SlackDeps, poster: Poster) -> ReportSource:
    """Trace the incident's account or domain into its thread (verdict, buttons, checklist)."""

    async def report(record: IncidentRecord, ts: str) -> None:
        resource, thread = record.resource, Place(record.channel, ts)
        spec = TraceSpec(check_kind=CheckKind(resource.scope.value), check_value=resource.id)
        try:
            await run_trace(deps, poster, spec, thread, INCIDENT_ACTOR, fresh=True)
        except QbxError as exc:  # the incident goes out without its checklist; the thread says why
            _log.warning("incident_checklist_failed", incident=record.incident_id, error=str(exc))
            note = f":warning: The {resource.scope} checklist could not run: {escape(str(exc))}"
            await poster.post(thread, notice_message(note))

    return report


def slack_side(deps: SlackDeps, client: AsyncWebClient) -> SlackSide:
    """The Slack poster and the checklist reporter, on the process's listener dependencies (its
    store keeps the button contexts)."""
    return SlackSide(SlackIncidentPoster(client), checklist_reporter(deps, Poster(client)))


def build_watcher(
    settings: Settings,
    *,
    api: QboxmailApi,
    store: Store,
    poster: IncidentPoster,
    report: ReportSource | None = None,
    clock: WallClock,
    rules: tuple[Rule, ...] | None = None,
) -> IncidentWatcher:
    return IncidentWatcher(
        api=api,
        store=store,
        poster=poster,
        rules=rules if rules is not None else default_rules(settings),
        policy=policy_from_settings(settings),
        clock=clock,
        report=report,
        turn=shared_turn(store, settings.qbx_watch_interval_seconds),
        rate_min_messages=settings.qbx_rule_rate_min_messages,
    )


async def watch_forever(
    check: Callable[[], Awaitable[CheckResult]], interval: float, *, sleep: Sleep = asyncio.sleep,
    turn: Turn = always,
) -> None:  # fmt: skip
    """Every `interval` seconds until cancelled, `check` when it is this process's `turn`; a
    failed check waits for the next."""
    while True:
        try:
            if not await turn():
                _log.info("incident_check_elsewhere")  # another process has this interval's turn
                await sleep(interval)
                continue
            result = await check()
            _log.info("incident_check", observed=result.observed, changes=len(result.changes),
                      failed=len(result.failed))  # fmt: skip
        except Exception as exc:  # the watcher outlives one bad check (API or Redis down)
            _log.warning("incident_check_failed", error=repr(exc))
        await sleep(interval)


@asynccontextmanager
async def checking(watcher: IncidentWatcher, interval: float) -> AsyncIterator[asyncio.Task[None]]:
    """The watcher's periodic check as a task of this process while the block runs; it takes its
    turn with the other processes (turns.py)."""
    task = asyncio.create_task(watch_forever(watcher.check, interval, turn=watcher.my_turn))
    try:
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

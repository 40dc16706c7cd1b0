"""Composition of the incident watcher from settings: Qboxmail client, store, Slack poster, and the
checklist report in each incident's thread (the Slack tracing path, so its buttons work).

`open_watcher(settings)` is what the worker and `qbx incidents check` run; `build_watcher` and
`slack_side` let the demo and the tests put in a simulator clock or a console poster.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Final

from slack_sdk.web.async_client import AsyncWebClient

from bot.clocks import WallClock
from bot.errors import ConfigError, QbxError
from bot.incidents.engine import CheckResult, IncidentWatcher, policy_from_settings
from bot.incidents.lifecycle import IncidentRecord
from bot.incidents.ports import IncidentPoster
from bot.incidents.publisher import ReportSource
from bot.incidents.rules import Rule, default_rules
from bot.incidents.slack_poster import SlackIncidentPoster
from bot.incidents.turns import Turn, always, shared_turn
from bot.ledger.book import Ledger
from bot.logs import get_logger
from bot.qboxmail.reads import QboxmailApi
from bot.recognition.grammar import CheckKind
from bot.render.blocks import notice_message
from bot.render.mrkdwn import escape
from bot.runtime.services import build_trace_service, open_qboxmail, utcnow
from bot.settings import Settings
from bot.slack.client import build_web_client
from bot.slack.ports import LogPdfSource, SlackDeps
from bot.slack.poster import Place, Poster
from bot.slack.tracing import TraceSpec, run_trace
from bot.store import Store, open_store

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


def slack_side(
    settings: Settings,
    client: AsyncWebClient,
    *,
    api: QboxmailApi,
    simulated: bool,
    store: Store,
    clock: WallClock = utcnow,
) -> SlackSide:
    """The Slack poster and the checklist reporter, sharing the server's store (button contexts)."""
    from bot.runtime.bolt import slack_deps  # the Bolt side: imported only when Slack is wired

    if not isinstance(api, LogPdfSource):
        raise ConfigError("the Qboxmail client cannot download Email log PDFs")
    ledger = Ledger(store, clock=time.time)
    tracer = build_trace_service(settings, api, simulated, ledger=ledger, clock=clock)
    deps = slack_deps(settings, tracer=tracer, store=store, pdfs=api, clock=time.monotonic)
    return SlackSide(SlackIncidentPoster(client), checklist_reporter(deps, Poster(client)))


def build_watcher(
    settings: Settings,
    *,
    api: QboxmailApi,
    store: Store,
    poster: IncidentPoster,
    report: ReportSource | None = None,
    clock: WallClock = utcnow,
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


def bot_token(settings: Settings) -> str:
    if settings.slack_bot_token is None:
        raise ConfigError("incident posts need SLACK_BOT_TOKEN (xoxb-...) and the bot invited "
                          "to QBX_INCIDENT_CHANNEL; see the README.")  # fmt: skip
    return settings.slack_bot_token.get_secret_value()


@asynccontextmanager
async def open_watcher(
    settings: Settings, *, clock: WallClock = utcnow
) -> AsyncIterator[IncidentWatcher]:
    """The watcher of the configured Qboxmail account, posting to the configured Slack channel."""
    policy_from_settings(settings)  # fail at start-up without QBX_INCIDENT_CHANNEL
    token = bot_token(settings)
    async with AsyncExitStack() as stack:
        store = open_store(redis_url=settings.redis_url, prefix=settings.qbx_redis_prefix,
                           clock=time.time)  # fmt: skip
        stack.push_async_callback(store.aclose)
        api, simulated = await stack.enter_async_context(open_qboxmail(settings))
        client = build_web_client(token=token, base_url=str(settings.slack_api_url))
        side = slack_side(settings, client, api=api, simulated=simulated, store=store, clock=clock)
        yield build_watcher(settings, api=api, store=store, poster=side.poster,
                            report=side.report, clock=clock)  # fmt: skip


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

"""The Slack Web API stand-in (tests/slack/standin.py), composed with a channel history.

Every chat.postMessage that succeeds is kept with its metadata; conversations.history answers
from that (newest first, `oldest`, `limit` + cursor paging, metadata only when
`include_all_metadata` is set), as Slack does. Everything else is the stand-in's own answer.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.incidents.demo import RampOnly
from bot.incidents.engine import IncidentWatcher
from bot.incidents.rules import Rule, Thresholds, declarations, load_rules
from bot.incidents.wiring import build_watcher, slack_side
from bot.qboxmail.client import QboxmailClient
from bot.runtime.bolt import slack_deps
from bot.runtime.services import build_trace_service
from bot.settings import Settings
from bot.simulator import SimClock
from bot.slack.client import build_web_client
from bot.store import Store
from tests.slack import standin
from tests.slack.standin import ERROR_CHANNELS, Call, StandIn

TRUE = {"1", "true", "True"}


@dataclass
class HistoryStandIn(StandIn):
    """The stand-in plus what each channel holds: {channel: [message, ...]} oldest first."""

    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def parents(self, channel: str) -> list[Call]:
        return [
            c for c in self.named("chat.postMessage")
            if c.args.get("channel") == channel and not c.args.get("thread_ts")
        ]  # fmt: skip

    def in_thread(self, ts: str) -> list[Call]:
        threaded = ("chat.postMessage", "files.completeUploadExternal")
        return [c for c in self.calls if c.method in threaded and c.args.get("thread_ts") == ts]

    def uploads(self) -> list[Call]:
        return [c for c in self.calls if c.method == "upload"]


def _keep(stand: HistoryStandIn, args: dict[str, Any], answer: dict[str, Any]) -> None:
    message = {
        "type": "message",
        "ts": answer["ts"],
        "text": args.get("text"),
        "bot_id": standin.BOT_ID,
        **({"thread_ts": args["thread_ts"]} if args.get("thread_ts") else {}),
        **({"metadata": args["metadata"]} if args.get("metadata") else {}),
    }
    stand.history.setdefault(str(args["channel"]), []).append(message)


def _history(stand: HistoryStandIn, args: dict[str, Any]) -> dict[str, Any]:
    channel = str(args.get("channel") or "")
    if channel in ERROR_CHANNELS:
        return {"ok": False, "error": ERROR_CHANNELS[channel]}
    oldest = float(args.get("oldest") or 0)
    top = [m for m in stand.history.get(channel, []) if not m.get("thread_ts")]
    newest_first = [m for m in reversed(top) if float(m["ts"]) > oldest]
    start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
    page = newest_first[start : start + limit]
    if str(args.get("include_all_metadata")) not in TRUE:
        page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
    more = start + limit < len(newest_first)
    meta = {"next_cursor": str(start + limit) if more else ""}
    return {"ok": True, "messages": page, "has_more": more, "response_metadata": meta}


def _routes(stand: HistoryStandIn) -> list[Route]:
    async def api(request: Request) -> Response:
        method = request.path_params["method"]
        body = await request.body()
        args = await standin._arguments(request, body)
        failed = await standin._injected(stand, method, Call(method, request.method, body, args))
        if failed is not None:  # a failure queued with stand.fail(method, status, ...)
            return failed
        await stand.record(Call(method, request.method, body, args))
        if method == "conversations.history":
            return JSONResponse(_history(stand, args))
        answer = standin._answer(stand, method, args)
        if method == "chat.postMessage" and answer.get("ok"):
            _keep(stand, args, answer)
        return JSONResponse(answer)

    return [Route("/api/{method}", api, methods=["GET", "POST"]), *standin._routes(stand)]


@contextlib.asynccontextmanager
async def running_history_standin() -> AsyncIterator[HistoryStandIn]:
    """A fresh stand-in with channel history on 127.0.0.1:0."""
    stand = HistoryStandIn()
    async with standin.serving(Starlette(routes=_routes(stand))) as base:
        stand.base_url = base
        yield stand


def metadata_of(call: Call) -> dict[str, Any]:
    raw = call.args.get("metadata") or {}
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def bounce_rule() -> tuple[Rule, ...]:
    """The bounce-rate row of the real rule table, narrowed to domains (rules are data)."""
    rows = declarations(Thresholds.from_settings(Settings(_env_file=None)))
    return load_rules([{**r, "watches": ["domain"]} for r in rows if r["id"] == "bounce_rate"])


async def _no_wait(seconds: float) -> None:
    return None


def ramp_watcher(
    settings: Settings, api: QboxmailClient, slack_url: str, store: Store, clock: SimClock,
    rules: tuple[Rule, ...],
) -> IncidentWatcher:  # fmt: skip
    """What a worker builds at start-up (its Slack client, the checklist's listener deps, the
    watcher), over the simulator's ramp domain and on `clock`."""
    client = build_web_client(token="xoxb-test-token-000", base_url=f"{slack_url}/api/",
                              sleep=_no_wait)  # fmt: skip
    tracer = build_trace_service(settings, api, True, clock=clock.now)
    deps = slack_deps(settings, tracer=tracer, store=store, pdfs=api, clock=time.monotonic)
    side = slack_side(deps, client)
    return build_watcher(settings, api=RampOnly(api), store=store, poster=side.poster,
                         report=side.report, clock=clock.now, rules=rules)  # fmt: skip

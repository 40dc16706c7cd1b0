"""A loopback stand-in for Slack's Web API: a real HTTP server on port 0 that records every call.

Shared files (`files`) are described by files.info and served at /files/{id} to a bot token.
Special inputs: channel `C_NOT_IN` answers `not_in_channel`, `C_NOT_FOUND` `channel_not_found`,
`C_BROKEN` `internal_error`; `C_RATE` answers its first call of each method with 429 and
`Retry-After: 1`; `C_NOREACT` refuses reactions (missing_scope). `fail(method, 503, 429, ...)`
makes the next calls of a Web API method (or "response_url") answer those HTTP statuses in
turn (429 with `Retry-After: 1`); failed calls are recorded with their status. `auth.test`
sends `scopes` (when set) in its `x-oauth-scopes` header, and `conversations.info` says
is_member false for channels in `not_member`. Tests wait on recorded calls with `wait_for`
(bounded, no fixed sleeps).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT_USER = "UQBXBOT"
BOT_ID = "BQBXBOT"
TEAM = "T0TEAM"
ERROR_CHANNELS = {
    "C_NOT_IN": "not_in_channel",
    "C_NOT_FOUND": "channel_not_found",
    "C_BROKEN": "internal_error",
}
RATE_CHANNEL = "C_RATE"
NO_REACTIONS_CHANNEL = "C_NOREACT"  # reactions.* answer missing_scope there


@dataclass
class Call:
    """One request the stand-in received: method name, full raw body, parsed arguments."""

    method: str
    http_method: str
    body: bytes
    args: dict[str, Any]
    status: int = 200
    answer: dict[str, Any] = field(default_factory=dict)  # what the stand-in replied (its ts)

    @property
    def blocks(self) -> list[dict[str, Any]]:
        raw = self.args.get("blocks") or []
        return json.loads(raw) if isinstance(raw, str) else list(raw)

    @property
    def text(self) -> str:
        return str(self.args.get("text") or "")


@dataclass
class StandIn:
    base_url: str = ""
    calls: list[Call] = field(default_factory=list)
    threads: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # id -> (name, content)
    scopes: tuple[str, ...] | None = None  # granted scopes auth.test reports, if any
    not_member: set[str] = field(default_factory=set)
    _ts: int = 0
    _rated: set[str] = field(default_factory=set)
    _failures: dict[str, list[int]] = field(default_factory=dict)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def fail(self, method: str, *statuses: int) -> None:
        """Answer the next calls of `method` with these HTTP statuses, one each, in order."""
        self._failures.setdefault(method, []).extend(statuses)

    def failure_for(self, method: str) -> int | None:
        queued = self._failures.get(method)
        return queued.pop(0) if queued else None

    def named(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.status == 200]

    async def wait_for(
        self, predicate: Callable[[list[Call]], bool], within: float = 15.0
    ) -> list[Call]:
        """Wait until `predicate(calls)` holds; fail after `within` s (a bound, not a delay)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self.calls)), within)
        return self.calls

    async def record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def next_ts(self) -> str:
        self._ts += 1
        return f"1800000000.{self._ts:06d}"


async def _arguments(request: Request, body: bytes) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query_params)
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json") and body:
        args.update(json.loads(body))
    elif kind.startswith("application/x-www-form-urlencoded"):
        args.update(parse_qsl(body.decode()))
    return args


def _answer(stand: StandIn, method: str, args: dict[str, Any]) -> dict[str, Any]:
    channel = str(args.get("channel") or args.get("channel_id") or "")
    if channel in ERROR_CHANNELS:
        return {"ok": False, "error": ERROR_CHANNELS[channel]}
    handler = _METHODS.get(method)
    if handler is None:
        return {"ok": False, "error": "unknown_method"}
    return handler(stand, args)


def _post(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    ts = stand.next_ts()
    message = {"ts": ts, "text": args.get("text"), "thread_ts": args.get("thread_ts")}
    return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}


def _update(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}


def _ephemeral(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "message_ts": stand.next_ts()}


def _replies(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    key = (str(args.get("channel")), str(args.get("ts")))
    if key not in stand.threads:
        return {"ok": False, "error": "thread_not_found"}
    return {"ok": True, "messages": stand.threads[key], "has_more": False}


def _history(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    key = (str(args.get("channel")), str(args.get("latest")))
    return {"ok": True, "messages": stand.threads.get(key, [])[:1], "has_more": False}


def _auth(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": TEAM, "user": "qbx"}


def _info(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    channel = str(args.get("channel"))
    return {"ok": True, "channel": {"id": channel, "is_member": channel not in stand.not_member}}


def _upload_url(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    file_id = f"F{stand.next_ts().replace('.', '')}"
    return {"ok": True, "file_id": file_id, "upload_url": f"{stand.base_url}/upload/{file_id}"}


def _complete(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    files = json.loads(args.get("files") or "[]")
    return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}


def _file_info(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    file_id = str(args.get("file"))
    if file_id not in stand.files:
        return {"ok": False, "error": "file_not_found"}
    name, content = stand.files[file_id]
    url = f"{stand.base_url}/files/{file_id}"
    return {"ok": True, "file": {"id": file_id, "name": name, "size": len(content),
                                 "url_private_download": url}}  # fmt: skip


def _view(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    """views.open / views.publish: the view back with an id, as Slack answers."""
    raw = args.get("view") or {}
    view = json.loads(raw) if isinstance(raw, str) else dict(raw)
    return {"ok": True, "view": {**view, "id": f"V{stand.next_ts()}"}}


def _views_open(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    if not args.get("trigger_id"):
        return {"ok": False, "error": "invalid_trigger_id"}
    view = args.get("view")
    view = json.loads(view) if isinstance(view, str) else view
    return {"ok": True, "view": {**(view or {}), "id": f"V{stand.next_ts().replace('.', '')}"}}


def _permalink(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    channel, ts = str(args.get("channel")), str(args.get("message_ts")).replace(".", "")
    link = f"https://team.slack.example/archives/{channel}/p{ts}"
    return {"ok": True, "channel": channel, "permalink": link}


def _react(stand: StandIn, args: dict[str, Any]) -> dict[str, Any]:
    if args.get("channel") == NO_REACTIONS_CHANNEL:
        return {"ok": False, "error": "missing_scope"}
    return {"ok": True}


_METHODS: dict[str, Callable[[StandIn, dict[str, Any]], dict[str, Any]]] = {
    "views.publish": _view,
    "chat.postMessage": _post,
    "chat.update": _update,
    "chat.postEphemeral": _ephemeral,
    "conversations.replies": _replies,
    "conversations.history": _history,
    "auth.test": _auth,
    "conversations.info": _info,
    "files.getUploadURLExternal": _upload_url,
    "files.completeUploadExternal": _complete,
    "files.info": _file_info,
    "views.open": _views_open,
    "chat.getPermalink": _permalink,
    "reactions.add": _react,
    "reactions.remove": _react,
}


async def _injected(stand: StandIn, method: str, call: Call) -> Response | None:
    """The failure `fail` queued for `method`, recorded; None when the call should succeed."""
    status = stand.failure_for(method)
    if status is None:
        return None
    call.status = status
    await stand.record(call)
    headers = {"Retry-After": "1"} if status == 429 else None
    error = "ratelimited" if status == 429 else "fatal_error"
    return JSONResponse({"ok": False, "error": error}, status, headers)


def _routes(stand: StandIn) -> list[Route]:
    async def api(request: Request) -> Response:
        method = request.path_params["method"]
        body = await request.body()
        args = await _arguments(request, body)
        if str(args.get("channel") or "") == RATE_CHANNEL and method not in stand._rated:
            stand._rated.add(method)
            await stand.record(Call(method, request.method, body, args, status=429))
            return JSONResponse({"ok": False, "error": "ratelimited"}, 429, {"Retry-After": "1"})
        failed = await _injected(stand, method, Call(method, request.method, body, args))
        if failed is not None:
            return failed
        answer = _answer(stand, method, args)
        await stand.record(Call(method, request.method, body, args, answer=answer))
        scopes = stand.scopes if method == "auth.test" else None
        return JSONResponse(
            answer, headers={"x-oauth-scopes": ",".join(scopes)} if scopes else None
        )

    async def upload(request: Request) -> Response:
        body = await request.body()
        await stand.record(Call("upload", "POST", body, {"file_id": request.path_params["fid"]}))
        return Response("OK - " + str(len(body)))

    async def file(request: Request) -> Response:
        file_id = request.path_params["fid"]
        auth = request.headers.get("authorization", "")
        await stand.record(Call("file_download", "GET", b"", {"file": file_id, "auth": auth}))
        if not auth.startswith("Bearer xoxb-") or file_id not in stand.files:
            return Response("not found", 404)
        return Response(stand.files[file_id][1], media_type="message/rfc822")

    async def respond(request: Request) -> Response:
        body = await request.body()
        args = json.loads(body or b"{}")
        failed = await _injected(stand, "response_url", Call("response_url", "POST", body, args))
        if failed is not None:
            return failed
        await stand.record(Call("response_url", "POST", body, args))
        return JSONResponse({"ok": True})

    return [
        Route("/api/{method}", api, methods=["GET", "POST"]),
        Route("/upload/{fid}", upload, methods=["POST"]),
        Route("/respond/{rid}", respond, methods=["POST"]),
        Route("/files/{fid}", file, methods=["GET"]),
    ]


@contextlib.asynccontextmanager
async def running_standin() -> AsyncIterator[StandIn]:
    """Serve a fresh stand-in on 127.0.0.1:0 for the duration of the block."""
    stand = StandIn()
    app = Starlette(routes=_routes(stand))
    async with serving(app) as base:
        stand.base_url = base
        yield stand


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """Run an ASGI app under uvicorn on an ephemeral loopback port; yield its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.005)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task

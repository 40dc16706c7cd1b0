"""The one seam between qbx and the Qboxmail APIs: allow-list, auth headers, retries, logging
and call recording (bot.qboxmail.recording: each call counted in the run's CallLog, if any).

Every request is checked against contract.ENDPOINTS before any network I/O. Idempotent
requests are retried by bot.qboxmail.retry; Send calls never are. Each attempt has a total
deadline (connect + read, at most the retry budget left), so a response that drips a byte at a
time cannot outlive it, and each route may hold at most half the connection pool, so one slow
route cannot starve the others. Logs carry method, path,
status, attempt and elapsed time, never headers, query values or bodies.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

import httpx

from bot.clocks import WallClock
from bot.errors import (
    ApiAuthError,
    ApiDecodeError,
    ApiTimeout,
    ApiUnreachable,
    PathNotAllowed,
    QboxmailError,
)
from bot.logs import get_logger
from bot.qboxmail.contract import (
    MANAGEMENT_TOKEN_HEADER,
    SEND_AUTH_HEADER,
    Api,
    Endpoint,
    match_endpoint,
)
from bot.qboxmail.recording import recorded
from bot.qboxmail.responses import CallInfo, error_for
from bot.qboxmail.retry import RetryBackoff, Timing, run_with_retries

log = get_logger("bot.qboxmail")

JSON_TYPE = "application/json"
USER_AGENT = "qbx/0.1 (+https://github.com/qbx)"
MAX_RESPONSE_BYTES = 20 * 1024 * 1024  # a Log PDF is a few MB; nothing qbx reads is larger
MIN_ATTEMPT_TIMEOUT = 0.1  # a retry with almost no budget left still gets this long
_HEADER_SAFE = re.compile(r"^[\x21-\x7e]+$")  # visible ASCII: never echoed back by h11 errors


def header_safe(token: str) -> bool:
    return bool(_HEADER_SAFE.match(token))


@dataclass(frozen=True)
class Timeouts:
    connect: float
    read: float

    def deadline(self, left: float | None) -> float:
        """The whole attempt's limit: connect + read, at most `left` (the budget unspent)."""
        whole = self.connect + self.read
        return whole if left is None else min(whole, max(left, MIN_ATTEMPT_TIMEOUT))

    def capped(self, left: float | None) -> httpx.Timeout:
        """httpx timeouts, each at most `left` seconds (the retry budget still unspent)."""
        cap = max(left, MIN_ATTEMPT_TIMEOUT) if left is not None else float("inf")
        read = min(self.read, cap)
        return httpx.Timeout(connect=min(self.connect, cap), read=read, write=read, pool=read)


@dataclass(frozen=True)
class Call:
    """One request as the client asks for it."""

    api: Api
    method: str
    path: str
    params: dict[str, str] | None = None
    json: Any = None
    token: str | None = None  # the Send API bearer token (per call)
    client_ip: str | None = None
    accept: str = JSON_TYPE


class Requester:
    """Sends allow-listed requests through one pooled httpx.AsyncClient."""

    def __init__(
        self,
        *,
        bases: dict[Api, str],
        management_token: str,
        timeouts: Timeouts,
        backoff: RetryBackoff,
        timing: Timing,
        wall_clock: WallClock,
        max_connections: int,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._bases = {api: base_url(base) for api, base in bases.items()}
        if not header_safe(management_token):
            raise ValueError(
                "the Management API token is empty or has characters a header cannot carry"
            )
        self._token = management_token
        self._timeouts = timeouts
        self._backoff = backoff
        self._timing = timing
        self._wall_clock = wall_clock
        self._route_limit = max(1, max_connections // 2)
        self._route_slots: dict[str, asyncio.Semaphore] = {}
        self._http = httpx.AsyncClient(
            timeout=timeouts.capped(None),
            limits=httpx.Limits(
                max_connections=max_connections,
                max_keepalive_connections=max_connections,
                keepalive_expiry=15.0,
            ),
            transport=transport,
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(self, call: Call) -> httpx.Response:
        """The 2xx response to `call`, or a bot.errors.QboxmailError; recorded as one call."""
        endpoint = allowed(call)
        return await recorded(lambda: self._send(call, endpoint))

    async def _send(self, call: Call, endpoint: Endpoint) -> httpx.Response:
        if call.token and not header_safe(call.token):
            raise ApiAuthError(
                "the Send API token has characters an HTTP header cannot carry",
                method=call.method,
                path=call.path,
            )
        if not endpoint.idempotent:
            return await self._attempt(call, endpoint, 0, None)

        async def attempt(retry: int, left: float) -> httpx.Response:
            return await self._attempt(call, endpoint, retry, left)

        return await run_with_retries(attempt, self._backoff, self._timing)

    async def _read_capped(self, streamed: httpx.Response, call: Call) -> httpx.Response:
        """The streamed answer read whole, unless it is over MAX_RESPONSE_BYTES (then refused)."""
        body = bytearray()
        try:
            async for chunk in streamed.aiter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise ApiDecodeError(
                        f"the answer is over {MAX_RESPONSE_BYTES // (1024 * 1024)} MB",
                        method=call.method,
                        path=call.path,
                    )
        finally:
            await streamed.aclose()
        return httpx.Response(
            streamed.status_code,
            headers=_without_encoding(streamed.headers),
            content=bytes(body),
            request=streamed.request,
        )

    def _slot(self, endpoint: Endpoint) -> asyncio.Semaphore:
        """The route's share of the pool (created on first use)."""
        slot = self._route_slots.get(endpoint.name)
        if slot is None:
            slot = self._route_slots[endpoint.name] = asyncio.Semaphore(self._route_limit)
        return slot

    def _headers(self, call: Call) -> dict[str, str]:
        headers = {"Accept": call.accept, "User-Agent": USER_AGENT}
        if call.api is Api.MANAGEMENT:
            headers[MANAGEMENT_TOKEN_HEADER] = self._token
        elif call.token:  # no token: send none (the API answers 401 missing_token)
            headers[SEND_AUTH_HEADER] = f"Bearer {call.token}"
        if call.client_ip:
            headers["X-Forwarded-For"] = call.client_ip
        return headers

    def _info(self, call: Call) -> CallInfo:
        secrets = tuple(s for s in (self._token, call.token) if s)
        return CallInfo(call.api, call.method, call.path, secrets)

    async def _attempt(
        self, call: Call, endpoint: Endpoint, retry: int, left: float | None
    ) -> httpx.Response:
        started = self._timing.clock()
        status: int | None = None
        outcome = "unexpected"
        try:
            response = await self._bounded(call, endpoint, left)
            status = response.status_code
            if status >= 300:
                raise error_for(response, self._info(call), self._wall_clock())
            outcome = "ok"
            return response
        except QboxmailError as error:
            outcome = type(error).__name__
            raise
        finally:
            log.debug(
                "qboxmail.request",
                api=call.api.value,
                endpoint=endpoint.name,
                method=call.method,
                path=call.path,
                status=status,
                attempt=retry + 1,
                outcome=outcome,
                elapsed_ms=round((self._timing.clock() - started) * 1000, 1),
            )

    async def _bounded(self, call: Call, endpoint: Endpoint, left: float | None) -> httpx.Response:
        """One exchange within its deadline, waiting for a slot of its route inside it."""
        limit = self._timeouts.deadline(left)
        try:
            async with asyncio.timeout(limit), self._slot(endpoint):
                return await self._exchange(call, left)
        except TimeoutError as exc:
            raise ApiTimeout(
                f"no complete answer within {limit:g} s (slow, stalled or dripping response)",
                method=call.method,
                path=call.path,
            ) from exc

    async def _exchange(self, call: Call, left: float | None) -> httpx.Response:
        info = self._info(call)
        try:
            request = self._http.build_request(
                call.method,
                self._bases[call.api] + call.path,
                params=call.params,
                json=call.json,
                headers=self._headers(call),
                timeout=self._timeouts.capped(left),
            )
            return await self._read_capped(await self._http.send(request, stream=True), call)
        except httpx.TimeoutException as exc:
            raise ApiTimeout(
                info.scrub(f"timed out ({type(exc).__name__})"), method=call.method, path=call.path
            ) from exc
        except httpx.DecodingError as exc:
            raise ApiDecodeError(
                info.scrub(f"the body could not be decoded ({exc})"),
                method=call.method,
                path=call.path,
            ) from exc
        except httpx.RequestError as exc:  # transport failures (and redirect loops, never followed)
            raise ApiUnreachable(
                info.scrub(f"could not reach Qboxmail ({type(exc).__name__}: {exc})"),
                method=call.method,
                path=call.path,
            ) from exc


def _without_encoding(headers: httpx.Headers) -> list[tuple[str, str]]:
    dropped = ("content-encoding", "content-length", "transfer-encoding")
    return [(k, v) for k, v in headers.multi_items() if k.lower() not in dropped]


def allowed(call: Call) -> Endpoint:
    """The allow-listed endpoint for `call`; anything else is refused before the network."""
    endpoint = match_endpoint(call.api, call.method, call.path)
    if endpoint is None:
        raise PathNotAllowed(
            f"{call.method} {call.path} is not on the {call.api.value} API allow-list",
            method=call.method,
            path=call.path,
        )
    return endpoint


def base_url(url: str) -> str:
    """An http(s) base URL without its trailing slash; anything else is a configuration bug."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"not an http(s) base URL: {url!r} ({exc})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"not an http(s) base URL: {url!r}")
    return str(parsed).rstrip("/")

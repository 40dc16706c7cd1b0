"""The Redis Store (redis.asyncio), shared by every replica; atomic with SET NX, Lua and pipelines.

Key names and TTLs come from bot.store.keys. Connection failures raise StoreUnavailable.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any, cast

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.clocks import EpochClock
from bot.diagnostics.report import Report
from bot.errors import StoreError, StoreUnavailable
from bot.logs import get_logger
from bot.store import keys as k
from bot.store.base import (
    AuditEntry,
    CachedReport,
    FlightFailed,
    IndexedRecord,
    JsonValue,
    RateDecision,
    Work,
    utc,
)
from bot.store.scripts import (
    END_FLIGHT_LUA,
    PUT_RECORDS_LUA,
    RATE_LUA,
    RELEASE_LUA,
    RENEW_LUA,
)

log = get_logger(__name__)
Sleep = Callable[[float], Awaitable[None]]


@contextmanager
def redis_errors() -> Iterator[None]:
    """Turn redis-py's errors into the store's: unreachable -> StoreUnavailable."""
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
        raise StoreUnavailable(f"Redis is unreachable: {exc}") from exc
    except RedisError as exc:
        raise StoreError(f"Redis failed: {exc}") from exc


def connect(url: str, *, timeout: float = 2.0) -> aioredis.Redis:
    """A client that gives up quickly, so an outage costs callers little time."""
    client: aioredis.Redis = aioredis.Redis.from_url(
        url, decode_responses=True, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    return client


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class RedisStore:
    """Store on Redis; every replica pointing at the same server and prefix shares it."""

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        prefix: str = "qbx:",
        clock: EpochClock,
        token: Callable[[], str] = lambda: secrets.token_urlsafe(k.CONTEXT_KEY_BYTES),
        sleep: Sleep = asyncio.sleep,
        flight_lease: float = k.FLIGHT_LEASE_SECONDS,
    ) -> None:
        self.keys = k.Keys(prefix)
        self._lease = flight_lease
        self._r = client
        self._clock = clock
        self._token = token
        self._sleep = sleep

    @classmethod
    def from_url(cls, url: str, *, prefix: str, clock: EpochClock) -> RedisStore:
        return cls(connect(url), prefix=prefix, clock=clock)

    async def _do(self, command: Awaitable[Any]) -> Any:
        with redis_errors():
            return await command

    async def _eval(self, script: str, keys: Sequence[str], *args: object) -> Any:
        command = self._r.eval(script, len(keys), *keys, *(str(arg) for arg in args))
        return await self._do(cast(Awaitable[Any], command))

    async def ttl(self, key: str) -> float | None:
        """Seconds `key` has left (PTTL); None when it is missing or never expires."""
        ms = await self._do(self._r.pttl(key))
        return None if ms < 0 else ms / 1000

    async def ping(self) -> bool:
        try:
            return bool(await self._do(self._r.ping()))
        except StoreError:
            return False

    async def claim_event(self, event_id: str) -> bool:
        return await self._set_nx(self.keys.event(event_id), "1", k.EVENT_TTL)

    async def claim(self, key: str, ttl_seconds: float) -> bool:
        return await self._set_nx(self.keys.claim(key), "1", ttl_seconds)

    async def _set_nx(self, key: str, value: str, ttl_seconds: float) -> bool:
        return bool(await self._do(self._r.set(key, value, nx=True, px=_ms(ttl_seconds))))

    # --- single flight --------------------------------------------------------------------
    async def single_flight(self, key: str, work: Work, *, ttl_seconds: float) -> str:
        """The runner holds the lock on a short lease its heartbeat renews (for at most
        `ttl_seconds`): a runner that dies frees its flight within one lease."""
        lock, lease = self.keys.flight_lock(key), min(self._lease, ttl_seconds)
        while True:
            token = self._token()
            if await self._set_nx(lock, token, lease):
                heartbeat = asyncio.create_task(self._renew(lock, token, lease, ttl_seconds))
                try:
                    return await self._lead(key, token, work)
                finally:
                    heartbeat.cancel()
                    await asyncio.gather(heartbeat, return_exceptions=True)
            holder = await self._do(self._r.get(lock))
            if holder is None:
                continue
            outcome = await self._follow(key, holder)
            if outcome is not None:
                return outcome

    async def _renew(self, lock: str, token: str, lease: float, longest: float) -> None:
        """Every third of a lease, extend the lock while it is ours, for `longest` s at most."""
        for _ in range(max(1, int(longest // (lease / 3)))):
            await asyncio.sleep(lease / 3)
            try:
                if not await self._eval(RENEW_LUA, [lock], token, _ms(lease)):
                    return  # no longer ours: a waiter has taken over
            except StoreError:
                log.warning("store.flight_not_renewed", key=lock)

    async def _lead(self, key: str, token: str, work: Work) -> str:
        try:
            value = await work()
        except asyncio.CancelledError:
            await self._end_flight(key, token, "")
            raise
        except Exception as exc:  # the runner re-raises; its waiters learn why
            await self._end_flight(key, token, f"0{type(exc).__name__}: {exc}")
            raise
        await self._end_flight(key, token, f"1{value}")
        return value

    async def _end_flight(self, key: str, token: str, outcome: str) -> None:
        names = [self.keys.flight_lock(key), self.keys.flight_result(key, token)]
        args = [token, outcome, _ms(k.FLIGHT_RESULT_TTL)]
        try:
            await self._eval(END_FLIGHT_LUA, names, *args)
        except StoreUnavailable:  # the runner keeps its result; waiters take over at expiry
            log.warning("store.flight_unpublished", key=key)

    async def _follow(self, key: str, token: str) -> str | None:
        """Wait for flight `token`'s result; None when its runner vanished without one."""
        delay = k.FLIGHT_POLL_SECONDS
        while True:
            async with self._r.pipeline(transaction=False) as pipe:
                pipe.get(self.keys.flight_result(key, token))
                pipe.get(self.keys.flight_lock(key))
                result, holder = await self._do(pipe.execute())
            if result is not None:
                return _flight_value(result)
            if holder != token:
                return None
            await self._sleep(delay)
            delay = min(delay * 2, k.FLIGHT_POLL_MAX_SECONDS)

    # --- reports, contexts, state ---------------------------------------------------------
    async def put_report(self, target_key: str, report: Report, ttl_seconds: float) -> None:
        value = f"{self._clock()!r}\n{report.to_json()}"
        await self._do(self._r.set(self.keys.report(target_key), value, px=_ms(ttl_seconds)))

    async def get_report(self, target_key: str) -> CachedReport | None:
        value = await self._do(self._r.get(self.keys.report(target_key)))
        if value is None:
            return None
        at, text = value.split("\n", 1)
        return CachedReport(report=Report.from_json(text), stored_at=utc(float(at)))

    async def put_context(self, value: JsonValue) -> str:
        key = self._token()
        await self._do(self._r.set(self.keys.context(key), json.dumps(value), ex=k.CONTEXT_TTL))
        return key

    async def get_context(self, key: str) -> JsonValue | None:
        return await self._get_json(self.keys.context(key))

    async def get_json(self, key: str) -> JsonValue | None:
        return await self._get_json(self.keys.json(key))

    async def _get_json(self, key: str) -> JsonValue | None:
        text = await self._do(self._r.get(key))
        return None if text is None else json.loads(text)

    async def put_json(self, key: str, value: JsonValue, ttl_seconds: float | None) -> None:
        px = None if ttl_seconds is None else _ms(ttl_seconds)
        await self._do(self._r.set(self.keys.json(key), json.dumps(value), px=px))

    # --- acknowledged work not yet answered (one hash, shared by every replica) ----------
    async def pending_put(self, item_id: str, value: JsonValue) -> None:
        await self._do(
            cast(Awaitable[int], self._r.hset(self.keys.pending, item_id, json.dumps(value)))
        )

    async def pending_drop(self, item_id: str) -> None:
        await self._do(cast(Awaitable[int], self._r.hdel(self.keys.pending, item_id)))

    async def pending_all(self) -> dict[str, JsonValue]:
        found = await self._do(cast(Awaitable[dict[str, str]], self._r.hgetall(self.keys.pending)))
        return {item: json.loads(text) for item, text in found.items()}

    @asynccontextmanager
    async def lock(self, name: str, ttl_seconds: float) -> AsyncIterator[bool]:
        key, token = self.keys.lock(name), self._token()
        acquired = await self._set_nx(key, token, ttl_seconds)
        try:
            yield acquired
        finally:
            if acquired:
                await self._release(key, token)

    async def _release(self, key: str, token: str) -> None:
        try:
            await self._eval(RELEASE_LUA, [key], token)
        except StoreUnavailable:  # the lock's TTL frees it
            log.warning("store.lock_unreleased", key=key)

    # --- limits and audit -----------------------------------------------------------------
    async def hit_rate_limit(self, user_id: str, limit_per_minute: int) -> RateDecision:
        now = self._clock()
        member = f"{now!r}:{self._token()}"
        args = (now, k.RATE_WINDOW, limit_per_minute, member)
        counted, wait = await self._eval(RATE_LUA, [self.keys.rate(user_id)], *args)
        return RateDecision(bool(counted), float(wait))

    async def audit(self, entry: AuditEntry) -> None:
        fields = entry.fields()
        fields["at"] = fields["at"] or utc(self._clock()).isoformat()
        stream = self.keys.audit
        await self._do(self._r.xadd(stream, fields, maxlen=k.AUDIT_MAXLEN, approximate=True))  # type: ignore[arg-type]

    async def recent_audit(self, n: int) -> list[AuditEntry]:
        if n < 1:
            return []
        rows = await self._do(self._r.xrevrange(self.keys.audit, count=n))
        return [AuditEntry.from_fields(fields) for _id, fields in rows]

    # --- ledger ---------------------------------------------------------------------------
    async def put_records(self, records: Sequence[IndexedRecord], ttl_seconds: float) -> None:
        names: list[str] = []
        args: list[object] = [_ms(ttl_seconds), self._clock() - ttl_seconds]
        for record in records:
            names.append(self.keys.ledger_record(record.record_id))
            names += [self.keys.ledger_index(index, value) for index, value in record.index]
            args += [record.record_id, record.body, record.score, len(record.index)]
        if records:
            await self._eval(PUT_RECORDS_LUA, names, *args)

    async def find_records(self, index: str, value: str, limit: int) -> list[str]:
        key = self.keys.ledger_index(index, value)
        ids = await self._do(self._r.zrevrange(key, 0, limit - 1))
        if not ids:
            return []
        bodies = await self._do(self._r.mget([self.keys.ledger_record(i) for i in ids]))
        return [body for body in bodies if body is not None]

    async def aclose(self) -> None:
        await self._r.aclose()


def _flight_value(result: str) -> str:
    if result.startswith("1"):
        return result[1:]
    raise FlightFailed(result[1:])

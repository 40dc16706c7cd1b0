"""Every key name and TTL qbx keeps in Redis, in one place (as arq's constants.py does).

All names start with the settings' prefix (QBX_REDIS_PREFIX, "qbx:" by default); the memory
store uses the same names so both stores behave alike.
"""

from __future__ import annotations

from typing import Final

MINUTE: Final = 60
HOUR: Final = 60 * MINUTE
DAY: Final = 24 * HOUR

EVENT_TTL: Final = HOUR  # Slack retries arrive within ~5 min; an hour is ample (slack-platform 8)
CONTEXT_TTL: Final = 7 * DAY  # button context behind opaque keys
CONTEXT_KEY_BYTES: Final = 12  # -> 16 URL-safe characters
RATE_WINDOW: Final = MINUTE  # per-user trace limit: a sliding one-minute window
FLIGHT_LEASE_SECONDS: Final = 10.0  # a runner's lock lives this long unless its heartbeat renews it
FLIGHT_RESULT_TTL: Final = MINUTE  # how long waiters may still collect a finished flight
FLIGHT_POLL_SECONDS: Final = 0.02  # first poll interval of a Redis single-flight waiter
FLIGHT_POLL_MAX_SECONDS: Final = 0.25
AUDIT_MAXLEN: Final = 10_000  # approximate (XADD MAXLEN ~)
LEDGER_TTL: Final = 30 * DAY  # as long as TraceMail's history (contract.TRACEMAIL_HISTORY_DAYS)
LEDGER_LOOKUP_LIMIT: Final = 50  # newest records returned by one lookup
WEBHOOK_SEEN_TTL: Final = 10 * MINUTE  # a handled signed request is remembered twice its window
WEBHOOK_HANDLING_SECONDS: Final = 60.0  # a request being handled holds its signature this long
OPEN_INCIDENTS: Final = "incidents:open"  # {incident key: opened at} of every open incident
OPEN_INCIDENTS_TTL: Final = None  # none, like an open incident's record: entries leave on resolve
OPEN_INCIDENTS_LOCK_SECONDS: Final = 10.0  # one add or removal holds the index this long at most


def webhook_seen(endpoint: str, signature: str) -> str:
    """The JSON key (and lock name) remembering one signed request to a webhook endpoint."""
    return f"webhook:{endpoint}:{signature}"


class Keys:
    """Key names under one prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def event(self, event_id: str) -> str:
        return f"{self.prefix}event:{event_id}"

    def claim(self, key: str) -> str:
        return f"{self.prefix}claim:{key}"

    def flight_lock(self, key: str) -> str:
        return f"{self.prefix}flight:lock:{key}"

    def flight_result(self, key: str, token: str) -> str:
        return f"{self.prefix}flight:result:{key}:{token}"

    def report(self, target_key: str) -> str:
        return f"{self.prefix}report:{target_key}"

    def context(self, key: str) -> str:
        return f"{self.prefix}ctx:{key}"

    def rate(self, user_id: str) -> str:
        return f"{self.prefix}rate:{user_id}"

    @property
    def audit(self) -> str:
        return f"{self.prefix}audit"

    def json(self, key: str) -> str:
        return f"{self.prefix}state:{key}"

    @property
    def pending(self) -> str:
        """A hash: acknowledged Slack work not yet answered (bot.slack.journal)."""
        return f"{self.prefix}pending"

    def lock(self, name: str) -> str:
        return f"{self.prefix}lock:{name}"

    def ledger_record(self, record_id: str) -> str:
        return f"{self.prefix}ledger:rec:{record_id}"

    def ledger_index(self, index: str, value: str) -> str:
        return f"{self.prefix}ledger:idx:{index}:{value}"

    @property
    def job_queue(self) -> str:
        """arq's queue (a sorted set); arq adds ':health-check' for the worker's health key."""
        return f"{self.prefix}jobs"

    def job_id(self, unique: str) -> str:
        """arq keeps jobs under arq:job:<id>; the prefix in the id keeps them ours."""
        return f"{self.prefix}{unique}"

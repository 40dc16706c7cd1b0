"""Delivery TraceMail: mailouts (documented filters only), counters, accounts, domains, days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.qboxmail.contract import (
    MAILOUTS_DEFAULT_PER,
    MAILOUTS_MAX_PER,
    TRACEMAIL_HISTORY_DAYS,
    Collection,
    ErrorCategory,
    MailoutStatus,
)
from bot.simulator.call import Call, Handler
from bot.simulator.mailout import KEYS, PROTOCOLS
from bot.simulator.responses import Resources, invalid, pagination
from bot.simulator.stats import (
    counters_json,
    daily_statistics,
    dashboard,
    tracemail_accounts,
    tracemail_domains,
)
from bot.simulator.tracemail_store import ALL_KEYS, Selection

HISTORY = timedelta(days=TRACEMAIL_HISTORY_DAYS)


def window(call: Call) -> tuple[float, float]:
    """The inclusive [lo, hi] epoch window: the date filters within 30 days of history, to now."""
    first, last = call.params.day("start_date"), call.params.day("end_date")
    if first is not None and last is not None and last < first:
        raise invalid("end_date", "must be on or after start_date")
    lo = (call.now - HISTORY).timestamp()
    hi = call.ts
    if first is not None:
        lo = max(lo, _midnight(first))
    if last is not None:
        hi = min(hi, _midnight(last) + 86399.999999)
    return lo, hi


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def _account_filter(call: Call) -> frozenset[int] | None:
    value = call.params.text("account")
    if value is None:
        return None
    if value.isdigit():
        return frozenset((int(value),))
    return frozenset(a.id for a in call.sim.world.accounts if a.spec.username == value)


def selection(call: Call, keys: frozenset[int] = ALL_KEYS) -> Selection:
    p = call.params
    accounts, domain = _account_filter(call), p.lower("domain")
    streams = tuple(
        s
        for s in call.sim.world.streams
        if (accounts is None or s.spec.account_id in accounts)
        and (domain is None or s.spec.domain == domain)
    )
    lo, hi = window(call)
    protocol = p.choice("auth_protocol", PROTOCOLS)
    if protocol is not None:
        keys = frozenset(k for k in keys if KEYS[k][3] == protocol)
    return Selection(
        streams, accounts, domain, lo, hi, keys, p.lower("to"), p.lower("from"), p.lower("subject")
    )


def _state_keys(call: Call) -> frozenset[int]:
    p = call.params
    collection = p.choice("collection", [c.value for c in Collection]) or Collection.WORKED.value
    status = p.choice("status", [s.value for s in MailoutStatus])
    category = p.choice("error_category", [c.value for c in ErrorCategory])
    return frozenset(
        i
        for i, (c, s, cat, _) in enumerate(KEYS)
        if c == collection and status in (None, s) and category in (None, cat)
    )


async def mailouts(call: Call) -> Resources:
    per = call.params.integer("per", MAILOUTS_DEFAULT_PER, high=MAILOUTS_MAX_PER)
    page = call.params.integer("page", 1)
    sel = selection(call, _state_keys(call))
    tracemail = call.sim.tracemail
    total, refs = tracemail.page(sel, call.ts, (page - 1) * per, per)
    items = [tracemail.render(ref, call.ts) for ref in refs]
    return Resources(items, pagination(total, page, per))


async def counters(call: Call) -> Resources:
    totals = call.sim.tracemail.key_counts(selection(call), call.ts)
    return Resources([counters_json(totals, as_text=True)])


async def accounts(call: Call) -> Resources:
    return tracemail_accounts(call, window(call))


async def domains(call: Call) -> Resources:
    return tracemail_domains(call, window(call), _account_filter(call))


async def days(call: Call) -> Resources:
    return daily_statistics(call, selection(call))


async def delivery_dashboard(call: Call) -> Resources:
    return dashboard(call)


HANDLERS: dict[str, Handler] = {
    "mailouts": mailouts,
    "counters": counters,
    "tracemail_accounts": accounts,
    "tracemail_domains": domains,
    "daily_statistics": days,
    "dashboard": delivery_dashboard,
}

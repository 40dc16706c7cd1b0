"""TraceMail aggregates: counters, per-account and per-domain totals, daily series, dashboard."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.qboxmail.contract import MANAGEMENT_DEFAULT_PER, RATE_CRITICAL_ABOVE, AccountStatus
from bot.qboxmail.models import Dashboard, DashboardAlert, MonthTotal
from bot.simulator.call import Call
from bot.simulator.mailout import KEYS
from bot.simulator.randomness import rng_for
from bot.simulator.responses import Resources, model_json, pagination
from bot.simulator.tracemail_store import Selection

_COUNTER_OF = {"delivered": "delivered", "suppressed": "suppressed", "bounce": "bounce"}


def counters(totals: list[int]) -> dict[str, int]:
    out = dict.fromkeys(("all", "delivered", "suppressed", "bounce", "queued", "errors"), 0)
    out |= {"authErrors": 0, "limitsErrors": 0, "genericErrors": 0}
    for (collection, status, category, _), n in zip(KEYS, totals, strict=True):
        out["all"] += n
        if collection == "worked" and status is not None:
            out[_COUNTER_OF[status]] += n
        elif collection == "queued":
            out["queued"] += n
        elif category is not None:
            out["errors"] += n
            out[f"{category}Errors"] += n
    return out


def counters_json(
    totals: list[int], *, as_text: bool = False, extra: dict[str, Any] | None = None
) -> bytes:
    """Counter fields (after `extra`); the documented counters endpoint types them as strings."""
    values: dict[str, Any] = counters(totals)
    if as_text:
        values = {k: str(v) for k, v in values.items()}
    return json.dumps({**(extra or {}), **values}).encode()


def _select(
    call: Call,
    window: tuple[float, float],
    accounts: frozenset[int] | None,
    domain: str | None = None,
) -> Selection:
    streams = tuple(
        s
        for s in call.sim.world.streams
        if (accounts is None or s.spec.account_id in accounts)
        and (domain is None or s.spec.domain == domain)
    )
    return Selection(streams, accounts, domain, window[0], window[1])


def _paged(call: Call, items: list[bytes]) -> Resources:
    per = call.params.integer("per", MANAGEMENT_DEFAULT_PER, high=100)
    page = call.params.integer("page", 1)
    start = (page - 1) * per
    return Resources(items[start : start + per], pagination(len(items), page, per))


def tracemail_accounts(call: Call, window: tuple[float, float]) -> Resources:
    items = []
    for a in call.sim.world.accounts:
        totals = call.sim.tracemail.key_counts(_select(call, window, frozenset((a.id,))), call.ts)
        fields = {
            "id": a.id,
            "username": a.spec.username,
            "description": a.spec.description,
            "type": a.spec.type.value,
            "status": int(a.spec.status),
            "status_detail": a.spec.status_detail.value,
        }
        items.append(counters_json(totals, extra=fields))
    return _paged(call, items)


def tracemail_domains(
    call: Call, window: tuple[float, float], accounts: frozenset[int] | None
) -> Resources:
    items = []
    for d in call.sim.world.domains:
        if accounts is not None and not accounts & set(d.spec.accounts):
            continue
        totals = call.sim.tracemail.key_counts(_select(call, window, None, d.name), call.ts)
        fields = {"code": d.spec.code, "name": d.name, "account_ids": list(d.spec.accounts)}
        items.append(counters_json(totals, extra=fields))
    return _paged(call, items)


def daily_statistics(call: Call, sel: Selection) -> Resources:
    """One item per day of the window, oldest first."""
    items = []
    day = datetime.fromtimestamp(sel.lo, UTC).date()
    last = datetime.fromtimestamp(sel.hi, UTC).date()
    while sel.lo <= sel.hi and day <= last:
        start = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
        one = replace(sel, lo=max(sel.lo, start), hi=min(sel.hi, start + 86399.999999))
        items.append(
            counters_json(
                call.sim.tracemail.key_counts(one, call.ts), extra={"date": day.isoformat()}
            )
        )
        day += timedelta(days=1)
    return Resources(items, pagination(len(items), 1, max(1, len(items))))


def _rate(totals: dict[str, int], field: str) -> float:
    return round(100.0 * totals[field] / totals["all"], 2) if totals["all"] else 0.0


def _alerts(call: Call) -> list[DashboardAlert]:
    week = ((call.now - timedelta(days=7)).timestamp(), call.ts)
    alerts = []
    for a in call.sim.world.accounts:
        name = f"{a.spec.description} ({a.id})"
        if a.spec.status != AccountStatus.ENABLED:
            text = f"Account {name} is {a.spec.status.name.lower()}: {a.spec.status_detail.value}"
            alerts.append(DashboardAlert(level="warning", text=text))
        if a.spec.messages_sent >= a.spec.plan_num_messages + a.spec.extra_messages:
            alerts.append(
                DashboardAlert(level="critical", text=f"Account {name} has no quota left")
            )
        totals = counters(
            call.sim.tracemail.key_counts(_select(call, week, frozenset((a.id,))), call.ts)
        )
        for field, label in (("bounce", "Bounce"), ("suppressed", "Suppressed")):
            rate = _rate(totals, field)
            if rate > RATE_CRITICAL_ABOVE:
                text = f"{label} rate of account {name} is {rate:.2f}% over the last 7 days"
                alerts.append(DashboardAlert(level="critical", text=text))
    return alerts


def dashboard(call: Call) -> Resources:
    month_start = call.now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    tracemail, ts = call.sim.tracemail, call.ts
    month = counters(tracemail.key_counts(_select(call, (month_start.timestamp(), ts), None), ts))
    last30 = counters(
        tracemail.key_counts(
            _select(call, ((call.now - timedelta(days=30)).timestamp(), ts), None), ts
        )
    )
    rng = rng_for(call.sim.world.seed, "months", month_start.date().isoformat())
    daily = sum(s.spec.daily_volume for s in call.sim.world.streams)
    previous, cursor = [], month_start
    for _ in range(5):
        cursor = (cursor - timedelta(days=1)).replace(day=1)
        previous.append(
            MonthTotal(
                month=cursor.strftime("%Y-%m"), total=int(daily * 30 * rng.uniform(0.8, 1.1))
            )
        )
    specs = [a.spec for a in call.sim.world.accounts]
    used = sum(s.messages_sent + call.sim.live.sent.get(s.id, 0) for s in specs)
    plan = sum(s.plan_num_messages + s.extra_messages for s in specs)
    model = Dashboard(
        month_total=month["all"],
        previous_months=previous,
        bounce_rate=_rate(last30, "bounce"),
        suppressed_rate=_rate(last30, "suppressed"),
        plan_usage_percent=round(100.0 * used / plan, 2),
        alerts=_alerts(call),
    )
    return Resources([model_json(model)])

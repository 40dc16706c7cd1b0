"""Checks on an account's or domain's health: status, quota, dashboard alerts, rate bands."""

from __future__ import annotations

from bot.diagnostics.checks.base import Outcome, check, failed, passed, unknown, warned
from bot.diagnostics.facts.delivery import DASHBOARD, DOMAIN_ACCOUNTS_FACT, STATS, Stats
from bot.diagnostics.factstore import Known
from bot.diagnostics.report import Evidence
from bot.diagnostics.sources import source
from bot.qboxmail.contract import AccountStatus, Band, rate_band
from bot.qboxmail.models import Counters


@check
def domain_accounts_enabled(known: Known) -> Outcome:
    accounts = known[DOMAIN_ACCOUNTS_FACT]
    if not accounts:
        return unknown(
            "No account is assigned to this domain.",
            remedy="Assign the domain to the Delivery account that should send for it.",
        )
    evidence = tuple(
        Evidence(
            f"account {a.id}",
            f"status {a.status}, {a.remaining_total} left",
            source("delivery_account", id=a.id),
        )
        for a in accounts
    )
    inactive = [a for a in accounts if a.status != AccountStatus.ENABLED]
    if len(inactive) == len(accounts):
        return failed("Every account of this domain is disabled.", *evidence, finding="inactive")
    if all(a.remaining_total <= 0 for a in accounts if a not in inactive):
        return failed("The domain's accounts have no quota left.", *evidence, finding="quota")
    return passed(f"{len(accounts) - len(inactive)} enabled account(s) can send for it.", *evidence)


@check
def no_dashboard_alerts(known: Known) -> Outcome:
    dashboard = known[DASHBOARD]
    where = source("dashboard")
    alerts = [a for a in dashboard.alerts if a.level in ("warning", "critical", "error")]
    usage = Evidence("plan usage", f"{dashboard.plan_usage_percent:.0f} %", where)
    if not alerts:
        return passed("The Delivery dashboard shows no warning.", usage)
    texts = tuple(Evidence(f"alert ({a.level})", a.text, where) for a in alerts)
    return warned(
        f"{len(alerts)} dashboard alert(s): {alerts[0].text}", usage, *texts, finding="alerts"
    )


def _total(stats: Stats) -> Counters:
    fields = ("all", "delivered", "suppressed", "bounce", "queued", "errors")
    return Counters(**{f: sum(getattr(d, f) for d in stats.days) for f in fields})


def _rate_outcome(stats: Stats | None, what: str, percent_of: str) -> Outcome:
    if stats is None:
        return unknown(f"No {what} statistics: the account or domain is not known.")
    total = _total(stats)
    percent = total.rate(getattr(total, percent_of))
    band = rate_band(percent)
    evidence = Evidence(
        f"{what} rate, 7 days",
        f"{percent:.2f} % of {total.all} ({band})",
        f"{source('daily_statistics')} ({stats.scope})",
    )
    summary = f"{what.capitalize()} rate {percent:.2f} % over 7 days: {band}."
    if band == Band.CRITICAL:
        return failed(summary, evidence, finding="critical")
    if band == Band.WATCH:
        return warned(summary, evidence, finding="watch")
    return passed(summary, evidence)


@check
def bounce_rate_good(known: Known) -> Outcome:
    return _rate_outcome(known[STATS], "bounce", "bounce")


@check
def suppressed_rate_good(known: Known) -> Outcome:
    return _rate_outcome(known[STATS], "suppressed", "suppressed")

"""Checks on an account's or domain's health: status, quota, dashboard alerts, rate bands."""

from __future__ import annotations

from bot.diagnostics.checks.base import Outcome, check, failed, passed, unknown, warned
from bot.diagnostics.facts.delivery import DASHBOARD, DOMAIN_ACCOUNTS_FACT, STATS, Stats
from bot.diagnostics.facts.inputs import TARGET
from bot.diagnostics.facts.outcomes import SAMPLE
from bot.diagnostics.factstore import Known
from bot.diagnostics.report import Evidence
from bot.diagnostics.sources import source
from bot.qboxmail.contract import AccountStatus, Band, MailoutStatus, rate_band
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
    dashboard, target = known[DASHBOARD], known[TARGET]
    where = source("dashboard")
    serious = [a for a in dashboard.alerts if a.level in ("warning", "critical", "error")]
    alerts = [a for a in serious if _names(a.text, target.value)]
    usage = Evidence("plan usage", f"{dashboard.plan_usage_percent:.0f} %", where)
    others = Evidence(
        "alerts about other accounts or domains", str(len(serious) - len(alerts)), where
    )
    if not alerts:
        return passed(f"The dashboard shows no warning about {target.value}.", usage, others)
    texts = tuple(Evidence(f"alert ({a.level})", a.text, where) for a in alerts)
    return warned(
        f"{len(alerts)} dashboard alert(s): {alerts[0].text}", usage, *texts, finding="alerts"
    )


def _names(text: str, value: str) -> bool:
    """Whether an alert's text is about this account id or domain."""
    if value.isdigit():
        return f"({value})" in text or f"account {value}" in text.lower()
    return value.lower() in text.lower()


def _total(stats: Stats) -> Counters:
    fields = ("all", "delivered", "suppressed", "bounce", "queued", "errors")
    return Counters(**{f: sum(getattr(d, f) for d in stats.days) for f in fields})


def _rate_outcome(
    stats: Stats | None, what: str, percent_of: str, span: str = "over 7 days"
) -> Outcome:
    if stats is None:
        return unknown(f"No {what} statistics: the account or domain is not known.")
    total = _total(stats)
    percent = total.rate(getattr(total, percent_of))
    band = rate_band(percent)
    evidence = Evidence(
        f"{what} rate {span}",
        f"{percent:.2f} % of {total.all} ({band})",
        f"{source('daily_statistics')} ({stats.scope})",
    )
    summary = f"{what.capitalize()} rate {percent:.2f} % {span}: {band}."
    if band == Band.CRITICAL:
        return failed(summary, evidence, finding="critical")
    if band == Band.WATCH:
        return warned(summary, evidence, finding="watch")
    return passed(summary, evidence)


SPIKE_MIN_BOUNCES = 4  # in the newest sample: chance alone stays far below this at 0.5 %
MIN_SAMPLE = 50


@check
def no_bounce_spike_now(known: Known) -> Outcome:
    sample = known[SAMPLE]
    if sample is None:
        return unknown("No recent traffic sample for this target.")
    size = len(sample.entries)
    bounces = sum(1 for e in sample.entries if e.status == MailoutStatus.BOUNCE)
    evidence = Evidence("bounces among the newest messages", f"{bounces} of {size}", sample.source)
    if size < MIN_SAMPLE:
        return passed(
            f"Only {size} recent messages for {sample.scope}: too few to judge.", evidence
        )
    share = 100.0 * bounces / size
    if bounces >= SPIKE_MIN_BOUNCES and rate_band(share) == Band.CRITICAL:
        return failed(f"Bounce spike now: {bounces} of the newest {size} messages bounced "
                      f"({share:.0f} %).", evidence, finding="spike")  # fmt: skip
    return passed(f"{bounces} of the newest {size} messages bounced: no spike.", evidence)


@check
def bounce_rate_good(known: Known) -> Outcome:
    return _rate_outcome(known[STATS], "bounce", "bounce")


@check
def suppressed_rate_good(known: Known) -> Outcome:
    return _rate_outcome(known[STATS], "suppressed", "suppressed")

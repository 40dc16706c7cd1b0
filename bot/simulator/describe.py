"""The world as JSON for people and tests: accounts with tokens, domains, hosting, scenarios."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.qboxmail.contract import LogType
from bot.simulator import catalog, hosting_catalog
from bot.simulator.hosting_catalog import MailboxSpec
from bot.simulator.maillogs import day_logs
from bot.simulator.scenarios import cases
from bot.simulator.state import Simulation


def _accounts(sim: Simulation) -> list[dict[str, Any]]:
    world = sim.world
    return [
        {
            "id": a.id,
            "username": a.spec.username,
            "description": a.spec.description,
            "type": a.spec.type.value,
            "status": a.spec.status.name.lower(),
            "status_detail": a.spec.status_detail.value,
            "allow_nets": list(a.spec.allow_nets),
            "domains": [d.name for d in world.domains_of(a.id)],
            "tokens": [
                {
                    "id": t.spec.id,
                    "label": t.spec.label,
                    "token": t.value,
                    "allow_nets": list(t.spec.allow_nets),
                }
                for t in world.tokens
                if t.spec.account_id == a.id
            ],
        }
        for a in world.accounts
    ]


def _delivery_domains(sim: Simulation) -> list[dict[str, Any]]:
    return [
        {
            "code": d.spec.code,
            "name": d.name,
            "dns_verification_status": d.spec.dns.value,
            "approval_status": d.spec.approval.value,
            "display_status": d.spec.display_status,
            "accounts": list(d.spec.accounts),
        }
        for d in sim.world.domains
    ]


def _samples(sim: Simulation, box: MailboxSpec) -> dict[str, Any]:
    """Yesterday's first incoming message per folder: ids for the message_folder lookup."""
    day = sim.world.anchor.date() - timedelta(days=1)
    entries = day_logs(sim.world.seed, box, day, LogType.INCOMING, sim.world.anchor.date())
    folders: dict[str, Any] = {"date": day.isoformat()}
    for entry in entries:
        folder = getattr(entry, "folder", None)
        if folder and f"{folder.lower()}_message_id" not in folders:
            folders[f"{folder.lower()}_message_id"] = getattr(entry, "message_id", None)
    return folders


def _hosting(sim: Simulation) -> list[dict[str, Any]]:
    return [
        {
            "code": d.code,
            "name": d.name,
            "status": d.status.value,
            "status_detail": d.status_detail.value,
            "mailboxes": [
                {
                    "code": m.code,
                    "email": m.email,
                    "status": m.status.value,
                    "profile": m.profile,
                    "samples": _samples(sim, m),
                }
                for m in hosting_catalog.MAILBOXES
                if m.domain_code == d.code
            ],
        }
        for d in hosting_catalog.HOSTED_DOMAINS
    ]


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


def describe(sim: Simulation) -> dict[str, Any]:
    world = sim.world
    ramp = world.ramp
    return {
        "seed": world.seed,
        "anchor": world.anchor.isoformat(),
        "now": sim.clock.now().isoformat(),
        "focus": sim.scenario,
        "management_token": sim.management_token,
        "accounts": _accounts(sim),
        "delivery_domains": _delivery_domains(sim),
        "hosting_domains": _hosting(sim),
        "recipients": {
            "dead_mailboxes": list(catalog.DEAD_MAILBOXES),
            "full_mailboxes": list(catalog.FULL_MAILBOXES),
            "policy_rejecting_domains": list(catalog.POLICY_REJECTING_DOMAINS),
            "greylisting_domains": list(catalog.GREYLISTING_DOMAINS),
            "suppressed": sorted({s.email for s in world.suppressions if s.active}),
        },
        "ramp": {
            "domain": catalog.RAMP_DOMAIN,
            "account_id": next(
                s.account_id for s in catalog.STREAMS if s.domain == catalog.RAMP_DOMAIN
            ),
            "starts_at": _iso(ramp.start),
            "peak_at": _iso(ramp.peak_at),
            "ends_at": _iso(ramp.end),
            "base_bounce_share": ramp.base,
            "peak_bounce_share": ramp.peak,
        },
        "forbidden": {
            "delivery_account_id": catalog.FOREIGN_ACCOUNT_ID,
            "hosting_domain_code": hosting_catalog.FOREIGN_HOSTED_DOMAIN,
        },
        "scenarios": cases(world, sim.scenario),
    }

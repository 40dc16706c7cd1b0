"""The world as JSON for people and tests: accounts with tokens, domains, hosting, scenarios."""

from __future__ import annotations

from typing import Any

from bot.simulator.state import Simulation


def _accounts(sim: Simulation) -> list[dict[str, Any]]:
    world = sim.world
    out = []
    for a in world.accounts:
        out.append(
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
        )
    return out


def describe(sim: Simulation) -> dict[str, Any]:
    world = sim.world
    return {
        "seed": world.seed,
        "anchor": world.anchor.isoformat(),
        "now": sim.clock.now().isoformat(),
        "scenario": sim.scenario,
        "accounts": _accounts(sim),
        "delivery_domains": [
            {
                "code": d.spec.code,
                "name": d.name,
                "dns_verification_status": d.spec.dns.value,
                "approval_status": d.spec.approval.value,
                "display_status": d.spec.display_status,
                "accounts": list(d.spec.accounts),
            }
            for d in world.domains
        ],
    }

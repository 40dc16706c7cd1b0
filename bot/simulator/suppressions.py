"""The suppression list as it stands now: the world's entries with what edits have changed.

The world is immutable; `PUT .../suppression_lists/edit` records each entry's new `active`
flag in the live state, and every reader (lookups, lists, the Send API's fate) goes through here.
"""

from __future__ import annotations

from dataclasses import replace

from bot.simulator.entities import Suppression
from bot.simulator.state import Simulation


def current(sim: Simulation, entries: tuple[Suppression, ...]) -> tuple[Suppression, ...]:
    overrides = sim.live.suppression_active
    return tuple(
        replace(entry, active=overrides[entry.id]) if entry.id in overrides else entry
        for entry in entries
    )


def entries_for(sim: Simulation, email: str) -> tuple[Suppression, ...]:
    return current(sim, sim.world.suppressions_for(email))


def all_entries(sim: Simulation) -> tuple[Suppression, ...]:
    return current(sim, sim.world.suppressions)


def edit(sim: Simulation, email: str, accounts: tuple[int, ...] | None, active: bool) -> int:
    """Set `active` on the address's entries with exactly that scope (None: every entry).

    Returns how many entries matched; setting the state an entry already has is a no-op.
    """
    matched = [
        entry
        for entry in sim.world.suppressions_for(email)
        if accounts is None or sorted(entry.accounts) == sorted(accounts)
    ]
    for entry in matched:
        sim.live.suppression_active[entry.id] = active
    return len(matched)

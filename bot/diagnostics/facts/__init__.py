"""The fact catalogue: every fact a checklist may name, by name."""

from __future__ import annotations

from typing import Any

from bot.diagnostics.facts import delivery, hosting, inputs, outcomes, tracemail
from bot.diagnostics.factstore import Fact


def _collect(*modules: object) -> dict[str, Fact[Any]]:
    catalogue: dict[str, Fact[Any]] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, Fact):
                catalogue[value.name] = value
    return catalogue


FACTS: dict[str, Fact[Any]] = _collect(inputs, tracemail, outcomes, delivery, hosting)

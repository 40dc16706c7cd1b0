"""Query-parameter reading with the Management API's 422 `Validation failed` answers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from bot.simulator.responses import invalid

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Params:
    """Typed access to a request's query string; unknown parameters are simply never read."""

    def __init__(self, query: Mapping[str, str]) -> None:
        self._q = query

    def text(self, name: str) -> str | None:
        value = self._q.get(name)
        return value.strip() if value is not None and value.strip() != "" else None

    def lower(self, name: str) -> str | None:
        value = self.text(name)
        return value.lower() if value is not None else None

    def integer(self, name: str, default: int, *, low: int = 1, high: int | None = None) -> int:
        value = self.text(name)
        if value is None:
            return default
        if not value.isdigit():
            raise invalid(name, "is not a number")
        number = int(value)
        if number < low:
            raise invalid(name, f"must be greater than or equal to {low}")
        return min(number, high) if high is not None else number

    def optional_int(self, name: str) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        if not value.isdigit():
            raise invalid(name, "is not a number")
        return int(value)

    def day(self, name: str) -> date | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            if not _DATE.match(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise invalid(name, "is not a valid date (YYYY-MM-DD)") from None

    def choice(self, name: str, allowed: Iterable[str]) -> str | None:
        value = self.lower(name)
        options = tuple(allowed)
        if value is not None and value not in options:
            raise invalid(name, f"is not included in the list ({', '.join(options)})")
        return value

    def id_list(self, name: str) -> tuple[int, ...] | None:
        value = self.text(name)
        if value is None:
            return None
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise invalid(name, "must be a comma-separated list of ids")
        return tuple(int(p) for p in parts)

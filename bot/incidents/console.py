"""An IncidentPoster for the terminal: each post printed as it would appear in Slack, the chart
written to a PNG file. For `qbx incidents demo` and `check` when no Slack workspace is set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final, TextIO

from bot.clocks import WallClock
from bot.diagnostics.report import Report
from bot.incidents.lifecycle import IncidentRecord
from bot.incidents.ports import Message
from bot.incidents.publisher import ReportSource
from bot.incidents.render import RESOLVED_EMOJI
from bot.recognition.grammar import CheckKind
from bot.render.text import render_text

LABEL: Final = "SIMULATED"
_DATE_TOKEN = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_ENTITIES: Final = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))
CheckReport = Callable[[CheckKind, str], Any]  # (kind, value) -> awaitable Report


def plain(text: str) -> str:
    """Slack mrkdwn as a terminal shows it: date tokens as their fallback, entities undone."""
    text = _DATE_TOKEN.sub(r"\1", text)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def block_lines(message: Message) -> Iterator[str]:
    for block in message.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            yield from plain(str(text.get("text", ""))).splitlines()
        for item in block.get("fields") or block.get("elements") or []:
            if isinstance(item.get("text"), str):
                yield "  ".join(plain(item["text"]).splitlines())


class ConsolePoster:
    """Prints every incident post, labelled SIMULATED; charts go to `chart_dir`."""

    def __init__(self, out: TextIO, chart_dir: Path, clock: WallClock) -> None:
        self._out = out
        self._chart_dir = chart_dir
        self._clock = clock
        self._parents: dict[str, str] = {}  # parent ts -> incident id
        self._seq = 0
        self.charts: list[Path] = []

    def _ts(self) -> str:
        self._seq += 1
        return f"{self._seq}.000000"

    def _print(self, kind: str, channel: str, message: Message, *, indent: str = "") -> None:
        at = self._clock().strftime("%H:%M")
        head = f"[{LABEL} {at}] {kind:<8} #{channel}: {plain(str(message.get('text', '')))}"
        print(indent + head, file=self._out)
        for line in block_lines(message):
            print(f"{indent}    {line}", file=self._out)

    async def post_parent(self, channel: str, incident_id: str, message: Message) -> str:
        ts = self._ts()
        self._parents[ts] = incident_id
        self._print("OPEN", channel, message)
        return ts

    async def find_parent(self, channel: str, incident_id: str) -> str | None:
        return next((ts for ts, i in self._parents.items() if i == incident_id), None)

    async def update_parent(self, channel: str, ts: str, message: Message) -> None:
        resolved = str(message.get("text", "")).startswith(RESOLVED_EMOJI)
        self._print("RESOLVED" if resolved else "UPDATE", channel, message)

    async def post_thread(self, channel: str, ts: str, message: Message) -> str:
        self._print("THREAD", channel, message, indent="  ")
        return self._ts()

    async def upload_chart(self, channel: str, ts: str, png: bytes, title: str) -> None:
        self._chart_dir.mkdir(parents=True, exist_ok=True)
        path = self._chart_dir / f"incident-chart-{len(self.charts) + 1}.png"
        path.write_bytes(png)
        self.charts.append(path)
        at = self._clock().strftime("%H:%M")
        print(f"  [{LABEL} {at}] CHART    {plain(title)} -> {path}", file=self._out)


def console_reporter(check: CheckReport, out: TextIO) -> ReportSource:
    """The checklist for the incident's account or domain, printed as the terminal renders it."""

    async def report(record: IncidentRecord, ts: str) -> None:
        resource = record.resource
        result: Report = await check(CheckKind(resource.scope.value), resource.id)
        print(f"  [{LABEL}] THREAD   checklist for {resource.scope} {resource.id}:", file=out)
        for line in render_text(result).splitlines():
            print(f"    {line}", file=out)

    return report

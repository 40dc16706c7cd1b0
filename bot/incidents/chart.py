"""The incident chart: delivered, bounced and suppressed over 24 hours and 7 days, as PNG bytes.

Rendered headless with matplotlib's Agg canvas (no pyplot, no display, no global state), at a
fixed size, with the PNG's software/date metadata left out so one input gives one output.
Delivered are bars on the left axis; bounced and suppressed, far fewer, are lines on the right.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.qboxmail.models import Counters

WIDTH_INCHES: Final = 10.0
HEIGHT_INCHES: Final = 3.6
DPI: Final = 100  # -> 1000 x 360 pixels
DELIVERED: Final = "#2e9d4f"  # green
BOUNCED: Final = "#d62f2f"  # red
SUPPRESSED: Final = "#f0a202"  # amber


@dataclass(frozen=True)
class ChartData:
    title: str
    hourly: Sequence[tuple[datetime, Counters | None]]  # 24 buckets; None: not observed yet
    daily: Sequence[tuple[date, Counters]]  # 7 days, oldest first


def render_chart(data: ChartData) -> bytes:
    """The PNG bytes of the two-panel chart."""
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    hours_axes, days_axes = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    hour_labels = [start.strftime("%H:00") for start, _ in data.hourly]
    handles = _panel(
        hours_axes, hour_labels, [c for _, c in data.hourly], "Last 24 hours (UTC), hourly"
    )
    day_labels = [day.strftime("%a %d") for day, _ in data.daily]
    _panel(days_axes, day_labels, [c for _, c in data.daily], "Last 7 days, daily")
    figure.suptitle(data.title, fontsize=11, fontweight="bold", y=0.98)
    figure.legend(handles=handles, loc="upper center", ncol=3, fontsize=8, frameon=False,
                  bbox_to_anchor=(0.5, 0.92))  # fmt: skip
    figure.subplots_adjust(left=0.06, right=0.94, bottom=0.2, top=0.78, wspace=0.45)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _panel(
    axes: Any, labels: list[str], counts: Sequence[Counters | None], title: str
) -> list[Any]:
    """Draw one panel; return its legend handles."""
    positions = list(range(len(labels)))
    delivered = [c.delivered if c else 0 for c in counts]
    bars = axes.bar(positions, delivered, color=DELIVERED, alpha=0.55, label="delivered")
    axes.set_ylabel("delivered", color=DELIVERED, fontsize=8)
    axes.set_title(title, fontsize=9)
    step = 3 if len(labels) > 12 else 1  # every third hour: readable, and fewer glyphs to draw
    axes.set_xticks(positions[::step], labels[::step], fontsize=7)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_ylim(bottom=0)
    problems = axes.twinx()
    known = [i for i, c in enumerate(counts) if c is not None]
    bounced = problems.plot(
        known, [_value(counts[i], "bounce") for i in known], color=BOUNCED, marker="o",
        markersize=3, linewidth=1.8, label="bounced",
    )  # fmt: skip
    suppressed = problems.plot(
        known, [_value(counts[i], "suppressed") for i in known], color=SUPPRESSED,
        marker="s", markersize=3, linewidth=1.8, label="suppressed",
    )  # fmt: skip
    problems.set_ylabel("bounced / suppressed", fontsize=8)
    problems.tick_params(axis="y", labelsize=7)
    problems.set_ylim(bottom=0)
    if not known:
        axes.text(0.5, 0.5, "no data yet", transform=axes.transAxes, ha="center", color="grey")
    return [bars, *bounced, *suppressed]


def _value(counters: Counters | None, name: str) -> int:
    value: int = getattr(counters, name) if counters is not None else 0
    return value

"""The incident chart: a real PNG of the stated size, deterministic, with the data drawn."""

from __future__ import annotations

import io
import struct
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from bot.incidents.chart import DPI, HEIGHT_INCHES, WIDTH_INCHES, ChartData, render_chart
from bot.qboxmail.models import Counters
from tests.incidents.support import counters

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
END = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


def data(bounce_peak: int = 240, known_hours: int = 21) -> ChartData:
    hourly: list[tuple[datetime, Counters | None]] = []
    for i in range(24):
        bounce = 5 + bounce_peak * max(0, i - 15) // 8
        c = counters(all=1000, delivered=1000 - bounce, bounce=bounce, suppressed=8 + i % 4)
        hourly.append((END - timedelta(hours=24 - i), c if i >= 24 - known_hours else None))
    daily = [
        (date(2026, 11, 17) + timedelta(days=d), counters(delivered=22_000, bounce=120 + 150 * d,
                                                          suppressed=200))
        for d in range(7)
    ]  # fmt: skip
    return ChartData("Domain shop.example: delivered, bounced, suppressed", hourly, daily)


def ihdr(png: bytes) -> tuple[int, int]:
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def colours(png: bytes) -> set[tuple[int, ...]]:
    """Every RGB colour in the image (decoded by Pillow, matplotlib's own PNG dependency)."""
    with Image.open(io.BytesIO(png)) as image:
        found = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert found is not None
    return {colour for _, colour in found}


@pytest.fixture(scope="module")
def png() -> bytes:
    return render_chart(data())


def test_chart_is_a_png_of_the_stated_size(png: bytes) -> None:
    assert png.startswith(PNG_SIGNATURE)
    assert ihdr(png) == (int(WIDTH_INCHES * DPI), int(HEIGHT_INCHES * DPI))
    assert 10_000 < len(png) < 200_000  # drawn, and small enough for a Slack upload


def test_chart_draws_the_series_in_their_colours(png: bytes) -> None:
    drawn = colours(png)
    assert (0xD6, 0x2F, 0x2F) in drawn  # bounced red
    assert (0xF0, 0xA2, 0x02) in drawn  # suppressed amber
    assert len(drawn) > 50  # text, bars, anti-aliasing: not a blank canvas


def test_same_data_same_bytes_different_data_different_bytes(png: bytes) -> None:
    assert render_chart(data()) == png
    assert render_chart(data(bounce_peak=20)) != png


def test_chart_with_no_hourly_history_still_renders() -> None:
    png = render_chart(data(known_hours=0))
    assert png.startswith(PNG_SIGNATURE)
    assert ihdr(png) == (int(WIDTH_INCHES * DPI), int(HEIGHT_INCHES * DPI))

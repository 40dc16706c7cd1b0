"""Time recognise() on a typical Slack message and on 1 MB pastes (log lines, one huge line).

Run: uv run python bench/recognise_bench.py   (prints milliseconds; no assertions)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from bot.recognition.ids import recognise

TYPICAL = (
    "hey, customer says &lt;8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example&gt; never reached "
    "<mailto:bob@example.com|bob@example.com> yesterday, request "
    "f43eb659-beb4-4f8a-a737-2d403998f4cf, account 4127"
)
LOG_LINE = (
    "2026-11-20T10:00:01Z INFO sent message_id=8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example "
    "to=bob@example.com from=noreply@shop.example status=202 took=120ms report.pdf v1.2.3\n"
)
MB = 1024 * 1024


def pastes() -> dict[str, str]:
    return {
        "typical message": TYPICAL,
        "1 MB of log lines": (LOG_LINE * (MB // len(LOG_LINE) + 1))[:MB],
        "1 MB single line of words": ("lorem ipsum dolor.sit amet " * (MB // 27 + 1))[:MB],
        "1 MB of 'a.' (domain-ish)": ("a." * (MB // 2))[:MB],
        "1 MB of '{\"' (JSON-ish)": ('{"' * (MB // 2))[:MB],
        "1 MB of '<' and 'a'": ("<" + "a" * 50) * (MB // 51),
        "1 MB of \"{'a': \" (dict-ish)": ("{'a': " * (MB // 6 + 1))[:MB],
        "1 MB of near-miss domains": ("ab.cde1 " * (MB // 8 + 1))[:MB],
        "1 MB of v1 uuids": ("f43eb659-beb4-1f8a-a737-2d403998f4cf " * (MB // 37 + 1))[:MB],
        "1 MB of near-miss addresses": ("x@y.z1 " * (MB // 7 + 1))[:MB],
    }


def best_ms(run: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    today = date(2026, 11, 23)
    for name, text in pastes().items():
        result = recognise(text, today=today)
        ms = best_ms(lambda text=text: recognise(text, today=today))
        print(
            f"{name:30s} {len(text):>9,d} chars  {ms:8.2f} ms  "
            f"targets={len(result.targets)} overflow={len(result.overflow)} "
            f"truncated={result.truncated}"
        )


if __name__ == "__main__":
    main()

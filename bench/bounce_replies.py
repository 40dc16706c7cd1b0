"""Issue 13's reply-reader figures: `decode` on the remote replies of the labelled bounce corpus
(tests/data/bounces, labelled by Sisimai), against Sisimai's reason, qbx's category for that
reason, and Sisimai's hard/soft verdict; then decoding speed.

Prints the figures, a per-reason table and every disagreement with its text, so a reader can
judge who is right. Run: uv run python bench/bounce_replies.py [--quiet]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.diagnostics.smtp import decode
from tests.diagnostics.smtp_corpus import (
    Judged,
    failure_rows,
    figures,
    judge,
    per_reason,
)

TARGETS = "targets: reason >= 85 %, category >= 92 %, undefined <= 4 %, permanent >= 95 %"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quiet", action="store_true", help="figures only, no disagreements")
    args = parser.parse_args()
    judged = judge(failure_rows())
    print_figures(judged)
    print_table(judged)
    if not args.quiet:
        print_disagreements(judged)
    print_speed(judged)


def print_figures(judged: list[Judged]) -> None:
    f = figures(judged)
    print(f"labelled failure rows: {f.rows} (feedback, vacation, onhold, undefined left out)")
    print(f"reason agreement with Sisimai:   {f.reason_agree:6.1%}")
    print(f"category agreement:              {f.category_agree:6.1%}")
    print(f"read as undefined / unexplained: {f.undefined:6.1%}")
    print(f"permanent == hardbounce:         {f.permanent_agree:6.1%} of {f.permanent_rows} rows")
    print(TARGETS)


def print_table(judged: list[Judged]) -> None:
    print(f"\n{'Sisimai reason':16} {'rows':>5} {'agree':>6}")
    for reason, (rows, agreed) in per_reason(judged).items():
        print(f"{reason:16} {rows:5} {agreed / rows:6.0%}")


def print_disagreements(judged: list[Judged]) -> None:
    print("\nDisagreements (Sisimai -> qbx [category, permanent vs hardbounce]; file; text):")
    for j in judged:
        d, row = j.diagnosis, j.row
        marks = [m for m, bad in (("reason", d.reason != row.reason),
                                  ("category", d.category != j.expected_category),
                                  ("permanent", row.hard is not None and d.permanent != row.hard))
                 if bad]  # fmt: skip
        if marks:
            codes = f"{row.code or '-'} {row.enhanced or '-'}"
            print(
                f"- {row.reason} -> {d.reason} [{d.category}, {d.permanent} vs {row.hard}]"
                f" ({', '.join(marks)}) {row.file} {codes}\n    {row.text[:300]!r}"
            )


def print_speed(judged: list[Judged]) -> None:
    """Best of several rounds over the corpus replies, in this process's CPU time (the machine
    is shared: wall time would measure the neighbours)."""
    replies = [(j.row.code, j.row.enhanced, j.row.text) for j in judged]
    rounds, best = 20, float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for code, enhanced, text in replies:
            decode(code, enhanced, text)
        best = min(best, (time.process_time() - start) / len(replies))
    print(
        f"\nspeed: {1 / best:,.0f} replies decoded per second ({best * 1e6:.1f} µs each; "
        f"best of {rounds} rounds over the {len(replies)} corpus replies); target >= 20,000/s"
    )
    longest = "550 5.1.1 " + "user unknown, " * 200
    start = time.process_time()
    for _ in range(200):
        decode(550, None, longest)
    each = (time.process_time() - start) / 200
    print(f"a {len(longest[:2000])}-character reply (the most read): {each * 1e6:.0f} µs")


if __name__ == "__main__":
    main()

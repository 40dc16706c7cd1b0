"""Agreement per verdict code from audit entries (pure)."""

from __future__ import annotations

from bot.feedback import summarise, table, vote_entry, why_entry
from bot.store.base import AuditEntry


def test_agreement_is_counted_per_code_most_judged_first() -> None:
    entries = [
        vote_entry("U1", "bounced", "k1", "C", agree=True),
        vote_entry("U2", "bounced", "k1", "C", agree=False),
        vote_entry("U3", "bounced", "k2", "C", agree=True),
        vote_entry("U1", "deferred", "k3", "C", agree=False),
        why_entry("U1", "deferred", "k3", "C", "  it was\n delivered  " + "x" * 500),
        AuditEntry("U1", "trace", "something", "C"),
    ]
    rows = summarise(entries)
    assert [(r.code, r.up, r.down, round(r.percent)) for r in rows] == [
        ("bounced", 2, 1, 67),
        ("deferred", 0, 1, 0),
    ]
    assert rows[1].reasons[0].startswith("it was delivered x")
    assert len(rows[1].reasons[0]) == 200


def test_no_feedback_says_so() -> None:
    assert table(summarise([AuditEntry("U1", "trace", "x", "C")])) == "(no feedback yet)"

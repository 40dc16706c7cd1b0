"""The doctor's report: one printable line per check, the summary, and `ok` from failures."""

from __future__ import annotations

from bot.doctor.report import Area, Check, DoctorReport, Status
from bot.doctor.run import invalid_settings
from bot.errors import ConfigError


def test_each_check_is_one_line_with_its_mark_and_fix() -> None:
    report = DoctorReport(
        (
            Check(Area.STORE, "worker", Status.OK, "alive", "never shown when ok"),
            Check(Area.SLACK, "scopes", Status.WARN, "no header", "compare by hand"),
            Check(Area.QBOXMAIL, "token", Status.FAIL, "refused\nHTTP 401\x1b[0m", "new token"),
        )
    )
    lines = report.lines()
    assert lines[0] == "✓ store: worker: alive"
    assert lines[1] == "! slack: scopes: no header → compare by hand"
    assert lines[2].startswith("✗ qboxmail: token: refused HTTP 401")
    assert all(line.isprintable() for line in lines)
    assert lines[-1] == "1 ok, 1 to look at, 1 failed"
    assert report.ok is False


def test_warnings_alone_leave_the_report_ok() -> None:
    report = DoctorReport((Check(Area.SLACK, "scopes", Status.WARN, "no header"),))
    assert report.ok is True
    assert report.to_json()["ok"] is True


def test_invalid_settings_are_listed_on_one_line() -> None:
    error = ConfigError("qbx cannot start:\n  - LOG_LEVEL: bad\n  - PORT: too big")
    (check,) = invalid_settings(error).checks
    assert check.detail == "invalid: LOG_LEVEL: bad; PORT: too big"
    assert len(check.line().splitlines()) == 1

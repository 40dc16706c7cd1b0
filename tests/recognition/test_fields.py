"""explain(): what each Management API field must be, from the table or the API's description."""

from __future__ import annotations

import pytest

from bot.recognition.fields import explain

EXPLAINS = [
    ("domain name", "name", "is not valid", "a domain name like example.com"),
    ("email", "email", "is not valid", "a full address like name@example.com"),
    ("allow_nets", "allow_nets", "is invalid", "a list of IP addresses or CIDR ranges"),
    ("status", "status", "is not included in the list", "enabled or disabled"),
    ("date", "date", "is out of range", "a date as YYYY-MM-DD within the last 30 days"),
    ("end_date", "end_date", "bad", "a date as YYYY-MM-DD within the last 30 days"),
    ("per", "per", "must be less than or equal to 100", "a whole number from 1 to 100"),
    ("quota", "quota", "is not valid", "a size in bytes from the plan's fixed set"),
    ("password", "password", "is too weak", "at least 8 characters with at least one letter"),
    ("nested field uses its last part", "messages[0].to", "is invalid", "a full recipient"),
    ("field case ignored", "Email", "bad", "a full address"),
    ("unknown: already exists", "alias", "already exists", "a value not already in use"),
    ("unknown: blank", "alias", "can't be blank", "a value (it is required)"),
    ("unknown: too short", "alias", "is too short (minimum is 3 characters)", "at least 3"),
    ("unknown: number", "alias", "is not a number", "a whole number"),
    ("unknown: at least", "alias", "must be greater than or equal to 5", "a number of at least 5"),
    ("unknown: confirmation", "alias_confirmation", "doesn't match alias", "the same value"),
    ("unknown: nothing to go on", "alias", "???", "a valid value for alias"),
    ("empty field name", "", "is required", "a value (it is required)"),
]


@pytest.mark.parametrize(
    ("field", "description", "expected"), [r[1:] for r in EXPLAINS], ids=[r[0] for r in EXPLAINS]
)
def test_explains_what_the_field_must_be(field: str, description: str, expected: str) -> None:
    assert explain(field, description).expected.startswith(expected)


def test_field_name_and_description_are_bounded_and_sanitised() -> None:
    problem = explain("<script>" + "x" * 500, "y" * 5_000)
    assert problem.field == ("script" + "x" * 500)[:64]
    assert len(problem.description) == 200

"""The shape comparison: what a real item lacks, carries wrongly or adds, read off the models."""

from __future__ import annotations

from typing import Any

import pytest

from bot.doctor.shape import compare, expected_fields
from bot.qboxmail.models import Counters, DeliveryAccount, Mailbox, MailoutEntry

ACCOUNT: dict[str, Any] = {
    "id": 4127, "username": "acme", "description": "", "type": "transactional", "plan": "monthly",
    "status": 0, "status_detail": "ok", "allow_nets": [],
    "domains": [{"code": "DD1", "name": "a.b"}],
    "remaining_messages": 10, "remaining_extra_messages_bought": 0, "messages_sent": 1,
    "plan_num_messages": 11, "ignore_suppression_list": False,
    "created_at": "2026-11-01T00:00:00Z",
}  # fmt: skip


def changed(**fields: Any) -> dict[str, Any]:
    item = dict(ACCOUNT)
    for key, value in fields.items():
        if value is ...:
            del item[key]
        else:
            item[key] = value
    return item


def test_a_complete_item_matches_its_model() -> None:
    shape = compare(DeliveryAccount, [ACCOUNT])
    assert (shape.missing, shape.unexpected_type, shape.unknown_fields) == ((), (), ())


@pytest.mark.parametrize(
    ("item", "missing", "unexpected", "unknown"),
    [
        (changed(status=...), ["status"], [], []),
        (changed(status="enabled"), [], ["status"], []),
        (changed(status=7), [], ["status"], []),  # an integer outside the vocabulary
        (changed(type="marketing"), [], ["type"], []),
        (changed(created_at="yesterday"), [], ["created_at"], []),
        (changed(created_at=1796000000), [], ["created_at"], []),
        (changed(domains=[{"code": "DD1"}]), ["domains[].name"], [], []),
        (changed(state=1), [], [], ["state"]),
        (changed(remaining_messages="12"), [], [], []),  # numbers as strings are documented
        (changed(ignore_suppression_list="false"), [], [], []),
    ],
    ids=[
        "dropped", "int-status-as-text", "status-outside-vocabulary", "type-outside-vocabulary",
        "unreadable-date", "date-as-epoch", "nested-field-missing", "unknown-field",
        "numeric-string", "boolean-string",
    ],
)  # fmt: skip
def test_each_difference_is_named(
    item: dict[str, Any], missing: list[str], unexpected: list[str], unknown: list[str]
) -> None:
    shape = compare(DeliveryAccount, [item])
    assert list(shape.missing) == missing
    assert [u.field for u in shape.unexpected_type] == unexpected
    assert list(shape.unknown_fields) == unknown


def test_a_field_is_missing_only_when_no_item_carries_it() -> None:
    shape = compare(DeliveryAccount, [changed(plan=...), ACCOUNT])
    assert shape.missing == ()


def test_aliases_are_compared_by_their_wire_name() -> None:
    shape = compare(Counters, [{"all": 1, "authErrors": 0}])
    assert "authErrors" not in shape.missing
    assert "auth_errors" not in shape.missing + shape.unknown_fields
    assert "limitsErrors" in shape.missing
    assert "from" in expected_fields(MailoutEntry)


def test_no_items_means_nothing_can_be_called_missing() -> None:
    assert compare(Mailbox, []).missing == ()


def test_data_wrapped_items_are_unwrapped_first() -> None:
    wrapped = {"data": '{"code": "P1", "email": "a@b.example"}'}
    shape = compare(Mailbox, [wrapped])
    assert "email" not in shape.missing
    assert "quota_bytes" in shape.missing


def test_a_value_with_personal_data_is_shown_only_by_its_kind() -> None:
    shape = compare(DeliveryAccount, [changed(status_detail="Call Anna at anna@example.com")])
    (problem,) = shape.unexpected_type
    assert "anna" not in problem.text()
    assert problem.field == "status_detail"


def test_hostile_field_names_are_listed_printable_and_short() -> None:
    shape = compare(DeliveryAccount, [changed(**{"\x1b[31mred": 1, "k" * 500: 2})])
    assert all(name.isprintable() and len(name) < 80 for name in shape.unknown_fields)
    assert len(shape.unknown_fields) == 2

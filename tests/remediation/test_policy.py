"""Who may remediate: nobody when QBX_REMEDIATION_USERS is empty, else only those listed."""

from __future__ import annotations

import pytest

from bot.remediation.policy import NOT_LISTED, OFF, RemediationPolicy


@pytest.mark.parametrize(
    ("users", "user", "refusal"),
    [
        ((), "U1", OFF),
        (("U1",), "U1", None),
        (("U1", "U2"), "U2", None),
        (("U1",), "U3", NOT_LISTED),
        (("U1",), "", NOT_LISTED),
    ],
    ids=["off", "listed", "second-listed", "not-listed", "no-user"],
)
def test_refusal(users: tuple[str, ...], user: str, refusal: str | None) -> None:
    assert RemediationPolicy(frozenset(users)).refusal(user) == refusal


def test_the_feature_is_on_only_with_someone_listed() -> None:
    assert not RemediationPolicy().enabled
    assert RemediationPolicy(frozenset({"U1"})).enabled

"""Who may remediate: the users in QBX_REMEDIATION_USERS (empty: nobody, the feature is off)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

OFF: Final = (
    "Remediation is off: nobody is listed in QBX_REMEDIATION_USERS, so qbx only reads. "
    "Reactivate the address in the Qboxmail panel, or ask an admin to list you."
)
NOT_LISTED: Final = (
    "Only the people listed in QBX_REMEDIATION_USERS may reactivate an address; "
    "nothing was changed. Ask one of them, or an admin to add you."
)


@dataclass(frozen=True)
class RemediationPolicy:
    users: frozenset[str] = frozenset()

    @property
    def enabled(self) -> bool:
        return bool(self.users)

    def refusal(self, user: str) -> str | None:
        """None when `user` may remediate; else what to tell them."""
        if not self.enabled:
            return OFF
        return None if user in self.users else NOT_LISTED

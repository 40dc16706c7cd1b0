"""What a bounce message says: its kind, and per failed recipient the reply that refused it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.diagnostics.smtp import BounceReason, SmtpCategory


class BounceKind(StrEnum):
    BOUNCE = "bounce"  # delivery failed for at least one recipient
    DELAY = "delay"  # delivery is late and still being retried
    AUTO_REPLY = "auto_reply"  # out-of-office and other automatic answers
    FEEDBACK = "feedback"  # an abuse feedback report (ARF) or a complaint notice
    NOT_BOUNCE = "not_bounce"  # ordinary mail


@dataclass(frozen=True)
class Reply:
    """The remote server's reply as the bounce quoted it (text UNTRUSTED: escape it)."""

    code: int | None = None
    enhanced: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class FailedRecipient:
    address: str
    reason: BounceReason
    category: SmtpCategory
    permanent: bool
    summary: str  # qbx's own words: what happened and what to do
    reply: Reply = field(default_factory=Reply)
    remote_host: str | None = None
    temporary: bool = False  # the refusal was temporary (4xx): the sender retried

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "reason": self.reason.value,
            "category": self.category.value,
            "permanent": self.permanent,
            "reply": {
                "code": self.reply.code,
                "enhanced": self.reply.enhanced,
                "text": self.reply.text,
            },
            "remote_host": self.remote_host,
        }


@dataclass(frozen=True)
class BounceReport:
    kind: BounceKind
    recipients: tuple[FailedRecipient, ...] = ()
    original_message_id: str | None = None
    notes: tuple[str, ...] = ()  # what could not be read, in our words (truncated, malformed)

    @property
    def is_bounce(self) -> bool:
        return self.kind is BounceKind.BOUNCE

    def to_dict(self) -> dict[str, Any]:
        return {
            "is_bounce": self.is_bounce,
            "kind": self.kind.value,
            "recipients": [r.to_dict() for r in self.recipients],
            "original_message_id": self.original_message_id,
        }

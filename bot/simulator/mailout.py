"""One TraceMail entry as the simulator keeps it (a story told to one recipient) and its wire JSON.

The entry's collection, status and SMTP reply depend on the clock: a deferred message becomes
delivered or bounced as time moves. `key` numbers the (collection, status, error_category,
auth_protocol) combinations so that filters and counters work on small integers.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.qboxmail.contract import SEND_ERRORS_BY_ID, Collection
from bot.qboxmail.models import MailoutEntry
from bot.simulator import smtp
from bot.simulator.stories import Step, Story

KeyTuple = tuple[str, str | None, str | None, str]  # collection, status, category, protocol
PROTOCOLS = ("api", "smtp")


def _all_keys() -> tuple[KeyTuple, ...]:
    keys: list[KeyTuple] = []
    for protocol in PROTOCOLS:
        keys += [("worked", s, None, protocol) for s in ("delivered", "suppressed", "bounce")]
        keys += [("queued", s, None, protocol) for s in (None, "deferred")]
        keys += [("errors", None, c, protocol) for c in ("auth", "limits", "generic")]
    return tuple(keys)


KEYS: tuple[KeyTuple, ...] = _all_keys()
KEY_INDEX: dict[KeyTuple, int] = {k: i for i, k in enumerate(KEYS)}


def step_key(story: Story, step: Step, protocol: str) -> int:
    category = SEND_ERRORS_BY_ID[story.error].category.value if story.error else None
    status = step.status.value if step.status else None
    return KEY_INDEX[(step.collection.value, status, category, protocol)]


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


@dataclass(frozen=True, slots=True)
class Mailout:
    id: str
    created: float  # epoch seconds
    story: Story
    protocol: str
    account_id: int | None
    account: str | None
    domain: str | None
    from_: str | None
    to: str | None
    subject: str | None
    request_id: str | None
    message_id: str | None
    client_ip: str | None

    def phase_at(self, now: float) -> int:
        """Index of the story step in force at `now` (the first step before it happens)."""
        steps = self.story.steps
        if len(steps) == 1:
            return 0
        offsets = [s.after for s in steps]
        return max(0, bisect.bisect_right(offsets, now - self.created) - 1)

    def key(self, phase: int) -> int:
        return step_key(self.story, self.story.steps[phase], self.protocol)

    def wire(self, phase: int) -> MailoutEntry:
        step = self.story.steps[phase]
        kind = SEND_ERRORS_BY_ID[self.story.error] if self.story.error else None
        reply = smtp.provider_reply(step.reply, self.to or "") if step.reply else None
        mx = smtp.remote_mx(self.to or "") if reply else None
        qid = (self.message_id or self.id).replace("-", "")[:12].upper()
        next_at = step.after + step.next_attempt_in if step.next_attempt_in else None
        return MailoutEntry(
            id=self.id,
            created_at=utc(self.created),
            updated_at=utc(self.created + step.after + (1.5 if reply else 0.0)),
            account_id=self.account_id,
            account=self.account,
            domain=self.domain,
            from_=self.from_,
            to=self.to,
            subject=self.subject,
            auth_protocol=self.protocol,
            collection=step.collection.value,
            status=step.status.value if step.status else None,
            error_category=kind.category.value if kind else None,
            error=kind.error if kind else None,
            http_status=kind.http_status if kind else None,
            request_id=self.request_id,
            message_id=self.message_id if step.collection != Collection.ERRORS else None,
            smtp_code=reply.code if reply else None,
            smtp_enhanced_code=reply.enhanced if reply else None,
            smtp_response=reply.render(to=self.to or "", mx=mx or "", qid=qid) if reply else None,
            remote_mx=mx,
            attempts=step.attempts,
            next_attempt_at=utc(self.created + next_at) if next_at else None,
            suppression_reason=self.story.suppression_reason,
            client_ip=self.client_ip,
        )

    def wire_json(self, phase: int) -> bytes:
        return self.wire(phase).model_dump_json(by_alias=True).encode()

"""What can happen to one recipient of one message, as data: each story is a list of steps.

A step says, some seconds after the message was received, which collection and status its
TraceMail entry shows and what the remote server last replied. Bulk traffic and the Send API
both tell these stories, so an address has the same fate whichever way it is reached.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.qboxmail.contract import SEND_ERRORS, Collection, MailoutStatus
from bot.simulator import smtp

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0


@dataclass(frozen=True)
class Step:
    after: float  # seconds after created_at
    collection: Collection
    status: MailoutStatus | None
    reply: smtp.Reply | None = None
    attempts: int = 0
    next_attempt_in: float | None = None  # seconds after this step


@dataclass(frozen=True)
class Story:
    name: str
    pool: str  # which recipients it happens to (see world.AddressBook)
    steps: tuple[Step, ...]
    error: str | None = None  # Send API error id, for collection=errors
    suppression_reason: str | None = None

    @property
    def final(self) -> Step:
        return self.steps[-1]


W, Q, E = Collection.WORKED, Collection.QUEUED, Collection.ERRORS
S = MailoutStatus


def _delivered(after: float = 2.0, attempts: int = 1) -> Step:
    return Step(after, W, S.DELIVERED, smtp.ACCEPTED, attempts)


QUEUE_LIFETIME = 5 * DAY  # then a deferred message bounces as expired


def _backoff(reply: smtp.Reply, expired: smtp.Reply) -> tuple[Step, ...]:
    """Retries 30 min, 1 h, 2 h, ... apart (doubling) until the queue lifetime, then a bounce."""
    times = [30 * MINUTE * (2**k - 1) for k in range(12)]
    times = [t for t in times if t < QUEUE_LIFETIME]
    ends = [*times[1:], QUEUE_LIFETIME]
    steps = [
        Step(t, Q, S.DEFERRED, reply, n + 1, end - t)
        for n, (t, end) in enumerate(zip(times, ends, strict=True))
    ]
    return (*steps, Step(QUEUE_LIFETIME, W, S.BOUNCE, expired, len(times)))


_BASE: tuple[Story, ...] = (
    Story("delivered", "regular", (Step(0, W, S.DELIVERED, smtp.ACCEPTED, 1),)),
    Story("queued", "regular", (Step(0, Q, None), _delivered(15 * MINUTE))),
    Story("bounce_511", "dead", (Step(0, W, S.BOUNCE, smtp.USER_UNKNOWN, 1),)),
    Story("bounce_522", "full", (Step(0, W, S.BOUNCE, smtp.MAILBOX_FULL, 1),)),
    Story("bounce_571", "policy", (Step(0, W, S.BOUNCE, smtp.POLICY, 1),)),
    Story("deferred_greylist", "greylist", (
        Step(0, Q, S.DEFERRED, smtp.GREYLISTED, 1, 5 * MINUTE),
        _delivered(5 * MINUTE, 2),
    )),
    Story("deferred_421", "regular", (
        Step(0, Q, S.DEFERRED, smtp.TRY_LATER, 1, 10 * MINUTE),
        Step(10 * MINUTE, Q, S.DEFERRED, smtp.TRY_LATER, 2, 20 * MINUTE),
        _delivered(31 * MINUTE, 3),
    )),
    Story("deferred_expired", "full", _backoff(smtp.MAILBOX_FULL_TEMP, smtp.EXPIRED)),
    Story("suppressed_bounce", "suppressed_bounce", (Step(0, W, S.SUPPRESSED),),
          suppression_reason="bounce"),
    Story("suppressed_complaint", "suppressed_complaint", (Step(0, W, S.SUPPRESSED),),
          suppression_reason="complaint"),
)  # fmt: skip
_ERRORS: tuple[Story, ...] = tuple(
    Story(f"error_{kind.error}", "regular", (Step(0, E, None),), error=kind.error)
    for kind in SEND_ERRORS
)
STORIES: tuple[Story, ...] = _BASE + _ERRORS
STORY_INDEX: dict[str, int] = {story.name: i for i, story in enumerate(STORIES)}


def story(name: str) -> Story:
    return STORIES[STORY_INDEX[name]]

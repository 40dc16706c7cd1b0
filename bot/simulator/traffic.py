"""Bulk TraceMail traffic, generated lazily one stream-day at a time, seeded and cached.

A day is kept as columns (times, recipients, stories, protocols) so a busy month costs little;
a `Mailout` is made only when an entry is shown. The cache is shared by every simulator in the
process: the same seed and plan give the same day.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.simulator.catalog import HOUR_WEIGHTS
from bot.simulator.entities import AddressBook, StreamPlan
from bot.simulator.mailout import KEYS, PROTOCOLS, Mailout, step_key
from bot.simulator.randomness import rng_for, uuid4_for
from bot.simulator.stories import STORIES, STORY_INDEX

_CUM_HOURS = tuple(itertools.accumulate(HOUR_WEIGHTS))
_RAMP_BOUNCES = (STORY_INDEX["bounce_511"], STORY_INDEX["bounce_571"])
# [story][protocol] -> (step offsets, step keys)
_STEP_KEYS = tuple(
    tuple(([s.after for s in st.steps], [step_key(st, s, p) for s in st.steps]) for p in PROTOCOLS)
    for st in STORIES
)


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def day_start(day: date) -> float:
    """The UTC midnight that starts `day`, in epoch seconds."""
    return (day.toordinal() - _EPOCH_ORDINAL) * 86400.0


@dataclass
class StreamDay:
    """One stream's entries for one UTC day, oldest first."""

    plan: StreamPlan
    day: date
    seed: int
    times: list[float]
    rcpt: list[int]
    story: list[int]
    proto: bytearray
    final: list[int]  # key of single-step entries, -1 for entries whose state changes
    evolving: list[int]
    _matching: dict[frozenset[int], tuple[list[int], list[float]]] = field(default_factory=dict)
    _settle: tuple[list[float], list[int]] | None = None
    _totals: list[int] | None = None
    start: float = 0.0  # the day's first second (epoch)

    def __post_init__(self) -> None:
        self.start = day_start(self.day)

    _by_rcpt: dict[int, list[int]] | None = None

    def key_at(self, i: int, now: float) -> int:
        key = self.final[i]
        if key >= 0:
            return key
        offsets, keys = _STEP_KEYS[self.story[i]][self.proto[i]]
        return keys[max(0, bisect.bisect_right(offsets, now - self.times[i]) - 1)]

    def final_key(self, i: int) -> int:
        """The key an entry ends with (its current key once its story is over)."""
        key = self.final[i]
        return key if key >= 0 else _STEP_KEYS[self.story[i]][self.proto[i]][1][-1]

    def matching(self, keys: frozenset[int]) -> tuple[list[int], list[float]]:
        """Positions (and their times) of entries whose final key is in `keys`."""
        hit = self._matching.get(keys)
        if hit is None:
            positions = [i for i in range(len(self.times)) if self.final_key(i) in keys]
            hit = (positions, [self.times[i] for i in positions])
            self._matching[keys] = hit
        return hit

    def final_totals(self) -> list[int]:
        """How many entries end in each key."""
        if self._totals is None:
            totals = [0] * len(KEYS)
            for i in range(len(self.times)):
                totals[self.final_key(i)] += 1
            self._totals = totals
        return self._totals

    def closed_within(self, lo: float, hi: float, now: float) -> bool:
        """True when the whole day lies in [lo, hi] and every story in it is over at `now`."""
        start = self.start
        if start < lo or start + 86400.0 > hi:
            return False
        settle_at = self._settle_times()[0]
        return not settle_at or settle_at[-1] <= now

    def _settle_times(self) -> tuple[list[float], list[int]]:
        if self._settle is None:
            order = sorted(
                (self.times[i] + STORIES[self.story[i]].final.after, i) for i in self.evolving
            )
            self._settle = ([t for t, _ in order], [i for _, i in order])
        return self._settle

    def pending(self, now: float) -> list[int]:
        """Entries whose story is not over at `now` (few: the last hour's deferrals, say)."""
        settle_at, positions = self._settle_times()
        return positions[bisect.bisect_right(settle_at, now) :]

    def for_recipient(self, rcpt: int) -> list[int]:
        if self._by_rcpt is None:
            index: dict[int, list[int]] = {}
            for i, r in enumerate(self.rcpt):
                index.setdefault(r, []).append(i)
            self._by_rcpt = index
        return self._by_rcpt.get(rcpt, [])

    def entry_id(self, i: int) -> str:
        return f"{self.plan.no:02d}{self.day.toordinal():06d}{i:05d}"

    def sender(self, i: int) -> str:
        senders = self.plan.spec.senders
        return f"{senders[i % len(senders)]}@{self.plan.spec.domain}"

    def subject(self, i: int) -> str:
        subjects = self.plan.spec.subjects
        n = 10000 + (i * 7919 + self.day.toordinal() * 13) % 90000
        return subjects[(i * 31 + self.day.toordinal()) % len(subjects)].format(n=n)

    def mailout(self, i: int, book: AddressBook) -> Mailout:
        story = STORIES[self.story[i]]
        protocol = PROTOCOLS[self.proto[i]]
        parts = (self.plan.no, self.day.toordinal(), i)
        message_id = f"{uuid4_for(self.seed, 'msg', *parts)}@{self.plan.spec.domain}"
        return Mailout(
            id=self.entry_id(i),
            created=self.times[i],
            story=story,
            protocol=protocol,
            account_id=self.plan.spec.account_id,
            account=self.plan.username,
            domain=self.plan.spec.domain,
            from_=self.sender(i),
            to=book.addresses[self.rcpt[i]],
            subject=self.subject(i),
            request_id=uuid4_for(self.seed, "req", *parts),
            message_id=None if story.error else message_id,
            client_ip=self.plan.api_ip if protocol == "api" else self.plan.smtp_ip,
        )


def _volume(plan: StreamPlan, day: date, jitter: float) -> int:
    factor = 1.0
    if not plan.spec.round_the_clock and day.weekday() >= 5:
        factor = 0.55
    return max(1, int(plan.spec.daily_volume * factor * jitter))


def _times(plan: StreamPlan, day: date, count: int, rand: Callable[[], float]) -> list[float]:
    start = day_start(day)
    if plan.spec.round_the_clock:
        return sorted(round(start + rand() * 86400.0, 3) for _ in range(count))
    total, pick, hours = _CUM_HOURS[-1], bisect.bisect_right, _CUM_HOURS
    out = [round(start + (pick(hours, rand() * total) + rand()) * 3600.0, 3) for _ in range(count)]
    out.sort()
    return out


def generate(seed: int, plan: StreamPlan, book: AddressBook, day: date) -> StreamDay:
    rng = rng_for(seed, "traffic", plan.no, day.isoformat())
    rand = rng.random
    times = _times(plan, day, _volume(plan, day, rng.uniform(0.9, 1.1)), rand)
    normal = _weights(plan.spec.mix)
    after = _weights(plan.spec.after_status) if plan.spec.after_status else normal
    since = plan.status_since if plan.spec.after_status else None
    if since is None and plan.ramp is None:
        names, cum = normal
        top, pick = cum[-1], bisect.bisect_right
        stories = [names[pick(cum, rand() * top)] for _ in times]
        return _columns(seed, plan, book, day, times, stories, rand)
    kept: list[float] = []
    stories = []
    for t in times:
        late = since is not None and t >= since
        if late and rand() > plan.spec.after_volume:
            continue
        if plan.ramp is not None and rand() < plan.ramp.share(t):
            stories.append(_RAMP_BOUNCES[0] if rand() < 0.7 else _RAMP_BOUNCES[1])
        else:
            names, cum = after if late else normal
            stories.append(names[bisect.bisect_right(cum, rand() * cum[-1])])
        kept.append(t)
    return _columns(seed, plan, book, day, kept, stories, rand)


def _weights(mix: tuple[tuple[str, float], ...]) -> tuple[list[int], list[float]]:
    names = [STORY_INDEX[name] for name, _ in mix]
    return names, list(itertools.accumulate(w for _, w in mix))


@dataclass(frozen=True)
class _Cast:
    """Per story, for one account: its recipients, skew, error flag and single-step keys."""

    pool: tuple[int, ...]
    skew: float
    error: bool
    keys: tuple[int, int] | None  # (api, smtp) key when the story has one step


def _casts(book: AddressBook, account: int) -> list[_Cast]:
    out = []
    for s, story in enumerate(STORIES):
        pool = book.pool(story.pool, account) or book.pool("regular", account)
        keys = (_STEP_KEYS[s][0][1][0], _STEP_KEYS[s][1][1][0]) if len(story.steps) == 1 else None
        skew = 1.7 if story.pool == "regular" else 1.0  # a few regulars get most mail
        out.append(_Cast(pool, skew, story.error is not None, keys))
    return out


def _columns(
    seed: int,
    plan: StreamPlan,
    book: AddressBook,
    day: date,
    times: list[float],
    stories: list[int],
    rand: Callable[[], float],
) -> StreamDay:
    casts, api_share = _casts(book, plan.spec.account_id), plan.spec.api_share
    rcpt: list[int] = []
    proto = bytearray()
    final: list[int] = []
    evolving: list[int] = []
    for i, s in enumerate(stories):
        cast = casts[s]
        rcpt.append(cast.pool[int(len(cast.pool) * rand() ** cast.skew)])
        p = 0 if cast.error or rand() < api_share else 1
        proto.append(p)
        if cast.keys is not None:
            final.append(cast.keys[p])
        else:
            final.append(-1)
            evolving.append(i)
    return StreamDay(plan, day, seed, times, rcpt, stories, proto, final, evolving)


_CACHE: dict[tuple[int, str, date], StreamDay] = {}
_CACHE_LIMIT = 4000


def stream_day(seed: int, plan: StreamPlan, book: AddressBook, day: date) -> StreamDay:
    """The cached day (the address book is a function of the seed, so it is not in the key)."""
    key = (seed, plan.key, day)
    hit = _CACHE.get(key)
    if hit is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        hit = _CACHE[key] = generate(seed, plan, book, day)
    return hit


def days_between(first: date, last: date) -> list[date]:
    """Newest first."""
    return [last - timedelta(days=n) for n in range((last - first).days + 1)]

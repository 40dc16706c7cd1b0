"""Recognise what a support engineer gave qbx: ids, codes, addresses, domains, pasted API bodies.

Pure and bounded: reads at most `MAX_CHARS` of any text, never raises on what it reads.

Rules:
- Order: pasted bodies (Send / Management) > message_id > request_id > log id, mailbox code >
  Hosting / Delivery domain code > account id > address > domain; within a rank, order of
  appearance. The first `limit` are traced, the next MAX_OVERFLOW listed in `overflow`.
- Dedupe by `Target.key`; repeats of one id merge their hints.
- Hints: a message_id, request_id or Send body takes the addresses (recipients; `from`/`sender`
  ones as senders) and the account id beside it; a mailbox code or log id takes the addresses
  and the Hosting domain code beside it. "Beside" = on its line, else the nearest within 200
  characters. What became a hint is not traced on its own. Dates are hints for every id,
  address and domain near them and never targets.
- A pasted 202 body yields its message ids as MESSAGE_ID targets (recipient and submitted_at
  date as hints, the body as `pasted`); any other Send body is one SEND_RESPONSE target; a
  Management error body is one MANAGEMENT_ERROR target. Ids inside a body, and a body's
  request_id written elsewhere, are not repeated.
- A text that is only a number (`4127`) is an account id; elsewhere a number needs `account`.
- With `lone_reference=True` (an explicit `trace` argument), a text that is ONE token of
  `[A-Za-z0-9._:/#-]{3,64}` in which nothing else is recognised (`order-1042`, `CMP-2026-11`,
  `user:8812`) is a REFERENCE: the application's own id, looked up in the ledger. Pasted
  messages never turn words into references.
- A free-text domain needs a known TLD (any two letters, common generic ones, .example/.test)
  and must not be a file name, a URL's host, a call, a mail server in a log (`remote_mx=`), or
  the domain of a message_id or address in the same text. `check domain` accepts any name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from bot.recognition.assembly import HintIndex, merge
from bot.recognition.mentions import Mention, find_dates, find_mentions
from bot.recognition.pasted import PastedBody, find_bodies
from bot.recognition.targets import Hints, Recognition, Target, TargetKind
from bot.recognition.text import MAX_CHARS, clean

__all__ = ["MAX_CHARS", "MAX_OVERFLOW", "PRIORITY", "recognise"]

MAX_OVERFLOW: Final = 25
REFERENCE_RE: Final = re.compile(r"[A-Za-z0-9._:/#-]{3,64}")
PRIORITY: Final[dict[TargetKind, int]] = {
    TargetKind.SEND_RESPONSE: 0,
    TargetKind.MANAGEMENT_ERROR: 0,
    TargetKind.MESSAGE_ID: 1,
    TargetKind.REQUEST_ID: 2,
    TargetKind.LOG_ID: 3,
    TargetKind.MAILBOX_CODE: 3,
    TargetKind.HOSTING_DOMAIN_CODE: 4,
    TargetKind.DELIVERY_DOMAIN_CODE: 4,
    TargetKind.ACCOUNT_ID: 5,
    TargetKind.ADDRESS: 6,
    TargetKind.DOMAIN: 7,
    TargetKind.REFERENCE: 8,
}
_HINT_KINDS: Final = frozenset(
    {TargetKind.ADDRESS, TargetKind.ACCOUNT_ID, TargetKind.HOSTING_DOMAIN_CODE}
)
_IDS_FIRST: Final = frozenset(
    {TargetKind.MESSAGE_ID, TargetKind.REQUEST_ID, TargetKind.MAILBOX_CODE, TargetKind.LOG_ID}
)


@dataclass(frozen=True)
class _Placed:
    position: int
    target: Target


def recognise(
    text: str, *, limit: int = 5, today: date | None = None, lone_reference: bool = False
) -> Recognition:
    """Everything traceable in `text`: at most `limit` targets, the rest in `overflow`.

    `today` resolves "today" and "yesterday" into date hints; without it they are ignored.
    `lone_reference`: a lone unrecognised token is the application's own reference.
    """
    cleaned, truncated = clean(text)
    bodies = find_bodies(cleaned)
    mentions = [m for m in find_mentions(cleaned) if not _told_by_body(m, bodies)]
    index = HintIndex(cleaned, mentions, find_dates(cleaned, today))
    placed = [*_from_bodies(bodies, index), *_from_ids(mentions, index)]
    placed += _from_rest(mentions, index, _covered_domains(mentions, bodies))
    ordered = _dedupe(sorted(placed, key=lambda p: (PRIORITY[p.target.kind], p.position)))
    if lone_reference and not ordered and not truncated:
        ordered = _reference(text)
    cut = max(0, limit)
    return Recognition(
        targets=tuple(ordered[:cut]),
        overflow=tuple(ordered[cut : cut + MAX_OVERFLOW]),
        truncated=truncated,
    )


def _reference(text: str) -> list[Target]:
    token = text.strip()
    if REFERENCE_RE.fullmatch(token) is None:
        return []
    return [Target(TargetKind.REFERENCE, token)]


def _told_by_body(mention: Mention, bodies: Sequence[PastedBody]) -> bool:
    """Written inside a pasted body, or the request_id a pasted body already carries."""
    return any(
        b.start <= mention.start < b.end or mention.value == b.response.request_id for b in bodies
    )


def _from_bodies(bodies: Sequence[PastedBody], index: HintIndex) -> Iterator[_Placed]:
    for body in bodies:
        if body.kind is TargetKind.MANAGEMENT_ERROR:
            yield _Placed(body.start, Target(body.kind, _body_value(body), pasted=body.response))
        elif body.messages:
            yield from _accepted_messages(body, index.hints(body.kind, body.start, body.end))
        else:
            around = index.hints(body.kind, body.start, body.end)
            hints = merge(Hints(recipients=body.response.recipients), around)
            yield _Placed(body.start, Target(body.kind, _body_value(body), hints, body.response))


def _accepted_messages(body: PastedBody, around: Hints) -> Iterator[_Placed]:
    """A 202 body: each message id with its own recipient and submission date as hints."""
    for offset, sent in enumerate(body.messages):
        own = Hints(
            recipients=(sent.to,) if sent.to else (),
            dates=(sent.submitted,) if sent.submitted else (),
        )
        target = Target(TargetKind.MESSAGE_ID, sent.message_id, merge(own, around), body.response)
        yield _Placed(body.start + offset, target)


def _body_value(body: PastedBody) -> str:
    response = body.response
    if body.kind is TargetKind.SEND_RESPONSE:
        status = f"HTTP {response.http_status}" if response.http_status else "send response"
        return response.request_id or response.error or status
    words = (str(response.http_status or ""), response.message or "Management API error")
    return " ".join(w for w in words if w)


def _from_ids(mentions: Sequence[Mention], index: HintIndex) -> Iterator[_Placed]:
    """Ids that take hints go first, so what they consume is known before the rest."""
    for mention in mentions:
        if mention.kind in _IDS_FIRST:
            hints = index.hints(mention.kind, mention.start, mention.end)
            yield _Placed(mention.start, Target(mention.kind, mention.value, hints))


def _from_rest(
    mentions: Sequence[Mention], index: HintIndex, covered: frozenset[str]
) -> Iterator[_Placed]:
    for mention in mentions:
        key = f"{mention.kind.value}:{mention.value}"
        if mention.kind in _IDS_FIRST or key in index.consumed:
            continue
        if mention.kind is TargetKind.DOMAIN and mention.value in covered:
            continue
        hints = index.hints(mention.kind, mention.start, mention.end)
        yield _Placed(mention.start, Target(mention.kind, mention.value, hints))


def _covered_domains(mentions: Sequence[Mention], bodies: Sequence[PastedBody]) -> frozenset[str]:
    """Domains already named by a message_id or an address: not traced again as domains."""
    named = [m.value for m in mentions if m.kind in (TargetKind.MESSAGE_ID, TargetKind.ADDRESS)]
    for body in bodies:
        named += [*body.response.message_ids, *body.response.recipients]
    return frozenset(value.rpartition("@")[2].lower() for value in named if "@" in value)


def _dedupe(placed: Sequence[_Placed]) -> list[Target]:
    """One target per key in first-seen order; repeats add their hints and pasted body."""
    by_key: dict[str, Target] = {}
    for item in placed:
        target = item.target
        seen = by_key.get(target.key)
        if seen is None:
            by_key[target.key] = target
        else:
            by_key[target.key] = Target(
                seen.kind, seen.value, merge(seen.hints, target.hints), seen.pasted or target.pasted
            )
    return list(by_key.values())

"""From mentions and pasted bodies to ordered, deduplicated targets with their hints.

Rules (documented in bot/recognition/ids.py): ids take the addresses, account ids and Hosting
domain codes beside them as hints, and those are then not traced on their own; dates are hints only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Final, TypeVar

from bot.recognition.hints import Layout, Spanned, near
from bot.recognition.mentions import DateMention, Mention
from bot.recognition.targets import Hints, TargetKind

_SEND_IDS: Final = frozenset(
    {TargetKind.MESSAGE_ID, TargetKind.REQUEST_ID, TargetKind.SEND_RESPONSE}
)
_HOSTING_IDS: Final = frozenset({TargetKind.MAILBOX_CODE, TargetKind.LOG_ID})
_WITH_ACCOUNT: Final = frozenset({TargetKind.ADDRESS, TargetKind.DOMAIN})
S = TypeVar("S", bound=Spanned)


class HintIndex:
    """The mentions of one text that can be hints, and which of them were used as hints."""

    def __init__(self, text: str, mentions: Sequence[Mention], dates: Sequence[DateMention]):
        self._layout = Layout.of(text)
        self._addresses = [m for m in mentions if m.kind is TargetKind.ADDRESS]
        self._accounts = [m for m in mentions if m.kind is TargetKind.ACCOUNT_ID]
        self._codes = [m for m in mentions if m.kind is TargetKind.HOSTING_DOMAIN_CODE]
        self._dates = list(dates)
        self.consumed: set[str] = set()  # "kind:value" of mentions used as an id's hint

    def hints(self, kind: TargetKind, start: int, end: int) -> Hints:
        """Hints for a target of `kind` written at start..end; records what it consumed."""
        dates = tuple(dict.fromkeys(d.value for d in self._near(start, end, self._dates)))
        if kind in _SEND_IDS:
            return self._send_hints(start, end, dates)
        if kind in _HOSTING_IDS:
            return self._hosting_hints(start, end, dates)
        if kind in _WITH_ACCOUNT:
            accounts = self._near(start, end, self._accounts)
            return Hints(dates=dates, account_id=int(accounts[0].value) if accounts else None)
        return Hints(dates=dates)

    def _send_hints(self, start: int, end: int, dates: tuple[date, ...]) -> Hints:
        addresses = self._consume(self._near(start, end, self._addresses))
        accounts = self._consume(self._near(start, end, self._accounts))
        return Hints(
            recipients=_values(a for a in addresses if not a.sender),
            senders=_values(a for a in addresses if a.sender),
            dates=dates,
            account_id=int(accounts[0].value) if accounts else None,
        )

    def _hosting_hints(self, start: int, end: int, dates: tuple[date, ...]) -> Hints:
        addresses = self._consume(self._near(start, end, self._addresses))
        codes = self._consume(self._near(start, end, self._codes))
        return Hints(
            recipients=_values(addresses),
            dates=dates,
            domain_code=codes[0].value if codes else None,
        )

    def _near(self, start: int, end: int, items: list[S]) -> list[S]:
        return near(self._layout, start, end, items, [i.start for i in items])

    def _consume(self, mentions: list[Mention]) -> list[Mention]:
        self.consumed.update(f"{m.kind.value}:{m.value}" for m in mentions)
        return mentions


def merge(a: Hints, b: Hints) -> Hints:
    """Both sets of hints, without repeats; the first account id and domain code win."""
    return Hints(
        recipients=tuple(dict.fromkeys((*a.recipients, *b.recipients))),
        senders=tuple(dict.fromkeys((*a.senders, *b.senders))),
        dates=tuple(dict.fromkeys((*a.dates, *b.dates))),
        account_id=a.account_id if a.account_id is not None else b.account_id,
        domain_code=a.domain_code or b.domain_code,
    )


def _values(mentions: Iterable[Mention]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.value for m in mentions))

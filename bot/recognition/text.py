"""Cleaning pasted text before recognition: bounded prefix, invisible characters, Slack markup.

Slack sends `<mailto:a@b.c|a@b.c>`, `<http://x|x>`, `<@U123>`, `<!channel>` and escapes `& < >`
as entities; a terminal sends raw text. Both come out as plain text with the same meaning.
"""

from __future__ import annotations

import re
from typing import Final

MAX_CHARS: Final = 200_000  # the prefix of a paste that recognition reads
_CUT_BACK: Final = 2_000  # how far back a truncated text looks for whitespace to cut at

_SURROGATES: Final = re.compile("[\ud800-\udfff]")
_INVISIBLE: Final[dict[int, str | None]] = {
    **dict.fromkeys((*range(0, 9), 11, 12, *range(14, 32), 127), " "),
    ord("\r"): " ",
    ord("\u00a0"): " ",
    ord("\u2028"): "\n",
    ord("\u2029"): "\n",
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u00ab\u00bb"), '"'),  # smart quotes
    **dict.fromkeys(map(ord, "\u2018\u2019"), "'"),
    **{ord(c): None for c in "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"},
}
_SLACK_TOKEN: Final = re.compile(r"<([^<>\n]{1,2000})>")
_ENTITIES: Final = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&amp;", "&"))


def clean(text: str) -> tuple[str, bool]:
    """The readable prefix of `text` as plain text, and whether it was truncated."""
    prefix, truncated = _bounded(text)
    prefix = _SURROGATES.sub(" ", prefix).translate(_INVISIBLE)
    return unescape(_SLACK_TOKEN.sub(_unwrap, prefix)), truncated


def unescape(text: str) -> str:
    """Undo Slack's three entities (and &quot;), `&amp;` last so `&amp;lt;` stays `&lt;`."""
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def _bounded(text: str) -> tuple[str, bool]:
    if len(text) <= MAX_CHARS:
        return text, False
    prefix = text[:MAX_CHARS]
    cut = max(prefix.rfind(" ", MAX_CHARS - _CUT_BACK), prefix.rfind("\n", MAX_CHARS - _CUT_BACK))
    return (prefix[:cut] if cut > 0 else prefix), True


def _unwrap(match: re.Match[str]) -> str:
    """One `<...>` token: Slack links become their text, mentions vanish, the rest stays."""
    body = match.group(1)
    target, _, label = body.partition("|")
    lowered = target.lower()
    if lowered.startswith("mailto:"):
        return label or target[len("mailto:") :]
    if lowered.startswith(("http://", "https://")):
        return label or target
    if lowered.startswith("!date^"):
        return label
    if target.startswith(("!", "@", "#")) or lowered.startswith("tel:"):
        return " "
    return match.group(0)

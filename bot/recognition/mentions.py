"""Every id, address, domain, account id and date written in cleaned text, with its position.

Tokens are runs of id characters (a linear scan); each token is then checked whole against the
anchored formats in `bot.qboxmail.contract`, so no pattern ever searches a long line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from bot.qboxmail import contract
from bot.recognition.targets import TargetKind

MAX_MENTIONS: Final = 400  # ids, addresses and domains kept per text, in order of appearance
MAX_DATES: Final = 200
MAX_TOKEN: Final = 320  # longer runs cannot be an id or an address (64 + 1 + 253)

# A maximal run of id characters that holds a digit or one of `. @ -` (plain words are never
# ids). Possessive quantifiers keep the scan linear: a run is read once, at its first character.
_TOKEN: Final = re.compile(
    r"(?<![A-Za-z0-9._+@'*~-])(?=[A-Za-z_'*~+]*+[0-9.@-])[A-Za-z0-9._+@'*~-]++"
)
_EDGE: Final = "._'*~-+"
_DOMAIN: Final = re.compile(contract.DOMAIN_NAME)
_LOCAL_PART: Final = re.compile(r"[a-z0-9_+'-]+(?:\.[a-z0-9_+'-]+)*")
_CODES: Final = (
    (TargetKind.HOSTING_DOMAIN_CODE, contract.HOSTING_DOMAIN_CODE_RE),
    (TargetKind.DELIVERY_DOMAIN_CODE, contract.DELIVERY_DOMAIN_CODE_RE),
    (TargetKind.MAILBOX_CODE, contract.MAILBOX_CODE_RE),
    (TargetKind.LOG_ID, contract.EMAIL_LOG_ID_RE),
)
_SENDER_BEFORE: Final = re.compile(
    r"(?:from|sender|envelope[-_ ]from|return[-_]path|reply[-_]to)[\"']?[ \t]{0,3}[:=]?"
    r"[ \t]{0,3}[\"'<]?[ \t]{0,3}$",
    re.IGNORECASE,
)
_HOST_BEFORE: Final = re.compile(
    r"(?:mx|remote_mx|host|hostname|relay|helo|ehlo|server|client|via)[\"']?[ \t]{0,3}[:=]"
    r"[ \t]{0,3}[\"']?$",
    re.IGNORECASE,
)
_HEADER_ID: Final = re.compile(
    r"message[-_ ]?id[\"']?[ \t]{0,3}[:=][ \t]{0,3}[\"']?[ \t]{0,3}"
    r"<([^<>\s\"]{1,250}@[^<>\s\"]{1,255})>",
    re.IGNORECASE,
)
_ACCOUNT: Final = re.compile(
    r"(?<![a-z0-9_])account(?:[ _-]?id)?[\"']?[ \t]{0,3}[:=#]?[ \t]{0,3}#?[ \t]{0,2}"
    r"(\d{1,12})(?![\d_a-z]|[.,/-]\d)",
    re.IGNORECASE,
)
_ONLY_NUMBER: Final = re.compile(r"\s*#?(\d{1,12})\s*")
_ISO_DATE: Final = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DMY_DATE: Final = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_RELATIVE_DATE: Final = re.compile(r"\b(today|yesterday)\b", re.IGNORECASE)
# File names are not domains: suffixes that are never a TLD, and ambiguous ones (real ccTLDs
# that are far more often file types) rejected only in two-label names like `deploy.sh`.
_FILE_SUFFIX_WORDS: Final = (
    "pdf png jpg jpeg gif bmp svg webp tif tiff txt csv tsv log json xml yaml yml toml ini cfg "
    "conf html htm css js mjs ts jsx tsx py pyc rb php java class jar cpp hpp exe dll msi dmg "
    "iso gz tgz bz2 xz tar rar eml msg ics vcf doc docx xls xlsx ppt pptx odt ods pem crt csr "
    "p12 pfx bak tmp swp lock sql db sqlite mp3 mp4 wav avi mkv rst ipynb env out err diff "
    "patch whl egg"
)
_FILE_SUFFIXES: Final = frozenset(_FILE_SUFFIX_WORDS.split())
_AMBIGUOUS_SUFFIXES: Final = frozenset({"sh", "md", "rs", "zip", "mov", "go", "pl", "so"})
# In free text a bare `word.word` is a domain only with a TLD people send mail from: any two
# letters (country codes), these generic ones, or the special-use names. `check domain` and
# addresses accept any syntactically valid name.
_GENERIC_TLD_WORDS: Final = (
    "com net org info biz name pro edu gov mil int aero asia cat coop jobs mobi museum tel "
    "travel xxx app dev io ai co me tv cloud online site store shop tech email space website "
    "blog news live life world company solutions services group digital network systems page "
    "one xyz club vip top agency studio design media academy art bank bar beer berlin bio "
    "build business cafe camp capital care cash center city clinic coach codes community "
    "consulting dating deals delivery dental direct directory education energy engineering "
    "enterprises estate events exchange expert express farm fashion finance financial fitness "
    "foundation fund gallery games garden gift global gmbh gold golf graphics green guide "
    "guru health healthcare holdings home host hosting house immo inc institute insure "
    "international investments jetzt kitchen land law lawyer legal lgbt limited link london "
    "love ltd luxury management market marketing mba med menu moda money nyc paris partners "
    "party pet photo photography photos pics pizza plus press productions properties property "
    "pub recipes red rentals repair report rest restaurant reviews rocks run sale salon school "
    "science security shopping social software solar srl support surf swiss systems tax taxi "
    "team technology tickets tienda tips today tools tours town toys trade training tube "
    "university uno vacations ventures vet viajes video villas vision voyage wang watch web "
    "wiki win wine work works yoga zone eus gal scot wales bzh swiss africa amsterdam barcelona "
    "roma milano example test invalid localhost local internal lan corp"
)
_KNOWN_TLDS: Final = frozenset(_GENERIC_TLD_WORDS.split())


@dataclass(frozen=True)
class Mention:
    """One id, address, domain or account id and where it was written."""

    kind: TargetKind
    value: str
    start: int
    end: int
    sender: bool = False  # an address written as `from ...` / `sender ...`


@dataclass(frozen=True)
class DateMention:
    value: date
    start: int
    end: int


def find_mentions(text: str) -> list[Mention]:
    """Ids, addresses and domains (tokens), header Message-IDs and account ids, by position.
    A text that is only a number (`4127`, `#4127`) is an account id."""
    only = _ONLY_NUMBER.fullmatch(text)
    if only:
        return [Mention(TargetKind.ACCOUNT_ID, str(int(only[1])), only.start(1), only.end(1))]
    headers = _header_ids(text)
    blocked = [(m.start, m.end) for m in headers]
    found = [*headers, *_accounts(text)]
    for token in _TOKEN.finditer(text):
        if len(found) >= MAX_MENTIONS:
            break
        if not blocked or not _inside(token.start(), blocked):
            found.extend(_classify(text, token))
    return sorted(found[:MAX_MENTIONS], key=lambda m: m.start)


def find_dates(text: str, today: date | None) -> list[DateMention]:
    """ISO and DD/MM/YYYY dates, and `today`/`yesterday` when a reference date is given."""
    found: list[DateMention] = []
    for match in _ISO_DATE.finditer(text):
        _add_date(found, match, int(match[1]), int(match[2]), int(match[3]))
        if len(found) >= MAX_DATES:
            break
    for match in _DMY_DATE.finditer(text):
        _add_date(found, match, int(match[3]), int(match[2]), int(match[1]))
        if len(found) >= MAX_DATES:
            break
    if today is not None:
        for match in _RELATIVE_DATE.finditer(text):
            days = 1 if match[1].lower() == "yesterday" else 0
            found.append(DateMention(today - timedelta(days=days), match.start(), match.end()))
            if len(found) >= MAX_DATES:
                break
    return sorted(found[:MAX_DATES], key=lambda d: d.start)


def classify_address(value: str) -> str | None:
    """`value` as a lower-case address, or None when it is not one."""
    local, at, domain = value.lower().rpartition("@")
    if not at or len(local) > 64 or len(domain) > 253 or "@" in local:
        return None
    if _LOCAL_PART.fullmatch(local) and _DOMAIN.fullmatch(domain):
        return f"{local}@{domain}"
    return None


def is_domain(value: str, *, strict: bool = True) -> bool:
    """A domain name, not a file name (`report.pdf`) or a version (`1.2.3`). `strict` (free
    text) also wants a known TLD, so `dolor.sit` and `bot.ids.recognise` are not domains."""
    if len(value) > 253 or not _DOMAIN.fullmatch(value):
        return False
    labels = value.split(".")
    suffix = labels[-1]
    if suffix in _FILE_SUFFIXES or (len(labels) == 2 and suffix in _AMBIGUOUS_SUFFIXES):
        return False
    return not strict or len(suffix) == 2 or suffix in _KNOWN_TLDS


def _add_date(found: list[DateMention], match: re.Match[str], y: int, m: int, d: int) -> None:
    try:
        found.append(DateMention(date(y, m, d), match.start(), match.end()))
    except ValueError:
        return


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _header_ids(text: str) -> list[Mention]:
    """`Message-ID: <...>` of any form (Hosting mail), beyond the Send API's uuid@domain."""
    found: list[Mention] = []
    for match in _HEADER_ID.finditer(text):
        value = match.group(1)
        if contract.MESSAGE_ID_RE.fullmatch(value.lower()):
            continue  # the token scan finds it and normalises it
        found.append(Mention(TargetKind.MESSAGE_ID, value, match.start(1), match.end(1)))
        if len(found) >= MAX_MENTIONS // 4:
            break
    return found


def _accounts(text: str) -> list[Mention]:
    found: list[Mention] = []
    for match in _ACCOUNT.finditer(text):
        found.append(Mention(TargetKind.ACCOUNT_ID, str(int(match[1])), match.start(), match.end()))
        if len(found) >= MAX_MENTIONS // 4:
            break
    return found


def _classify(text: str, token: re.Match[str]) -> list[Mention]:
    raw = token.group(0)
    stripped = raw.strip(_EDGE)
    if len(stripped) < 4 or len(stripped) > MAX_TOKEN:
        return []
    start = token.start() + len(raw) - len(raw.lstrip(_EDGE))
    end = start + len(stripped)
    kind, value = _kind_of(stripped)
    if kind is None or (kind is TargetKind.DOMAIN and not _domain_in_context(text, start, end)):
        return []
    sender = kind is TargetKind.ADDRESS and _is_sender(text, start)
    return [Mention(kind, value, start, end, sender)]


def _kind_of(token: str) -> tuple[TargetKind | None, str]:
    lowered = token.lower()
    if "@" in token:
        if contract.MESSAGE_ID_RE.fullmatch(lowered):
            return TargetKind.MESSAGE_ID, lowered
        address = classify_address(token)
        return (TargetKind.ADDRESS, address) if address else (None, "")
    if len(token) == 36 and contract.REQUEST_ID_RE.fullmatch(lowered):
        return TargetKind.REQUEST_ID, lowered
    if token[0] in "DEPLdepl" and token[-1].isdigit():
        upper = token.upper()
        for kind, pattern in _CODES:
            if pattern.fullmatch(upper):
                return kind, upper
    if "." in token and is_domain(lowered):
        return TargetKind.DOMAIN, lowered
    return None, ""


def _domain_in_context(text: str, start: int, end: int) -> bool:
    """A URL's host (`https://host/...`), a call (`obj.method(`) or a mail server named in a
    log (`remote_mx=mx.example.net`, `relay=...`) is not a domain target."""
    if text[max(0, start - 2) : start] == "//" or text[end : end + 1] == "(":
        return False
    return _HOST_BEFORE.search(text, max(0, start - 24), start) is None


def _is_sender(text: str, start: int) -> bool:
    return _SENDER_BEFORE.search(text, max(0, start - 32), start) is not None

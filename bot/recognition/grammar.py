"""The command grammar shared by the `qbx` command line (argv joined) and Slack's `/qbx`.

    trace <anything>            recognise ids in any text and run the matching checklist
    check <kind> <value>        run one checklist on one value
    help                        the forms below
A bare id with no verb means `trace`. `--deep` and `--json` may appear anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from bot.errors import InputError
from bot.qboxmail.contract import (
    DELIVERY_DOMAIN_CODE_RE,
    HOSTING_DOMAIN_CODE_RE,
    MAILBOX_CODE_RE,
)
from bot.recognition.ids import recognise
from bot.recognition.mentions import is_domain
from bot.recognition.targets import Hints, Target, TargetKind
from bot.recognition.text import clean


class Verb(StrEnum):
    TRACE = "trace"
    CHECK = "check"
    HELP = "help"


class CheckKind(StrEnum):
    REQUEST = "request"
    MESSAGE = "message"
    DOMAIN = "domain"
    MAILBOX = "mailbox"
    RECIPIENT = "recipient"
    ACCOUNT = "account"


@dataclass(frozen=True)
class Command:
    verb: Verb
    argument: str = ""  # trace: the text to recognise; check: the normalised value
    check_kind: CheckKind | None = None
    deep: bool = False
    json: bool = False


EXAMPLE_MESSAGE_ID: Final = "8a16f3df-7f5f-4e53-a7e7-3e665ef57c51@shop.example"
EXAMPLE_REQUEST_ID: Final = "f43eb659-beb4-4f8a-a737-2d403998f4cf"
TRACE_USAGE: Final = "qbx trace <message_id | request_id | address | domain | code | pasted text>"
CHECK_USAGE: Final = (
    "qbx check request|message|domain|mailbox|recipient|account <value> [--deep] [--json]"
)
EXAMPLES: Final[dict[CheckKind, str]] = {
    CheckKind.REQUEST: f"qbx check request {EXAMPLE_REQUEST_ID}",
    CheckKind.MESSAGE: f"qbx check message {EXAMPLE_MESSAGE_ID}",
    CheckKind.DOMAIN: "qbx check domain shop.example",
    CheckKind.MAILBOX: "qbx check mailbox info@shop.example",
    CheckKind.RECIPIENT: "qbx check recipient bob@example.com",
    CheckKind.ACCOUNT: "qbx check account 4127",
}
USAGE: Final = f"""Usage (Slack: /qbx ..., terminal: qbx ...):
  qbx trace <anything>          ids, addresses, domains, codes or a pasted API response
      e.g. qbx trace {EXAMPLE_MESSAGE_ID}
  qbx <id>                      the same as trace
      e.g. qbx {EXAMPLE_REQUEST_ID}
  qbx check request <request_id>        e.g. {EXAMPLES[CheckKind.REQUEST]}
  qbx check message <message_id>        e.g. {EXAMPLES[CheckKind.MESSAGE]}
  qbx check domain <domain | D... | DD...>   e.g. {EXAMPLES[CheckKind.DOMAIN]}
  qbx check mailbox <address | EA...>   e.g. {EXAMPLES[CheckKind.MAILBOX]}
  qbx check recipient <address>         e.g. {EXAMPLES[CheckKind.RECIPIENT]}
  qbx check account <account id>        e.g. {EXAMPLES[CheckKind.ACCOUNT]}
  qbx help                              this text
Options anywhere: --deep (blast radius, 7-day statistics, DNS, tokens),
                  --json (the report as JSON)"""

VALUE_SHAPES: Final[dict[CheckKind, str]] = {
    CheckKind.REQUEST: "a request_id (a UUID like f43eb659-beb4-4f8a-a737-2d403998f4cf)",
    CheckKind.MESSAGE: "a message_id (like <uuid>@shop.example)",
    CheckKind.DOMAIN: "a domain name or a domain code (D123456789, DD66042061)",
    CheckKind.MAILBOX: "a mailbox address or mailbox code (EA12345678, P123456789)",
    CheckKind.RECIPIENT: "an email address",
    CheckKind.ACCOUNT: "a Delivery account id (a number like 4127)",
}
ACCEPTED: Final[dict[CheckKind, frozenset[TargetKind]]] = {
    CheckKind.REQUEST: frozenset({TargetKind.REQUEST_ID}),
    CheckKind.MESSAGE: frozenset({TargetKind.MESSAGE_ID}),
    CheckKind.DOMAIN: frozenset(
        {TargetKind.DOMAIN, TargetKind.HOSTING_DOMAIN_CODE, TargetKind.DELIVERY_DOMAIN_CODE}
    ),
    CheckKind.MAILBOX: frozenset({TargetKind.ADDRESS, TargetKind.MAILBOX_CODE}),
    CheckKind.RECIPIENT: frozenset({TargetKind.ADDRESS}),
    CheckKind.ACCOUNT: frozenset({TargetKind.ACCOUNT_ID}),
}
_FLAG: Final = re.compile(r"(?<!\S)(?:--|\u2014|\u2013)(deep|json)(?!\S)", re.IGNORECASE)
_OPTION_LIKE: Final = re.compile(r"(?<!\S)(?:--|\u2014|\u2013)[a-z][\w-]*", re.IGNORECASE)
_FIRST_WORD: Final = re.compile(r"\s*(\S+)\s*")
_VERBS: Final = frozenset(v.value for v in Verb)


def parse_command(text: str) -> Command:
    """The command in `text`; raises InputError (with usage and example) when there is none."""
    flags = {m.group(1).lower() for m in _FLAG.finditer(text)}
    rest = _FLAG.sub(" ", text).strip()  # the whole text: recognise() bounds what it reads
    deep, as_json = "deep" in flags, "json" in flags
    verb, argument = _split_verb(rest)
    if verb is Verb.HELP:
        return Command(Verb.HELP, argument, deep=deep, json=as_json)
    if verb is Verb.CHECK:
        kind, value = _check(argument)
        return Command(Verb.CHECK, value, kind, deep, as_json)
    if not argument:
        raise InputError("trace needs something to trace", usage=TRACE_USAGE, example=_trace_ex())
    if recognise(argument, limit=1, lone_reference=True).empty:
        raise InputError(
            f"nothing qbx can trace in {_quote(argument)}: give an id, address, domain or code",
            usage=TRACE_USAGE,
            example=_trace_ex(),
        )
    return Command(Verb.TRACE, argument, deep=deep, json=as_json)


def _split_verb(text: str) -> tuple[Verb, str]:
    match = _FIRST_WORD.match(text)
    if match is None:
        return Verb.HELP, ""
    word = match.group(1).lower()
    if word in _VERBS:
        return Verb(word), text[match.end() :].strip()
    if not recognise(text, limit=1).empty:
        return Verb.TRACE, text  # a bare id: friendly shorthand for trace
    raise InputError(
        f"unknown command {_quote(match.group(1))}: use trace, check or help",
        usage=f"{TRACE_USAGE}  |  {CHECK_USAGE}",
        example=_trace_ex(),
    )


def _check(argument: str) -> tuple[CheckKind, str]:
    words = argument.split(maxsplit=1)
    kind_word, value = [*words, "", ""][:2]
    if not kind_word:
        raise InputError("check needs a kind and a value", usage=CHECK_USAGE, example=_check_ex())
    try:
        kind = CheckKind(kind_word.strip().lower())
    except ValueError:
        raise InputError(
            f"unknown check kind {_quote(kind_word)}: use {', '.join(k.value for k in CheckKind)}",
            usage=CHECK_USAGE,
            example=_check_ex(),
        ) from None
    return kind, _check_value(kind, value.strip())


def _check_value(kind: CheckKind, value: str) -> str:
    example = EXAMPLES[kind]
    usage = _usage(kind)
    if not value:
        raise InputError(f"check {kind.value} needs a value", usage=usage, example=example)
    stray = _OPTION_LIKE.search(value)
    if stray:
        raise InputError(f"unknown option {_quote(stray.group(0))}", usage=usage, example=example)
    if len(value.split()) > 1:
        raise InputError(f"check {kind.value} takes one value", usage=usage, example=example)
    normalised = _normalise(kind, value)
    if normalised is None:
        raise InputError(
            f"{_quote(value)} is not {VALUE_SHAPES[kind]}",
            usage=usage,
            example=example,
        )
    return normalised


@dataclass(frozen=True)
class CheckTarget:
    """What `check KIND VALUE` names, as the diagnostic core runs it."""

    kind: CheckKind
    target: Target
    message_id: str | None = None  # mailbox check: find which folder this message landed in


def check_target(kind: CheckKind, value: str) -> CheckTarget:
    """The target of `check KIND VALUE`; raises InputError (usage, example) when it names none.
    A mailbox takes `ADDRESS [MESSAGE_ID]` or `EA12345678 D123456789 [MESSAGE_ID]`."""
    kind = CheckKind(kind)
    if kind is CheckKind.MAILBOX:
        return _mailbox_target(value.split())
    normalised = _check_value(kind, value.strip())
    return CheckTarget(kind, _target(kind, normalised))


def _target(kind: CheckKind, value: str) -> Target:
    if kind is CheckKind.ACCOUNT:
        return Target(TargetKind.ACCOUNT_ID, value)
    if kind is CheckKind.DOMAIN:
        upper = value.upper()
        if DELIVERY_DOMAIN_CODE_RE.match(upper):
            return Target(TargetKind.DELIVERY_DOMAIN_CODE, upper)
        if HOSTING_DOMAIN_CODE_RE.match(upper):
            return Target(TargetKind.HOSTING_DOMAIN_CODE, upper)
        return Target(TargetKind.DOMAIN, value.lower())
    found = {CheckKind.REQUEST: TargetKind.REQUEST_ID, CheckKind.MESSAGE: TargetKind.MESSAGE_ID}
    return Target(found.get(kind, TargetKind.ADDRESS), value.strip("<>").lower())


def _mailbox_target(words: list[str]) -> CheckTarget:
    """A Hosting Message-ID need not be uuid@domain: whatever follows the mailbox (and its
    domain code) is the id."""
    first = words[0] if words else ""
    if not first:
        return CheckTarget(
            CheckKind.MAILBOX, _target(CheckKind.MAILBOX, _check_value(CheckKind.MAILBOX, first))
        )
    first, rest = words[0].strip("<>"), [w.strip("<>") for w in words[1:]]
    code = next((w.upper() for w in rest if HOSTING_DOMAIN_CODE_RE.match(w.upper())), None)
    others = [w for w in rest if w.upper() != code]
    message_id = others[0].lower() if others and "@" in others[0] else None
    if MAILBOX_CODE_RE.match(first.upper()) and code:
        target = Target(TargetKind.MAILBOX_CODE, first.upper(), Hints(domain_code=code))
        return CheckTarget(CheckKind.MAILBOX, target, message_id)
    normalised = _check_value(CheckKind.MAILBOX, first)
    if MAILBOX_CODE_RE.match(normalised.upper()):
        raise InputError(
            "give the mailbox address (or its code with the domain code D123456789).",
            usage=_usage(CheckKind.MAILBOX),
            example=EXAMPLES[CheckKind.MAILBOX],
        )
    return CheckTarget(
        CheckKind.MAILBOX, Target(TargetKind.ADDRESS, normalised.lower()), message_id
    )


def _normalise(kind: CheckKind, value: str) -> str | None:
    if kind is CheckKind.ACCOUNT:
        digits = clean(value)[0].strip().lstrip("#")
        return str(int(digits)) if digits.isdigit() and len(digits) <= 12 else None
    recognition = recognise(value, limit=1)
    targets = recognition.targets + recognition.overflow
    accepted = [t for t in targets if t.kind in ACCEPTED[kind]]
    if accepted:
        return accepted[0].value
    if kind is CheckKind.MESSAGE:
        return _any_message_id(value)
    if kind is CheckKind.DOMAIN:
        candidate = clean(value)[0].strip().strip(".").lower()
        return candidate if is_domain(candidate, strict=False) else None
    return None


def _any_message_id(value: str) -> str | None:
    """A Hosting Message-ID need not be uuid@domain: accept any `local@host`, brackets off."""
    candidate = clean(value)[0].strip().strip("<>")
    local, at, host = candidate.rpartition("@")
    if at and local and "." in host and len(candidate) <= 500 and " " not in candidate:
        return candidate
    return None


def _usage(kind: CheckKind) -> str:
    return f"qbx check {kind.value} <value> [--deep] [--json]"


def _quote(word: str) -> str:
    return repr(word[:40])


def _trace_ex() -> str:
    return f"qbx trace {EXAMPLE_MESSAGE_ID}"


def _check_ex() -> str:
    return EXAMPLES[CheckKind.RECIPIENT]

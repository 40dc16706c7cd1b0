"""What a message says about itself: a bounce, a delay, an automatic reply or abuse feedback,
read from its headers and the words of its report."""

from __future__ import annotations

import re
from email.header import decode_header
from email.message import Message
from typing import Final

from bot.bounces.addresses import address_in, is_system

MAX_HEADER: Final = 1_000
MAX_WORDS: Final = 6_000  # characters of a report searched for its phrases
_BOUNCE_SUBJECT: Final = re.compile(
    r"(?i)undeliver|undelivered|delivery (?:status|fail|notification|report|problem|error)|"
    r"returned mail|failure notice|mail delivery|could not be delivered|non.?delivery|"
    r"not delivered|delivery has failed|rejected|mail system error|returned to sender|"
    r"failed delivery|bounce"
)
_BOUNCE_SENDER: Final = re.compile(r"(?i)mailer.?daemon|post.?master|mail delivery|mail system")
_BOUNCE_WORDS: Final = re.compile(
    r"(?i)could not be delivered|couldn't be delivered|undeliverable|delivery (?:has )?failed|"
    r"permanent (?:error|failure)|failed permanently|was not delivered|unable to deliver|"
    r"not able to deliver|delivery to the following|following (?:address|recipient)|"
    r"error delivering|did not reach|could not deliver|delivery failure|message was rejected|"
    r"rejected your message|returned to you|mail delivery failed|undelivered mail"
)
_DELAY_WORDS: Final = re.compile(
    r"(?i)delivery (?:is |has been )?delayed|has not (?:yet )?been delivered|"
    r"will (?:continue|keep) (?:trying|to try|retrying)|still (?:be )?trying|"
    r"warning: (?:could not send|message .* delayed)|delayed mail|not yet been delivered|"
    r"will be retried|no action is required"
)
_FINAL_WORDS: Final = re.compile(
    r"(?i)permanent|failed permanently|given up|giving up|gave up|will not be retried|"
    r"not going to try again|could not be delivered|undeliverable"
)
_AUTO_SUBJECT: Final = re.compile(
    r"(?i)^\s*(?:auto(?:matic)?[ -]?(?:reply|response|answer)|out of (?:the )?office|"
    r"away from|away until|on vacation|vacation|abwesenheit|r[ée]ponse automatique|auto:)"
)
_AUTO_HEADERS: Final = ("x-autoreply", "x-autorespond", "x-auto-reply", "x-autoresponder")
_EXPIRED: Final = re.compile(
    r"(?i)retry time(?:out)? (?:not reached|exceeded)|too long in (?:the )?queue|"
    r"in the queue too long|delivery time expired|message expired|expired after|"
    r"(?:could|was) not (?:be )?delivered (?:with)?in \d+|undeliverable for \d+|giving up|gave up|"
    r"retry timeout|has been delayed for|time limit exceeded|(?<![\d.])4\.4\.7(?![\d.])"
)


def header(message: Message, name: str) -> str:
    """A header decoded (encoded words too), bounded; '' when absent or unreadable."""
    raw = message.get(name)
    if raw is None:
        return ""
    text = str(raw)[:MAX_HEADER]
    try:
        parts = decode_header(text)
    except (ValueError, LookupError):
        return text
    return "".join(_decoded(value, charset) for value, charset in parts)[:MAX_HEADER]


def _decoded(value: str | bytes, charset: str | None) -> str:
    if isinstance(value, str):
        return value
    try:
        return value.decode(charset or "ascii", errors="replace")
    except LookupError:
        return value.decode("ascii", errors="replace")


def is_feedback(message: Message, content_types: set[str], report: str) -> bool:
    report_type = str(message.get_param("report-type", "") or "").lower()
    if report_type == "feedback-report" or "message/feedback-report" in content_types:
        return True
    if "complainedRecipients" in report:  # an Amazon SES complaint notification
        return True
    return "complaint about message from" in header(message, "subject").lower()


def is_auto_reply(message: Message) -> bool:
    if any(message.get(name) for name in _AUTO_HEADERS):
        return True
    if str(message.get("precedence", "")).strip().lower() == "auto_reply":
        return True
    if _AUTO_SUBJECT.search(header(message, "subject")):
        return True
    submitted = str(message.get("auto-submitted", "")).lower()
    return submitted.startswith("auto-replied") and not looks_like_bounce(message, "")


def looks_like_bounce(message: Message, report: str) -> bool:
    sender = header(message, "from")
    address = address_in(sender)
    if _BOUNCE_SENDER.search(sender) or (address is not None and is_system(address)):
        return True
    if message.get("x-failed-recipients"):
        return True
    words = " ".join(report[:MAX_WORDS].split())  # phrases wrap across lines
    return bool(_BOUNCE_SUBJECT.search(header(message, "subject")) or _BOUNCE_WORDS.search(words))


def is_delay(message: Message, report: str) -> bool:
    """A report that says delivery is late and still retried, and not that it failed."""
    said = header(message, "subject") + " " + " ".join(report[:MAX_WORDS].split())
    return bool(_DELAY_WORDS.search(said)) and not _FINAL_WORDS.search(said)


def says_expired(text: str) -> bool:
    return bool(_EXPIRED.search(text[:MAX_WORDS]))

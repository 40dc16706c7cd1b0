"""What to do, from the decoded cause: a remote reply's category, a suppression's reason. Pure.

Every next action qbx gives about one message comes from here, so a spam refusal is never told
to fix the address and a temporary refusal is never told to resend.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.diagnostics.smtp import SmtpCategory, SmtpDiagnosis

# While Qboxmail is still retrying: what (if anything) helps the retries succeed.
WHILE_RETRYING: Final[dict[SmtpCategory, str]] = {
    SmtpCategory.MAILBOX_FULL: "The recipient must free space before the retries run out.",
    SmtpCategory.SOFT_BOUNCE: "Ask the recipient to check that the mailbox is active.",
    SmtpCategory.POLICY: "If it persists, check SPF, DKIM, DMARC and the sending rate.",
    SmtpCategory.CONTENT: "If it persists, review the content, links and size.",
    SmtpCategory.INFRASTRUCTURE: "A receiving-side problem: it usually clears.",
}
SUPPRESSION_REMEDIES: Final[dict[str, str]] = {
    "bounce": "It bounced before: confirm the address with the recipient; remove the "
    "suppression only once it is fixed.",
    "complaint": "The recipient reported spam: keep the suppression unless they ask for mail "
    "again.",
    "unsubscribe": "The recipient unsubscribed: keep the suppression unless they subscribe again.",
}
SUPPRESSION_DEFAULT: Final = "Remove the suppression only if the recipient really wants mail again."


def reply_words(diagnosis: SmtpDiagnosis) -> str:
    """The decoded reply in words, without the advice (which goes in the next action)."""
    words = diagnosis.summary.removesuffix(diagnosis.action).strip().rstrip(".")
    label, _, rest = words.partition(": ")
    if rest and label.lower() in rest.lower():  # "Mailbox full: the mailbox is full" says it twice
        return rest[:1].upper() + rest[1:]
    return words


GAVE_UP: Final = (
    "Qboxmail stopped retrying: the remote server kept refusing it for the time being. Resend "
    "later; if it bounces again, escalate with the bundle."
)


def bounce_remedy(diagnosis: SmtpDiagnosis) -> str:
    """A bounce is final: the decoded cause says what to change before sending again (a reply
    that only said "later" means Qboxmail gave up waiting: never "nothing to do")."""
    if diagnosis.category is SmtpCategory.DEFERRAL:
        return GAVE_UP
    return diagnosis.action


def deferral_remedy(diagnosis: SmtpDiagnosis, next_attempt: datetime | None) -> str:
    """A deferral is retried by Qboxmail: never "resend"; what helps the retries, if anything."""
    when = f" (next attempt {next_attempt:%Y-%m-%d %H:%M} UTC)" if next_attempt else ""
    extra = WHILE_RETRYING.get(diagnosis.category)
    return f"Qboxmail retries it{when}." + (f" {extra}" if extra else "")


def suppression_remedy(reason: str | None) -> str:
    return SUPPRESSION_REMEDIES.get((reason or "").lower(), SUPPRESSION_DEFAULT)

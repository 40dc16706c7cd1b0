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
    SmtpCategory.MAILBOX_FULL: "Meanwhile the recipient must free space in the mailbox, or the "
    "retries end in a bounce.",
    SmtpCategory.SOFT_BOUNCE: "Meanwhile ask the recipient to check that the mailbox is active.",
    SmtpCategory.POLICY: "If it persists, check the sending domain's SPF, DKIM and DMARC and the "
    "sending rate.",
    SmtpCategory.CONTENT: "If it persists, review the message's content, links and size.",
    SmtpCategory.INFRASTRUCTURE: "A receiving-side problem: it usually clears on its own.",
}
SUPPRESSION_REMEDIES: Final[dict[str, str]] = {
    "bounce": "The address bounced before: confirm it with the recipient, and remove the "
    "suppression only once it is fixed.",
    "complaint": "The recipient reported spam: keep the suppression unless they ask for mail "
    "again.",
    "unsubscribe": "The recipient unsubscribed: keep the suppression unless they subscribe again.",
}
SUPPRESSION_DEFAULT: Final = "Remove the suppression only if the recipient really wants mail again."


def reply_words(diagnosis: SmtpDiagnosis) -> str:
    """The decoded reply in words, without the advice (which goes in the next action)."""
    words = diagnosis.summary.removesuffix(diagnosis.action).strip()
    return words.rstrip(".")


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
    return f"Nothing to resend: Qboxmail retries on its own{when}." + (f" {extra}" if extra else "")


def suppression_remedy(reason: str | None) -> str:
    return SUPPRESSION_REMEDIES.get((reason or "").lower(), SUPPRESSION_DEFAULT)

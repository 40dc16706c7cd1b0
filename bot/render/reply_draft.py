"""A reply draft for the customer, per verdict: what happened, what to do, the ids to quote. Pure.

Plain words only: no API paths, no checklist step names, no internal terms. The only address it
may name is the customer's own recipient (the draft is shown privately, never in a channel).
"""

from __future__ import annotations

from typing import Final

from bot.diagnostics.report import Report, VerdictCode

V = VerdictCode
RETRY: Final = "Our system keeps trying on its own, so there is nothing you need to do yet."
FIX_AND_RESEND: Final = "Once that is fixed, please send the message again."

# code -> (what happened, what to do)
WORDING: Final[dict[VerdictCode, tuple[str, str]]] = {
    V.DELIVERED: ("The message was delivered: the recipient's mail server accepted it.",
                  "If it is not in the inbox, please ask the recipient to check the spam or "
                  "junk folder and any filtering rules."),
    V.QUEUED: ("The message was accepted and is waiting to be handed to the recipient's mail "
               "server.", f"{RETRY} It normally leaves within a few minutes."),
    V.DEFERRED: ("The recipient's mail server asked us to try again later, so delivery is "
                 "delayed.", f"{RETRY} We will keep retrying for up to a few days."),
    V.BOUNCED: ("The recipient's mail server refused the message, so it could not be "
                "delivered.", "Please check that the address is spelled correctly and still in "
                "use; the recipient may need to free up space or contact their provider."),
    V.SUPPRESSED: ("The message was not sent because this address had refused earlier "
                   "messages or reported them as unwanted, so it is blocked to protect your "
                   "sending reputation.", "If the recipient wants your emails again, let us "
                   "know and we can unblock the address; then send the message again."),
    V.REJECTED_AUTH: ("The message was refused before sending because the access key your "
                      "application used was missing or not valid.", "Please check the key "
                      f"configured in your application. {FIX_AND_RESEND}"),
    V.REJECTED_IP: ("The message was refused before sending because it came from a server "
                    "address that is not allowed to send for your account.", "Please add that "
                    f"server's address to the allowed list in your panel. {FIX_AND_RESEND}"),
    V.REJECTED_DOMAIN: ("The message was refused before sending because the sender's domain is "
                        "not set up for your account.", "Please send from a domain assigned to "
                        f"your account, or add this one in your panel. {FIX_AND_RESEND}"),
    V.REJECTED_QUOTA: ("The message was refused before sending because the sending limit was "
                       "reached.", "Please wait a moment and send again, or raise your plan's "
                       "limit in your panel."),
    V.REJECTED_PAYLOAD: ("The message was refused before sending because it was incomplete or "
                         "too large.", "Please check the subject, body, attachments and the "
                         f"number of recipients. {FIX_AND_RESEND}"),
    V.ACCOUNT_INACTIVE: ("The message was not sent because the sending account is not active "
                         "(for example, a payment is pending).", "Please check the account's "
                         f"status and billing in your panel. {FIX_AND_RESEND}"),
    V.DOMAIN_NOT_VERIFIED: ("The message was not sent because the sender's domain has not been "
                            "verified yet.", "Please add the DNS records shown in your panel for "
                            f"that domain and wait for the check to pass. {FIX_AND_RESEND}"),
    V.DOMAIN_INACTIVE: ("The mail domain is not active, so it cannot receive or send email.",
                        "Please check the domain's status in your panel, or contact us and we "
                        "will help you reactivate it."),
    V.MAILBOX_INACTIVE: ("The mailbox is not active, so it cannot receive email.", "Please "
                         "check the mailbox's status in your panel, or contact us to reactivate "
                         "it."),
    V.BEYOND_RETENTION: ("The message is older than the 30 days of history we keep, so we can "
                         "no longer see what happened to it.", "If it matters, please send it "
                         "again and tell us if it does not arrive."),
    V.NOT_FOUND: ("We could not find this message in our records yet.", "Please send us the "
                  "recipient's address and the date and time it was sent, so we can look "
                  "again."),
    V.INCONCLUSIVE: ("We have not found this message yet: our search so far could not cover "
                     "every day it may have been sent on.", "Please send us the recipient's "
                     "address and the day it was sent, so we can finish the search."),
    V.HEALTHY: ("We checked your sending and everything looks normal.", "If a particular "
                "message did not arrive, please send us its message ID and recipient."),
    V.DEGRADED: ("Your sending works, but more messages than usual are being refused by "
                 "recipients.", "Please check that your lists only contain people who asked for "
                 "your emails; we can help you look at the details."),
    V.UNKNOWN: ("We could not yet find out what happened to this message.", "We are looking "
                "into it and will get back to you."),
}  # fmt: skip


def reply_draft(report: Report) -> str:
    """The draft, as plain text (the caller escapes it for Slack)."""
    what, todo = WORDING[report.verdict.code]
    lines = ["Hello,", "", _opening(report), "", what, todo]
    ids = _ids(report)
    if ids:
        lines += ["", "If you write to us about this again, please quote:", *ids]
    return "\n".join([*lines, "", "Kind regards"])


def _opening(report: Report) -> str:
    bundle = report.bundle
    if bundle is None or not bundle.recipient:
        return "We looked into your request."
    when = f" sent on {bundle.timestamp:%Y-%m-%d at %H:%M} UTC" if bundle.timestamp else ""
    return f"We looked into the email to {bundle.recipient}{when}."


def _ids(report: Report) -> list[str]:
    bundle = report.bundle
    if bundle is None:
        return []
    found = [("Message ID", bundle.message_id), ("Request ID", bundle.request_id)]
    return [f"- {label}: {value}" for label, value in found if value]

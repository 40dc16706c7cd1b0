"""Send API request bodies: parse `/v1/send` and `/v1/send/bulk` into messages, or say why not.

Problems are `PayloadError(error_id, message)` with ids from `contract.SEND_ERRORS`.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from email.utils import getaddresses
from typing import Any

from bot.qboxmail.contract import SEND_MAX_BULK_RECIPIENTS, SEND_MAX_MESSAGES

_PLACEHOLDER = re.compile(r"{{\s*([A-Za-z_][\w.]*)\s*}}")
_ADDRESS = re.compile(r"^[^@\s<>]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class PayloadError(Exception):
    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message


@dataclass(frozen=True)
class OutMessage:
    """One message to queue: its sender, its recipients (to first, then cc, bcc), its subject."""

    sender: str
    to: tuple[str, ...]
    recipients: tuple[str, ...]
    subject: str

    @property
    def sender_domain(self) -> str:
        return self.sender.rsplit("@", 1)[1].lower()


def addresses(value: Any, where: str) -> list[str]:
    """An AddressList: a string (comma-separated, `Name <a@b>`), an object, or a list of those."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("address")
        if not isinstance(item, str):
            raise PayloadError("invalid_message", f"{where} is not a valid address list")
        for _, address in getaddresses([item]):
            if not _ADDRESS.match(address):
                raise PayloadError("invalid_message", f"{where} has an invalid address")
            out.append(address.lower())
    return out


def _sender(message: dict[str, Any], where: str) -> str:
    found = addresses(message.get("from"), f"{where}.from")
    if len(found) != 1:
        raise PayloadError("invalid_message", f"{where}.from must be exactly one address")
    return found[0]


def _attachments(value: Any, where: str) -> None:
    for n, item in enumerate(value if isinstance(value, list) else [value] if value else []):
        here = f"{where}.attachments[{n}]"
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item.get(k) for k in ("filename", "content_type")
        ):
            raise PayloadError("invalid_message", f"{here} needs filename and content_type")
        try:
            base64.b64decode(str(item.get("content", "")), validate=True)
        except (binascii.Error, ValueError):
            raise PayloadError("invalid_message", f"{here}.content is not base64") from None
        if item.get("content_id") and item.get("disposition", "inline") != "inline":
            raise PayloadError("invalid_message", f"{here} with content_id must be inline")


def _common(message: Any, where: str) -> tuple[str, str]:
    if not isinstance(message, dict):
        raise PayloadError("invalid_message", f"{where} must be an object")
    subject = message.get("subject")
    if not isinstance(subject, str) or not subject.strip():
        raise PayloadError("invalid_message", f"{where}.subject is required")
    if not any(isinstance(message.get(k), str) for k in ("text_body", "html_body")):
        raise PayloadError("invalid_message", f"{where} needs text_body or html_body")
    if "headers" in message and not isinstance(message["headers"], dict):
        raise PayloadError("invalid_message", f"{where}.headers must be an object")
    _attachments(message.get("attachments"), where)
    return _sender(message, where), subject


def parse_send(body: Any) -> list[OutMessage]:
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list) or not messages:
        raise PayloadError(
            "missing_send_payload", "Request body must include a non-empty `messages` array."
        )
    if len(messages) > SEND_MAX_MESSAGES:
        raise PayloadError("batch_too_large", f"At most {SEND_MAX_MESSAGES} messages per request.")
    out = []
    for n, message in enumerate(messages):
        where = f"messages[{n}]"
        sender, subject = _common(message, where)
        to = addresses(message.get("to"), f"{where}.to")
        rest = addresses(message.get("cc"), f"{where}.cc") + addresses(
            message.get("bcc"), f"{where}.bcc"
        )
        if not to and not rest:
            raise PayloadError("invalid_message", f"{where} has no recipients")
        out.append(OutMessage(sender, tuple(to), tuple(to + rest), subject))
    return out


def _missing(template: dict[str, Any], substitutions: Any) -> set[str]:
    text = " ".join(str(template.get(k, "")) for k in ("subject", "text_body", "html_body"))
    needed = set(_PLACEHOLDER.findall(text)) - {"email"}
    given = set(substitutions) if isinstance(substitutions, dict) else set()
    return needed - given


def parse_bulk(body: Any) -> list[OutMessage]:
    template = body.get("message") if isinstance(body, dict) else None
    recipients = body.get("recipients") if isinstance(body, dict) else None
    if not isinstance(template, dict) or not isinstance(recipients, list) or not recipients:
        raise PayloadError(
            "missing_send_payload", "Request body must include `message` and `recipients`."
        )
    if len(recipients) > SEND_MAX_BULK_RECIPIENTS:
        raise PayloadError("batch_too_large", f"At most {SEND_MAX_BULK_RECIPIENTS} recipients.")
    if "to" in template:
        raise PayloadError("invalid_message", "message.to is not allowed in a bulk send")
    sender, subject = _common(template, "message")
    options = body.get("options") if isinstance(body.get("options"), dict) else {}
    strict = options.get("strict_substitutions", True) is not False
    out = []
    for n, recipient in enumerate(recipients):
        email = addresses(
            recipient.get("email") if isinstance(recipient, dict) else None,
            f"recipients[{n}].email",
        )
        if len(email) != 1:
            raise PayloadError("invalid_message", f"recipients[{n}].email is required")
        lacking = _missing(template, recipient.get("substitutions")) if strict else set()
        if lacking:
            raise PayloadError(
                "missing_bulk_substitutions",
                f"recipients[{n}] lacks substitutions: {', '.join(sorted(lacking))}",
            )
        out.append(OutMessage(sender, tuple(email), tuple(email), subject))
    return out


def carried(body: Any) -> list[tuple[str | None, str | None, str | None]]:
    """Best effort (from, first recipient, subject) per message, for error entries."""
    if not isinstance(body, dict):
        return []
    if isinstance(body.get("messages"), list):
        items = [m for m in body["messages"] if isinstance(m, dict)]
        return [
            (_first(m.get("from")), _first(m.get("to")), _text(m.get("subject"))) for m in items
        ]
    template = body.get("message")
    if isinstance(template, dict) and isinstance(body.get("recipients"), list):
        sender, subject = _first(template.get("from")), _text(template.get("subject"))
        return [
            (sender, _first(r.get("email")), subject)
            for r in body["recipients"]
            if isinstance(r, dict)
        ]
    return []


def _first(value: Any) -> str | None:
    try:
        found = addresses(value, "x")
    except PayloadError:
        return None
    return found[0] if found else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None

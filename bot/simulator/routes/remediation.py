"""The one write the simulator accepts: PUT /api/delivery/suppression_lists/edit.

Validates the body as the documented form does (`email*`, `reason`, `accounts[]`, `active`),
edits the address's entries with that scope, and answers 204 (the documented "Empty").
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from bot.qboxmail.contract import SuppressionReason
from bot.simulator.call import Call, Handler
from bot.simulator.responses import invalid, not_found
from bot.simulator.suppressions import edit


def _body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise invalid("email", "can't be blank") from None
    if not isinstance(body, dict):
        raise invalid("email", "can't be blank")
    return body


def _email(body: dict[str, Any]) -> str:
    email = body.get("email")
    if not isinstance(email, str) or not email.strip():
        raise invalid("email", "can't be blank")
    if "@" not in email:
        raise invalid("email", "is not valid")
    return email.strip().lower()


def _accounts(body: dict[str, Any]) -> tuple[int, ...] | None:
    accounts = body.get("accounts")
    if accounts is None:
        return None
    if not isinstance(accounts, list) or not all(
        isinstance(a, int) and not isinstance(a, bool) for a in accounts
    ):
        raise invalid("accounts", "must be a list of account ids")
    return tuple(accounts)


def _active(body: dict[str, Any]) -> bool:
    active = body.get("active", True)
    if not isinstance(active, bool):
        raise invalid("active", "must be true or false")
    reason = body.get("reason")
    if reason is not None and reason not in {r.value for r in SuppressionReason}:
        raise invalid("reason", "is not included in the list")
    return active


async def suppression_edit(call: Call) -> Response:
    body = _body(await call.request.body())
    email, accounts, active = _email(body), _accounts(body), _active(body)
    if edit(call.sim, email, accounts, active) == 0:
        raise not_found()
    return Response(status_code=204)


HANDLERS: dict[str, Handler] = {"suppression_edit": suppression_edit}

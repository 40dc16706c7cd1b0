"""Turn what the Qboxmail probe saw into checks: one line per endpoint, the token, error ids.

Pure: endpoint results and TraceMail entries in, Check values out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.doctor.report import Area, Check, EndpointResult, EndpointStatus, Status
from bot.qboxmail.contract import SEND_ERRORS_BY_ID
from bot.qboxmail.models import RESPONSE_MODELS

MODELS_FILE = "bot/qboxmail/models.py"
CONTRACT_FILE = "bot/qboxmail/contract.py"
SEND_BACK = (
    "then send a recording to the project: qbx doctor --record DIR (README: Reporting drift)"
)
MAX_LISTED = 8


def listed(names: Iterable[str]) -> str:
    items = list(names)
    more = f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
    return ", ".join(items[:MAX_LISTED]) + more


def token_check(results: tuple[EndpointResult, ...], auth_failed: bool) -> Check:
    first = next((r for r in results if r.name == "dashboard"), None)
    if auth_failed and first is not None:
        return Check(
            Area.QBOXMAIL, "token", Status.FAIL, f"the Management API refused it ({first.detail})",
            "create a Management API token in the Qboxmail panel (API access enabled) and put "
            "it in QBOXMAIL_API_TOKEN",
        )  # fmt: skip
    if first is None or first.status is EndpointStatus.FAILED:
        why = first.detail if first else "no answer"
        return Check(
            Area.QBOXMAIL, "token", Status.FAIL, f"could not be checked: {why}",
            "check QBOXMAIL_API_URL and that this host can reach it",
        )  # fmt: skip
    return Check(Area.QBOXMAIL, "token", Status.OK, "the Management API accepts it")


def _drift_detail(result: EndpointResult) -> str:
    parts = []
    if result.shape.missing:
        parts.append(f"missing {listed(result.shape.missing)}")
    if result.shape.unexpected_type:
        parts.append(f"unexpected {listed(u.text() for u in result.shape.unexpected_type)}")
    return "; ".join(parts)


def _unknown(result: EndpointResult) -> str:
    names = [n for n in result.shape.unknown_fields if not n.startswith("pagination.")]
    return f"; fields qbx does not read: {listed(names)}" if names else ""


def endpoint_check(result: EndpointResult) -> Check:
    name = f"{result.method} {result.path}"
    model = RESPONSE_MODELS.get(result.name)
    where = f"{MODELS_FILE} ({model.__name__})" if model else CONTRACT_FILE
    if result.status is EndpointStatus.DRIFT:
        return Check(
            Area.QBOXMAIL, name, Status.FAIL, _drift_detail(result) + _unknown(result),
            f"qbx reads these fields wrongly: correct them in {where}, {SEND_BACK}",
        )  # fmt: skip
    if result.status is EndpointStatus.FAILED:
        return Check(Area.QBOXMAIL, name, Status.FAIL, result.detail, _failure_fix(result.detail))
    if result.status is EndpointStatus.EMPTY:
        return Check(
            Area.QBOXMAIL, name, Status.WARN, result.detail + ": its shape could not be compared",
            "run qbx doctor again when the account has data there",
        )  # fmt: skip
    if result.status is EndpointStatus.SKIPPED:
        write = result.detail.startswith("never called")
        status = Status.OK if write else Status.WARN
        return Check(Area.QBOXMAIL, name, status, result.detail)
    return Check(Area.QBOXMAIL, name, Status.OK, result.detail + _unknown(result))


def _failure_fix(detail: str) -> str:
    if detail.startswith(("HTTP 404", "HTTP 422", "HTTP 405")):
        return f"the assumed path or parameters are wrong: correct {CONTRACT_FILE}, {SEND_BACK}"
    if detail.startswith(("HTTP 401", "HTTP 403")):
        return "the token may not see this resource: check its user's permissions in the panel"
    if detail.startswith("not reached within"):
        return "run again with a longer --time-limit"
    return "try again; if it persists, check this host's network access to Qboxmail"


def send_error_check(entries: list[dict[str, Any]]) -> Check:
    """Send API error ids TraceMail showed that contract.SEND_ERRORS gives no meaning to."""
    seen = {str(e["error"]) for e in entries if e.get("error")}
    unknown = sorted(seen - set(SEND_ERRORS_BY_ID))
    name = "Send API error ids in TraceMail"
    if unknown:
        return Check(
            Area.QBOXMAIL, name, Status.WARN,
            f"{len(unknown)} id(s) qbx has no meaning for: {listed(unknown)}",
            f"add them to SEND_ERRORS in {CONTRACT_FILE}, {SEND_BACK}",
        )  # fmt: skip
    detail = f"all {len(seen)} known" if seen else "no rejected request in the sample"
    return Check(Area.QBOXMAIL, name, Status.OK, detail)

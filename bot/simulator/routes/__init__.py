"""Request handlers by contract endpoint name; HANDLERS must cover contract.ENDPOINTS exactly."""

from __future__ import annotations

from bot.simulator.call import Handler
from bot.simulator.routes import delivery, hosting, remediation, send, tracemail

HANDLERS: dict[str, Handler] = {
    **delivery.HANDLERS,
    **tracemail.HANDLERS,
    **hosting.HANDLERS,
    **send.HANDLERS,
    **remediation.HANDLERS,
}

"""The Send API: POST /v1/send and /v1/send/bulk."""

from __future__ import annotations

from bot.simulator.call import Call, Handler
from bot.simulator.responses import Resources, not_found


async def _todo(call: Call) -> Resources:
    raise not_found()


HANDLERS: dict[str, Handler] = {"send": _todo, "send_bulk": _todo}

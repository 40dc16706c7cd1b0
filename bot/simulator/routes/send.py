"""The Send API routes: POST /v1/send and /v1/send/bulk (bearer token, not the Management one)."""

from __future__ import annotations

from starlette.responses import Response

from bot.simulator.call import Call, Handler
from bot.simulator.send import handle_send


async def send(call: Call) -> Response:
    return await handle_send(call.sim, call.request, bulk=False)


async def send_bulk(call: Call) -> Response:
    return await handle_send(call.sim, call.request, bulk=True)


HANDLERS: dict[str, Handler] = {"send": send, "send_bulk": send_bulk}

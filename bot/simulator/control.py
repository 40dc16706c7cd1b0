"""Simulator-only control routes under /_sim/ (management token required), for other processes.

GET/POST/DELETE /_sim/faults   show, set ({"route": name|"*", ...Fault fields}), clear (?route=)
GET/POST /_sim/clock           show, move ({"advance_seconds": n} or {"now": ISO-8601})
GET /_sim/describe             the world as JSON
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.qboxmail.contract import MANAGEMENT_TOKEN_HEADER
from bot.simulator.describe import describe
from bot.simulator.faults import Fault
from bot.simulator.responses import JSON, ApiProblem, invalid, management_error, not_found
from bot.simulator.state import Simulation


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data).encode(), status, media_type=JSON)


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise invalid("body", "is not valid JSON") from None
    if not isinstance(body, dict):
        raise invalid("body", "must be a JSON object")
    return body


def _faults_json(sim: Simulation) -> dict[str, Any]:
    return {"faults": {route: f.to_json() for route, f in sim.faults.snapshot().items()}}


async def _faults(sim: Simulation, request: Request) -> Response:
    if request.method == "POST":
        body = await _body(request)
        route = body.pop("route", "*")
        try:
            sim.faults.set(str(route), Fault.from_json(body))
        except (TypeError, ValueError) as error:
            raise invalid("fault", str(error)) from None
    elif request.method == "DELETE":
        sim.faults.clear(request.query_params.get("route"))
    return _json(_faults_json(sim))


def _clock_json(sim: Simulation) -> dict[str, str]:
    return {"now": sim.clock.now().isoformat()}


async def _clock(sim: Simulation, request: Request) -> Response:
    if request.method == "POST":
        body = await _body(request)
        try:
            if "now" in body:
                sim.clock.set(datetime.fromisoformat(str(body["now"])))
            else:
                sim.clock.advance(timedelta(seconds=float(body.get("advance_seconds", 0))))
        except (TypeError, ValueError) as error:
            raise invalid("now", str(error)) from None
    return _json(_clock_json(sim))


async def control(sim: Simulation, request: Request) -> Response:
    if request.headers.get(MANAGEMENT_TOKEN_HEADER) != sim.management_token:
        return management_error(ApiProblem(401, "Unauthorized"))
    try:
        match request.url.path:
            case "/_sim/faults":
                return await _faults(sim, request)
            case "/_sim/clock":
                return await _clock(sim, request)
            case "/_sim/describe":
                return _json(describe(sim))
        raise not_found()
    except ApiProblem as problem:
        return management_error(problem)

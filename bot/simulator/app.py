"""The simulator's ASGI app: one Starlette route that dispatches by `contract.ENDPOINTS`.

Order for every request: faults (latency, hang, 429, 5xx) -> route match (unknown: 404) ->
Management token check -> handler -> serialisation (data-wrapped or malformed when a fault
says so). `/_sim/...` control routes are never faulted.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.qboxmail.contract import (
    ENDPOINTS,
    MANAGEMENT_TOKEN_HEADER,
    Api,
    Endpoint,
    match_endpoint,
)
from bot.simulator.call import Call, Handler
from bot.simulator.control import control
from bot.simulator.drift import drifted
from bot.simulator.faults import Action, Decision
from bot.simulator.params import Params
from bot.simulator.responses import (
    JSON,
    ApiProblem,
    Resources,
    data_wrapped,
    envelope,
    management_error,
    not_found,
    send_error,
    unauthorized,
)
from bot.simulator.routes import HANDLERS
from bot.simulator.state import Simulation

SEND_PREFIX = "/v1"
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def check_route_table(handlers: dict[str, Handler]) -> None:
    """Every contract endpoint has a handler and every handler an endpoint."""
    missing = {e.name for e in ENDPOINTS} - set(handlers)
    extra = set(handlers) - {e.name for e in ENDPOINTS}
    if missing or extra:
        raise RuntimeError(f"simulator routes differ from the contract: {missing=} {extra=}")


def _resolve(method: str, path: str) -> Endpoint | None:
    if path == SEND_PREFIX or path.startswith(SEND_PREFIX + "/"):
        return match_endpoint(Api.SEND, method, path[len(SEND_PREFIX) :])
    return match_endpoint(Api.MANAGEMENT, method, path)


def _fault_response(sim: Simulation, endpoint: Endpoint | None, decision: Decision) -> Response:
    send = endpoint is not None and endpoint.api == Api.SEND
    if decision.action == Action.RATE_LIMIT:
        headers = {"Retry-After": str(decision.fault.retry_after)}
        if send:
            return send_error("rate_limited", sim.new_uuid(), headers=headers)
        return management_error(ApiProblem(429, "Too many requests"), headers)
    status = decision.fault.error_status
    if send:
        body = {
            "error_code": status,
            "error": "internal_error",
            "message": "Internal server error",
            "request_id": sim.new_uuid(),
        }
        return Response(json.dumps(body).encode(), status, media_type=JSON)
    return management_error(ApiProblem(status, "Internal server error"))


def _serialise(result: Resources | Response, decision: Decision) -> Response:
    if isinstance(result, Resources):
        items = [data_wrapped(i) for i in result.items] if decision.data_wrapped else result.items
        result = Response(envelope(items, result.pagination), result.status, media_type=JSON)
    if decision.malformed and result.media_type == JSON and 200 <= result.status_code < 300:
        body = bytes(result.body)
        return Response(body[: max(1, len(body) // 2)], result.status_code, media_type=JSON)
    return result


async def _call(sim: Simulation, request: Request, endpoint: Endpoint) -> Resources | Response:
    if endpoint.api == Api.MANAGEMENT:
        token = request.headers.get(MANAGEMENT_TOKEN_HEADER)
        if token is None or token != sim.management_token:
            raise unauthorized()
    sub = request.url.path
    if endpoint.api == Api.SEND:
        sub = sub[len(SEND_PREFIX) :]
    match = endpoint.pattern.match(sub)
    path = match.groupdict() if match else {}
    call = Call(sim, request, path, Params(request.query_params), sim.clock.now())
    return await HANDLERS[endpoint.name](call)


async def dispatch(request: Request) -> Response:
    sim: Simulation = request.app.state.sim
    path = request.url.path
    if path.startswith("/_sim/"):
        return await control(sim, request)
    endpoint = _resolve(request.method, path)
    decision = sim.faults.decide(endpoint.name if endpoint else "*")
    if decision.latency_s:
        await sim.sleep(decision.latency_s)
    if decision.action == Action.HANG:
        await sim.hang(decision.fault.hang_seconds)
    elif decision.action != Action.PASS:
        return _fault_response(sim, endpoint, decision)
    try:
        if endpoint is None:
            raise not_found()
        result = await _call(sim, request, endpoint)
    except ApiProblem as problem:
        return management_error(problem)
    if sim.drift and isinstance(result, Resources):
        result.items = drifted(endpoint.name, result.items)
    return _serialise(result, decision)


def build_app(sim: Simulation) -> Starlette:
    check_route_table(HANDLERS)
    app = Starlette(routes=[Route("/{path:path}", dispatch, methods=METHODS)])
    app.state.sim = sim
    return app

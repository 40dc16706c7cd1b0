"""`qbx serve [--port N] [--socket]`: the Slack app over HTTP (uvicorn) or Socket Mode."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.cli import EXIT_OK, EXIT_USAGE, SERVICE
from bot.errors import ConfigError
from bot.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="serve the Slack app (HTTP, or Socket Mode)")
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default: PORT)")
    parser.add_argument("--host", default="0.0.0.0", help="interface to bind (default: all)")  # noqa: S104
    parser.add_argument("--socket", action="store_true", help="Socket Mode with SLACK_APP_TOKEN")
    parser.add_argument(
        "--workers", type=int, default=1, help="HTTP worker processes (more than 1 needs Redis)"
    )
    parser.set_defaults(handler=run, logs=SERVICE)


def preflight(settings: Settings, *, socket: bool, workers: int) -> None:
    """Every setting the chosen transport needs, checked before anything starts."""
    from bot.runtime.serving import require_slack_credentials  # heavy: only when serving

    if socket and settings.slack_app_token is None:
        raise ConfigError("Socket Mode needs SLACK_APP_TOKEN (xapp-..., scope connections:write).")
    require_slack_credentials(settings, socket=socket)
    if workers > 1 and settings.redis_url is None:
        raise ConfigError("--workers above 1 shares state through Redis: set REDIS_URL.")


def serve_http(settings: Settings, host: str, port: int, workers: int) -> None:
    """uvicorn on its own loop (uvloop where installed), one runtime per worker process."""
    import uvicorn

    from bot.runtime.uvicorn_app import ServerApp

    if workers > 1:
        uvicorn.run(
            "bot.runtime.uvicorn_app:worker_app", factory=True, host=host, port=port,
            workers=workers, log_config=None, loop="auto", lifespan="on",
        )  # fmt: skip
        return
    uvicorn.run(ServerApp(settings), host=host, port=port, log_config=None, lifespan="on")


async def serve_socket(settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.runtime.serving import open_runtime

    assert settings.slack_app_token is not None  # preflight checked it
    async with open_runtime(settings, socket=True) as runtime:
        handler = AsyncSocketModeHandler(runtime.app, settings.slack_app_token.get_secret_value())
        await handler.start_async()  # type: ignore[no-untyped-call]  # unannotated in slack_bolt


def run(args: argparse.Namespace) -> int:
    settings = args.settings
    try:
        preflight(settings, socket=args.socket, workers=args.workers)
        if args.socket:
            asyncio.run(serve_socket(settings))
        else:
            serve_http(settings, args.host, args.port or settings.port, args.workers)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK

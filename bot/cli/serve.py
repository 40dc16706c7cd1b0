"""`qbx serve [--port N] [--socket]`: the Slack app over HTTP (uvicorn) or Socket Mode."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from collections.abc import Callable
from typing import Any

import uvicorn
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.cli import EXIT_OK, EXIT_USAGE
from bot.errors import ConfigError
from bot.logs import configure_logging
from bot.runtime import open_runtime
from bot.settings import Settings, load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="serve the Slack app (HTTP, or Socket Mode)")
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default: PORT)")
    parser.add_argument("--host", default="0.0.0.0", help="interface to bind (default: all)")  # noqa: S104
    parser.add_argument("--socket", action="store_true", help="Socket Mode with SLACK_APP_TOKEN")
    parser.set_defaults(handler=run)


async def serve_http(settings: Settings, host: str, port: int) -> None:
    async with open_runtime(settings) as runtime:
        config = uvicorn.Config(runtime.asgi, host=host, port=port, log_config=None)
        gc.freeze()  # start-up objects leave the collector's scans: shorter pauses
        await uvicorn.Server(config).serve()


async def serve_socket(settings: Settings) -> None:
    if settings.slack_app_token is None:
        raise ConfigError("Socket Mode needs SLACK_APP_TOKEN (xapp-..., scope connections:write).")
    async with open_runtime(settings, socket=True) as runtime:
        handler = AsyncSocketModeHandler(runtime.app, settings.slack_app_token.get_secret_value())
        await handler.start_async()  # type: ignore[no-untyped-call]  # unannotated in slack_bolt


def fast_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvicorn's own choice of event loop (uvloop where installed): acks get cheaper."""
    return uvicorn.Config(app="bot.web:build_asgi", loop="auto").get_loop_factory()


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        configure_logging(
            level=settings.log_level.value,
            fmt=settings.log_format.value if settings.log_format else None,
            secrets=settings.secret_values(),
        )
        with asyncio.Runner(loop_factory=fast_loop()) as runner:
            if args.socket:
                runner.run(serve_socket(settings))
            else:
                runner.run(serve_http(settings, args.host, args.port or settings.port))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK

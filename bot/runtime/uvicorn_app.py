"""The HTTP server's ASGI entry: one runtime per process, opened in the ASGI lifespan.

`qbx serve --workers N` runs N of these (uvicorn's worker processes share the port); with more
than one, shared state must live in Redis, so REDIS_URL is required.
"""

from __future__ import annotations

import gc
from contextlib import AsyncExitStack
from typing import Any

from starlette.types import Receive, Scope, Send

from bot.errors import ConfigError
from bot.logs import configure_from_settings
from bot.runtime.serving import open_runtime
from bot.settings import Settings, load_settings


class ServerApp:
    """Delegates HTTP to the runtime's Starlette app; its lifespan opens and closes the runtime."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._asgi: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if self._asgi is None:
            raise RuntimeError("the server's lifespan has not started")
        await self._asgi(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        async with AsyncExitStack() as stack:
            await receive()  # lifespan.startup
            try:
                runtime = await stack.enter_async_context(open_runtime(self._settings))
            except ConfigError as error:
                await send({"type": "lifespan.startup.failed", "message": str(error)})
                return
            self._asgi = runtime.asgi
            gc.freeze()  # start-up objects leave the collector's scans: shorter pauses
            await send({"type": "lifespan.startup.complete"})
            await receive()  # lifespan.shutdown
        await send({"type": "lifespan.shutdown.complete"})


def worker_app() -> ServerApp:
    """uvicorn's factory in each worker process: settings read once, logging set up."""
    settings = load_settings()
    configure_from_settings(settings)
    return ServerApp(settings)

"""Every test starts with the process's logging as it found it: no leaks between tests.

`configure_logging` (run by the CLI's main) changes global state — structlog's configuration,
the root handlers and library logger levels — so it is snapshotted and restored around each test.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import structlog

_LIBRARY_LOGGERS = ("httpx", "httpcore", "uvicorn", "uvicorn.error", "uvicorn.access")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in _LIBRARY_LOGGERS}
    yield
    structlog.configure(**saved)
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved_level in levels.items():
        logging.getLogger(name).setLevel(saved_level)

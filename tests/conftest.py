"""Every test starts with the process's logging as it found it: no leaks between tests.

`configure_logging` (run by the CLI's main) changes global state — structlog's configuration,
the root handlers and library logger levels — so it is snapshotted and restored around each test.

`--machine-now ISO` runs every test with the machine's clock faked to that instant (ticking on
from it): `make test-dates` uses it to show no test depends on the day or hour it runs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

import pytest
import structlog
import time_machine

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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--machine-now",
        default=None,
        help="fake the machine's clock to this ISO 8601 instant (with offset) for the whole run",
    )


def pytest_configure(config: pytest.Config) -> None:
    """With --machine-now, the clock is faked from before collection (module-level worlds too)."""
    value = config.getoption("--machine-now")
    if value:
        traveller = time_machine.travel(datetime.fromisoformat(value), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)

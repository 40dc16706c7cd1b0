"""A faithful local Qboxmail API (Management + Send) for development, tests and the demo.

async with running_simulator(seed=7) as sim: ...   # see server.py
"""

from __future__ import annotations

from bot.simulator.clock import SimClock
from bot.simulator.faults import Fault, Faults
from bot.simulator.server import (
    DEFAULT_TOKEN,
    SimulatorHandle,
    create_simulation,
    running_simulator,
    simulator_in_thread,
)

__all__ = [
    "DEFAULT_TOKEN", "Fault", "Faults", "SimClock", "SimulatorHandle", "create_simulation",
    "running_simulator", "simulator_in_thread",
]  # fmt: skip

"""The registry of checks, filled as their modules are imported."""

from __future__ import annotations

from bot.diagnostics.checks import deep, delivery, health, hosting, message, recipient, sending
from bot.diagnostics.checks.base import CHECKS, Check, Outcome

__all__ = ["CHECKS", "Check", "Outcome", "deep", "delivery", "health", "hosting", "message",
           "recipient", "sending"]  # fmt: skip

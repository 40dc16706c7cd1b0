"""Bounce messages: read one (pasted, attached or piped) into its kind, its failed recipients
with the remote replies decoded, and the original message's Message-ID."""

from bot.bounces.model import BounceKind, BounceReport, FailedRecipient, Reply
from bot.bounces.reader import read_bounce

__all__ = ["BounceKind", "BounceReport", "FailedRecipient", "Reply", "read_bounce"]

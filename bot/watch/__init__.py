"""Watches: re-check a queued or deferred message with back-off until it reaches a final state."""

"""The HTTP face: the ASGI app behind the Slack signature gate (asgi), request guards (guard)."""

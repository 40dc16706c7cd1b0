"""The HTTP face: the ASGI app behind the Slack signature gate (asgi), request guards (guard),
the signed-webhook helper and its one error shape (endpoint)."""

"""Automated incidents: watch TraceMail, evaluate rules declared as data, keep one living post each.

observe (watcher) -> last-hour windows (history) -> evaluate (rules) -> reconcile (tracker,
state machine in lifecycle) -> publish (publisher, via the IncidentPoster port); engine wires them.
"""

"""Pure renderers: a Report to Block Kit (Slack) or to terminal text."""

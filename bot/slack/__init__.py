"""The Slack side of qbx: Web API client, posting and progress, intent-named flows, error words."""

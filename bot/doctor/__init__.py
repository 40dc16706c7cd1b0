"""`qbx doctor`: checks everything qbx depends on (settings, Qboxmail, Slack, the store) and
compares each Qboxmail answer with the wire models, field by field; records scrubbed answers."""

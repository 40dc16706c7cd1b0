"""Guarded remediation: the few writes qbx may make to Qboxmail, each opt-in, confirmed, audited."""

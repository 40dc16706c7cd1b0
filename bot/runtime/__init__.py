"""The composition root: settings become live services here, and only here."""

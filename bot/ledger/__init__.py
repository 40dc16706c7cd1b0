"""The id ledger: what applications tell qbx of each Send API call (book), POST /ledger (http)."""

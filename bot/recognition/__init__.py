"""Text -> targets and commands: `ids.recognise` (ids, codes, addresses, pasted bodies), the
command grammar (`grammar.parse_command`, `grammar.check_target`) and what they yield (targets).

Pure: no I/O.
"""

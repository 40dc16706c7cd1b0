"""Recognition internals behind `bot.ids.recognise`: text cleaning, mentions, pasted bodies, hints.

Pure: no I/O. Import `recognise` from `bot.ids`; the modules here are its parts.
"""

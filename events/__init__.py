"""What can happen to a simulated process: the event vocabulary, the log, the session file.

This package imports nothing from :mod:`vmdebug`; the machine that *decides*
events and the fold that *applies* them live there.
"""
from events.schema import SCHEMA_VERSION, Event, parse_event

__all__ = ["SCHEMA_VERSION", "Event", "parse_event"]

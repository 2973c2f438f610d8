"""What can happen to a simulated process: the event vocabulary, the log, the session file.

This package imports nothing from :mod:`vmdebug`; the machine that *decides*
events and the fold that *applies* them live there.  The pydantic models load
only when asked for (export and validation), not when a run records.
"""
from __future__ import annotations

from typing import Any

from events.codes import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Event", "parse_event"]


def __getattr__(name: str) -> Any:
    if name in ("Event", "parse_event"):
        from events import schema
        return getattr(schema, name)
    raise AttributeError(f"module 'events' has no attribute {name!r}")

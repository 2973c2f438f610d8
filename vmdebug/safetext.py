"""Text from a file or a replayed program, made safe to show on a terminal.

A session is shared; its strings (program name, arguments, source lines,
file names, the end reason) and the output its program wrote are replayed
from bytes a stranger chose.  A terminal would act on control characters in
them (an OSC sequence retitles the window, others move the cursor or worse),
so they are shown as gdb shows them inside a string: ``\\033``, ``\\r``,
``\\000``.  Line feeds and tabs stay, as text needs them.  The program's own
output passes through raw only while it runs live on this machine, and
``log export`` keeps it raw inside its JSON strings.
"""
from __future__ import annotations

import re

# gdb's C escapes (c-lang.c / generic_emit_char); ESC prints as \033, others in octal.
_NAMED = {7: "\\a", 8: "\\b", 12: "\\f", 13: "\\r", 11: "\\v"}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return _NAMED.get(c) or f"\\{c:03o}"


def safe_text(text: str) -> str:
    """``text`` with every control character but newline and tab escaped."""
    return _CONTROL.sub(_escape, text)


def safe_line(text: str) -> str:
    """A one-line field: newlines and tabs escaped as well."""
    return safe_text(text).replace("\n", "\\n").replace("\t", "\\t")


def safe_bytes(data: bytes) -> bytes:
    """Program output replayed from a session: UTF-8 text kept, invalid bytes as
    ``\\xNN``, control characters escaped."""
    return safe_text(data.decode("utf-8", errors="backslashreplace")).encode("utf-8")

"""Errors a user may see: always one line, never a traceback."""
from __future__ import annotations


class UserError(Exception):
    """An error caused by the user's input (a file, an argument, a command)."""

    exit_code: int = 1

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

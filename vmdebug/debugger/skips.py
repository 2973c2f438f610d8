"""gdb's skip list: functions and files ``step`` steps over instead of into.

A distribution's libc has no line information, so gdb's ``step`` never
stops in it.  vmdebug's libc has lines (its sources ship with vmdebug), so
it starts with one skip entry, ``-gfile /vmdebug/libc/src/*``, that has the
same effect - and that a user can delete (``skip delete 1``) or disable to
step into malloc and watch it work.

Matching follows gdb/skip.c: a file entry names a file as the line table
knows it (its full name here); a glob entry matches the full name or its
trailing components with fnmatch and FNM_FILE_NAME (``*`` does not cross
``/``); a function entry names a function, a regexp entry searches it.
"""
from __future__ import annotations

import os
import re

from events.record import Record
from vmdebug.libc import LIBC_DEBUG_ROOT

LIBC_GLOB = f"{LIBC_DEBUG_ROOT}/src/*"


class SkipEntry(Record):
    def __init__(self, number: int, file: str = "", file_is_glob: bool = False, function: str = "",
                 function_is_regexp: bool = False, enabled: bool = True) -> None:
        self.number = number
        self.file = file
        self.file_is_glob = file_is_glob
        self.function = function
        self.function_is_regexp = function_is_regexp
        self.enabled = enabled

    def skips(self, file: str, function: str | None) -> bool:
        """gdb skiplist_entry::skip_file_p and skip_function_p, both when both are set."""
        if not self.enabled:
            return False
        file_ok = function_ok = True
        if self.file:
            file_ok = _file_matches(self.file, file, self.file_is_glob)
        if self.function:
            if function is None:
                return False
            if self.function_is_regexp:
                try:
                    function_ok = re.search(self.function, function) is not None
                except re.error:
                    function_ok = False
            else:
                function_ok = function == self.function
        return file_ok and function_ok


def _glob(pattern: str, name: str) -> bool:
    """fnmatch with FNM_FILE_NAME | FNM_NOESCAPE: no wildcard matches a '/'."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    try:
        return re.fullmatch("".join(out), name) is not None
    except re.error:
        return False


def _file_matches(pattern: str, file: str, glob: bool) -> bool:
    """The whole name, else its trailing components (compare_filenames_for_search)."""
    if not glob:
        if file == pattern:
            return True
        return file.endswith("/" + pattern) if not os.path.isabs(pattern) else False
    if _glob(pattern, file):
        return True
    parts = pattern.count("/") + 1
    tail = "/".join(file.split("/")[-parts:])
    return not os.path.isabs(pattern) and _glob(pattern, tail)


def default_skips() -> list[SkipEntry]:
    return [SkipEntry(1, LIBC_GLOB, True)]

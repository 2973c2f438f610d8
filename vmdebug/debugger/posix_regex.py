"""POSIX basic regular expressions, as gdb's ``info functions|variables|types REGEXP``
compiles them (regcomp without REG_EXTENDED, glibc's GNU extensions included),
translated to Python's :mod:`re`; errors worded as glibc's regerror words them.
"""
from __future__ import annotations

import re

from vmdebug.debugger.values import DebugError

_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v", "blank": " \\t", "punct": "!-/:-@\\[-`{-~", "xdigit": "0-9A-Fa-f",
    "cntrl": "\\x00-\\x1f\\x7f", "print": " -~", "graph": "!-~",
}


def bre_to_python(pattern: str) -> str:
    """A POSIX basic regular expression (with the GNU extensions glibc's regcomp
    accepts: ``\\+ \\? \\| \\< \\> \\w \\b``) as a Python one."""
    out: list[str] = []
    i, n = 0, len(pattern)
    at_start = True                   # where '*' is literal and '^' an anchor
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 == n:
            raise re.error("Trailing backslash")
        if c == "\\":
            d = pattern[i + 1]
            i += 2
            if d == "(":
                out.append("(")
                at_start = True
                continue
            if d == "|":
                out.append("|")
                at_start = True
                continue
            if d == "{":
                m = re.match(r"(\d*)(,?)(\d*)\\}", pattern[i:])
                if m is None:
                    raise re.error("Unmatched \\{")
                if m.group(1) == "" or (m.group(3) and int(m.group(3)) < int(m.group(1))):
                    raise re.error("min repeat greater")
                out.append("{" + m.group(1) + m.group(2) + m.group(3) + "}")
                i += m.end()
                at_start = False
                continue
            mapped = {")": ")", "}": "}", "+": "+", "?": "?", "<": r"\b(?=\w)", ">": r"\b(?<=\w)",
                      "`": r"\A", "'": r"\Z", "w": r"\w", "W": r"\W", "s": r"\s", "S": r"\S", "b": r"\b",
                      "B": r"\B"}.get(d)
            if mapped is not None:
                out.append(mapped)
            elif d.isdigit() and d != "0":
                out.append("\\" + d)
            else:
                out.append(re.escape(d))
            at_start = False
            continue
        if c == "[":
            j = i + 1
            body = ""
            if j < n and pattern[j] == "^":
                body += "^"
                j += 1
            if j < n and pattern[j] == "]":
                body += "\\]"
                j += 1
            while j < n and pattern[j] != "]":
                if pattern.startswith("[:", j):
                    k = pattern.find(":]", j + 2)
                    if k > 0 and pattern[j + 2:k] in _CLASSES:
                        body += _CLASSES[pattern[j + 2:k]]
                        j = k + 2
                        continue
                ch = pattern[j]
                body += "\\" + ch if ch in "\\[]^" else ch
                j += 1
            if j >= n:
                raise re.error("Unmatched [")
            out.append("[" + body + "]")
            i = j + 1
            at_start = False
            continue
        if c == "*" and at_start:
            out.append(r"\*")
        elif c == "^":
            out.append("^" if at_start else r"\^")
            i += 1
            continue                  # '*' right after an anchoring '^' is literal too
        elif c == "$":
            rest = pattern[i + 1:]
            out.append("$" if rest == "" or rest.startswith(("\\)", "\\|")) else r"\$")
        elif c in "+?(){}|":
            out.append("\\" + c)
        elif c == "." or c == "*":
            out.append(c)
        else:
            out.append(re.escape(c))
        at_start = False
        i += 1
    return "".join(out)


#: Python's complaints as glibc's regerror words them.
_REGERRORS = [("missing )", "Unmatched ( or \\("), ("unbalanced parenthesis", "Unmatched ( or \\("),
              ("unterminated character set", "Unmatched [ or [^"), ("Unmatched [", "Unmatched [ or [^"),
              ("Unmatched \\{", "Unmatched \\{"), ("bad character range", "Invalid range end"),
              ("nothing to repeat", "Invalid preceding regular expression"),
              ("multiple repeat", "Invalid preceding regular expression"),
              ("invalid group reference", "Invalid back reference"), ("unknown group", "Invalid back reference"),
              ("Trailing backslash", "Trailing backslash"), ("min repeat greater", "Invalid content of \\{\\}"),
              ("bad escape", "Trailing backslash")]


def compile_regexp(pattern: str) -> re.Pattern[str]:
    """regcomp (REG_NOSUB, basic syntax); errors as gdb reports them."""
    try:
        return re.compile(bre_to_python(pattern))
    except re.error as exc:
        text = str(exc)
        msg = next((g for py, g in _REGERRORS if py in text), text.split(" at position")[0])
        raise DebugError(f"Invalid regexp: {msg}") from None

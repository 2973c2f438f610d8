"""The line table: instruction addresses <-> source file and line.

Built from ``.file N "name"`` / ``.loc N LINE COL`` as gas turns them into a
DWARF line program (gas/dwarf2dbg.c): a row applies from its address up to
the next row's address.  For assembly written without ``.loc`` each
instruction gets a row for its own line in the ``.s`` file, so stepping and
``list`` work for hand-written programs too.

Rows of one address keep their order; as gdb does for a breakpoint on
``file:line`` we take the ``is_stmt`` rows, and for "where am I" the last
row at or before the address.
"""
from __future__ import annotations

import bisect
import os

from events.record import Frozen, Record


class LineEntry(Frozen):
    """One row: code at ``address`` comes from ``file:line`` (column ``col``)."""

    __slots__ = ("address", "file", "line", "col", "is_stmt")

    def __init__(self, address: int, file: str, line: int, col: int = 0, is_stmt: bool = True) -> None:
        object.__setattr__(self, "address", address)
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "col", col)
        object.__setattr__(self, "is_stmt", is_stmt)


class LineTable(Record):
    """Rows sorted by address plus the address ranges they cover (code sections)."""

    __slots__ = ("entries", "ranges", "_addrs")

    def __init__(self, entries: list[LineEntry] | None = None, ranges: list[tuple[int, int]] | None = None
                 ) -> None:
        self.entries = [] if entries is None else entries
        self.ranges = [] if ranges is None else ranges
        self.entries.sort(key=lambda e: e.address)       # stable: same-address rows keep order
        self.ranges.sort()
        self._addrs = [e.address for e in self.entries]

    # ------------------------------------------------------------- lookups
    def _in_range(self, address: int) -> bool:
        k = bisect.bisect_right(self.ranges, (address, 1 << 64)) - 1
        return k >= 0 and self.ranges[k][0] <= address < self.ranges[k][1]

    def _range_of(self, address: int) -> tuple[int, int] | None:
        k = bisect.bisect_right(self.ranges, (address, 1 << 64)) - 1
        if k >= 0 and self.ranges[k][0] <= address < self.ranges[k][1]:
            return self.ranges[k]
        return None

    def entry_for(self, address: int) -> LineEntry | None:
        """The row in effect at ``address``: the last is_stmt row at the greatest
        row address <= address (or the last row there if none is a statement)."""
        if self.ranges and not self._in_range(address):
            return None
        k = bisect.bisect_right(self._addrs, address) - 1
        if k < 0:
            return None
        at = self._addrs[k]
        rng = self._range_of(address)
        if rng is not None and not rng[0] <= at < rng[1]:
            return None
        j = k
        while j > 0 and self._addrs[j - 1] == at:
            j -= 1
        rows = self.entries[j:k + 1]
        stmts = [r for r in rows if r.is_stmt]
        return (stmts or rows)[-1]

    def next_row(self, address: int) -> int | None:
        """The first row address after ``address`` (where its line's code ends)."""
        k = bisect.bisect_right(self._addrs, address)
        return self._addrs[k] if k < len(self._addrs) else None

    def lookup(self, address: int) -> tuple[str, int] | None:
        """(file, line) of the code at ``address``, or None if no row covers it."""
        e = self.entry_for(address)
        return (e.file, e.line) if e is not None else None

    def files(self) -> list[str]:
        """Every file named by a row, in first-appearance order."""
        return list(dict.fromkeys(e.file for e in self.entries))

    def match_file(self, name: str) -> str | None:
        """The table's spelling of ``name``: exact, else unique path-suffix/basename match."""
        files = self.files()
        if name in files:
            return name
        norm = os.path.normpath(name)
        cands = [f for f in files if os.path.normpath(f).endswith(os.sep + norm) or norm.endswith(os.sep + f)
                 or os.path.basename(f) == os.path.basename(norm) and os.sep not in norm]
        return cands[0] if len(cands) == 1 else None

    def addresses(self, file: str, line: int) -> list[int]:
        """Addresses where ``file:line`` starts (is_stmt rows; if none, any rows), sorted.

        Consecutive rows of the line (no other line in between) count once, at
        their first address, so a breakpoint is not hit twice per execution.
        """
        real = self.match_file(file)
        if real is None:
            return []
        out: list[int] = []
        for want_stmt in (True, False):
            prev_match = False
            for e in self.entries:
                if want_stmt and not e.is_stmt:
                    continue
                match = e.file == real and e.line == line
                if match and not prev_match and e.address not in out:
                    out.append(e.address)
                prev_match = match if (e.is_stmt or not want_stmt) else prev_match
            if out:
                break
        return sorted(out)

    def first_address(self, file: str, line: int) -> int | None:
        """Lowest address of ``file:line``, or None."""
        found = self.addresses(file, line)
        return found[0] if found else None

    def lines_with_code(self, file: str) -> list[int]:
        """Sorted line numbers of ``file`` that have code."""
        real = self.match_file(file)
        return sorted({e.line for e in self.entries if e.file == real}) if real else []

    # ------------------------------------------------------- serialisation
    def to_dict(self) -> dict[str, object]:
        return {
            "entries": [[e.address, e.file, e.line, e.col, int(e.is_stmt)] for e in self.entries],
            "ranges": [list(r) for r in self.ranges],
        }

    @staticmethod
    def from_dict(d: dict[str, object]) -> "LineTable":
        entries = [LineEntry(int(a), str(f), int(l), int(c), bool(s))
                   for a, f, l, c, s in d.get("entries", [])]  # type: ignore[union-attr]
        ranges = [(int(a), int(b)) for a, b in d.get("ranges", [])]  # type: ignore[union-attr]
        return LineTable(entries, ranges)

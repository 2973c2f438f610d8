"""The server's one debugger over the session, and the answers of the JSON API.

Each answer moves the debugger's cursor to the step asked for and reads the views there
(:mod:`vmdebug.web.snapshot`, :mod:`vmdebug.web.paging`); motions (``next``,
``reverse-step``...) are the debugger's own commands run from that step.  The caller holds
a lock around every call: a Debugger has one cursor.  Errors are :class:`WebError`, one
line each, which the app turns into a 4xx JSON reply.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from events import codes as C

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

#: The motions the page's buttons and keys send, each the debugger command of that name.
MOTIONS = ("stepi", "nexti", "step", "next", "finish", "continue",
           "reverse-stepi", "reverse-nexti", "reverse-step", "reverse-next", "reverse-finish", "reverse-continue")


class WebError(Exception):
    """A request the session cannot answer (a step out of range, a bad address): one line."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class WebSession:
    """One debugger over a session, for the page."""

    def __init__(self, dbg: "Debugger", name: str, public: bool = False, warnings: list[str] | None = None) -> None:
        from events.log import DamagedLog
        from vmdebug.web.marks import timeline_marks
        from vmdebug.web.heap_requests import Requests
        self.dbg = dbg
        self.name = name
        self.public = public
        #: One-line warnings from opening the session (a damaged file: the steps before the damage).
        self.warnings = [w.removeprefix("warning: ") for w in warnings or []]
        self.fresh: list[str] = []        # those the last move added
        self.marks = timeline_marks(dbg.tl.log)
        self.requests = Requests(dbg.tl.log)
        self.requests.asked(0, 0)          # build the index now, not on the first step asked for
        # The checkpoints of the grid past the last one the session stored (a session cut short
        # stored none near its end), built now rather than on the first jump there.
        try:
            dbg.tl.history.build_all()
        except DamagedLog as exc:          # the steps before the damage still replay
            self.warnings.append(str(exc))

    # ---- moving ------------------------------------------------------------------
    def goto(self, step: int) -> None:
        from events.log import DamagedLog
        last = self.dbg.tl.last
        if not 0 <= step <= last:
            raise WebError(f"no step {step}: the session has steps 0..{last}")
        try:
            self.dbg.tl.goto(step)
        except DamagedLog as exc:
            raise WebError(str(exc), 422) from None
        self.dbg.frame_level = 0
        self.fresh = [w.removeprefix("warning: ") for w in self.dbg.tl.take_warnings()]
        self.warnings += self.fresh

    def motion(self, start: int, cmd: str) -> dict[str, Any]:
        """Run one of :data:`MOTIONS` from step ``start``: the step it stops at and what the
        debugger said."""
        if cmd not in MOTIONS:
            raise WebError(f"unknown motion {cmd!r} (one of: {', '.join(MOTIONS)})")
        self.goto(start)
        with self.dbg.out.captured() as lines:
            ok = self.dbg.execute(cmd)
        return {"step": self.dbg.tl.cursor, "ok": ok, "said": [line for line in lines if line]}

    # ---- answers -----------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        dbg = self.dbg
        tl = dbg.tl
        fatal = self.marks["fatal"]["steps"]
        return {"program": self.name, "last": tl.last, "end": dbg.end_text(), "marks": self.marks,
                "fatal_step": fatal[-1] if fatal else None, "public": self.public,
                "nframes": tl.nframes, "registers": list(C.GPR_NAMES[:10]), "warnings": self.warnings}

    def step(self, step: int) -> dict[str, Any]:
        """Everything the page draws at ``step``."""
        from vmdebug.web import snapshot as S
        started = time.perf_counter()
        self.goto(step)
        dbg = self.dbg
        changed, written = S.step_changes(dbg, step)
        frames = S.frames(dbg)
        with dbg.innermost_frames(frames):
            out = {
                "step": step,
                "last": dbg.tl.last,
                "registers": S.registers(dbg, changed),
                "source": S.source(dbg, frames),
                "disassembly": S.disassembly(dbg),
                "memory_map": S.memory_map(dbg),
                "stack": S.stack(dbg, written, frames),
                "heap": S.heap(dbg, self.requests),
                "events": S.events(dbg, step),
                "written": written,
                "output": S.output_upto(dbg, step),
                "warnings": self.fresh,         # said by this move (a checkpoint refused on first use)
            }
        out["server_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return out

    def source(self, file: str) -> dict[str, Any]:
        from vmdebug.web.snapshot import source_text
        text = source_text(self.dbg, file)
        if text is None:
            raise WebError(f"no source for {file!r} in the session", 404)
        return {"file": file, "lines": text}

    def pagewalk(self, step: int, addr: int) -> dict[str, Any]:
        from vmdebug.web.paging import walk
        self.goto(step)
        return walk(self.dbg, addr)

    def frames(self, step: int) -> dict[str, Any]:
        from vmdebug.web.paging import physical_frames
        self.goto(step)
        return physical_frames(self.dbg)

    def history(self, step: int, target: str) -> dict[str, Any]:
        """Every write to a register (``$eax``) or an address or lvalue (an expression, read in
        the selected frame at ``step``), as the ``history`` command finds and says them."""
        from vmdebug.debugger.commands.beyond import _eip_before, _target, _where, _writes
        from vmdebug.debugger.values import DebugError
        self.goto(step)
        dbg = self.dbg
        try:
            kind, where, size = _target(dbg, target)
            found = _writes(dbg, kind, where, size)
        except DebugError as exc:
            raise WebError(str(exc)) from None
        name = C.REG_NAMES[where] if kind == "reg" else f"{where:#010x} ({size} byte{'s' if size != 1 else ''})"
        return {"target": name, "writes": [{"step": s, "where": _where(dbg, _eip_before(dbg, s)), "text": text}
                                           for s, text in found]}

    def explain(self) -> dict[str, Any]:
        """``explain`` at the end of the run: why the process died, in the course's terms."""
        from vmdebug.debugger.views.explain import explain_lines
        self.goto(self.dbg.tl.last)
        return {"lines": explain_lines(self.dbg)}

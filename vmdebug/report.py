"""How a run ended, for ``vmdebug run``: its :class:`RunEnd` and the paragraph printed
after a fatal signal (:mod:`vmdebug.replay.diagnosis` decides what it says)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events.end import RunEnd

if TYPE_CHECKING:
    from vmdebug.machine.process import Process


def diagnosis(proc: "Process", end: RunEnd, smashed: Any) -> str:
    """The paragraph ``run`` prints after a fatal signal: the same :class:`Diagnosis` that
    ``explain`` spells out, from the state and the last step's events.  (Imported here: only
    a run a signal killed needs them.)"""
    from vmdebug.replay.diagnosis import diagnose, run_paragraph
    from vmdebug.replay.query import fatal_at

    log = proc.log
    d = diagnose(proc.state, end, fatal_at(log, log.last_step), proc.steps, smashed)
    return run_paragraph(d, lambda eip: f"<{sym}>" if (sym := proc.symbol_for(eip)) else "")


def end_of_run(proc: "Process", how: str, max_steps: int) -> RunEnd:
    if how == "limit":
        return RunEnd("limit", reason=f"--max-steps {max_steps}")
    if how == "deadlock":
        return RunEnd("limit", reason=proc.deadlock)
    if how == "interrupted":
        return RunEnd("interrupted")
    status, signal = proc.state.exited or (0, 0)
    if signal:
        fault = getattr(proc, "fault", None)
        return RunEnd("killed", status, signal, fault.reason if fault else "")
    return RunEnd("exited", status)

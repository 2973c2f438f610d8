"""How a run ended: one value, built where the run ends and read everywhere else.

``run`` makes it from the process, a session's footer stores it, a replay
derives it from the last events, and the debugger, the gdb server and
``log info`` read it.  Its stored form (the footer's ``end`` map) is
``{"how": ..., "status": N, "signal": N, "reason": "..."}`` with only the keys
that apply, as it always was.
"""
from __future__ import annotations

from typing import Any

from events.record import Frozen

#: exited / killed: the recorded run reached its end; limit: ``--max-steps``;
#: interrupted: Ctrl-C; running: a live program not finished yet; unknown: a file
#: that does not say (truncated, or not closed).
HOWS = ("exited", "killed", "limit", "interrupted", "running", "unknown")


class RunEnd(Frozen):
    __slots__ = (
        "how",
        "status",  # exit status (exited), or what wait() would report (killed)
        "signal",  # the fatal signal (killed)
        "reason",  # the kernel's words for the signal, or the limit that stopped the run
    )

    def __init__(self, how: str = "unknown", status: int = 0, signal: int = 0, reason: str = "") -> None:
        object.__setattr__(self, "how", how)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "signal", signal)
        object.__setattr__(self, "reason", reason)

    @property
    def ended(self) -> bool:
        """The process reached its end (exit or fatal signal)."""
        return self.how in ("exited", "killed")

    def to_dict(self) -> dict[str, Any]:
        """The stored form (a session footer's ``end``)."""
        out: dict[str, Any] = {"how": self.how}
        if self.how == "exited":
            out["status"] = self.status
        elif self.how == "killed":
            out.update(signal=self.signal, status=self.status, reason=self.reason)
        elif self.how == "limit" and self.reason:
            out["reason"] = self.reason
        return out

    @classmethod
    def from_dict(cls, data: Any) -> "RunEnd":
        """The stored form, from a file that may lie: anything malformed is "unknown"."""
        if not isinstance(data, dict) or data.get("how") not in HOWS:
            return cls()
        status, signal, reason = data.get("status", 0), data.get("signal", 0), data.get("reason", "")
        if not all(isinstance(v, int) and not isinstance(v, bool) and -(1 << 31) <= v < (1 << 32)
                   for v in (status, signal)) or not isinstance(reason, str):
            return cls()
        return cls(data["how"], status, signal, reason)

    def words(self) -> str:
        """As a verb phrase: "exited with status 0", "was killed by signal 11"."""
        if self.how == "exited":
            return f"exited with status {self.status}"
        if self.how == "killed":
            return f"was killed by signal {self.signal}"
        return f"ended ({self.how})"

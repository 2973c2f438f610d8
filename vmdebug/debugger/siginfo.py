"""gdb's ``$_siginfo`` and ``$_exitcode`` on a recorded run.

``$_siginfo`` has gdb's type for i386 GNU/Linux (linux-tdep.c,
linux_get_siginfo_type_with_fields with LINUX_SIGINFO_FIELD_ADDR_BND, as
i386-linux-tdep.c asks): ``si_signo``, ``si_errno``, ``si_code`` and the union
``_sifields`` (``_pad``, ``_kill``, ``_timer``, ``_rt``, ``_sigchld``,
``_sigfault`` with ``si_addr``, ``_addr_lsb`` and ``_addr_bnd``, ``_sigpoll``,
``_sigsys``), 128 bytes.  Its bytes are only ever ones the run really had:

* at a fatal signal (the cursor at the end of a run a signal killed), the
  kernel's siginfo built from the recorded fault: signal, si_code, and the
  address (a fault) or the sender's pid and uid (kill, tgkill, SIGPIPE);
* where gdb stopped for a handled signal (before its handler runs), the 128 bytes
  the kernel wrote into the handler's ``rt_sigframe`` one step later.

Anywhere else no signal is pending, and gdb's "Unable to read siginfo" is the
answer; once the program has exited there is no process, and the value is void.
``$_exitcode`` is the exit status once the cursor is at the end of a run that
exited, void before that; ``$_exitsignal`` the signal that killed it.  Once an exit or a
death has been reported (``dbg.exit_vars``), its variable keeps that value as gdb's does,
until the next one: across ``run``, ``kill`` and going back.
"""
from __future__ import annotations

import re
import struct
from typing import TYPE_CHECKING

from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.ctype import CType, Member
from vmdebug.debugger.values import DebugError, Value

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

SIGINFO_SIZE = 128
SI_USER, SI_TKILL = 0, -6


def _composite(kind: str, name: str | None, fields: list[tuple[str, CType]]) -> CType:
    """gdb's arch_composite_type + append_composite_type_field: a struct lays its fields
    out in order, aligned to their size (at most 4 on i386); a union puts them all at 0."""
    t = CType(kind, name, 0)
    offset = 0
    for fname, ftype in fields:
        if kind == "union":
            t.members.append(Member(fname, ftype, 0))
            t.size = max(t.size, ftype.length)
            continue
        align = min(max(ftype.strip().length if ftype.strip().kind != "array" else 4, 1), 4)
        offset = (offset + align - 1) // align * align
        t.members.append(Member(fname, ftype, offset * 8))
        offset += ftype.length
        t.size = offset
    return t


def _typedef(name: str, target: CType) -> CType:
    return CType("typedef", name, 0, target)


def _siginfo_type() -> CType:
    int_t = T.INT
    uint_t = T.UINT
    long_t = T.make_int("long", 4, True)
    short_t = T.make_int("short", 4, True)      # gdb makes it gdbarch_long_bit wide
    void_p = T.VOID_PTR
    sigval = _composite("union", "sigval_t", [("sival_int", int_t), ("sival_ptr", void_p)])
    pid_t, uid_t, clock_t = _typedef("__pid_t", int_t), _typedef("__uid_t", uint_t), _typedef("__clock_t", long_t)
    bnd = _composite("struct", None, [("_lower", void_p), ("_upper", void_p)])
    sifields = _composite("union", None, [
        ("_pad", T.array_of(int_t, SIGINFO_SIZE // 4 - 3)),
        ("_kill", _composite("struct", None, [("si_pid", pid_t), ("si_uid", uid_t)])),
        ("_timer", _composite("struct", None, [("si_tid", int_t), ("si_overrun", int_t), ("si_sigval", sigval)])),
        ("_rt", _composite("struct", None, [("si_pid", pid_t), ("si_uid", uid_t), ("si_sigval", sigval)])),
        ("_sigchld", _composite("struct", None, [("si_pid", pid_t), ("si_uid", uid_t), ("si_status", int_t),
                                                 ("si_utime", clock_t), ("si_stime", clock_t)])),
        ("_sigfault", _composite("struct", None, [("si_addr", void_p), ("_addr_lsb", short_t),
                                                  ("_addr_bnd", bnd)])),
        ("_sigpoll", _composite("struct", None, [("si_band", long_t), ("si_fd", int_t)])),
        ("_sigsys", _composite("struct", None, [("_call_addr", void_p), ("_syscall", int_t), ("_arch", uint_t)])),
    ])
    return _composite("struct", "siginfo", [("si_signo", int_t), ("si_errno", int_t), ("si_code", int_t),
                                            ("_sifields", sifields)])


SIGINFO = _siginfo_type()


def siginfo_bytes(dbg: "Debugger") -> bytes | None:
    """The siginfo of the signal the cursor is stopped by, or None (no signal here)."""
    from vmdebug.machine.faults import SI_CODES
    from vmdebug.replay.query import fatal_at
    tl = dbg.tl
    if tl.cursor == tl.last and tl.ended and tl.end().how == "killed":
        fatal = fatal_at(tl.log, tl.last)
        if fatal is None or fatal.si_code not in SI_CODES:
            return None
        code = SI_CODES[fatal.si_code]
        if code in (SI_USER, SI_TKILL):
            # kill(2), tgkill(2), or the kernel's SIGPIPE: _kill = {si_pid, si_uid}, the sender
            # (the kernel says which pid sent it; otherwise the process signalled itself) and
            # its uid, 0 (vmdebug's processes run as root: AT_UID is 0)
            sender = re.match(r"pid (\d+) sent it", fatal.reason)
            pid = int(sender.group(1)) if sender else tl.state.pid
            return struct.pack("<iiiiI", fatal.signal, 0, code, pid, 0).ljust(SIGINFO_SIZE, b"\0")
        return struct.pack("<iiiI", fatal.signal, 0, code, fatal.address & 0xFFFFFFFF).ljust(SIGINFO_SIZE, b"\0")
    stop = dbg.last_stop
    if stop is not None and stop.reason == "bp" and stop.step == tl.cursor:
        # gdb stops at a breakpoint on the SIGTRAP of its int3: the kernel's do_trap sends it
        # with si_code SI_KERNEL (0x80) and no address (arch/x86/kernel/traps.c, do_int3).
        return struct.pack("<iii", 5, 0, 0x80).ljust(SIGINFO_SIZE, b"\0")
    if stop is not None and stop.reason == "signal" and stop.step == tl.cursor and tl.cursor < tl.last:
        state = tl.history.state_at(tl.cursor + 1)
        esp = state.regs[4]
        if state.read_u32(esp + 8) != esp + 16 or state.read_u32(esp + 4) != stop.signal:
            return None             # a handler without SA_SIGINFO: the frame holds no siginfo
        words = [state.read_u32(esp + 16 + 4 * i) for i in range(SIGINFO_SIZE // 4)]
        if any(w is None for w in words):
            return None
        return struct.pack(f"<{len(words)}I", *words)
    return None


def special_variable(dbg: "Debugger", name: str) -> Value | None:
    """``$_siginfo``, ``$_exitcode`` and ``$_exitsignal`` at the cursor; None for any other name."""
    tl = dbg.tl
    if name in ("_exitcode", "_exitsignal"):
        if name in dbg.convenience:
            return None                 # set by the user: theirs
        if name in dbg.exit_vars:       # as the last exit or death reported set it
            from vmdebug.debugger.evaluate import make_int
            return make_int(T.INT, dbg.exit_vars[name])
    if name == "_exitcode":
        end = tl.end()
        if tl.cursor == tl.last and end.how == "exited":
            from vmdebug.debugger.evaluate import make_int
            return make_int(T.INT, end.status & 0xFF)
        return Value(T.VOID, b"")
    if name == "_exitsignal":
        return Value(T.VOID, b"")       # no death reported yet
    if name == "_siginfo":
        if (tl.cursor == tl.last and tl.ended and tl.end().how == "exited") or dbg.gone:
            return Value(T.VOID, b"")   # gdb: no process, no siginfo
        data = siginfo_bytes(dbg)
        if data is None:
            raise DebugError("Unable to read siginfo")
        return Value(SIGINFO, data)
    return None

"""gdb's ``$_siginfo`` and ``$_exitcode`` on a recorded run.

``$_siginfo`` has gdb's type for i386 GNU/Linux (linux-tdep.c,
linux_get_siginfo_type_with_fields with LINUX_SIGINFO_FIELD_ADDR_BND, as
i386-linux-tdep.c asks): ``si_signo``, ``si_errno``, ``si_code`` and the union
``_sifields`` (``_pad``, ``_kill``, ``_timer``, ``_rt``, ``_sigchld``,
``_sigfault`` with ``si_addr``, ``_addr_lsb`` and ``_addr_bnd``, ``_sigpoll``,
``_sigsys``), 128 bytes.  gdb reads the siginfo of the thread's last ptrace stop
(linux-nat.c linux_xfer_siginfo, PTRACE_GETSIGINFO); its bytes here are only ever
ones the run really had:

* at a fatal signal (the cursor at the end of a run a signal killed), the
  kernel's siginfo built from the recorded fault: signal, si_code, and the
  address (a fault) or the sender's pid and uid (kill, tgkill, SIGPIPE);
* where gdb stopped for a handled signal (before its handler runs): with SA_SIGINFO,
  the 128 bytes the kernel wrote into the handler's ``rt_sigframe`` one step later;
  with a plain handler, the siginfo the kernel decided, read back from what the run
  recorded (:func:`plain_handler_siginfo`);
* after a step that entered a signal handler (``stepi`` at such a stop), the SIGTRAP
  of ptrace_notify: kernel/signal.c signal_delivered -> ptrace_notify(SIGTRAP) for a
  task being single-stepped, whose ptrace_do_notify sets si_code to the exit code
  (SIGTRAP, 5) and ``_kill`` to the task's own pid and uid.

Anywhere else no signal is known, and gdb's "Unable to read siginfo" is the answer: after
an ordinary ``stepi`` gdb shows the single-step trap (SIGTRAP, TRAP_TRACE), but its
si_addr is not reliably the pc on the kernels gdb runs on here, so it cannot be said
exactly.  Once the process is gone (exited, or killed and said so) there is none, and
the value is void, as gdb's.

Going backward gdb's ``record full`` passes the read to the live process (record-full.c
has no siginfo of its own), so at a stop reached by ``reverse-stepi`` gdb shows the
siginfo of wherever the real process last stopped, whatever the replayed position.
vmdebug answers for the position instead: at the signal stop ``reverse-stepi`` returns
to (reported, as gdb's replay reports it, as the signal), the siginfo of that signal.
``$_exitcode`` is the exit status once the cursor is at the end of a run that
exited, void before that; ``$_exitsignal`` the signal that killed it.  Once an exit or a
death has been reported (``dbg.exit_vars``), its variable keeps that value as gdb's does,
until the next one: across ``run``, ``kill`` and going back.
"""
from __future__ import annotations

import re
import struct
from typing import TYPE_CHECKING

from events.codes import signed32
from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.ctype import CType, Member
from vmdebug.debugger.values import DebugError, Value
from vmdebug.machine.faults import SI_CODES

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
    pad = T.array_of(int_t, SIGINFO_SIZE // 4 - 3)
    pad.vector = True       # linux-tdep.c: init_vector_type (int_type, max_si_fields)
    sifields = _composite("union", None, [
        ("_pad", pad),
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


SIGTRAP, SIGFPE, SIGILL, SIGSEGV, SIGPIPE = 5, 8, 4, 11, 13
SIGINFO_NOTIFY = 5          # ptrace_notify(SIGTRAP): si_code = the exit code, SIGTRAP
STEPS_FORWARD = ("stepi", "nexti", "step", "next", "until")


def _kill_info(sig: int, code: int, pid: int) -> bytes:
    """_kill = {si_pid, si_uid}: uid 0, vmdebug's processes run as root (AT_UID is 0)."""
    return struct.pack("<iiiiI", sig, 0, code, pid, 0).ljust(SIGINFO_SIZE, b"\0")


def _fault_info(sig: int, code: int, addr: int) -> bytes:
    return struct.pack("<iiiI", sig, 0, code, addr & 0xFFFFFFFF).ljust(SIGINFO_SIZE, b"\0")


def starts_handler(dbg: "Debugger", step: int) -> bool:
    """Step ``step`` starts a signal handler: it pushes a frame returning to a restorer."""
    from events import codes as C
    from vmdebug.debugger.motion import _restorers
    restorers = _restorers(dbg)
    if step < 1 or step > dbg.tl.last or not len(restorers):
        return False
    cols = dbg.tl.log.step(step).cols
    return any(int(r[0]) == C.FRAME_PUSHED and int(r[2]) in restorers for r in cols.tolist())


def _syscall_in(dbg: "Debugger", step: int) -> tuple[str, list[int], int] | None:
    """The system call step ``step`` made, as (name, arguments, result), if any."""
    from events import codes as C
    sl = dbg.tl.log.step(step)
    for code, _a, b, _c, d in sl.cols.tolist():
        if code == C.SYSCALL:
            name, args = sl.extras[d]
            return name, [int(x) & 0xFFFFFFFF for x in args], b
    return None


def plain_handler_siginfo(dbg: "Debugger", step: int, sig: int) -> bytes | None:
    """The siginfo of the signal whose plain (non-SA_SIGINFO) handler step ``step``
    starts: its ``sigframe`` holds no siginfo, so it is read back from what the run did.

    * A signal the process sent itself is delivered on the way out of that system call
      (the step before): kill(2) makes SI_USER and tgkill(2) SI_TKILL (kernel/signal.c
      prepare_kill_siginfo, do_tkill), a write to a pipe with no reader SIGPIPE with
      SI_USER (fs/pipe.c pipe_write: send_sig); ``_kill`` is the sender, the process.
    * A fault is delivered in the faulting step, and the frame's sigcontext says which:
      a page fault (trapno 14) is SEGV_ACCERR when the error code has the protection bit,
      else SEGV_MAPERR, at cr2 (arch/x86/mm/fault.c bad_area); a general protection fault
      (trapno 13) SI_KERNEL with no address (traps.c exc_general_protection); #DE is
      FPE_INTDIV at the div (traps.c exc_divide_error); #UD ILL_ILLOPN at the instruction
      (do_error_trap); int3 SI_KERNEL (do_int3_user).
    None for what the record cannot tell (an x87 or SSE exception's si_code: the step's
    register writes are undone; a signal another process sent)."""
    tl = dbg.tl
    call = _syscall_in(dbg, step - 1) if step >= 1 else None
    if call is not None and _syscall_in(dbg, step) is None:
        name, args, result = call
        pid = tl.history.state_at(step - 1).pid
        if name == "kill" and len(args) >= 2 and args[1] == sig:
            return _kill_info(sig, SI_USER, pid)
        if name == "tgkill" and len(args) >= 3 and args[2] == sig:
            return _kill_info(sig, SI_TKILL, pid)
        if name == "write" and sig == SIGPIPE and signed32(result) == -32:
            return _kill_info(sig, SI_USER, pid)
    if _syscall_in(dbg, step) is not None:
        return None             # another process's kill() started it, in its own step
    state = tl.history.state_at(step)
    sc = state.regs[4] + 8          # sigframe: pretcode, sig, then the sigcontext
    words = [state.read_u32(sc + off) for off in (48, 52, 56, 84)]       # trapno, err, ip, cr2
    if any(w is None for w in words) or state.read_u32(sc - 4) != sig:
        return None
    trapno, err, ip, cr2 = words
    if sig == SIGSEGV and trapno == 14:
        return _fault_info(sig, SI_CODES["SEGV_ACCERR" if err & 1 else "SEGV_MAPERR"], cr2)
    if sig == SIGSEGV and trapno == 13:
        return _fault_info(sig, SI_CODES["SI_KERNEL"], 0)
    if sig == SIGILL:
        return _fault_info(sig, SI_CODES["ILL_ILLOPN"], ip)
    if sig == SIGTRAP:
        return _fault_info(sig, SI_CODES["SI_KERNEL"], 0)
    if sig == SIGFPE and _is_divide(dbg, ip):
        return _fault_info(sig, SI_CODES["FPE_INTDIV"], ip)
    return None


def _is_divide(dbg: "Debugger", addr: int) -> bool:
    """The instruction at ``addr`` is an integer div or idiv (the only #DE vmdebug raises)."""
    from vmdebug.isa.decoder import DecodeError, decode
    data, _ = dbg.memory.try_read(addr, 15)
    try:
        return data is not None and decode(data, addr).mnemonic in ("div", "idiv")
    except DecodeError:
        return False


def siginfo_bytes(dbg: "Debugger") -> bytes | None:
    """The siginfo of the signal the cursor is stopped by, or None (no signal here)."""
    from vmdebug.replay.query import fatal_at
    tl = dbg.tl
    if tl.cursor == tl.last and tl.ended and tl.end().how == "killed":
        fatal = fatal_at(tl.log, tl.last)
        if fatal is None or fatal.si_code not in SI_CODES:
            return None
        code = SI_CODES[fatal.si_code]
        if code in (SI_USER, SI_TKILL):
            # kill(2), tgkill(2), or the kernel's SIGPIPE: _kill = {si_pid, si_uid}, the sender
            # (the kernel says which pid sent it; otherwise the process signalled itself)
            sender = re.match(r"pid (\d+) sent it", fatal.reason)
            return _kill_info(fatal.signal, code, int(sender.group(1)) if sender else tl.state.pid)
        return _fault_info(fatal.signal, code, fatal.address)
    stop = dbg.last_stop
    if stop is None or stop.step != tl.cursor:
        return None
    if stop.reason == "bp" and stop.command not in STEPS_FORWARD:
        # gdb stops at a breakpoint on the SIGTRAP of its int3: the kernel's do_trap sends it
        # with si_code SI_KERNEL (0x80) and no address (arch/x86/kernel/traps.c, do_int3).
        return struct.pack("<iii", SIGTRAP, 0, 0x80).ljust(SIGINFO_SIZE, b"\0")
    if stop.reason == "signal" and tl.cursor < tl.last:
        state = tl.history.state_at(tl.cursor + 1)
        esp = state.regs[4]
        if state.read_u32(esp + 8) == esp + 16 and state.read_u32(esp + 4) == stop.signal:
            words = [state.read_u32(esp + 16 + 4 * i) for i in range(SIGINFO_SIZE // 4)]     # rt_sigframe
            if any(w is None for w in words):
                return None
            return struct.pack(f"<{len(words)}I", *words)
        return plain_handler_siginfo(dbg, tl.cursor + 1, stop.signal)
    if stop.command in STEPS_FORWARD and starts_handler(dbg, tl.cursor):
        return _kill_info(SIGTRAP, SIGINFO_NOTIFY, tl.state.pid)
    if stop.command in ("stepi", "nexti") and stop.reason in ("done", "bp"):
        return _single_step_info(dbg)
    return None


def _single_step_info(dbg: "Debugger") -> bytes | None:
    """After ``stepi`` (or ``nexti`` over anything but a call): the single-step trap,
    SIGTRAP with TRAP_TRACE at the new pc (arch/x86/kernel/traps.c exc_debug_user ->
    send_sigtrap(regs, 0, get_si_code(dr6)), si_addr regs->ip).  Only where gdb really
    single-stepped the instruction in place: from a breakpoint's address gdb steps a copy of
    it in its displaced-stepping buffer (infrun.c displaced_step_prepare, at the entry
    point), whose address si_addr then holds; over ``int 0x80`` the trap is the syscall
    exit's (TRAP_BRKPT, kernel/entry/common.c report_single_step); ``nexti`` over a call
    runs to a breakpoint; hardware watchpoints share dr6 - none of which is said here."""
    from vmdebug.debugger.motion import _bp_addrs
    from vmdebug.isa.decoder import DecodeError, decode
    tl = dbg.tl
    if tl.cursor < 1 or any(b.enabled and b.is_watch for b in dbg.breakpoints):
        return None
    before = tl.history.state_at(tl.cursor - 1)
    if before.pid != tl.state.pid:
        return None
    pc0 = before.regs[8]
    if pc0 in set(_bp_addrs(dbg).tolist()) or _syscall_in(dbg, tl.cursor) is not None:
        return None
    data, _ = dbg.memory.try_read(pc0, 15)
    try:
        insn = decode(data, pc0) if data is not None else None
    except DecodeError:
        insn = None
    if insn is None or insn.mnemonic in ("int", "int3", "call", "syscall", "sysenter"):
        return None
    return _fault_info(SIGTRAP, SI_CODES["TRAP_TRACE"], dbg.pc)


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
        if dbg.gone or (tl.cursor == tl.last and tl.ended and tl.end().how == "exited"):
            return Value(T.VOID, b"")   # gdb: no process, no siginfo
        data = siginfo_bytes(dbg)
        if data is None:
            raise DebugError("Unable to read siginfo")
        return Value(SIGINFO, data)
    return None

"""Answers to gdb's requests, read from (and moving) a debugger's timeline.

The inferior gdb sees is the recorded process *at the cursor*: ``g``, ``p``
and ``m`` read the state there, and every resume is a scan of the history
(:func:`vmdebug.debugger.motion.scan`) that moves the cursor to the next (or,
for ``bs``/``bc``, the previous) step where something stops it.  gdb's
breakpoints and watchpoints become the debugger's own
:class:`~vmdebug.debugger.session.Breakpoint` objects, so the numpy scans
find them in both directions.  Nothing is ever written: ``G``, ``P``, ``M``
and ``X`` get an error, as rr refuses to edit a recording.

The edges of history, as gdb's infrun understands them:

* going back past step 0: ``T05replaylog:begin`` ("No more reverse-execution
  history.");
* a run killed by a signal: the faulting step is reported as that signal
  (``T0b`` for SIGSEGV) with the process still there, so gdb can go back;
  resuming it with the signal (gdb passes SIGSEGV on) ends it: ``X0b``;
* a run that exited: a continue stops just before the exit system call with
  ``T05replaylog:end`` (as gdb's own "record full" stops before exit_group);
  resuming from there lets it exit: ``W xx``, and gdb disconnects;
* a recording that stops early (``--max-steps``, an interrupted session):
  ``T05replaylog:end`` at its last step.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import numpy as np

from events.record import Record
from events.log import DamagedLog
from vmdebug.debugger import expressions as E
from vmdebug.debugger.motion import Cols, Stop, scan
from vmdebug.debugger.output import Output
from vmdebug.gdbserver import tdesc

if TYPE_CHECKING:
    from vmdebug.debugger.session import Breakpoint, Debugger

#: The pid (and thread id) gdb sees; vmdebug's REPL names the process 1000 too.
from vmdebug.machine.kernel import PID  # noqa: E402

# GDB's own signal numbers (include/gdb/signals.def) for the Linux signals the
# simulator delivers (vmdebug.signals); most coincide, SIGBUS does not.
GDB_SIGNAL = {2: 2, 4: 4, 5: 5, 6: 6, 7: 10, 8: 8, 9: 9, 11: 11, 13: 13, 15: 15}
SIGINT, SIGTRAP = 2, 5

# Z packet types (gdb manual, "Packets": Z0..Z4) -> the debugger's kinds.
WATCH_KINDS = {2: "hw watchpoint", 3: "read watchpoint", 4: "acc watchpoint"}
WATCH_STOP = {2: "watch", 3: "rwatch", 4: "awatch"}
_PIECE_TYPES = {4: "unsigned int", 2: "unsigned short", 1: "unsigned char"}
MAX_WATCH = 4096
OUTPUT_CHUNK = 0x1000      # bytes per O packet: twice that in hex, well inside PacketSize

#: What the stub tells gdb it can do (qSupported reply, before the client-dependent parts).
FEATURES = ("PacketSize=4000", "qXfer:features:read+", "qXfer:auxv:read+", "ReverseStep+", "ReverseContinue+", "QStartNoAckMode+",
            "swbreak+", "hwbreak+", "vContSupported+")


class ProtocolError(Exception):
    """A malformed request: answered with an ``E`` reply."""


class Reply(Record):
    """Packets to send in order (``O`` output first, then the answer), and what to do after."""

    def __init__(self, packets: list[str] | None = None, close: bool = False, noack: bool = False) -> None:
        self.packets = [] if packets is None else packets
        self.close = close  # the client is done (k, D, vKill): close the connection
        self.noack = noack  # QStartNoAckMode accepted: stop acknowledging after this reply


def _hex_int(text: str) -> int:
    try:
        return int(text, 16)
    except ValueError:
        raise ProtocolError(text) from None


def _pieces(addr: int, length: int) -> list[tuple[int, int]]:
    """[addr, addr+length) as naturally aligned 4/2/1-byte pieces (each a watchable scalar)."""
    out = []
    end = addr + length
    while addr < end:
        for n in (4, 2, 1):
            if addr % n == 0 and addr + n <= end:
                out.append((addr, n))
                addr += n
                break
    return out


def _console(data: bytes) -> list[str]:
    """``O`` packets (console output, hex) small enough for gdb's PacketSize."""
    return [f"O{data[i:i + OUTPUT_CHUNK].hex()}" for i in range(0, len(data), OUTPUT_CHUNK)]


def _every_step(c: Cols) -> np.ndarray:
    return np.ones(len(c.steps), dtype=bool)


class Target:
    """One debugged process as gdb sees it; :meth:`handle` answers one packet."""

    def __init__(self, dbg: "Debugger", log: Callable[[str], None] | None = None) -> None:
        self.dbg = dbg
        self.tl = dbg.tl
        self.log = log or (lambda s: None)
        self.output: list[tuple[int, bytes]] = []
        dbg.program_output = lambda fd, data: self.output.append((fd, data))
        dbg.out = Output(self._quiet, self.log)   # the debugger's own messages are not gdb's business
        self.points: dict[tuple[int, int, int], list["Breakpoint"]] = {}
        self.owner: dict[int, tuple[int, int, int]] = {}
        self.multiprocess = False
        #: The session's layout: the segment selectors the program reads (vmdebug.machine.segments).
        self.layout: str = dbg.header.get("machine", {}).get("layout", "i386")
        self.extended = False        # "target extended-remote": run/kill/detach keep the connection
        self.started = False         # the process was (re)started by vRun, not attached to
        self.gone = False
        self.stop_reply = ""
        self.reset()

    @staticmethod
    def _quiet(text: str = "") -> None:
        pass

    # ---- a new client --------------------------------------------------------------
    def reset(self) -> None:
        """Back to step 0 with no breakpoints: each connection debugs the process from its start."""
        self.tl.interrupted = False
        self.tl.goto(0)
        self.tl.shown_upto = 0               # the program's output is shown again, as on a new run
        self.dbg.breakpoints.clear()
        self.points.clear()
        self.owner.clear()
        self.gone = False
        self.multiprocess = False
        self.extended = False
        self.started = False
        self.output.clear()
        self.stop_reply = self._stop(SIGTRAP)

    def restart(self) -> str:
        """``run`` in extended-remote mode: the same recorded process, from step 0 again."""
        self.tl.interrupted = False
        self.tl.goto(0)
        self.tl.shown_upto = 0
        self._forget_points()
        self.gone = False
        self.started = True
        self.stop_reply = self._stop(SIGTRAP)
        return self.stop_reply

    def _forget_points(self) -> None:
        """gdb considers its breakpoints gone with the process (it inserts them again on resume)."""
        for bps in self.points.values():
            for bp in bps:
                if bp in self.dbg.breakpoints:
                    self.dbg.breakpoints.remove(bp)
        self.points.clear()
        self.owner.clear()

    def _end_process(self) -> None:
        self.gone = True
        self._forget_points()

    # ---- identifiers ---------------------------------------------------------------
    @property
    def tid(self) -> str:
        return f"p{PID:x}.{PID:x}" if self.multiprocess else f"{PID:x}"

    def _stop(self, sig: int, extra: str = "") -> str:
        regs = self.tl.state.regs
        expedited = "".join(f"{n:02x}:{tdesc.reg_hex(regs, n)};" for n in (4, 5, 8))   # esp, ebp, eip
        return f"T{sig:02x}{extra}thread:{self.tid};{expedited}"

    def _exit(self) -> str:
        end = self.tl.end()
        suffix = f";process:{PID:x}" if self.multiprocess else ""
        if end.how == "killed":
            return f"X{GDB_SIGNAL.get(end.signal, end.signal):02x}{suffix}"
        return f"W{end.status & 0xFF:02x}{suffix}"

    # ---- dispatch ------------------------------------------------------------------
    def handle(self, payload: bytes) -> Reply:
        """The reply to one packet; never raises (a bug becomes an ``E`` reply and a log line)."""
        text = payload.decode("latin-1")
        try:
            return self._dispatch(text)
        except ProtocolError:
            return Reply(["E01"])
        except DamagedLog as exc:  # the session's events there cannot be read
            self.log(str(exc))
            return Reply(["E01"])
        except Exception as exc:  # a bug in the stub: keep serving
            self.log(f"internal error on {text[:40]!r}: {type(exc).__name__}: {exc}")
            return Reply(["E01"])

    def _dispatch(self, text: str) -> Reply:
        if not text:
            return Reply([""])
        head = text[0]
        if head == "?":
            return Reply([self._exit() if self.gone else self.stop_reply])
        if head == "g":
            return Reply([tdesc.g_packet(self.tl.state.regs, self.layout)])
        if head == "p":
            n = _hex_int(text[1:])
            if not 0 <= n < len(tdesc.REGS):
                return Reply(["E00"])
            return Reply([tdesc.reg_hex(self.tl.state.regs, n, self.layout)])
        if head in "GPMX":
            return Reply(["E01"])          # history cannot be edited (rr refuses writes while replaying)
        if head == "m":
            return Reply([self._read_memory(text[1:])])
        if head in "Zz":
            return Reply([self._point(text)])
        if head in "cCsS":
            sig = 0
            if head in "CS":
                sig = _hex_int(text[1:].split(";")[0])
            return self._resume(True, head in "sS", sig)
        if text in ("bs", "bc"):
            return self._resume(False, text == "bs", 0)
        if head == "H" or head == "T":
            return Reply(["OK"])
        if head == "k":
            self._end_process()
            return Reply([], close=not self.extended)
        if head == "D":
            self._end_process()
            return Reply(["OK"], close=not self.extended)
        if text == "!":
            self.extended = True
            return Reply(["OK"])
        if head == "v":
            return self._v(text)
        if head == "q":
            return self._query(text)
        if text == "QStartNoAckMode":
            return Reply(["OK"], noack=True)
        return Reply([""])                 # unknown: the empty reply means "not supported"

    # ---- queries -------------------------------------------------------------------
    def _query(self, text: str) -> Reply:
        name, _, rest = text.partition(":")
        if name == "qSupported":
            client = rest.split(";") if rest else []
            self.multiprocess = "multiprocess+" in client
            feats = list(FEATURES) + (["multiprocess+"] if self.multiprocess else [])
            return Reply([";".join(feats)])
        if name == "qXfer" and rest.startswith("features:read:"):
            return Reply([self._xfer(rest[len("features:read:"):])])
        if name == "qXfer" and rest.startswith("auxv:read:"):
            return Reply([self._xfer_auxv(rest[len("auxv:read:"):])])
        if text == "qAttached" or name == "qAttached":
            # "attached" (gdb detaches at exit, leaving the server as it was) unless gdb ran it.
            return Reply(["0" if self.started else "1"])
        if text == "qfThreadInfo":
            return Reply([f"m{self.tid}"])
        if text == "qsThreadInfo":
            return Reply(["l"])
        if text == "qC":
            return Reply([f"QC{self.tid}"])
        if text == "qOffsets":
            return Reply(["Text=0;Data=0;Bss=0"])
        if text.startswith("qSymbol"):
            return Reply(["OK"])
        if text.startswith("qThreadExtraInfo"):
            return Reply([f"step {self.tl.cursor}".encode().hex()])
        if text.startswith("qRcmd,"):
            return self._monitor(text[len("qRcmd,"):])
        return Reply([""])

    def _xfer(self, args: str) -> str:
        annex, _, span = args.partition(":")
        if annex != "target.xml":
            return "E00"
        off_text, _, len_text = span.partition(",")
        off, length = _hex_int(off_text), _hex_int(len_text)
        data = tdesc.TARGET_XML
        chunk = data[off:off + length]
        return ("l" if off + length >= len(data) else "m") + chunk

    def _xfer_auxv(self, args: str) -> str:
        """``qXfer:auxv:read::OFFSET,LENGTH``: the vector exec built, as /proc/PID/auxv holds it
        (binary; the packet layer escapes it)."""
        from vmdebug.debugger.commands.status import initial_auxv
        from vmdebug.debugger.views.auxv import auxv_bytes
        annex, _, span = args.partition(":")
        pairs = initial_auxv(self.dbg)
        if annex or pairs is None:
            return "E00"
        off_text, _, len_text = span.partition(",")
        off, length = _hex_int(off_text), _hex_int(len_text)
        data = auxv_bytes(pairs)
        chunk = data[off:off + length].decode("latin-1")
        return ("l" if off + length >= len(data) else "m") + chunk

    def _monitor(self, hex_cmd: str) -> Reply:
        """``monitor CMD``: a vmdebug command that only reads (explain, history, info ...) at the cursor."""
        from vmdebug.debugger.registry import resolve
        from vmdebug.debugger.values import DebugError
        try:
            line = bytes.fromhex(hex_cmd).decode("utf-8", "replace")
        except ValueError:
            raise ProtocolError(hex_cmd) from None
        lines: list[str] = []
        try:
            cmd, _ = resolve(line, self.dbg.aliases)      # an alias is refused as what it stands for
            if cmd.moves or cmd.category == "breakpoints":
                raise DebugError(f'"{cmd.name}" moves the cursor or sets breakpoints: use gdb\'s own command.')
            if cmd.files:     # a remote client must not read or write the server's files
                raise DebugError(f'"{cmd.name}" reads or writes files on the server: not over monitor.')
        except DebugError as exc:
            lines.append(str(exc))
        else:
            with self.dbg.out.captured() as said:
                self.dbg.execute(line)
            lines.extend(said)
        out = "".join(f"{ln}\n" for ln in lines)
        return Reply([*_console(out.encode()), "OK"])

    # ---- v packets -----------------------------------------------------------------
    def _v(self, text: str) -> Reply:
        if text == "vCont?":
            return Reply(["vCont;c;C;s;S;r"])
        if text.startswith("vCont;"):
            action = text[len("vCont;"):].split(";")[0].split(":")[0]
            if not action:
                raise ProtocolError(text)
            kind = action[0]
            if kind == "r":
                # Range stepping (gdb manual, "vCont"): step while the pc stays in [start, end).
                # gdb's step/next then cost one packet per line instead of one per instruction.
                lo_text, _, hi_text = action[1:].partition(",")
                return self._resume(True, True, 0, (_hex_int(lo_text), _hex_int(hi_text)))
            if kind not in "cCsS":
                return Reply(["E01"])      # t (stop) is for non-stop mode, not offered in vCont?
            sig = _hex_int(action[1:]) if kind in "CS" else 0
            return self._resume(True, kind in "sS", sig)
        if text.startswith("vKill"):
            self._end_process()
            return Reply(["OK"], close=not self.extended)
        if text.startswith(("vRun", "vAttach")):
            if not self.extended:
                return Reply(["E01"])
            return Reply([self.restart()])
        return Reply([""])              # vMustReplyEmpty, vFile, vRun...: not supported

    # ---- memory --------------------------------------------------------------------
    def _read_memory(self, args: str) -> str:
        addr_text, _, len_text = args.partition(",")
        addr, length = _hex_int(addr_text), _hex_int(len_text)
        length = min(length, 0x1000)
        data, _bad = self.dbg.memory.try_read(addr & 0xFFFFFFFF, length)
        if not data and length:
            return "E14"                    # EFAULT, as gdbserver answers for unreadable memory
        return data.hex()

    # ---- breakpoints and watchpoints ---------------------------------------------------
    def _point(self, text: str) -> str:
        parts = text[1:].split(";")[0].split(",")
        if len(parts) != 3:
            raise ProtocolError(text)
        ztype, addr, kind = _hex_int(parts[0]), _hex_int(parts[1]) & 0xFFFFFFFF, _hex_int(parts[2])
        if ztype > 4:
            return ""
        key = (ztype, addr, kind)
        if text[0] == "z":
            for bp in self.points.pop(key, []):
                if bp in self.dbg.breakpoints:
                    self.dbg.breakpoints.remove(bp)
                self.owner.pop(id(bp), None)
            return "OK"
        if key in self.points:
            return "OK"
        bps = self._make_points(ztype, addr, kind)
        if bps is None:
            return "E01"
        self.points[key] = bps
        for bp in bps:
            self.owner[id(bp)] = key
        self.dbg.breakpoints.extend(bps)
        return "OK"

    def _make_points(self, ztype: int, addr: int, length: int) -> list["Breakpoint"] | None:
        from vmdebug.debugger.session import Breakpoint
        dbg = self.dbg
        if ztype in (0, 1):
            bp = Breakpoint(dbg.next_bp, "breakpoint", addr, f"*{addr:#x}")
            dbg.next_bp += 1
            return [bp]
        if not 0 < length <= MAX_WATCH or addr + length > 1 << 32:
            return None
        out = []
        for a, n in _pieces(addr, length):
            what = f"*({_PIECE_TYPES[n]} *){a:#x}"
            out.append(Breakpoint(dbg.next_bp, WATCH_KINDS[ztype], 0, what, node=E.parse(what),
                                  ranges=((a, a + n),)))
            dbg.next_bp += 1
        return out

    # ---- resuming ------------------------------------------------------------------
    def _resume(self, forward: bool, step: bool, signal: int, span: tuple[int, int] | None = None) -> Reply:
        self.output.clear()
        reply = self._move(forward, step, signal, span)
        if not reply.startswith(("W", "X")):
            self.stop_reply = reply
        packets = [p for _fd, data in self.output for p in _console(data)]
        self.output.clear()
        return Reply([*packets, reply])

    def _move(self, forward: bool, step: bool, signal: int, span: tuple[int, int] | None) -> str:
        tl = self.tl
        if self.gone:
            return self._exit()
        how = tl.end().how
        if forward:
            if how == "killed" and tl.cursor >= tl.last:
                if signal:                   # delivering the fatal signal ends the process
                    self._end_process()
                    return self._exit()
                return self._report(Stop(tl.cursor, "end"), True, tl.cursor)  # the instruction faults again
            if how == "exited" and tl.cursor >= tl.last:
                self._end_process()
                return self._exit()
        else:
            if tl.cursor == 0:
                return self._stop(SIGTRAP, "replaylog:begin;")
            # From a fatal signal, going back starts at the instruction before the faulting
            # one: motion.scan begins at Timeline.back_start().
        start = tl.cursor
        pred = _every_step if step else None
        if span is not None:
            lo, hi = span
            pred = lambda c: (c.eip < lo) | (c.eip >= hi)   # noqa: E731
        stop = scan(self.dbg, forward, pred)
        return self._report(stop, forward, start)

    def _report(self, stop: Stop, forward: bool, start: int) -> str:
        tl = self.tl
        reason = stop.reason
        if reason == "end":
            end = tl.end()
            if end.how == "killed":
                sig = end.signal
                return self._stop(GDB_SIGNAL.get(sig, sig))
            if start < tl.last - 1:
                tl.goto(tl.last - 1)         # just before the exit: history ends here for gdb
                return self._stop(SIGTRAP, "replaylog:end;")
            tl.goto(tl.last)
            self._end_process()
            return self._exit()
        if reason == "limit":
            return self._stop(SIGTRAP, "replaylog:end;")
        if reason == "start":
            return self._stop(SIGTRAP, "replaylog:begin;")
        if reason == "interrupt":
            tl.interrupted = False
            return self._stop(SIGINT)
        if reason == "bp" and stop.bp is not None:
            key = self.owner.get(id(stop.bp))
            return self._stop(SIGTRAP, "hwbreak:;" if key and key[0] == 1 else "swbreak:;")
        if reason == "watch" and stop.bp is not None:
            key = self.owner.get(id(stop.bp))
            if key is not None:
                return self._stop(SIGTRAP, f"{WATCH_STOP[key[0]]}:{key[1]:x};")
        return self._stop(SIGTRAP)

    # ---- for the server ------------------------------------------------------------
    def interrupt(self) -> None:
        """Ctrl-C from gdb during a resume: the scan stops at its next check."""
        self.tl.interrupted = True

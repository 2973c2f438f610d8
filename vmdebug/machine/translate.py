"""Basic-block translation: straight-line code becomes one generated Python function.

The interpreter (:mod:`vmdebug.machine.cpu` and friends, driven by
:meth:`vmdebug.machine.process.Process.step`) stays the reference: this module
only speeds up what it already decides.  A *block* is the run of instructions
from an entry eip up to and including the first branch (``jcc``, ``jmp``,
``call``, ``ret``), or up to (not including) the first instruction it does not
know - that one is left to the interpreter.  The block is compiled once with
``compile()`` into a function, cached by entry eip in the process's code cache
(``Process.code`` under ``eip + BLOCK_KEY``), which inlines what the
interpreter's closures do through calls:

* operand access (``regs[...]``, the effective address as an expression);
* the TLB fast path (``Memory.tlb()``'s dicts, a ``struct`` unpack/pack on the
  physical memoryview), with the interpreter's own method as the slow path, so
  page faults, demand paging and copy-on-write happen exactly where they did;
* the status flags, computed per instruction as :mod:`vmdebug.machine.flags`
  does (SDM Vol. 1, 3.4.3).  They are *not* deferred across instructions: every
  step's EFLAGS write is an event, and the events are the product, so "lazy
  flags" would only move the work, not save it;
* the event appends (register writes that change a value, memory writes, the
  EIP write) and the step's close after every instruction, so each retired
  instruction is still its own step with exactly the interpreter's events.  The
  events are packed rows added to the log's open buffer (``buf += PK(...)``, a
  ``bytes`` constant for a row known in advance, see :func:`_packed`), and a
  block closes a step with ``close_step(len(buf))`` (no Python frame, where
  ``log.end_step()`` is a Python call); the caller settles the log when a chunk
  is full, which seals the chunks ``end_step`` would have sealed.

A *loop's block*: when the path from the entry comes back to it within
``MAX_BLOCK`` instructions - through direct jumps, and at each conditional
branch along the side execution took more often while it was interpreted
(``Process.heat``) - the block is the whole loop body in a ``while True``.
Each branch on the way returns when it goes the other way; the last one returns
unless it goes back to the entry.  Another pass starts only if all of its steps
fit in the ``budget`` the caller gives and the log's open chunk is not full
(``full``), so a hot loop runs many iterations per call instead of returning to
the dispatcher at every branch.  Every step is still the interpreter's step,
and ``k`` counts them across passes for ``retired``.

Instructions it has no generator for (string operations, division, x87, SSE...)
are still part of the block: the block calls the interpreter's own closure for
them in place, then stops if that closure went anywhere but the next
instruction (a taken ``loop``, a ``rep`` iteration).  System calls and traps
never are (``OUTSIDE``): the interpreter's step sleeps, switches and ends
processes.

Precise faults (SDM Vol. 3A 6.5): every generated instruction does all of its
memory accesses before any of its events, and at most one memory write, the
last access.  A fault (only a slow path can raise one) therefore leaves the
faulting step with no event of the CPU's own - only the kernel's page-fault
work, which the interpreter keeps too.  An interpreted instruction inside a
block marks its step's start first (``len(buf)``, as ``log.mark()``), so the caller can undo its
own writes as ``Process.step`` does (``Process._rollback``).  The function
reports the instructions it retired and that mark through ``retired`` when it
raises, and the caller ends the faulting step as ``Process.step`` does
(``die``).

Self-modifying code: a write that misses the fast path (a code page among
them: the fast path refuses pages in ``code_pages``) goes through
``Memory.write*``, which invalidates cached code as today and bumps
``Process.code_epoch``; the block then returns after that instruction, so the
next instruction is fetched afresh.

The caller (``Process._run_blocks``) runs a block only when all of its steps fit
before the step limit and the scheduler's quantum, and when no signal waits to
be delivered, so breakpoints, limits and task switches see the same step
boundaries as the interpreter.  With one process and no signal pending it runs
blocks back to back (``Process._chain``), settling the log only when a chunk is
full: nothing inside a block can fork, send a signal or end the run.
"""
from __future__ import annotations

import ast
from struct import Struct
from typing import TYPE_CHECKING, Any, Callable

from events.log import FIELDS, packers
from vmdebug.isa.decoder import DecodeError, Instruction, decode
from vmdebug.isa.operands import Rel
from vmdebug.machine import flags as F
from vmdebug.machine.blockgen import ALIGNED, EIP, GENERATORS, MASK, REG, Gen, Untranslatable, eip_event, \
    merge_events
from vmdebug.machine import segments
from vmdebug.machine.cpu import SEMANTICS

if TYPE_CHECKING:
    from vmdebug.machine.process import Process

#: Blocks live in ``Process.code`` beside the interpreter's closures, under ``eip + BLOCK_KEY``
#: (the dict is per process and swapped by the scheduler, and copied at fork, as closures are).
BLOCK_KEY = 1 << 32
MAX_BLOCK = 48
_U16, _U32 = Struct("<H"), Struct("<I")

#: Never inside a block: system calls (they sleep, switch processes, end the run, move eip
#: through the kernel) and the traps, which the interpreter's step handles.
OUTSIDE = {"int", "int3", "hlt", "ud2", "into", "sysenter", "syscall"}


class Block:
    """A translated block: ``run(buf, close_step, code_pages, kernel_rows, budget, full, fsteps)``
    retires up to ``n`` steps and returns how many it retired (fewer when a write dropped
    cached code, an interpreted instruction inside it went elsewhere than the next one, or a
    branch left the path it was built for).  A loop's block (see :func:`translate`) makes
    another pass of ``n`` steps while they fit in ``budget`` steps and the log's buffer holds
    fewer than ``full`` bytes (``full`` 0: one pass).  ``full`` and ``fsteps`` are the limits
    at which the caller seals a chunk (EventLog.seal_limits), or 0 when it settles after
    every block; below them a call or ret makes its frame event in place."""

    __slots__ = ("entry", "n", "run", "retired", "source")
    #: ``retired``: [steps retired, the faulting step's mark or -1] after ``run`` raised.

    def __init__(self, entry: int, n: int, run: Callable[..., int], retired: list[int], source: str) -> None:
        self.entry, self.n, self.run, self.retired, self.source = entry, n, run, retired, source


def _never(*args: Any) -> int:
    raise AssertionError("an empty block is never run")


# ---- building a block -----------------------------------------------------------------
def _fetch(proc: "Process", eip: int) -> bytes | None:
    """Up to 15 instruction bytes at ``eip`` from pages the TLB already holds as executable,
    without faulting (a fetch that would fault, or map a page, is left to the interpreter, so
    translating ahead never moves an event)."""
    mem = proc.memory
    out = b""
    addr, want = eip, 15
    while want > 0:
        base = mem.exec_base(addr >> 12)
        if base is None:
            break
        off = addr & 0xFFF
        n = min(want, 0x1000 - off)
        out += mem.phys_bytes(base | off, n)
        addr = (addr + n) & MASK
        want -= n
    return out or None


def _decode(proc: "Process", eip: int) -> Instruction | None:
    data = _fetch(proc, eip)
    if data is None:
        return None
    try:
        return decode(data, eip)
    except DecodeError:         # truncated at a page the TLB lacks, or invalid: the interpreter's
        return None


def translate(proc: "Process", entry: int) -> Block | None:
    """The block at ``entry``, or None when its first instruction is not translatable now.

    When the hot path from ``entry`` comes back to it within :data:`MAX_BLOCK` instructions
    (a loop's body, across its conditional branches), the block is that loop (see
    :func:`_body`); otherwise it ends at the first branch."""
    built = _body(proc, entry, True) or _body(proc, entry, False)
    assert built is not None
    body, insns, fns, first, loop = built
    if not insns:
        if first is None:
            return None
        _register(proc, entry, [first])     # cached as "not translatable", dropped with its page
        return Block(entry, 0, _never, [0, -1], "")
    n = len(insns)
    body, formats = _packed(body)
    src = ["def make(regs, mv, M32, rtlb_get, wtlb_get, R8, R16, R32, W8, W16, W32, U16, U32, P16, P32, PAR,",
           "         push_frame, pop_frame, drop_abandoned, state, retired, fns, epoch, PACK,",
           "         ends, names_get):"]
    src += [f"    {name} = PACK({fmt!r}).pack" for name, fmt in formats.items()]
    src += ["    def block(buf, close_step, cp, krows, budget, full, fsteps):",
           "        k = 0",
           "        mk = -1",
           "        ep = epoch[0]",
           "        try:"]
    if loop:
        src += ["            while True:"]
        src += ["                " + line for line in body]
        # Another pass only if all of its steps fit in the budget, and while the log's open
        # chunk is not full (the caller settles it: _seal then has little to carry over).
        src += [f"                if k + {n} > budget or len(buf) >= full:",
                "                    return k"]
    else:
        src += ["            " + line for line in body]
    src += ["        except BaseException:",
            "            retired[0] = k",
            "            retired[1] = mk",
            "            raise",
            f"        return {n}",
            "    return block"]
    source = "\n".join(src) + "\n"
    ns: dict[str, Any] = {}
    exec(compile(source, f"<block {entry:#010x}>", "exec"), ns)
    mem = proc.memory
    rtlb, wtlb = mem.tlb()
    retired = [0, -1]
    fn = ns["make"](proc.state.regs, mem.mv, mem.mv.cast("I") if ALIGNED else None, rtlb.get, wtlb.get,
                    mem.read8, mem.read16, mem.read32, mem.write8, mem.write16, mem.write32,
                    _U16.unpack_from, _U32.unpack_from, _U16.pack_into, _U32.pack_into, F.PARITY,
                    proc.push_frame, proc.pop_frame,
                    proc.drop_abandoned, proc.state, retired, tuple(fns), proc.code_epoch,
                    Struct, proc.log.seal_limits()[0], proc.frame_index.get)
    block = Block(entry, n, fn, retired, source)
    _register(proc, entry, insns)
    return block


def _packed(body: list[str]) -> tuple[list[str], dict[str, str]]:
    """The generators' ``emit((fields...))`` lines as the log's packed appends: a row whose
    fields are all constants (the EIP event of a straight-line instruction) becomes a
    ``bytes`` constant, added without packing; any other a ``buf += PKn(fields)`` with a
    ``struct`` packer for the line's shape, in which a field that is the constant 0 is a
    pad byte run (``4x``) rather than an argument: one conversion less for each.  Returns
    the lines and the packers they use, by name, as struct formats."""
    out: list[str] = []
    formats: dict[str, str] = {}
    for line in body:
        stripped = line.lstrip()
        if not stripped.startswith("emit(("):
            out.append(line)
            continue
        indent = line[:len(line) - len(stripped)]
        call = ast.parse(stripped, mode="eval").body
        assert isinstance(call, ast.Call) and len(call.args) == 1 and isinstance(call.args[0], ast.Tuple)
        fields = call.args[0].elts
        assert fields and len(fields) % FIELDS == 0, stripped
        if all(isinstance(f, ast.Constant) and isinstance(f.value, int) for f in fields):
            data = packers[len(fields)](*(f.value for f in fields))   # type: ignore[attr-defined]
            out.append(f"{indent}buf += {data!r}")
            continue
        zero = [isinstance(f, ast.Constant) and f.value == 0 for f in fields]
        fmt = "<" + "".join("4x" if z else "I" for z in zero)
        name = next((n for n, f in formats.items() if f == fmt), f"PK{len(formats)}")
        formats[name] = fmt
        args = ", ".join(ast.unparse(f) for f, z in zip(fields, zero) if not z)
        out.append(f"{indent}buf += {name}({args})")
    return out, formats


def _successor(proc: "Process", entry: int, insn: Instruction, after: int, seen: set[int],
               calls: list[int]) -> int | None:
    """Where a loop's body goes on after the branch ``insn`` (the value the branch's expression
    gives), or None to end the block there.  A branch back to ``entry`` closes the loop; at
    another conditional branch the body follows the side execution took more often while it
    was interpreted (``Process.heat``; a side already translated counts as hot).  A direct
    call goes on into the callee, and its ``ret`` back after the call (``calls``: the return
    addresses of the calls the body is in); any other ``ret`` or indirect jump ends it."""
    m = insn.mnemonic
    if m == "ret":
        return calls.pop() if calls else None
    if len(insn.operands) != 1 or not isinstance(insn.operands[0], Rel) or not (m.startswith("j") or m == "call"):
        return None                 # an indirect jump or call: the block ends
    target = insn.operands[0].target & MASK
    if m == "call":
        if target in seen or len(calls) >= 4:
            return None
        calls.append(after & MASK)
        return target
    sides = [target] if m == "jmp" else [target, after]
    if entry in sides:
        return target if entry == target else after
    code, heat = proc.code, proc.heat

    def score(eip: int) -> int:
        return heat.get(eip, 0) + (1 << 30 if eip + BLOCK_KEY in code else 0)
    best = max(sides, key=score)
    if len(sides) > 1 and score(sides[0]) == score(sides[1]):
        return None
    if best > MASK or best in seen:
        return None
    return best


def _body(proc: "Process", entry: int, loop: bool
          ) -> tuple[list[str], list[Instruction], list[Callable[[], int]], Instruction | None, bool] | None:
    """The source lines of the block at ``entry``, its instructions, the interpreter's closures
    it calls, its first instruction and whether it is a loop.

    A plain block (``loop`` False) runs from ``entry`` to its first branch.  With ``loop``,
    the body goes on past branches along the hot path (:func:`_successor`); each such branch
    returns when it goes elsewhere, and the last one returns unless it goes back to ``entry``.
    It is None when that path does not come back to ``entry``.  The steps are counted in ``k``
    either way, so ``retired`` and the value returned are the steps retired in this call."""
    body: list[str] = []
    insns: list[Instruction] = []
    eip = entry
    g = Gen(proc.frame_name)
    first = None
    fns: list[Callable[[], int]] = []
    seen = {entry}
    calls: list[int] = []
    closed = False
    while len(insns) < MAX_BLOCK:
        insn = _decode(proc, eip)
        if insn is None:
            break
        if first is None:
            first = insn
        m = insn.mnemonic
        if m in OUTSIDE or m not in SEMANTICS and m not in GENERATORS:
            break
        if segments.access_fault(proc, insn) is not None:
            break                   # the interpreter raises the #GP (vmdebug.machine.segments)
        here, after = insn.address, insn.address + insn.length   # unmasked, as the closures return it
        k = len(insns)
        mark_n = g.n
        g.slow = False
        g.emit(f"# {here:#010x}: {m} {', '.join(map(str, insn.operands))}")
        at = len(g.lines)
        gen = GENERATORS.get(m)
        if any(p in ("rep", "repz", "repnz") for p in insn.prefixes) and m != "ret":
            gen = None
        try:
            if gen is None:
                raise Untranslatable(m)
            nxt = gen(g, insn)
            inline = True
        except Untranslatable:
            del g.lines[at:]
            g.n = mark_n
            try:
                fns.append(SEMANTICS[m](proc, insn))
            except Exception:       # a form the interpreter refuses: let it say so, in a step
                del g.lines[at - 1:]
                break
            # The interpreter's own closure, called in place: it may emit events before it
            # faults, so the step's start is marked for Process._rollback.
            g.emit("mk = len(buf)")
            g.emit("krows.clear()")
            g.emit(f"t = fns[{len(fns) - 1}]()")
            nxt, inline = "t", False
        if inline:
            g.lines[at:] = merge_events(g.lines[at:], g)
        if nxt is None:
            eip_event(g, here, after)
        else:
            if nxt != "t":
                g.emit(f"t = {nxt}")
            g.emit(f"if t != {here}:")
            g.emit(f"    regs[{EIP}] = t")
            g.emit(f"    emit(({REG}, {EIP}, {here}, t, 0))")
        g.emit("close_step(len(buf))")
        # A loop counts its steps as it goes (it may make several passes); a plain block
        # knows each instruction's number.
        done = "k" if loop else str(k + 1)
        g.emit("k += 1" if loop else f"k = {done}")
        insns.append(insn)
        if not inline:
            g.emit("mk = -1")
            g.emit(f"if t != {after} or epoch[0] != ep:")
            g.emit(f"    return {done}")
        elif g.slow:
            g.emit("if epoch[0] != ep:")
            g.emit(f"    return {done}")
        if inline and nxt is not None:
            succ = _successor(proc, entry, insn, after, seen, calls) if loop else None
            if succ is None:
                body += g.lines
                break
            g.emit(f"if t != {succ}:")
            g.emit("    return k")
            body += g.lines
            g.lines = []
            if succ & MASK == entry:
                closed = True
                break
            seen.add(succ)
            eip = succ
            continue
        body += g.lines
        g.lines = []
        eip = after & MASK
    if loop and not closed:
        return None
    return body, insns, fns, first, loop


def _register(proc: "Process", entry: int, insns: list[Instruction]) -> None:
    """Writes to any page the block's bytes lie on drop it (Memory.invalidate / on_code_write)."""
    mem = proc.memory
    pages = set()
    for insn in insns:
        pages.add(insn.address >> 12)
        pages.add(((insn.address + insn.length - 1) & MASK) >> 12)
    for vpn in pages:
        mem.code_pages.setdefault(vpn, set()).add(entry + BLOCK_KEY)

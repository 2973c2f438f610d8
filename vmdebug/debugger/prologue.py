"""Where a function's prologue ends, found by reading its code as gdb's i386 port does.

gdb/i386-tdep.c i386_skip_prologue / i386_analyze_prologue: skip ``endbr32``
and no-ops, follow a jump at the entry, recognise gcc's stack realignment
(``lea 4(%esp),%reg; and $-N,%esp; push -4(%reg)``), the frame setup (``push
%ebp; mov %esp,%ebp`` with the scratch-register moves gcc may schedule
between them, then ``sub $N,%esp``, or ``enter``), then up to eight register
pushes.  A function without a frame setup has no prologue to skip.

Not ported (no i386 Linux gcc output has them): the pcc struct-return
``pop %eax; xchg`` sequence, stack probes, and the SVR4 PIC ``call; pop %ebx``
that follows the prologue.
"""
from __future__ import annotations

from typing import Callable

Reader = Callable[[int, int], "bytes | None"]

# i386_frame_setup_skip_insns: (length, bytes, mask) of the scratch-register moves
# gcc may put between "push %ebp" and "mov %esp,%ebp".
_SETUP_SKIP: tuple[tuple[int, bytes, bytes], ...] = (
    (2, b"\xb0\x00", b"\xfa\x00"),          # movb imm8, %al/%ah/%cl/%ch
    (2, b"\xb2\x00", b"\xfb\x00"),          # movb imm8, %dl/%dh
    (5, b"\xb8", b"\xfe"),                  # movl imm32, %eax/%ecx
    (5, b"\xba", b"\xff"),                  # movl imm32, %edx
    (5, b"\xa1", b"\xff"),                  # movl m32, %eax
    (6, b"\x89\x05", b"\xff\xf7"),          # movl %eax/%ecx, m32
    (6, b"\x89\x15", b"\xff\xff"),          # movl %edx, m32
    (2, b"\x29\xc0", b"\xfd\xff"),          # subl %eax, %eax
    (2, b"\x29\xc9", b"\xfd\xff"),          # subl %ecx, %ecx
    (2, b"\x29\xd2", b"\xfd\xff"),          # subl %edx, %edx
    (2, b"\x31\xc0", b"\xfd\xff"),          # xorl %eax, %eax
    (2, b"\x31\xc9", b"\xfd\xff"),          # xorl %ecx, %ecx
    (2, b"\x31\xd2", b"\xfd\xff"),          # xorl %edx, %edx
)


def _byte(read: Reader, pc: int) -> int | None:
    got = read(pc, 1)
    return got[0] if got else None


def _skip_endbr(read: Reader, pc: int) -> int:
    return pc + 4 if read(pc, 4) == b"\xf3\x0f\x1e\xfb" else pc


def _skip_noop(read: Reader, pc: int) -> int:
    while True:
        op = _byte(read, pc)
        if op == 0x90:                               # nop
            pc += 1
        elif op == 0x8B and _byte(read, pc + 1) == 0xFF:   # mov %edi,%edi
            pc += 2
        else:
            return pc


def _follow_jump(read: Reader, pc: int) -> int:
    """i386_follow_jump: a function that starts with a branch goes where it branches."""
    op = _byte(read, pc)
    data16 = op == 0x66
    at = pc + 1 if data16 else pc
    op = _byte(read, at) if data16 else op
    if op == 0xE9:
        n = 2 if data16 else 4
        raw = read(at + 1, n)
        if raw is None or len(raw) < n:
            return pc
        return (pc + (at - pc) + 1 + n + int.from_bytes(raw, "little", signed=True)) & 0xFFFFFFFF
    if op == 0xEB:
        raw = read(at + 1, 1)
        if not raw:
            return pc
        return (at + 2 + int.from_bytes(raw, "little", signed=True)) & 0xFFFFFFFF
    return pc


def _stack_align(read: Reader, pc: int) -> int:
    buf = read(pc, 14)
    if buf is None or len(buf) < 14:
        return pc
    if buf[0] == 0x8D and buf[2] == 0x24 and buf[3] == 0x4:     # leal 4(%esp), %reg
        if buf[1] & 0xC7 != 0x44:
            return pc
        reg, offset = (buf[1] >> 3) & 7, 4
    else:                                                          # pushl %reg; leal 8(%esp), %reg
        if buf[0] & 0xF8 != 0x50:
            return pc
        reg = buf[0] & 7
        if buf[1] != 0x8D or buf[3] != 0x24 or buf[4] != 0x8 or buf[2] & 0xC7 != 0x44:
            return pc
        if reg != (buf[2] >> 3) & 7:
            return pc
        offset = 5
    if reg in (4, 5):
        return pc
    if buf[offset + 1] != 0xE4 or buf[offset] not in (0x81, 0x83):   # andl $-N, %esp
        return pc
    offset += 6 if buf[offset] == 0x81 else 3
    if buf[offset] != 0xFF or buf[offset + 2] != 0xFC or buf[offset + 1] & 0xF8 != 0x70:  # pushl -4(%reg)
        return pc
    if reg != buf[offset + 1] & 7:
        return pc
    return pc + offset + 3


def _matches(read: Reader, pc: int) -> int:
    for length, insn, mask in _SETUP_SKIP:
        raw = read(pc, length)
        if raw is None or len(raw) < length:
            continue
        if all(raw[i] & (mask[i] if i < len(mask) else 0) == (insn[i] if i < len(insn) else 0)
               for i in range(length)):
            return length
    return 0


def _frame_setup(read: Reader, pc: int) -> tuple[int, bool]:
    """(pc after the frame setup, whether a frame is set up)."""
    op = _byte(read, pc)
    if op == 0x55:                                   # pushl %ebp
        pc += 1
        skip = 0
        while True:
            n = _matches(read, pc + skip)
            if not n:
                break
            skip += n
        op = _byte(read, pc + skip)
        nxt = _byte(read, pc + skip + 1)
        if op == 0x8B and nxt == 0xEC or op == 0x89 and nxt == 0xE5:        # movl %esp, %ebp
            pc += skip + 2
        elif op == 0x8D and read(pc + skip + 1, 2) == b"\x2c\x24":          # lea (%esp), %ebp
            pc += skip + 3
        else:
            return pc, False
        op = _byte(read, pc)
        if op == 0x83 and _byte(read, pc + 1) == 0xEC:                      # subl $imm8, %esp
            return pc + 3, True
        if op == 0x81 and _byte(read, pc + 1) == 0xEC:                      # subl $imm32, %esp
            return pc + 6, True
        if op == 0x8D and _byte(read, pc + 1) == 0x64:                      # lea -N(%esp), %esp
            return pc + 4, True
        return pc, True
    if op == 0xC8:                                   # enter
        return pc + 4, True
    return pc, False


def skip_prologue(read: Reader, start: int) -> int:
    """i386_skip_prologue: the first instruction after ``start``'s prologue (``start`` when
    the function sets up no frame)."""
    pc = _skip_endbr(read, start)
    pc = _skip_noop(read, pc)
    pc = _follow_jump(read, pc)
    pc = _stack_align(read, pc)
    pc, framed = _frame_setup(read, pc)
    if not framed:
        return start
    for _ in range(8):                               # i386_analyze_register_saves
        op = _byte(read, pc)
        if op is None or not 0x50 <= op <= 0x57:
            break
        pc += 1
    if _follow_jump(read, start) != start:
        pc = _follow_jump(read, pc)
    return pc


# ---- gdb's i386 frame cache ----------------------------------------------------------
EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, EIP = range(9)


class FrameCache:
    """gdb's ``struct i386_frame_cache`` for one frame (i386-tdep.c i386_frame_cache_1): the
    frame's base (what ``info frame`` calls the argument list's and the locals' address; 0
    when the frame's %ebp is 0: the outermost frame), where the prologue saved registers,
    and the caller's %esp (``saved_sp``, or the register holding it: ``saved_sp_reg``)."""

    __slots__ = ("base", "saved_regs", "saved_sp", "saved_sp_reg", "sp_offset", "locals")

    def __init__(self) -> None:                     # i386_alloc_frame_cache
        self.base = 0
        self.saved_regs: dict[int, int] = {}        # register -> offset from base, then address
        self.saved_sp = 0
        self.saved_sp_reg: int | None = None
        self.sp_offset = -4
        self.locals = -1                            # frameless until proven otherwise


def _analyze_stack_align(read: Reader, pc: int, current_pc: int, cache: FrameCache) -> int:
    """i386_analyze_stack_align, with its effect on the cache: past the ``and``, the register
    that holds the caller's %esp + 4 (less 4: ``leal 4(%esp)``)."""
    end = _stack_align(read, pc)
    if end == pc:
        return pc
    buf = read(pc, 14) or b""
    if buf[0] == 0x8D:
        reg, offset_and = (buf[1] >> 3) & 7, 4
    else:
        reg, offset_and = buf[0] & 7, 5
    if current_pc > pc + offset_and:
        cache.saved_sp_reg = reg
    return min(end, current_pc)


def _analyze_frame_setup(read: Reader, pc: int, limit: int, cache: FrameCache) -> int:
    """i386_analyze_frame_setup: ``push %ebp`` (ebp saved at the base), the scratch moves gcc
    may put next, ``mov %esp,%ebp`` (a frame: no locals yet), then ``sub``/``lea`` for the
    locals, or ``enter``; each step counted only once ``limit`` (the frame's pc) is past it."""
    if limit <= pc:
        return limit
    op = _byte(read, pc)
    if op == 0x55:
        cache.saved_regs[EBP] = 0
        cache.sp_offset += 4
        pc += 1
        if limit <= pc:
            return limit
        skip = 0
        while pc + skip < limit:
            n = _matches(read, pc + skip)
            if not n:
                break
            skip += n
        if limit <= pc + skip:
            return limit
        op, nxt = _byte(read, pc + skip), _byte(read, pc + skip + 1)
        if op == 0x8B and nxt == 0xEC or op == 0x89 and nxt == 0xE5:
            pc += skip + 2
        elif op == 0x8D and read(pc + skip + 1, 2) == b"\x2c\x24":
            pc += skip + 3
        else:
            return pc
        cache.locals = 0
        if limit <= pc:
            return limit
        op, nxt = _byte(read, pc), _byte(read, pc + 1)
        raw = read(pc + 2, 4) or b""
        if op == 0x83 and nxt == 0xEC and raw:
            cache.locals = int.from_bytes(raw[:1], "little", signed=True)
            return pc + 3
        if op == 0x81 and nxt == 0xEC and len(raw) == 4:
            cache.locals = int.from_bytes(raw, "little", signed=True)
            return pc + 6
        if op == 0x8D and nxt == 0x64 and len(raw) >= 2:
            cache.locals = -int.from_bytes(raw[1:2], "little", signed=True)
            return pc + 4
        return pc
    if op == 0xC8:
        raw = read(pc + 1, 2)
        if raw and len(raw) == 2:
            cache.locals = int.from_bytes(raw, "little")
        return pc + 4
    return pc


def _analyze_register_saves(read: Reader, pc: int, current_pc: int, cache: FrameCache) -> int:
    """i386_analyze_register_saves: up to eight ``push %reg`` before ``current_pc``."""
    offset = -cache.locals if cache.locals > 0 else 0
    for _ in range(8):
        if pc >= current_pc:
            break
        op = _byte(read, pc)
        if op is None or not 0x50 <= op <= 0x57:
            break
        offset -= 4
        cache.saved_regs[op - 0x50] = offset
        cache.sp_offset += 4
        pc += 1
    return pc


def frame_cache(read: Reader, func: int, pc: int, reg: Callable[[int], "int | None"]) -> FrameCache | None:
    """i386_frame_cache for the frame at ``pc`` in the function starting at ``func`` (0 if
    unknown) whose registers are ``reg``; None when a register it needs is not known (gdb's
    NOT_AVAILABLE_ERROR)."""
    cache = FrameCache()
    ebp = reg(EBP)
    if ebp is None:
        return None
    cache.base = ebp
    if ebp == 0:
        return cache
    cache.saved_regs[EIP] = 4
    if func:
        at = _follow_jump(read, _skip_noop(read, _skip_endbr(read, func)))
        at = _analyze_stack_align(read, at, pc, cache)
        at = _analyze_frame_setup(read, at, pc, cache)
        _analyze_register_saves(read, at, pc, cache)
    if cache.locals < 0:
        if cache.saved_sp_reg is not None:
            saved_sp = reg(cache.saved_sp_reg)
            if saved_sp is None:
                return None
            cache.saved_sp = saved_sp
            cache.base = ((saved_sp - 4) & 0xFFFFFFF0) - 4
            cache.saved_regs[EIP] = saved_sp - 4 - cache.base
        elif func or read(pc, 1):
            esp = reg(ESP)
            if esp is None:
                return None
            cache.base = (esp + cache.sp_offset) & 0xFFFFFFFF
        else:
            cache.saved_regs[EBP] = 0
    if cache.saved_sp_reg is not None:
        if cache.saved_sp == 0:
            saved_sp = reg(cache.saved_sp_reg)
            if saved_sp is None:
                return None
            cache.saved_sp = saved_sp
    elif cache.saved_sp == 0:
        cache.saved_sp = (cache.base + 8) & 0xFFFFFFFF
    cache.saved_regs = {r: (off + cache.base) & 0xFFFFFFFF for r, off in cache.saved_regs.items()}
    return cache

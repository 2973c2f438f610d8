"""Operand values shared by the assembler, the encoder, the decoder and the CPU.

They are small frozen slotted records (``events.record.Frozen``) so a decoded instruction can be
hashed and cached by address (the CPU keeps a decode cache keyed by eip).
Sizes are in bits: 8, 16 or 32 for the general registers, 128 for the SSE
registers xmm0-xmm7 and 80 for the x87 stack registers ``st(0)``-``st(7)``
(``st`` is ``st(0)``, as gas and objdump spell it in Intel syntax).
"""
from __future__ import annotations

from events.record import Frozen

# Register numbering follows the ModRM reg/rm encoding (Intel SDM Vol. 2A, Table 2-1/2-2).
REG32 = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi")
REG16 = ("ax", "cx", "dx", "bx", "sp", "bp", "si", "di")
REG8 = ("al", "cl", "dl", "bl", "ah", "ch", "dh", "bh")
SEGMENTS = ("es", "cs", "ss", "ds", "fs", "gs")

XMM = tuple(f"xmm{n}" for n in range(8))
ST = tuple(f"st({n})" for n in range(8))

REGISTERS: dict[str, tuple[int, int]] = {}
for _size, _names in ((32, REG32), (16, REG16), (8, REG8), (128, XMM), (80, ST)):
    for _code, _name in enumerate(_names):
        REGISTERS[_name] = (_code, _size)
REGISTERS["st"] = (0, 80)


class Reg(Frozen):
    """A general register: its name, its ModRM code (0-7) and its size in bits."""

    __slots__ = ("name", "code", "size")

    def __init__(self, name: str, code: int, size: int) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "size", size)

    @staticmethod
    def named(name: str) -> "Reg":
        code, size = REGISTERS[name]
        return Reg(name, code, size)


#: The segment registers as operands (push es, mov eax, ds): their Sreg codes (SDM Vol. 2A
#: 3.1.1.3), 16 bits.  They are kept out of ``REGISTERS``, which is what the assembler and the
#: address arithmetic take for general registers.
SEGMENT_REGS: dict[str, Reg] = {name: Reg(name, code, 16) for code, name in enumerate(SEGMENTS)}


class Mem(Frozen):
    """A memory operand ``seg:[base + index*scale + disp]``.

    ``size`` is None when the source did not say (no ``DWORD PTR`` and no
    register operand to infer it from).  ``symbolic`` is True when the
    displacement came from a relocatable symbol: GNU as then always uses a
    32-bit displacement, even if the value would fit in 8 bits.
    """

    __slots__ = ("size", "base", "index", "scale", "disp", "seg", "symbolic")

    def __init__(self, size: int | None, base: str | None = None, index: str | None = None, scale: int = 1,
                 disp: int = 0, seg: str | None = None, symbolic: bool = False) -> None:
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "disp", disp)
        object.__setattr__(self, "seg", seg)
        object.__setattr__(self, "symbolic", symbolic)


class Imm(Frozen):
    """An immediate.  ``symbolic`` forces the full-width encoding, as GNU as does for symbols."""

    __slots__ = ("value", "size", "symbolic")

    def __init__(self, value: int, size: int | None = None, symbolic: bool = False) -> None:
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "symbolic", symbolic)


class Rel(Frozen):
    """A branch target address (absolute); encoders turn it into a displacement."""

    __slots__ = ("target",)

    def __init__(self, target: int) -> None:
        object.__setattr__(self, "target", target)


Operand = Reg | Mem | Imm | Rel

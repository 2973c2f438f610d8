"""Operand values shared by the assembler, the encoder, the decoder and the CPU.

They are small frozen slotted dataclasses so a decoded instruction can be
hashed and cached by address (the CPU keeps a decode cache keyed by eip).
Sizes are in bits: 8, 16 or 32 for the general registers, 128 for the SSE
registers xmm0-xmm7 and 80 for the x87 stack registers ``st(0)``-``st(7)``
(``st`` is ``st(0)``, as gas and objdump spell it in Intel syntax).
"""
from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Reg:
    """A general register: its name, its ModRM code (0-7) and its size in bits."""

    name: str
    code: int
    size: int

    @staticmethod
    def named(name: str) -> "Reg":
        code, size = REGISTERS[name]
        return Reg(name, code, size)


@dataclass(frozen=True, slots=True)
class Mem:
    """A memory operand ``seg:[base + index*scale + disp]``.

    ``size`` is None when the source did not say (no ``DWORD PTR`` and no
    register operand to infer it from).  ``symbolic`` is True when the
    displacement came from a relocatable symbol: GNU as then always uses a
    32-bit displacement, even if the value would fit in 8 bits.
    """

    size: int | None
    base: str | None = None
    index: str | None = None
    scale: int = 1
    disp: int = 0
    seg: str | None = None
    symbolic: bool = False


@dataclass(frozen=True, slots=True)
class Imm:
    """An immediate.  ``symbolic`` forces the full-width encoding, as GNU as does for symbols."""

    value: int
    size: int | None = None
    symbolic: bool = False


@dataclass(frozen=True, slots=True)
class Rel:
    """A branch target address (absolute); encoders turn it into a displacement."""

    target: int


Operand = Reg | Mem | Imm | Rel

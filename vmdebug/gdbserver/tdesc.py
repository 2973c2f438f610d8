"""The i386 target description gdb reads with ``qXfer:features:read:target.xml``.

gdb 13's ``i386_validate_tdesc_p`` (gdb/i386-tdep.c) requires the feature
``org.gnu.gdb.i386.core`` to hold all of ``tdep->num_core_regs`` =
I386_NUM_GREGS + I387_NUM_REGS registers: the 16 general and segment
registers *and* the x87 ones (st0-st7, fctrl..fop), named and typed as in
gdb/features/i386/32bit-core.xml.  ``org.gnu.gdb.i386.sse`` is
32bit-sse.xml: xmm0-xmm7 typed ``vec128`` and mxcsr typed ``i386_mxcsr``
(gdb's xcr0 becomes the SSE mask, the i386-linux description of a CPU
without AVX).  ``org.gnu.gdb.i386.linux`` (orig_eax) is what
``i386_linux_init_abi`` looks for; without it gdb skips the rest of the
GNU/Linux set-up.

The remote register numbers are the order of the ``<reg>`` elements (no
``regnum`` attributes), which is also the layout of the ``g`` packet: gdb's
i386-linux numbering (general 0-15, st0-st7 16-23, fctrl..fop 24-31,
xmm0-xmm7 32-39, mxcsr 40, orig_eax 41).  The x87 registers travel as gdb's
regcache holds them (i387_supply_fxsave): ``stN`` is ST(N), 10 bytes; ``ftag``
the full tag word; fiseg, fioff, foseg, fooff and fop are not tracked and read 0.
"""
from __future__ import annotations

from events.record import Frozen
from events import codes as C
from vmdebug.debugger import fpregs as FP


class Reg(Frozen):
    __slots__ = ("name", "bits", "type", "group", "feature")

    def __init__(self, name: str, bits: int, type: str, group: str = "", feature: str = "core") -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "bits", bits)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "group", group)
        object.__setattr__(self, "feature", feature)


_GPR_TYPES = {"esp": "data_ptr", "ebp": "data_ptr", "eip": "code_ptr", "eflags": "i386_eflags"}

REGS: tuple[Reg, ...] = (
    *(Reg(n, 32, _GPR_TYPES.get(n, "int32")) for n in ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                                         "eip", "eflags", "cs", "ss", "ds", "es", "fs", "gs")),
    *(Reg(f"st{i}", 80, "i387_ext") for i in range(8)),
    *(Reg(n, 32, "int", "float") for n in ("fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop")),
    *(Reg(f"xmm{i}", 128, "vec128", feature="sse") for i in range(8)),
    Reg("mxcsr", 32, "i386_mxcsr", "vector", feature="sse"),
    Reg("orig_eax", 32, "int", feature="linux"),
)
REG_NUMBER = {r.name: i for i, r in enumerate(REGS)}

#: The segment registers; their selectors are the layout's (vmdebug.machine.segments:
#: 0x23/0x2b under an x86-64 kernel, 0x73/0x7b under a 32-bit one; fs and gs 0), the
#: values the program reads and vmdebug's own ``info registers`` shows.
SEGMENTS = ("cs", "ss", "ds", "es", "fs", "gs")

# EFLAGS bits, Intel SDM Vol. 1, 3.4.3 "EFLAGS Register" (bit 1 is reserved, always 1).
from vmdebug.debugger.values import EFLAGS_FIELDS as _EFLAGS  # noqa: E402


# The types of gdb/features/i386/32bit-sse.xml.
_SSE_TYPES = [
    *(f'<vector id="{i}" type="{t}" count="{n}"/>' for i, t, n in (
        ("v8bf16", "bfloat16", 8), ("v8h", "ieee_half", 8), ("v4f", "ieee_single", 4), ("v2d", "ieee_double", 2),
        ("v16i8", "int8", 16), ("v8i16", "int16", 8), ("v4i32", "int32", 4), ("v2i64", "int64", 2))),
    '<union id="vec128">',
    *(f'<field name="{n}" type="{t}"/>' for n, t in (
        ("v8_bfloat16", "v8bf16"), ("v8_half", "v8h"), ("v4_float", "v4f"), ("v2_double", "v2d"),
        ("v16_int8", "v16i8"), ("v8_int16", "v8i16"), ("v4_int32", "v4i32"), ("v2_int64", "v2i64"),
        ("uint128", "uint128"))),
    "</union>",
    '<flags id="i386_mxcsr" size="4">',
    *(f'<field name="{n}" start="{b}" end="{b}"/>' for n, b in FP.MXCSR_FLAGS),
    "</flags>",
]


def _feature(name: str, regs: list[Reg], extra: list[str]) -> list[str]:
    out = [f'<feature name="org.gnu.gdb.i386.{name}">', *extra]
    for r in regs:
        group = f' group="{r.group}"' if r.group else ""
        out.append(f'<reg name="{r.name}" bitsize="{r.bits}" type="{r.type}"{group}/>')
    out.append("</feature>")
    return out


def target_xml() -> str:
    """The whole description in one document (no xi:include, so one qXfer object)."""
    flags = ['<flags id="i386_eflags" size="4">',
             *(f'<field name="{n}" start="{b}" end="{b}"/>' for n, b in _EFLAGS), "</flags>"]
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE target SYSTEM "gdb-target.dtd">', "<target>",
             "<architecture>i386</architecture>", "<osabi>GNU/Linux</osabi>",
             *_feature("core", [r for r in REGS if r.feature == "core"], flags),
             *_feature("sse", [r for r in REGS if r.feature == "sse"], _SSE_TYPES),
             *_feature("linux", [r for r in REGS if r.feature == "linux"], []),
             "</target>"]
    return "\n".join(lines) + "\n"


TARGET_XML = target_xml()


def reg_value(regs: list[int], number: int, layout: str = "i386") -> int | None:
    """A register's value from the state's regs (events.codes order), or None if it is
    unavailable.  orig_eax is -1 as the kernel sets it outside a system call
    (arch/x86/kernel/signal.c)."""
    name = REGS[number].name
    if name in SEGMENTS:
        from vmdebug.machine.segments import USER_SELECTORS
        return USER_SELECTORS[layout][name]
    if name == "orig_eax":
        return 0xFFFFFFFF
    got = FP.value_of(regs, name)
    if got is not None:
        return int.from_bytes(got[1], "little")
    if name in C.REG_IDS and name != "cr3":
        return regs[C.REG_IDS[name]] & 0xFFFFFFFF
    return None


def reg_hex(regs: list[int], number: int, layout: str = "i386") -> str:
    """One register in the ``g``/``p`` encoding: target-order (little-endian) hex bytes."""
    r = REGS[number]
    size = r.bits // 8
    value = reg_value(regs, number, layout)
    if value is None:
        return "xx" * size
    return value.to_bytes(size, "little").hex()


def g_packet(regs: list[int], layout: str = "i386") -> str:
    return "".join(reg_hex(regs, i, layout) for i in range(len(REGS)))

"""The i386 target description gdb reads with ``qXfer:features:read:target.xml``.

gdb 13's ``i386_validate_tdesc_p`` (gdb/i386-tdep.c) requires the feature
``org.gnu.gdb.i386.core`` to hold all of ``tdep->num_core_regs`` =
I386_NUM_GREGS + I387_NUM_REGS registers: the 16 general and segment
registers *and* the x87 ones (st0-st7, fctrl..fop), named and typed as in
gdb/features/i386/32bit-core.xml.  ``org.gnu.gdb.i386.linux`` (orig_eax) is
what ``i386_linux_init_abi`` looks for; without it gdb skips the rest of the
GNU/Linux set-up.  No SSE feature: the simulated CPU has no XMM state, so
gdb's xcr0 becomes the x87 mask (the i386-mmx-linux description).

The remote register numbers are the order of the ``<reg>`` elements (no
``regnum`` attributes), which is also the layout of the ``g`` packet.
"""
from __future__ import annotations

from dataclasses import dataclass

from events import codes as C


@dataclass(frozen=True)
class Reg:
    name: str
    bits: int
    type: str
    group: str = ""
    feature: str = "core"


_GPR_TYPES = {"esp": "data_ptr", "ebp": "data_ptr", "eip": "code_ptr", "eflags": "i386_eflags"}

REGS: tuple[Reg, ...] = (
    *(Reg(n, 32, _GPR_TYPES.get(n, "int32")) for n in ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                                         "eip", "eflags", "cs", "ss", "ds", "es", "fs", "gs")),
    *(Reg(f"st{i}", 80, "i387_ext") for i in range(8)),
    *(Reg(n, 32, "int", "float") for n in ("fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop")),
    Reg("orig_eax", 32, "int", feature="linux"),
)
REG_NUMBER = {r.name: i for i, r in enumerate(REGS)}

#: Selectors of a Linux i386 user process: __USER_CS = 0x23, __USER_DS = 0x2b
#: (arch/x86/include/asm/segment.h); fs and gs are 0 until a TLS descriptor is
#: set up.  These are the values vmdebug's own ``info registers`` shows.
SEGMENTS = {"cs": 0x23, "ss": 0x2B, "ds": 0x2B, "es": 0x2B, "fs": 0, "gs": 0}

# EFLAGS bits, Intel SDM Vol. 1, 3.4.3 "EFLAGS Register" (bit 1 is reserved, always 1).
_EFLAGS = (("CF", 0), ("", 1), ("PF", 2), ("AF", 4), ("ZF", 6), ("SF", 7), ("TF", 8), ("IF", 9), ("DF", 10),
           ("OF", 11), ("NT", 14), ("RF", 16), ("VM", 17), ("AC", 18), ("VIF", 19), ("VIP", 20), ("ID", 21))


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
             *_feature("linux", [r for r in REGS if r.feature == "linux"], []),
             "</target>"]
    return "\n".join(lines) + "\n"


TARGET_XML = target_xml()


def reg_value(regs: list[int], number: int) -> int | None:
    """A register's value from the state's regs (events.codes order), or None if it is unavailable.

    The x87 registers do not exist in the simulated CPU, so they are reported
    unavailable ('x' digits) rather than invented; orig_eax is -1 as the
    kernel sets it outside a system call (arch/x86/kernel/signal.c)."""
    name = REGS[number].name
    if name in C.REG_IDS and name != "cr3":
        return regs[C.REG_IDS[name]] & 0xFFFFFFFF
    if name in SEGMENTS:
        return SEGMENTS[name]
    if name == "orig_eax":
        return 0xFFFFFFFF
    return None


def reg_hex(regs: list[int], number: int) -> str:
    """One register in the ``g``/``p`` encoding: target-order (little-endian) hex bytes."""
    r = REGS[number]
    size = r.bits // 8
    value = reg_value(regs, number)
    if value is None:
        return "xx" * size
    return value.to_bytes(size, "little").hex()


def g_packet(regs: list[int]) -> str:
    return "".join(reg_hex(regs, i) for i in range(len(REGS)))

"""Shared fixtures for the ISA tests: a corpus generated from the table, assembled once by GNU as.

The corpus has one line per (table entry x operand form).  Each line gets its
own label ``iN`` so ``nm`` tells where as put every instruction, and objdump's
``<iN>`` headers split its disassembly the same way.  Branch targets are
labels of other corpus lines, resolved to addresses after assembly.
"""
from __future__ import annotations

import bisect
import itertools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from vmdebug.isa.operands import REG8, REG16, REG32, SEGMENT_REGS, ST, XMM, Imm, Mem, Operand, Reg, Rel
from vmdebug.isa.table import CONDITION_ALIASES, ENTRIES, SEGMENT_KINDS, Entry


#: objdump's options for each disassembly flavor (AT&T is its default).
OBJDUMP_FLAVOR = {"intel": ("-M", "intel"), "att": ()}


def run_tool(*argv: str, cwd: Path | None = None) -> str:
    """Run a binutils tool; a missing tool or a failure makes the test fail (never skip)."""
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(argv)} failed:\n{proc.stderr[:3000]}"
    return proc.stdout


@dataclass
class Line:
    """One corpus instruction: its Intel text for as and the encoder's view of it."""

    text: str
    mnemonic: str
    operands: tuple[Operand | tuple[str, int], ...]  # ("label", n) = address of line n
    prefixes: tuple[str, ...] = ()


SIZE_NAME = {8: "BYTE", 16: "WORD", 32: "DWORD", 64: "QWORD", 80: "TBYTE", 128: "XMMWORD"}
REGS = {8: REG8, 16: REG16, 32: REG32}

# Memory forms: every ModRM/SIB shape (SDM Vol. 2A Tables 2-2, 2-3).
MEMS: list[Mem] = [
    Mem(None, base=b) for b in REG32
] + [
    Mem(None, base="eax", disp=4), Mem(None, base="ebp", disp=-4), Mem(None, base="esp", disp=8),
    Mem(None, base="ecx", disp=0x7F), Mem(None, base="edx", disp=-0x80), Mem(None, base="ebx", disp=0x80),
    Mem(None, base="esi", disp=-0x81), Mem(None, base="edi", disp=0x12345678), Mem(None, base="ebp", disp=-0x100),
    Mem(None, base="eax", index="ebx"), Mem(None, base="eax", index="ebx", scale=2),
    Mem(None, base="ecx", index="edx", scale=4, disp=8), Mem(None, base="ebp", index="esi", scale=8, disp=-0x10),
    Mem(None, base="esp", index="eax"), Mem(None, base="ebx", index="ebp", scale=4, disp=0x1000),
    Mem(None, base="ebp", index="eax", scale=2), Mem(None, base="esp", index="edi", scale=8, disp=-0x7FFFFFFF),
    Mem(None, index="eax", scale=4), Mem(None, index="ecx", scale=8, disp=0x10), Mem(None, index="edx", scale=2, disp=-4),
    Mem(None, index="esi", disp=0x804A000),
    Mem(None, disp=0x1000), Mem(None, disp=0x804A010), Mem(None, disp=0),
    Mem(None, base="eax", seg="fs"), Mem(None, base="ebx", disp=4, seg="es"), Mem(None, base="eax", seg="ss"),
    Mem(None, base="ebp", seg="ds"), Mem(None, disp=0x14, seg="gs"), Mem(None, base="esp", index="ecx", seg="cs"),
    Mem(None, base="ebx", disp=4, symbolic=True), Mem(None, disp=8, symbolic=True),
    Mem(None, base="ebp", index="eax", scale=4, symbolic=True),
]
IMMS = [0, 1, -1, 2, 5, 127, 128, -128, -129, 0xFF, 0x100, 0x7FFF, 0x8000, -0x8000, 0xFFFF,
        0x10000, 0x7FFFFFFF, 0xFFFFFFFF, -0x80000000, 0x12345678]


def mem_text(m: Mem) -> str:
    size = f"{SIZE_NAME[m.size]} PTR " if m.size else ""
    seg = f"{m.seg}:" if m.seg else ""
    parts = []
    if m.base:
        parts.append(m.base)
    if m.index:
        parts.append(f"{m.index}*{m.scale}")
    if m.symbolic:
        parts.append("ext")
    if m.disp or not parts:
        parts.append(f"{m.disp:+#x}" if parts else f"{m.disp:#x}")
    inner = "+".join(parts).replace("+-", "-").replace("++", "+")
    return f"{size}{seg}[{inner}]"


def imm_text(i: Imm) -> str:
    return f"OFFSET FLAT:ext+{i.value}" if i.symbolic else str(i.value)


def op_text(op: Operand | tuple[str, int]) -> str:
    if isinstance(op, tuple):
        return f"i{op[1]}"
    if isinstance(op, Reg):
        return op.name
    if isinstance(op, Mem):
        return mem_text(op)
    if isinstance(op, Imm):
        return imm_text(op)
    raise TypeError(op)


def _imm_fits(kind: str, v: int, opsize: int | None) -> bool:
    bits = {"i8": 8, "u8": 8, "i16": 16, "u16": 16, "i32": 32, "s8": opsize or 32}[kind]
    if kind == "s8":
        return -(1 << (bits - 1)) <= v < (1 << bits)  # as picks the long form itself when imm8 won't do
    return -(1 << (bits - 1)) <= v < (1 << bits)


def _choices(entry: Entry, kind: str, n: int, pos: int) -> list[Operand | tuple[str, int]]:
    """Operand values to try for one operand slot of ``entry`` (line ``n`` of the corpus)."""
    if kind in ("al", "ax", "eax", "cl", "dx"):
        return [Reg.named(kind)]
    if kind == "1":
        return [Imm(1)]
    if kind in SEGMENT_KINDS:
        return [SEGMENT_REGS[kind]]
    if kind == "sreg":
        # A move to cs is #UD (SDM MOV); objdump prints it, the decoder refuses it.
        return [r for r in SEGMENT_REGS.values() if pos > 0 or r.name != "cs"]
    if kind == "rmsw":
        return [Reg.named(r) for r in REG32] + [Mem(16, m2.base, m2.index, m2.scale, m2.disp, m2.seg, m2.symbolic)
                                               for m2 in MEMS]
    if kind == "Z8":
        return [Mem(8, base="ebx", seg="ds"), Mem(8, base="ebx", seg="fs")]
    fp = re.fullmatch(r"(xm|m)(\d+)|(x|xr)|(sti)|(st)", kind)
    if fp:
        xmms: list[Operand | tuple[str, int]] = [Reg.named(r) for r in XMM]
        if fp.group(3):
            return xmms
        if fp.group(4):
            return [Reg.named(r) for r in ST]
        if fp.group(5):
            return [Reg.named("st")]
        size = int(fp.group(2))
        mems = [Mem(size, m2.base, m2.index, m2.scale, m2.disp, m2.seg, m2.symbolic) for m2 in MEMS]
        return (xmms if fp.group(1) == "xm" else []) + mems
    m = re.fullmatch(r"(rm|r|o|moffs|X|Y|i|u)(\d+)|(m)|(s8)|(rel8|rel32)", kind)
    assert m, kind
    if m.group(1) in ("r", "o"):
        return [Reg.named(r) for r in REGS[int(m.group(2))]]
    if m.group(1) == "rm":
        size = int(m.group(2))
        regs: list[Operand | tuple[str, int]] = [Reg.named(r) for r in REGS[size]]
        return regs + [Mem(size, m2.base, m2.index, m2.scale, m2.disp, m2.seg, m2.symbolic) for m2 in MEMS]
    if m.group(3):
        return [mm for mm in MEMS if mm.seg is None]
    if m.group(1) == "moffs":
        size = int(m.group(2))
        return [Mem(size, disp=0x1234), Mem(size, disp=0x804C010), Mem(size, disp=0x14, seg="fs"),
                Mem(size, disp=4, symbolic=True)]
    if m.group(1) in ("i", "u") or m.group(4):
        vals = [v for v in IMMS if _imm_fits(kind, v, entry.opsize)]
        out: list[Operand | tuple[str, int]] = [Imm(v) for v in vals]
        if kind in ("i32", "i16") or (kind == "s8" and entry.mnemonic in ("push", "imul")):
            out.append(Imm(0x40, symbolic=True))
        return out
    if m.group(5):
        return [("label", n + d) for d in (-3, 1, 4)] + ([] if kind == "rel8" else [("label", n - 900), ("label", n + 900)])
    raise AssertionError(kind)


def _lines_for(entry: Entry, n0: int) -> list[Line]:
    kinds = entry.operands
    if entry.mnemonic in ("movs", "cmps", "stos", "lods", "scas"):
        return _string_lines(entry)
    per_slot = [_choices(entry, k, n0, i) for i, k in enumerate(kinds)]
    combos: list[tuple] = []
    if len(kinds) <= 1:
        combos = list(itertools.product(*per_slot))
    else:
        # All register pairs, plus every memory/immediate form cycled against the registers.
        regs = [[c for c in slot if isinstance(c, Reg)] or slot for slot in per_slot]
        combos = list(itertools.product(*regs))
        for i, slot in enumerate(per_slot):
            others = [c for c in slot if not isinstance(c, Reg)]
            for j, c in enumerate(others):
                combo = [regs[k][(j + k) % len(regs[k])] for k in range(len(kinds))]
                combo[i] = c
                combos.append(tuple(combo))
    lines = []
    mnemonic = entry.mnemonic
    for ops in combos:
        if sum(isinstance(o, Mem) for o in ops) > 1:
            continue
        if mnemonic == "int" and ops[0] == Imm(3):
            continue  # as turns `int 3' into int3 (0xCC); tested separately
        mem = next((o for o in ops if isinstance(o, Mem)), None)
        if mem is not None and mem.size is not None and entry.mnemonic == "lea":
            continue
        text = mnemonic + (" " + ", ".join(op_text(o) for o in ops) if ops else "")
        lines.append(Line(text, mnemonic, tuple(ops)))
        if entry.lock and mem is not None and kinds and isinstance(ops[0], Mem) and len(lines) % 5 == 0:
            lines.append(Line("lock " + text, mnemonic, tuple(ops), ("lock",)))
    return lines


def _string_lines(entry: Entry) -> list[Line]:
    size = entry.opsize or 8
    suffix = {8: "b", 16: "w", 32: "d"}[size]
    name = entry.mnemonic + suffix
    out = [Line(name, name, ())]
    for p in ("rep", "repe", "repz", "repne", "repnz") if entry.rep == "repz" else ("rep",):
        out.append(Line(f"{p} {name}", name, (), (p,)))
    ops: list[Operand] = []
    for kind in entry.operands:
        if kind[0] == "X":
            ops.append(Mem(size, base="esi", seg="ds"))
        elif kind[0] == "Y":
            ops.append(Mem(size, base="edi", seg="es"))
        else:
            ops.append(Reg.named(kind))
    text = entry.mnemonic + " " + ", ".join(op_text(o) for o in ops)
    out.append(Line(text, entry.mnemonic, tuple(ops)))
    out.append(Line("rep " + text, entry.mnemonic, tuple(ops), ("rep",)))
    fs_ops = tuple(Mem(o.size, base=o.base, seg="fs") if isinstance(o, Mem) and o.base == "esi" else o for o in ops)
    if fs_ops != tuple(ops):
        out.append(Line(entry.mnemonic + " " + ", ".join(op_text(o) for o in fs_ops), entry.mnemonic, fs_ops))
    return out


def extra_lines(n: int) -> list[Line]:
    """Hand-picked lines: aliases and forms not reached by walking the table."""
    out = [Line("int 3", "int", (Imm(3),)), Line("shl eax", "shl", (Reg.named("eax"),)),
           Line("sal ecx, 3", "sal", (Reg.named("ecx"), Imm(3))),
           Line("imul eax, 5", "imul", (Reg.named("eax"), Imm(5))),
           Line("imul cx, 500", "imul", (Reg.named("cx"), Imm(500))),
           Line("test eax, DWORD PTR [ebx]", "test", (Reg.named("eax"), Mem(32, base="ebx"))),
           Line("xchg eax, ecx", "xchg", (Reg.named("eax"), Reg.named("ecx"))),
           Line("xchg eax, DWORD PTR [ebx]", "xchg", (Reg.named("eax"), Mem(32, base="ebx"))),
           Line("mov eax, [ebx]", "mov", (Reg.named("eax"), Mem(None, base="ebx"))),
           Line("mov [ebx+4], cl", "mov", (Mem(None, base="ebx", disp=4), Reg.named("cl"))),
           Line("push [eax]", "push", (Mem(None, base="eax"),)),
           Line("call [eax+8]", "call", (Mem(None, base="eax", disp=8),)),
           Line("jmp [eax*4+0x1000]", "jmp", (Mem(None, index="eax", scale=4, disp=0x1000),)),
           Line("sete [ebx]", "sete", (Mem(None, base="ebx"),)),
           Line("mov eax, [eax+esp]", "mov", (Reg.named("eax"), Mem(None, base="eax", index="esp"))),
           Line("rep bsf eax, ecx", "bsf", (Reg.named("eax"), Reg.named("ecx")), ("rep",)),
           Line("rep bsr dx, WORD PTR [eax]", "bsr", (Reg.named("dx"), Mem(16, base="eax")), ("rep",)),
           Line("rep ret", "ret", (), ("rep",)), Line("repz ret 4", "ret", (Imm(4),), ("repz",)),
           Line("rep nop", "nop", (), ("rep",)),
           Line("pushad", "pushad", ()), Line("xlat", "xlat", ()), Line("xlatb", "xlatb", ()), Line("popfd", "popfd", ()),
           Line("loopz i0", "loopz", (("label", n),)), Line("loopnz i0", "loopnz", (("label", n + 1),))]
    for alias, canon in CONDITION_ALIASES.items():
        out.append(Line(f"j{alias} i1", "j" + alias, (("label", n + 3),)))
        out.append(Line(f"set{alias} al", "set" + alias, (Reg.named("al"),)))
        out.append(Line(f"cmov{alias} eax, ecx", "cmov" + alias, (Reg.named("eax"), Reg.named("ecx"))))
    return out


def build_corpus() -> list[Line]:
    lines: list[Line] = []
    for entry in ENTRIES:
        lines += _lines_for(entry, len(lines))
    # Targets are relative to where a line lands; clamp to existing lines.
    fixed = []
    lines += extra_lines(len(lines))
    total = len(lines)
    for line in lines:
        ops = tuple(("label", min(max(o[1], 0), total - 1)) if isinstance(o, tuple) else o for o in line.operands)
        fixed.append(Line(line.text.split(" ", 1)[0] + (" " + ", ".join(op_text(o) for o in ops) if ops else "")
                          if any(isinstance(o, tuple) for o in ops) and not line.prefixes else line.text,
                          line.mnemonic, ops, line.prefixes))
    return fixed


@dataclass
class Assembled:
    """The corpus after as: per-line address and bytes, the section bytes, objdump's text."""

    lines: list[Line]
    addresses: list[int]
    code: bytes
    objdump: dict[int, str]  # address -> instruction text (first objdump line)
    symbols: list[tuple[int, str]]
    objdump_lines: dict[int, str]  # address -> objdump's full line(s) for the instruction there
    objdump_att: dict[int, str]  # the same two, from plain objdump -d (AT&T syntax)
    objdump_att_lines: dict[int, str]

    def dump(self, flavor: str) -> dict[int, str]:
        """Address -> objdump's instruction text in ``flavor`` (intel: -M intel; att: the default)."""
        return self.objdump if flavor == "intel" else self.objdump_att

    def dump_lines(self, flavor: str) -> dict[int, str]:
        return self.objdump_lines if flavor == "intel" else self.objdump_att_lines

    def gas_bytes(self, i: int) -> bytes:
        end = self.addresses[i + 1] if i + 1 < len(self.addresses) else len(self.code)
        return self.code[self.addresses[i]:end]

    def resolve(self, ops: tuple) -> tuple[Operand, ...]:
        return tuple(Rel(self.addresses[o[1]]) if isinstance(o, tuple) else o for o in ops)

    def symbol_for(self, addr: int) -> str | None:
        keys = [a for a, _ in self.symbols]
        k = bisect.bisect_right(keys, addr) - 1
        if k < 0:
            return None
        base, name = self.symbols[k]
        return name if base == addr else f"{name}+{addr - base:#x}"


OBJDUMP_LINE = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$")


def parse_objdump(text: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for raw in text.splitlines():
        m = OBJDUMP_LINE.match(raw)
        if m:
            out[int(m.group(1), 16)] = m.group(3)
    return out


def objdump_blocks(text: str) -> dict[int, str]:
    """Address -> the raw objdump line of that instruction plus its continuation lines."""
    out: dict[int, str] = {}
    last = None
    for raw in text.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\t", raw)
        if not m:
            last = None
            continue
        if raw.count("\t") >= 2:
            last = int(m.group(1), 16)
            out[last] = raw
        elif last is not None:
            out[last] += "\n" + raw
    return out


def assemble_lines(lines: list[Line], tmp: Path) -> Assembled:
    src = [".intel_syntax noprefix", ".text"]
    src += [f"i{n}: {line.text}" for n, line in enumerate(lines)]
    (tmp / "c.s").write_text("\n".join(src) + "\n")
    run_tool("as", "--32", "-o", str(tmp / "c.o"), str(tmp / "c.s"))
    run_tool("objcopy", "-O", "binary", "-j", ".text", str(tmp / "c.o"), str(tmp / "c.bin"))
    code = (tmp / "c.bin").read_bytes()
    addresses = [0] * len(lines)
    symbols = []
    for row in run_tool("nm", str(tmp / "c.o")).splitlines():
        parts = row.split()
        if len(parts) == 3 and parts[2].startswith("i") and parts[2][1:].isdigit():
            addresses[int(parts[2][1:])] = int(parts[0], 16)
            symbols.append((int(parts[0], 16), parts[2]))
    symbols.sort()
    dump = run_tool("objdump", "-d", "-M", "intel", str(tmp / "c.o"))
    att = run_tool("objdump", "-d", str(tmp / "c.o"))
    return Assembled(lines, addresses, code, parse_objdump(dump), symbols, objdump_blocks(dump),
                     parse_objdump(att), objdump_blocks(att))


class Binutils:
    """The binutils helpers, handed to tests as the ``binutils`` fixture (no conftest imports)."""

    run = staticmethod(run_tool)
    flavor_options = OBJDUMP_FLAVOR
    parse_objdump = staticmethod(parse_objdump)
    objdump_blocks = staticmethod(objdump_blocks)


@pytest.fixture(scope="session")
def binutils() -> Binutils:
    return Binutils()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Assembled:
    return assemble_lines(build_corpus(), tmp_path_factory.mktemp("corpus"))

"""Local variables of C functions, without DWARF: gcc's own annotations.

The session carries no debug information entries, only lines.  But gcc can
say where each local lives: with ``-fverbose-asm`` every instruction is
followed by a comment naming its operands in order
(``mov DWORD PTR [ebp-12], eax  # result, tmp87``), so an ``[ebp-N]``
operand whose comment is a plain C identifier is that variable's slot
(gcc/final.c ``output_asm_operand_names``).  We compile the C source a second
time, exactly as the simulator's front end does plus ``-fverbose-asm``, and
read those slots; the C type comes from the variable's declaration in the
function's source text.  At -O1 and above values live in registers and most
locals have no slot: they are simply not shown (gdb would say
``<optimized out>``).
"""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass

_FUNC_LABEL = re.compile(r"^([A-Za-z_]\w*):")
_TYPE_DIRECTIVE = re.compile(r"^\s*\.type\s+([A-Za-z_]\w*),\s*@function")
_EBP_OPERAND = re.compile(r"\[ebp([+-]\d+)\]")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_TEMP = re.compile(r"(tmp\d+|_\d+|D\.\d+)")


@dataclass(frozen=True)
class Local:
    name: str
    ctype: str
    offset: int          # from the frame's ebp (negative: below the saved ebp)


def _split_operands(text: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def slots_from_verbose_asm(asm: str) -> dict[str, dict[str, int]]:
    """function -> {variable: ebp offset} from ``gcc -fverbose-asm`` output."""
    funcs: set[str] = set()
    out: dict[str, dict[str, int]] = {}
    current = None
    for line in asm.splitlines():
        m = _TYPE_DIRECTIVE.match(line)
        if m:
            funcs.add(m.group(1))
            continue
        m = _FUNC_LABEL.match(line)
        if m:
            current = m.group(1) if m.group(1) in funcs else current
            continue
        if current is None or "#" not in line or not line.startswith("\t"):
            continue
        code, _, comment = line.partition("#")
        parts = code.strip().split(None, 1)
        if len(parts) < 2:
            continue
        operands = _split_operands(parts[1])
        names = [n.strip() for n in comment.split(",")]
        for i, op in enumerate(operands):
            mem = _EBP_OPERAND.search(op)
            if mem is None or i >= len(names):
                continue
            name = names[i]
            if _IDENT.fullmatch(name) and not _TEMP.fullmatch(name):
                out.setdefault(current, {}).setdefault(name, int(mem.group(1)))
    return out


def declared_type(body: str, name: str) -> str:
    """The C type a function body declares ``name`` with (``int`` if not found)."""
    m = re.search(r"(?:^|[;{(,\s])((?:unsigned\s+|signed\s+|const\s+|struct\s+\w+\s*|[A-Za-z_]\w*\s+)+)"
                  r"(\**)\s*" + re.escape(name) + r"\s*(\[[^\]]*\])?\s*[;=,)]", body)
    if m is None:
        return "int"
    base = " ".join(w for w in m.group(1).split() if w not in ("const", "volatile", "static", "register"))
    if base in ("return", "else", "case", "goto") or not base:
        return "int"
    stars = m.group(2)
    ctype = base + (" " + stars if stars else "")
    dims = re.match(r"\[\s*(\d*)\s*\]", m.group(3) or "")
    if dims and not dims.group(1) and body[m.end() - 1] == "=":
        lit = re.match(r'\s*"((?:\\.|[^"\\])*)"', body[m.end():])
        if lit:  # char buf[] = "hello": the size is the literal's, NUL included
            size = len(lit.group(1).encode().decode("unicode_escape")) + 1
            return f"{ctype} [{size}]"
    if dims and dims.group(1):
        return f"{ctype} [{dims.group(1)}]"   # an array: the slot holds the elements themselves
    return ctype + (" *" if m.group(3) else "")


def compile_verbose(source: str, file_name: str, opt_level: str = "0") -> str | None:
    """gcc's verbose assembly of a C source text (None if gcc fails)."""
    from vmdebug.toolchain.gcc import gcc_command
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, os.path.basename(file_name) or "prog.c")
        with open(path, "w", encoding="utf-8") as f:
            f.write(source)
        try:
            argv = gcc_command(path, opt_level, ("-S", "-fverbose-asm"))
        except Exception:
            return None
        argv[-1:-1] = ["-o", "-"]
        proc = subprocess.run(argv, capture_output=True, cwd=tmp, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            return None
        return proc.stdout.decode("utf-8", "replace")


def function_bodies(source: str, lines: dict[str, int]) -> dict[str, str]:
    """Each function's text (comments blanked) from its definition line to its closing brace."""
    text = re.sub(r"/\*.*?\*/|//[^\n]*", lambda m: re.sub(r"[^\n]", " ", m.group()), source, flags=re.S)
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    out = {}
    for func, line in lines.items():
        pos = starts[min(max(line - 1, 0), len(starts) - 1)]
        open_at = text.find("{", pos)
        if open_at < 0:
            continue
        depth = 0
        for k in range(open_at, len(text)):
            if text[k] == "{":
                depth += 1
            elif text[k] == "}":
                depth -= 1
                if depth == 0:
                    out[func] = text[pos:k + 1]
                    break
    return out


def find_locals(source: str, file_name: str, bodies: dict[str, str], opt_level: str = "0") -> dict[str, list[Local]]:
    """function -> its locals (slots below ebp), in address order, highest first."""
    asm = compile_verbose(source, file_name, opt_level)
    if asm is None:
        return {}
    out: dict[str, list[Local]] = {}
    for func, slots in slots_from_verbose_asm(asm).items():
        body = bodies.get(func, "")
        locs = [Local(n, declared_type(body, n), off) for n, off in slots.items() if off < 0]
        out[func] = sorted(locs, key=lambda v: -v.offset)
    return out

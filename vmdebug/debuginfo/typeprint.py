"""Type names and ``ptype``/``whatis`` text, as gdb 13 prints C types (gdb/c-typeprint.c).

:func:`type_to_string` is ``c_print_type``: the base type, then the
declarator built around ``varstring`` by the varspec prefix (``*``, ``(``)
and suffix (``)``, ``[N]``, the parameter list).  ``show`` is gdb's: > 0
expands a struct, union or enum body and looks through a typedef to what it
names; 0 prints names; < 0 prints ``struct {...}`` for an unnamed aggregate.
``ptype`` prints with show 1, ``whatis`` with show -1; values print their
types with show -1 as well (``(node_t *) 0x...``).
"""
from __future__ import annotations

from typing import Any

from vmdebug.debuginfo.ctype import CType


def _modifier(t: CType, need_pre_space: bool, need_post_space: bool) -> str:
    """c_type_print_modifier: const, volatile."""
    out = ""
    if t.const:
        out += (" " if need_pre_space else "") + "const"
    if t.volatile:
        out += (" " if out or need_pre_space else "") + "volatile"
    if out and need_post_space:
        out += " "
    return out


def _tag(t: CType) -> str:
    return {"union": "union ", "struct": "struct ", "enum": "enum "}.get(t.kind, "")


class OffsetData:
    """gdb's print_offset_data (typeprint.c) for ``ptype/o``: where the last member ended,
    to report holes, and the offset of the struct being printed within the outermost."""

    #: The width of ``/* offset      |    size */``, which starts every member's line.
    INDENT = 27

    def __init__(self, offset_bitpos: int = 0, end_bitpos: int = 0) -> None:
        self.offset_bitpos = offset_bitpos
        self.end_bitpos = end_bitpos

    def hole(self, bitpos: int, what: str) -> str:
        """maybe_print_hole: the bits, then the bytes, between the last member and this one."""
        if not 0 < self.end_bitpos < bitpos:
            return ""
        gap = bitpos - self.end_bitpos
        out = ""
        if gap % 8:
            out += f"/* XXX {gap % 8:2}-bit {what:<7}    */\n"
        if gap // 8:
            out += f"/* XXX {gap // 8:2}-byte {what:<7}   */\n"
        return out

    def update(self, t: CType, m: Any) -> str:
        """The offset comment before member ``m`` of ``t`` (print_offset_data::update)."""
        size = m.type.strip().length
        if t.kind == "union":               # union members have no offsets, only sizes
            return f"/*                {size:6} */"
        out = self.hole(m.bitpos, "hole")
        real = m.bitpos + self.offset_bitpos
        if m.bit_size or self.offset_bitpos % 8:
            out += f"/* {real // 8:6}:{real % 8:2}  "
            self.end_bitpos = m.bitpos + (m.bit_size or size * 8)
        else:
            out += f"/* {real // 8:6}     "
            self.end_bitpos = m.bitpos + size * 8
        return out + f" |  {size:6} */"

    def finish(self, t: CType, level: int) -> str:
        """The padding after the last member and the total size (print_offset_data::finish)."""
        out = self.hole(t.length * 8, "padding")
        return out + "\n" + " " * (self.INDENT + level + 4) + f"/* total size (bytes): {t.length:4} */\n"


def print_base(t: CType | None, show: int, level: int, podata: OffsetData | None = None) -> str:
    """c_type_print_base_1 (``podata``: ptype/o's offsets)."""
    if t is None:
        return "<type unknown>"
    if show <= 0 and t.name is not None:
        return _modifier(t, False, True) + _tag(t) + t.name
    t = t.strip()
    kind = t.kind
    if kind == "typedef":
        return "<unnamed typedef>"
    if kind == "func":
        if t.target is None:
            return "<unknown return type>"
        return print_base(t.target, show, level, podata)
    if kind in ("array", "pointer"):
        return print_base(t.target, show, level, podata)
    if kind in ("struct", "union"):
        return _struct_union(t, show, level, podata)
    if kind == "enum":
        out = _modifier(t, False, True) + "enum "
        if t.name is not None:
            out += t.name
            if show > 0:
                out += " "
        if show < 0:
            if t.name is None:
                out += "{...}"
        elif show > 0 or t.name is None:
            parts = []
            last = 0
            for name, value in t.enumerators:
                text = name
                if last != value:
                    text += f" = {value}"
                    last = value
                last += 1
                parts.append(text)
            out += "{" + ", ".join(parts) + "}"
        return out
    if kind == "void":
        return _modifier(t, False, True) + "void"
    if t.name is not None:
        return _modifier(t, False, True) + t.name
    return f"<invalid type code {kind}>"


def _struct_union(t: CType, show: int, level: int, podata: OffsetData | None = None) -> str:
    """c_type_print_base_struct_union (C: no access labels, methods or typedef fields);
    with ``podata`` each member's line starts with its offset and size, and a member that
    is itself a struct or union is expanded with its own offsets (gdb's ptype/o)."""
    out = _modifier(t, False, True) + ("union " if t.kind == "union" else "struct ")
    if t.name is not None:
        out += t.name
        if show > 0:
            out += " "
    if show < 0:
        if t.name is None:
            out += "{...}"
        return out
    if show > 0 or t.name is None:
        out += "{\n"
        members = [m for m in t.members if not m.artificial]
        if not t.members:
            out += " " * (level + 4) + ("<incomplete type>\n" if t.stub else "<no data fields>\n")
        # gdb keeps one local_podata for all the members, set only for a struct or union
        # member: an anonymous struct met later (an array of them) prints with the offset
        # of the last struct or union member before it.
        local = OffsetData() if podata is not None else None
        for m in members:
            newshow = show - 1
            if podata is not None and local is not None:
                out += podata.update(t, m)
                if m.type.kind in ("struct", "union"):
                    newshow = show
                    local.offset_bitpos = podata.offset_bitpos + m.bitpos
                    local.end_bitpos = podata.end_bitpos - m.type.length * 8
            out += " " * (level + 4)
            out += type_to_string(m.type, m.name or "", newshow, level + 4, local)
            if m.bit_size:
                out += f" : {m.bit_size}"
            out += ";\n"
        if podata is not None:
            if show > 0:
                out += podata.finish(t, level)
            out += " " * (OffsetData.INDENT + (2 if level == 0 else 0))
        out += " " * level + "}"
    return out


def _prefix(t: CType | None, show: int, passed_a_ptr: bool, need_post_space: bool) -> str:
    """c_type_print_varspec_prefix."""
    if t is None or (t.name is not None and show <= 0):
        return ""
    kind = t.kind
    if kind == "pointer":
        return _prefix(t.target, show, True, True) + "*" + _modifier(t, True, need_post_space)
    if kind == "func":
        return _prefix(t.target, show, False, False) + ("(" if passed_a_ptr else "")
    if kind == "array":
        return _prefix(t.target, show, False, need_post_space) + ("(" if passed_a_ptr else "")
    if kind == "typedef":
        return _prefix(t.target, show, passed_a_ptr, False)
    return ""


def print_args(t: CType) -> str:
    """c_type_print_args."""
    parts = [type_to_string(p, "", -1, 0) for p in t.params]
    if parts and t.varargs:
        parts.append("...")
    elif not parts and t.prototyped:
        parts.append("void")
    return "(" + ", ".join(parts) + ")"


def _suffix(t: CType | None, show: int, passed_a_ptr: bool) -> str:
    """c_type_print_varspec_suffix."""
    if t is None or (t.name is not None and show <= 0):
        return ""
    kind = t.kind
    if kind == "array":
        out = ")" if passed_a_ptr else ""
        # gdb prints a vector's element count in its vector_size attribute
        opening, closing = (" __attribute__ ((vector_size(", ")))") if t.vector else ("[", "]")
        out += opening + (str(t.count) if t.count is not None else "") + closing
        return out + _suffix(t.target, show, False)
    if kind == "pointer":
        return _suffix(t.target, show, True)
    if kind == "func":
        out = ")" if passed_a_ptr else ""
        return out + print_args(t) + _suffix(t.target, show, passed_a_ptr)
    if kind == "typedef":
        return _suffix(t.target, show, passed_a_ptr)
    return ""


def type_to_string(t: CType, varstring: str = "", show: int = -1, level: int = 0,
                   podata: OffsetData | None = None) -> str:
    """c_print_type_1: the type, declaring ``varstring`` if given."""
    if show > 0:
        t = t.strip()
    out = print_base(t, show, level, podata)
    kind = t.kind
    if varstring or ((show > 0 or t.name is None) and kind in ("pointer", "func", "array")):
        out += " "
    out += _prefix(t, show, False, bool(varstring))
    out += varstring
    out += _suffix(t, show, False)
    return out


def type_name(t: CType) -> str:
    """How a value's type is shown in ``print`` (``node_t *``, ``int (*)(int, int)``)."""
    return type_to_string(t, "", -1)


def ptype_text(t: CType, offsets: bool = False) -> str:
    """The text after ``type = `` for ``ptype`` (``offsets``: ptype/o's member offsets)."""
    return type_to_string(t, "", 1, 0, OffsetData() if offsets else None)


def whatis_text(t: CType, names_a_type: bool = False) -> str:
    """The text after ``type = `` for ``whatis``: an expression's type as it is; a type
    name with one level of typedef removed (gdb typeprint.c whatis_exp)."""
    if names_a_type and t.kind == "typedef" and t.target is not None:
        t = t.target
    return type_to_string(t, "", -1)

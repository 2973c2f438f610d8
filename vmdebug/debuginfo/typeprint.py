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


def print_base(t: CType | None, show: int, level: int) -> str:
    """c_type_print_base_1."""
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
        return print_base(t.target, show, level)
    if kind in ("array", "pointer"):
        return print_base(t.target, show, level)
    if kind in ("struct", "union"):
        return _struct_union(t, show, level)
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


def _struct_union(t: CType, show: int, level: int) -> str:
    """c_type_print_base_struct_union (C: no access labels, methods or typedef fields)."""
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
        for m in members:
            out += " " * (level + 4)
            out += type_to_string(m.type, m.name or "", show - 1, level + 4)
            if m.bit_size:
                out += f" : {m.bit_size}"
            out += ";\n"
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
        out += "[" + (str(t.count) if t.count is not None else "") + "]"
        return out + _suffix(t.target, show, False)
    if kind == "pointer":
        return _suffix(t.target, show, True)
    if kind == "func":
        out = ")" if passed_a_ptr else ""
        return out + print_args(t) + _suffix(t.target, show, passed_a_ptr)
    if kind == "typedef":
        return _suffix(t.target, show, passed_a_ptr)
    return ""


def type_to_string(t: CType, varstring: str = "", show: int = -1, level: int = 0) -> str:
    """c_print_type_1: the type, declaring ``varstring`` if given."""
    if show > 0:
        t = t.strip()
    out = print_base(t, show, level)
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


def ptype_text(t: CType) -> str:
    """The text after ``type = `` for ``ptype``."""
    return type_to_string(t, "", 1)


def whatis_text(t: CType, names_a_type: bool = False) -> str:
    """The text after ``type = `` for ``whatis``: an expression's type as it is; a type
    name with one level of typedef removed (gdb typeprint.c whatis_exp)."""
    if names_a_type and t.kind == "typedef" and t.target is not None:
        t = t.target
    return type_to_string(t, "", -1)

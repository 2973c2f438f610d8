"""The session header, checked at the edge.

A header comes from a file someone else wrote, so every field the tools use
is validated here, once, before anything trusts it: types, and the ranges
the machine can honour (at most ``--memory 4096``: 1,048,576 frames;
addresses are 32-bit).  A bad field is one line naming it:
``bad session header: field machine.nframes: ...``.  Fields this version
does not know are kept (a newer vmdebug may have written them).

The schema is pydantic's core schema, given to pydantic-core's validator
directly: the same validation and messages as ``BaseModel`` classes, without
the 0.1-0.15 s pydantic spends building models from annotations in every
process that opens a session (issue #17: a whole ``debug`` command on a
1M-step session took 0.9 s).  The header is only checked, never turned into
objects, so typed dicts (``extra_behavior="allow"``) are all it needs.  A sound
header, where every value has exactly its schema's type, passes a plain walk of
the same schema (:func:`surely_valid`) and never imports pydantic-core (17 ms);
anything else is pydantic-core's to judge and to word.
"""
from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic_core import SchemaValidator

# Core schemas are plain dicts (pydantic-core's ``core_schema`` module only builds them); they
# are written out here so that a sound header is checked without importing pydantic-core.


def _int(ge: int | None = None, le: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "int", "strict": True}
    if ge is not None:
        out["ge"] = ge
    if le is not None:
        out["le"] = le
    return out


_U32 = _int(0, 0xFFFFFFFF)
_INT = _int()
_STR = {"type": "str", "strict": True}
_BYTES = {"type": "bytes", "strict": True}
_BOOL = {"type": "bool", "strict": True}
_ANY = {"type": "any"}


def _list(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "list", "items_schema": items}


def _tuple(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "tuple", "items_schema": items}


def _dict(keys: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    return {"type": "dict", "keys_schema": keys, "values_schema": values}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "nullable", "schema": schema}


def _fields(required: dict[str, Any] | None = None, **optional: Any) -> dict[str, Any]:
    """A map with these fields (the ``required`` ones must be present); unknown keys are kept."""
    fields = {name: {"type": "typed-dict-field", "schema": schema, "required": False}
              for name, schema in optional.items()}
    for name, schema in (required or {}).items():
        fields[name] = {"type": "typed-dict-field", "schema": schema, "required": True}
    return {"type": "typed-dict", "fields": fields, "extra_behavior": "allow", "strict": True}


def _i386_elf(data: bytes | None) -> bytes | None:
    """An embedded program linked by ld: an i386 ELF whose header tables lie inside it."""
    if data is None:
        return data
    if len(data) < 52 or data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        raise ValueError("not a 32-bit little-endian ELF")
    phoff, shoff = struct.unpack_from("<II", data, 28)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 42)
    if phoff + phentsize * phnum > len(data) or shoff + shentsize * shnum > len(data):
        raise ValueError("its header tables lie outside the file")
    if (phnum and phentsize < 32) or (shnum and shentsize < 40):
        raise ValueError("its header table entries are too small")
    return data


MACHINE = _fields({"nframes": _int(16, 1 << 20)},
                  layout={"type": "literal", "expected": ["i386", "compat"]})
SEGMENT = _fields({"vaddr": _U32, "data": _BYTES, "memsz": _U32},
                  flags={"type": "union", "choices": [_STR, _INT]}, offset=_int(0))
SECTION = _fields({"name": _STR, "address": _U32, "size": _U32}, flags=_STR, type=_STR, align=_INT)
LINES = _fields(entries=_list(_tuple([_U32, _STR, _INT, _INT, _INT])),
                ranges=_list(_tuple([_U32, _int(0, 1 << 32)])))
#: name, value, size, type, binding, section, and what the linker adds
SYMBOL = _tuple([_U32 if i in (1, 2) else _STR for i in range(6)] + [_ANY])
IMAGE = _fields(
    entry=_U32, end=_int(0, 1 << 32),
    segments=_list(SEGMENT), sections=_list(SECTION), symbols=_list(SYMBOL),
    lines=_nullable(LINES), sources=_dict(_STR, _STR),
    debug=_nullable(_dict(_STR, _BYTES)),
    exec_stack=_BOOL, has_gnu_stack=_BOOL,
    elf={"type": "function-after", "function": {"type": "no-info", "function": _i386_elf},
         "schema": _nullable(_BYTES)})
SESSION_HEADER = _fields(
    program=_STR, argv=_list(_STR), stdin=_BYTES, opt=_STR, tool=_STR,
    schema=_INT, machine=_nullable(MACHINE), image=_nullable(IMAGE),
    files=_dict(_STR, _BYTES))           # the files given to the program (--file)

_VALIDATOR: SchemaValidator | None = None


def header_problem(header: dict[str, Any]) -> str | None:
    """None if ``header`` is sound, else gdb-style one-line text naming the bad field.

    A header every value of which has exactly its schema's type and range passes on
    :func:`surely_valid`; anything else goes to pydantic-core, which decides and words the error."""
    global _VALIDATOR
    if surely_valid(SESSION_HEADER, header):
        return None
    from pydantic_core import SchemaValidator, ValidationError
    if _VALIDATOR is None:
        _VALIDATOR = SchemaValidator(SESSION_HEADER)
    try:
        _VALIDATOR.validate_python(header)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"field {where}: {first['msg']}"
    return None



def surely_valid(schema: dict[str, Any], value: Any) -> bool:
    """True only when pydantic-core certainly accepts ``value``: the exact types strict mode
    asks for, within range.  False means "ask pydantic-core" (it may still accept it, and it
    words the error), never "invalid".  Only the schema kinds used above are known."""
    global _HEADER_CHECK
    if schema is SESSION_HEADER:
        if _HEADER_CHECK is None:
            _HEADER_CHECK = _checker(SESSION_HEADER)
        return _HEADER_CHECK(value)
    return _checker(schema)(value)


_HEADER_CHECK: Callable[[Any], bool] | None = None      # SESSION_HEADER's, built on first use
_SCALARS = {"str": str, "bytes": bytes, "bool": bool}


def _checker(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """``schema`` made into one closure (built once: the symbol and line tables hold thousands
    of rows, and a walk that reads the schema at every value took 15-19 ms)."""
    kind = schema["type"]
    if kind == "int":
        ge, le = schema.get("ge"), schema.get("le")
        return lambda v: (type(v) is int and (ge is None or v >= ge) and (le is None or v <= le))
    if kind in _SCALARS:
        t = _SCALARS[kind]
        return lambda v: type(v) is t
    if kind == "any":
        return lambda v: True
    if kind == "nullable":
        inner = _checker(schema["schema"])
        return lambda v: v is None or inner(v)
    if kind == "literal":
        expected = tuple(schema["expected"])
        return lambda v: type(v) is str and v in expected
    if kind == "union":
        choices = [_checker(c) for c in schema["choices"]]
        return lambda v: any(c(v) for c in choices)
    if kind == "list":
        items = schema["items_schema"]
        if items["type"] == "tuple":
            rows = _rows_checker(items["items_schema"])
            return lambda v: type(v) is list and rows(v)
        item = _checker(items)
        return lambda v: type(v) is list and all(map(item, v))
    if kind == "tuple":
        rows = _rows_checker(schema["items_schema"])
        return lambda v: rows([v])
    if kind == "dict":
        key, val = _checker(schema["keys_schema"]), _checker(schema["values_schema"])
        return lambda v: type(v) is dict and all(map(key, v)) and all(map(val, v.values()))
    if kind == "typed-dict":
        fields = [(name, f["required"], _checker(f["schema"])) for name, f in schema["fields"].items()]

        def typed_dict(v: Any) -> bool:
            if type(v) is not dict:
                return False
            for name, required, check in fields:
                if name in v:
                    if not check(v[name]):
                        return False
                elif required:
                    return False
            return True
        return typed_dict
    if kind == "function-after":
        inner, function = _checker(schema["schema"]), schema["function"]["function"]

        def after(v: Any) -> bool:
            if not inner(v):
                return False
            try:
                function(v)
            except Exception:       # pydantic-core then judges, and words the error
                return False
            return True
        return after
    return lambda v: False


_SEQUENCES = {list, tuple}


def _only(col: tuple[Any, ...], t: type) -> bool:
    """Whether every value of ``col`` is exactly of type ``t`` (a bool is no int): the types
    gathered in C, not a generator's step a value (a symbol table's columns are long)."""
    return set(map(type, col)) <= {t}


def _rows_checker(items: list[dict[str, Any]]) -> Callable[[list[Any]], bool]:
    """Rows of a fixed-length tuple schema, checked a column at a time (lax tuples: a list
    row is accepted too)."""
    n = len(items)
    columns: list[Callable[[tuple[Any, ...]], bool]] = []
    for item in items:
        if item["type"] == "int" and item.get("strict"):
            ge, le = item.get("ge"), item.get("le")
            columns.append(lambda col, ge=ge, le=le: (
                _only(col, int) and (ge is None or min(col) >= ge) and (le is None or max(col) <= le)))
        elif item["type"] in _SCALARS:
            t = _SCALARS[item["type"]]
            columns.append(lambda col, t=t: _only(col, t))
        else:
            one = _checker(item)
            columns.append(lambda col, one=one: all(map(one, col)))

    def rows(v: list[Any]) -> bool:
        if not set(map(type, v)) <= _SEQUENCES or not set(map(len, v)) <= {n}:
            return False
        return not v or all(check(col) for check, col in zip(columns, zip(*v)))
    return rows

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
objects, so typed dicts (``extra_behavior="allow"``) are all it needs.
"""
from __future__ import annotations

import struct
from typing import Any

from pydantic_core import SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

_U32 = cs.int_schema(strict=True, ge=0, le=0xFFFFFFFF)
_INT = cs.int_schema(strict=True)
_STR = cs.str_schema(strict=True)
_BYTES = cs.bytes_schema(strict=True)


def _fields(required: dict[str, Any] | None = None, **optional: Any) -> cs.TypedDictSchema:
    """A map with these fields (the ``required`` ones must be present); unknown keys are kept."""
    fields = {name: cs.typed_dict_field(schema, required=False) for name, schema in optional.items()}
    for name, schema in (required or {}).items():
        fields[name] = cs.typed_dict_field(schema, required=True)
    return cs.typed_dict_schema(fields, extra_behavior="allow", strict=True)


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


MACHINE = _fields({"nframes": cs.int_schema(strict=True, ge=16, le=1 << 20)},
                  layout=cs.literal_schema(["i386", "compat"]))
SEGMENT = _fields({"vaddr": _U32, "data": _BYTES, "memsz": _U32},
                  flags=cs.union_schema([_STR, _INT]), offset=cs.int_schema(strict=True, ge=0))
SECTION = _fields({"name": _STR, "address": _U32, "size": _U32}, flags=_STR, type=_STR, align=_INT)
LINES = _fields(entries=cs.list_schema(cs.tuple_schema([_U32, _STR, _INT, _INT, _INT])),
                ranges=cs.list_schema(cs.tuple_schema([_U32, cs.int_schema(strict=True, ge=0, le=1 << 32)])))
#: name, value, size, type, binding, section, and what the linker adds
SYMBOL = cs.tuple_schema([_U32 if i in (1, 2) else _STR for i in range(6)] + [cs.any_schema()])
IMAGE = _fields(
    entry=_U32, end=cs.int_schema(strict=True, ge=0, le=1 << 32),
    segments=cs.list_schema(SEGMENT), sections=cs.list_schema(SECTION), symbols=cs.list_schema(SYMBOL),
    lines=cs.nullable_schema(LINES), sources=cs.dict_schema(_STR, _STR),
    debug=cs.nullable_schema(cs.dict_schema(_STR, _BYTES)),
    exec_stack=cs.bool_schema(strict=True), has_gnu_stack=cs.bool_schema(strict=True),
    elf=cs.no_info_after_validator_function(_i386_elf, cs.nullable_schema(_BYTES)))
SESSION_HEADER = _fields(
    program=_STR, argv=cs.list_schema(_STR), stdin=_BYTES, opt=_STR, tool=_STR,
    schema=_INT, machine=cs.nullable_schema(MACHINE), image=cs.nullable_schema(IMAGE),
    files=cs.dict_schema(_STR, _BYTES))           # the files given to the program (--file)

_VALIDATOR: SchemaValidator | None = None


def header_problem(header: dict[str, Any]) -> str | None:
    """None if ``header`` is sound, else gdb-style one-line text naming the bad field."""
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = SchemaValidator(SESSION_HEADER)
    try:
        _VALIDATOR.validate_python(header)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"field {where}: {first['msg']}"
    return None

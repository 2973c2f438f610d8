"""The session header, checked at the edge.

A header comes from a file someone else wrote, so every field the tools use
is validated here, once, before anything trusts it: types, and the ranges
the machine can honour (at most ``--memory 4096``: 1,048,576 frames;
addresses are 32-bit).  A bad field is one line naming it:
``bad session header: field machine.nframes: ...``.  Fields this version
does not know are kept (a newer vmdebug may have written them).
"""
from __future__ import annotations

import struct
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictBytes, StrictInt, StrictStr, \
    ValidationError, field_validator

U32 = Annotated[StrictInt, Field(ge=0, le=0xFFFFFFFF)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Machine(_Model):
    nframes: Annotated[StrictInt, Field(ge=16, le=1 << 20)]
    layout: Literal["i386", "compat"] = "i386"


class SegmentModel(_Model):
    vaddr: U32
    data: StrictBytes
    memsz: U32
    flags: StrictStr | StrictInt = ""
    offset: Annotated[StrictInt, Field(ge=0)] = 0


class SectionModel(_Model):
    name: StrictStr
    address: U32
    size: U32
    flags: StrictStr = ""
    type: StrictStr = "progbits"
    align: StrictInt = 1


class LinesModel(_Model):
    entries: list[tuple[U32, StrictStr, StrictInt, StrictInt, StrictInt]] = []
    ranges: list[tuple[U32, Annotated[StrictInt, Field(ge=0, le=1 << 32)]]] = []


Symbol = tuple[StrictStr, U32, U32, StrictStr, StrictStr, StrictStr, Any]


class ImageModel(_Model):
    entry: U32 = 0
    end: Annotated[StrictInt, Field(ge=0, le=1 << 32)] = 0
    segments: list[SegmentModel] = []
    sections: list[SectionModel] = []
    symbols: list[Symbol] = []
    lines: LinesModel | None = None
    sources: dict[StrictStr, StrictStr] = {}
    debug: dict[StrictStr, StrictBytes] | None = None
    exec_stack: StrictBool = False
    has_gnu_stack: StrictBool = True
    elf: StrictBytes | None = None

    @field_validator("elf")
    @classmethod
    def _i386_elf(cls, data: bytes | None) -> bytes | None:
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


class SessionHeader(_Model):
    program: StrictStr = "?"
    argv: list[StrictStr] = []
    stdin: StrictBytes = b""
    opt: StrictStr = "0"
    tool: StrictStr = ""
    schema_version: StrictInt = Field(1, alias="schema")
    machine: Machine | None = None
    image: ImageModel | None = None
    files: dict[StrictStr, StrictBytes] = {}     # the files given to the program (--file)


def header_problem(header: dict[str, Any]) -> str | None:
    """None if ``header`` is sound, else gdb-style one-line text naming the bad field."""
    try:
        SessionHeader.model_validate(header)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"field {where}: {first['msg']}"
    return None

"""gas's own ``.debug_line``: the file table of ``.file`` and the line program of ``.loc``.

gcc -g writes ``.debug_info`` and friends itself but leaves ``.debug_line``
empty and describes lines with ``.file``/``.loc``; GNU as builds the line
program (gas/dwarf2dbg.c, binutils 2.40).  This module does the same, byte
for byte, so the linked DWARF is the one ``as`` + ``ld`` would give:

* the file table follows ``allocate_filename_to_slot`` and
  ``get_directory_table_entry`` (DWARF 5 when ``.file 0`` was seen, else the
  version-3 tables of ``as --32``);
* the program follows ``process_entries``: one sequence per code section in
  the order the sections got their first row, the state-machine registers
  changed only when they differ, ``DW_LNE_set_address`` at the start of a
  sequence (or where ``view -0`` forces a reset, which depends on where gas's
  frags end: see :func:`_forced_reset`) and the shortest of special
  opcode, ``DW_LNS_const_add_pc`` + special opcode or ``DW_LNS_advance_pc``
  (``emit_inc_line_addr``) for each step.  gas relaxes steps that cross frags
  until their sizes settle; after relaxation every step is the encoding of
  its final address delta, which is what is computed here;
* DWARF 5 directory and file names go to ``.debug_line_str`` after what the
  compiler put there (``add_line_strp``), as ``DW_FORM_line_strp`` offsets.
"""
from __future__ import annotations

import os

from events.record import Record
from vmdebug.isa.layout import encode_leb

# DWARF 5, 6.2.5 (standard and extended opcodes); gas's header constants.
DW_LNS_copy, DW_LNS_advance_pc, DW_LNS_advance_line, DW_LNS_set_file = 1, 2, 3, 4
DW_LNS_set_column, DW_LNS_negate_stmt, DW_LNS_set_basic_block, DW_LNS_const_add_pc = 5, 6, 7, 8
DW_LNS_set_prologue_end, DW_LNS_set_epilogue_begin, DW_LNS_set_isa = 10, 11, 12
DW_LNE_end_sequence, DW_LNE_set_address, DW_LNE_set_discriminator = 1, 2, 4
DW_LNCT_path, DW_LNCT_directory_index, DW_LNCT_MD5 = 1, 2, 5
DW_FORM_udata, DW_FORM_data16, DW_FORM_line_strp = 0x0F, 0x1E, 0x1F
LINE_BASE, LINE_RANGE, OPCODE_BASE = -5, 14, 13
MAX_SPECIAL_ADDR_DELTA = (255 - OPCODE_BASE) // LINE_RANGE
STANDARD_OPCODE_LENGTHS = bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1])

# gas dwarf2dbg.h flag bits of a row.
FLAG_IS_STMT, FLAG_BASIC_BLOCK, FLAG_PROLOGUE_END, FLAG_EPILOGUE_BEGIN = 1, 2, 4, 8

#: A place in the assembler's frags: (section, frag index, offset in the frag's fixed part).
Position = tuple[str, int, int]


class Loc(Record):
    """One row of the line program, at the instruction that followed its ``.loc``."""

    __slots__ = (
        "section",
        "frag",
        "offset",
        "filenum",
        "line",
        "column",
        "flags",
        "isa",
        "discriminator",
        "view",           # a view symbol, "-0" (forced reset) or "0" (asserted zero)
    )

    def __init__(self, section: str, frag: int, offset: int, filenum: int, line: int, column: int, flags: int,
                 isa: int = 0, discriminator: int = 0, view: str | None = None) -> None:
        self.section = section
        self.frag = frag
        self.offset = offset
        self.filenum = filenum
        self.line = line
        self.column = column
        self.flags = flags
        self.isa = isa
        self.discriminator = discriminator
        self.view = view

    @property
    def is_stmt(self) -> bool:
        return bool(self.flags & FLAG_IS_STMT)


class FileTable(Record):
    """The ``.file`` slots and the directory table, as gas allocates them."""

    __slots__ = (
        "files",  # (name, dir, md5)
        "dirs",
        "level",  # as 2.40's dwarf_level without --gdwarf-N
    )

    def __init__(self, files: list[tuple[str, int, bytes | None] | None] | None = None,
                 dirs: list[str | None] | None = None, level: int = 3) -> None:
        self.files = [] if files is None else files
        self.dirs = [] if dirs is None else dirs
        self.level = level

    @property
    def version(self) -> int:
        """DWARF2_LINE_VERSION: the level, at least 3."""
        return max(self.level, 3)

    def _dir_entry(self, dirname: str, file0_dirname: str | None, dirlen: int, can_use_zero: bool) -> int:
        """gas get_directory_table_entry."""
        if dirlen == 0:
            return 0
        if dirname[dirlen - 1] == "/":
            dirlen -= 1
            if dirlen == 0:
                return 0
        want = dirname[:dirlen]
        for d, existing in enumerate(self.dirs):
            if existing is not None and existing == want:
                return d
        d = len(self.dirs)
        if can_use_zero:
            if not self.dirs or self.dirs[0] is None:
                pwd = file0_dirname if file0_dirname is not None else os.getcwd()
                if self.level >= 5 and dirname != pwd:
                    # DWARF 5 wants entry 0 to be the compilation directory.
                    self._dir_entry(pwd, file0_dirname, len(pwd), True)
                    d = 1
                else:
                    d = 0
        elif d == 0:
            d = 1
        while len(self.dirs) <= d:
            self.dirs.append(None)
        self.dirs[d] = want
        return d

    def _slot(self, num: int, name: str, d: int, md5: bytes | None) -> None:
        while len(self.files) <= num:
            self.files.append(None)
        self.files[num] = (name, d, md5)

    def allocate(self, num: int, dirname: str | None, filename: str, md5: bytes | None) -> str | None:
        """``.file NUM ["DIR"] "NAME" [md5 N]`` (gas allocate_filename_to_slot); an error or None."""
        if num == 0 and self.level < 5:
            self.level = 5
        old = self.files[num] if num < len(self.files) else None
        if old is not None:
            old_name, old_dir, old_md5 = old
            dir_ = self.dirs[old_dir] if old_dir < len(self.dirs) else None
            if md5 is not None and md5 != (old_md5 or bytes(16)):
                return self._occupied(num, dir_, old_name, dirname, filename)
            if dirname is not None:
                if (dir_ is not None and dir_ != dirname) or filename != old_name:
                    return self._occupied(num, dir_, old_name, dirname, filename)
                if dir_ is None:
                    self._set_dir(old_dir, dirname)
                return None
            if dir_ is not None:
                if filename.startswith(dir_ + "/") and filename[len(dir_) + 1:] == old_name:
                    return None
            else:
                base = _basename(filename)
                if base == old_name:
                    if len(base) < len(filename):
                        self._set_dir(old_dir, filename[:len(filename) - len(base)])
                    return None
            return self._occupied(num, dir_, old_name, dirname, filename)
        if num == 0:
            file0_dirname = dirname
            file = _basename(filename)
            if dirname is not None and file == filename:
                dirlen = len(dirname)
            else:
                dirname = filename
                dirlen = len(filename) - len(file)
        else:
            file0_dirname = None
            if dirname is None:
                dirname = filename
                file = _basename(filename)
                dirlen = len(filename) - len(file)
            else:
                dirlen = len(dirname)
                file = filename
        d = self._dir_entry(dirname, file0_dirname, dirlen, num == 0)
        self._slot(num, file, d, md5)
        return None

    def _set_dir(self, d: int, name: str) -> None:
        while len(self.dirs) <= d:
            self.dirs.append(None)
        self.dirs[d] = name

    @staticmethod
    def _occupied(num: int, dir_: str | None, old: str, dirname: str | None, filename: str) -> str:
        a = f"{dir_}/" if dir_ is not None else ""
        b = f"{dirname}/" if dirname is not None else ""
        return f"file table slot {num} is already occupied by a different file ({a}{old} vs {b}{filename})"

    def is_assigned(self, num: int) -> bool:
        return num < len(self.files) and self.files[num] is not None

    @property
    def comp_dir(self) -> str:
        """Directory 0 of a DWARF 5 table (gcc's DW_AT_comp_dir), else ""."""
        return (self.dirs[0] or "") if self.version >= 5 and self.dirs else ""

    def path(self, num: int) -> str | None:
        """The file of slot ``num`` as one path, the way gdb names a line table's files
        (dwarf2/line-header.c file_file_name): its name, under its directory, under the
        compilation directory - normalised, so the same file has one name."""
        entry = self.files[num] if num < len(self.files) else None
        if entry is None:
            return None
        name, d, _md5 = entry
        if not os.path.isabs(name):
            directory = self.dirs[d] if d < len(self.dirs) and (d or self.version >= 5) else None
            if directory:
                name = os.path.join(directory, name)
            if not os.path.isabs(name) and self.comp_dir:
                name = os.path.join(self.comp_dir, name)
        return os.path.normpath(name)


def _basename(path: str) -> str:
    """gas get_basename: the part after the last '/', but never "" for "/x"."""
    k = path.rfind("/")
    if k < 0:
        return path
    return path if k == 0 else path[k + 1:]


# ------------------------------------------------------------ the program
def _uleb(v: int) -> bytes:
    return encode_leb(v, False)


def _sleb(v: int) -> bytes:
    return encode_leb(v, True)


def inc_line_addr(line_delta: int | None, addr_delta: int) -> bytes:
    """gas emit_inc_line_addr; ``line_delta`` None is the end of a sequence."""
    if line_delta is None:
        out = bytearray()
        if addr_delta == MAX_SPECIAL_ADDR_DELTA:
            out.append(DW_LNS_const_add_pc)
        elif addr_delta:
            out += bytes([DW_LNS_advance_pc]) + _uleb(addr_delta)
        return bytes(out) + bytes([0, 1, DW_LNE_end_sequence])
    out = bytearray()
    need_copy = False
    tmp = line_delta - LINE_BASE
    if not 0 <= tmp < LINE_RANGE:
        out += bytes([DW_LNS_advance_line]) + _sleb(line_delta)
        line_delta = 0
        tmp = -LINE_BASE
        need_copy = True
    if line_delta == 0 and addr_delta == 0:
        return bytes(out) + bytes([DW_LNS_copy])
    tmp += OPCODE_BASE
    if addr_delta < 256 + MAX_SPECIAL_ADDR_DELTA:
        opcode = tmp + addr_delta * LINE_RANGE
        if opcode <= 255:
            return bytes(out) + bytes([opcode])
        opcode = tmp + (addr_delta - MAX_SPECIAL_ADDR_DELTA) * LINE_RANGE
        if 0 <= opcode <= 255:
            return bytes(out) + bytes([DW_LNS_const_add_pc, opcode])
    out += bytes([DW_LNS_advance_pc]) + _uleb(addr_delta)
    out.append(DW_LNS_copy if need_copy else tmp)
    return bytes(out)


class Sequence(Record):
    """The rows of one code section, with final offsets, and where the section ends."""

    __slots__ = (
        "section",
        "rows",      # (row, offset of its instruction in the section)
        "end",
        "frag_fix",  # frag index -> size of its fixed part (for view -0 resets)
    )

    def __init__(self, section: str, rows: list[tuple[Loc, int]], end: int, frag_fix: dict[int, int]) -> None:
        self.section = section
        self.rows = rows
        self.end = end
        self.frag_fix = frag_fix


class LineOutput(Record):
    """The generated ``.debug_line`` bytes and what must be relocated in them."""

    __slots__ = (
        "data",
        "text_relocs",  # (offset in .debug_line, code section, offset there)
        "str_relocs",   # (offset in .debug_line, offset in .debug_line_str)
        "line_strs",    # appended to .debug_line_str
    )

    def __init__(self, data: bytes, text_relocs: list[tuple[int, str, int]],
                 str_relocs: list[tuple[int, int]], line_strs: bytes) -> None:
        self.data = data
        self.text_relocs = text_relocs
        self.str_relocs = str_relocs
        self.line_strs = line_strs


def debug_line(table: FileTable, sequences: list[Sequence], line_str_base: int,
               errors: list[str]) -> LineOutput:
    """gas out_debug_line: header, directory and file tables, one sequence per section."""
    version = table.version
    out = bytearray()
    text_relocs: list[tuple[int, str, int]] = []
    str_relocs: list[tuple[int, int]] = []
    strs = bytearray()

    def line_strp(text: str | None, reuse: int | None = None) -> int:
        """Emit a DW_FORM_line_strp offset: of a new string, or ``reuse`` (an earlier one)."""
        off = reuse if reuse is not None else line_str_base + len(strs)
        str_relocs.append((len(out), off))
        out.extend(off.to_bytes(4, "little"))
        if reuse is None:
            strs.extend((text or "").encode("utf-8", "surrogateescape") + b"\0")
        return off

    out += bytes(4)                                   # unit_length, patched below
    out += version.to_bytes(2, "little")
    if version >= 5:
        out += bytes([4, 0])                          # address_size, segment_selector_size
    header_length_at = len(out)
    out += bytes(4)
    prologue_start = len(out)
    out.append(1)                                     # minimum_instruction_length
    if version >= 4:
        out.append(1)                                 # maximum_operations_per_instruction
    out += bytes([1, LINE_BASE & 0xFF, LINE_RANGE, OPCODE_BASE]) + STANDARD_OPCODE_LENGTHS
    _dir_and_file_list(table, out, line_strp, errors)
    out[header_length_at:header_length_at + 4] = (len(out) - prologue_start).to_bytes(4, "little")
    for seq in sequences:
        _process_entries(seq, out, text_relocs)
    out[0:4] = (len(out) - 4).to_bytes(4, "little")
    return LineOutput(bytes(out), text_relocs, str_relocs, bytes(strs))


def _dir_and_file_list(table: FileTable, out: bytearray, line_strp, errors: list[str]) -> None:  # type: ignore[no-untyped-def]
    """gas out_dir_and_file_list."""
    version = table.version
    files = list(table.files)
    dirs = table.dirs
    if version >= 5:
        out += bytes([1]) + _uleb(DW_LNCT_path) + _uleb(DW_FORM_line_strp)
        out += _uleb(1 if not dirs and files else len(dirs))
        if dirs or files:
            line_strp(dirs[0] if dirs and dirs[0] is not None else os.getcwd())
    for d in dirs[1:]:
        if version < 5:
            out += (d or "").encode("utf-8", "surrogateescape") + b"\0"
        else:
            line_strp(d or "")
    if version < 5:
        out.append(0)
    md5 = any(f is not None and f[2] is not None for f in files)
    if version >= 5:
        out += bytes([2 + md5]) + _uleb(DW_LNCT_path) + _uleb(DW_FORM_line_strp)
        out += _uleb(DW_LNCT_directory_index) + _uleb(DW_FORM_udata)
        if md5:
            out += _uleb(DW_LNCT_MD5) + _uleb(DW_FORM_data16)
        out += _uleb(len(files))
    shared = False                                    # slot 0 filled from slot 1
    file0_str: int | None = None
    for i in range(0 if version > 4 else 1, len(files)):
        entry = files[i]
        if entry is None:
            if version < 5 or i != 0:
                errors.append(f"unassigned file number {i}")
                continue
            # No `.file 0`: slot 0 repeats slot 1 (and shares its string) or is empty.
            if len(files) > 1 and files[1] is not None:
                entry = files[1]
                shared = True
            else:
                entry = ("", 0, None)
        name, d, digest = entry
        if version < 5:
            out += name.encode("utf-8", "surrogateescape") + b"\0"
        else:
            off = line_strp(name, file0_str)
            file0_str = off if i == 0 and shared else None
        out += _uleb(d)
        if version < 5:
            out += bytes([0, 0])                      # mtime, length: unknown
        if md5:
            out += (digest or bytes(16))
    if version < 5:
        out.append(0)


def _process_entries(seq: Sequence, out: bytearray, relocs: list[tuple[int, str, int]]) -> None:
    """gas process_entries for one section's rows."""
    filenum, line, column, isa, flags = 1, 1, 0, 0, FLAG_IS_STMT
    last: tuple[Loc, int] | None = None
    for e, addr in seq.rows:
        if filenum != e.filenum:
            filenum = e.filenum
            out += bytes([DW_LNS_set_file]) + _uleb(filenum)
        if column != e.column:
            column = e.column
            out += bytes([DW_LNS_set_column]) + _uleb(column)
        if e.discriminator:
            body = _uleb(e.discriminator)
            out += bytes([0]) + _sleb(1 + len(body)) + bytes([DW_LNE_set_discriminator]) + body
        if isa != e.isa:
            isa = e.isa
            out += bytes([DW_LNS_set_isa]) + _uleb(isa)
        if (e.flags ^ flags) & FLAG_IS_STMT:
            flags = e.flags
            out.append(DW_LNS_negate_stmt)
        if e.flags & FLAG_BASIC_BLOCK:
            out.append(DW_LNS_set_basic_block)
        if e.flags & FLAG_PROLOGUE_END:
            out.append(DW_LNS_set_prologue_end)
        if e.flags & FLAG_EPILOGUE_BEGIN:
            out.append(DW_LNS_set_epilogue_begin)
        line_delta = e.line - line
        if last is None or (e.view == "-0" and _forced_reset(seq, last[0], e)):
            out += bytes([0, 5, DW_LNE_set_address])
            relocs.append((len(out), seq.section, addr))
            out += addr.to_bytes(4, "little")
            out += inc_line_addr(line_delta, 0)
        else:
            out += inc_line_addr(line_delta, addr - last[1])
        line = e.line
        last = (e, addr)
    assert last is not None
    out += inc_line_addr(None, seq.end - last[1])


def _forced_reset(seq: Sequence, prev: Loc, e: Loc) -> bool:
    """A ``view -0`` row resets with DW_LNE_set_address when the pc may not have
    advanced: same frag and offset, or the start of a frag while the previous
    row is at (or past) the end of its own frag's fixed part (gas
    process_entries) - even if bytes lie between, in that frag's variable tail
    (a jump, an alignment, a .zero) or further frags.  The frags are gas's own,
    including those it closes where its obstack chunk runs out of room
    (layout.Obstack): after 3883..3887 bytes of code a `jmp` to a symbol
    starts a new frag (frag_grow (6)), its row is left at the end of the old
    one, and the `view -0` row of the next function gets a set_address."""
    if e.frag == prev.frag:
        return prev.offset == e.offset
    return e.offset == 0 and prev.offset >= seq.frag_fix.get(prev.frag, 0)

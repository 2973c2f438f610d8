"""The on-disk cache of the libc's assembled objects (vmdebug.toolchain.libc_cache).

Real objects from the real assembler, a real directory: a run reads only the
linking half, a session both halves, and a broken or stale file is never used.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from vmdebug.isa.assembler import assemble_text
from vmdebug.toolchain import libc_cache

SOURCE = """\
    .file "one.c"
    .text
    .globl f
    .type f, @function
f:
.LFB0:
    .file 1 "one.c"
    .loc 1 2 1
    mov eax, 1
    ret
.LFE0:
    .size f, .-f
    .section .debug_info,"",@progbits
    .long .LFB0
    .long .LFE0-.LFB0
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "vmdebug"


def objects() -> list:
    return [assemble_text(SOURCE, "one.s")]


def test_the_objects_come_back_whole_for_a_session_and_without_dwarf_for_a_run(cache: Path) -> None:
    objs = objects()
    libc_cache.store("k1", objs)
    assert sorted(p.name for p in cache.iterdir()) == ["libc-k1.debug.pickle", "libc-k1.pickle"]
    whole = libc_cache.load("k1", 1)
    assert whole is not None and set(whole[0].sections) == set(objs[0].sections)
    assert whole[0].sections[".debug_info"].data == objs[0].sections[".debug_info"].data
    assert whole[0].lines == objs[0].lines and whole[0].sources == objs[0].sources
    bare = libc_cache.load("k1", 1, debug=False)
    assert bare is not None and ".debug_info" not in bare[0].sections and ".text" in bare[0].sections
    assert bare[0].lines == [] and bare[0].symbols.keys() == objs[0].symbols.keys()


def test_the_object_keeps_no_internal_labels(cache: Path) -> None:
    # gas's adjust_reloc_syms: the DWARF's fixups name the section, not .LFB0/.LFE0.
    obj = objects()[0]
    assert not [n for n in obj.symbols if n.startswith(".L")]
    assert {fx.symbol for fx in obj.sections[".debug_info"].fixups} == {".\x01sec:.text"}


@pytest.mark.parametrize("which", ["libc-k1.pickle", "libc-k1.debug.pickle"])
@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage"])
def test_a_broken_file_is_a_miss_not_an_error(cache: Path, which: str, damage: bytes) -> None:
    libc_cache.store("k1", objects())
    (cache / which).write_bytes(damage)
    assert libc_cache.load("k1", 1) is None
    if which == "libc-k1.pickle":
        assert libc_cache.load("k1", 1, debug=False) is None


def test_a_file_of_another_shape_or_count_is_a_miss(cache: Path) -> None:
    libc_cache.store("k1", objects())
    assert libc_cache.load("k1", 2) is None
    import pickle
    (cache / "libc-k1.pickle").write_bytes(pickle.dumps({"not": "a list"}))
    assert libc_cache.load("k1", 1, debug=False) is None


def test_storing_a_key_removes_the_files_of_other_keys(cache: Path) -> None:
    libc_cache.store("old", objects())
    libc_cache.store("new", objects())
    assert sorted(p.name for p in cache.iterdir()) == ["libc-new.debug.pickle", "libc-new.pickle"]


def test_an_unwritable_cache_directory_is_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    libc_cache.store("k1", objects())          # no exception
    assert libc_cache.load("k1", 1) is None


def test_a_link_reads_the_debugging_parts_of_its_objects_only(cache: Path) -> None:
    two = [assemble_text(SOURCE, "one.s"), assemble_text(SOURCE.replace("one", "two"), "two.s")]
    libc_cache.store("k2", two)
    parts = libc_cache.load_debug("k2", 2, [1])
    assert parts is not None and len(parts) == 1 and parts[0]["sources"] == two[1].sources
    import pickle
    blobs = pickle.loads((cache / "libc-k2.debug.pickle").read_bytes())
    blobs[0] = b"\x80\x05garbage"            # a damaged part is a miss when it is read...
    (cache / "libc-k2.debug.pickle").write_bytes(pickle.dumps(blobs))
    assert libc_cache.load_debug("k2", 2, [0]) is None and libc_cache.load("k2", 2) is None
    assert libc_cache.load_debug("k2", 2, [1]) is not None   # ...and is not read for another's


def test_a_program_links_the_same_libc_whether_or_not_it_keeps_the_dwarf() -> None:
    # The archive rule picks members by their symbols, which the DWARF does not change;
    # a session's members are then given their DWARF from the cache's debugging file.
    # Both halves are read from the disk cache (a cold one is filled first: the objects a
    # cold cache assembles come back whole either way).
    from vmdebug.libc import asm_files, debug_name
    from vmdebug.toolchain import link as L
    L.libc_objects(debug=False)
    files = [(debug_name(path), path.read_bytes()) for path in asm_files()]
    key = libc_cache.cache_key(files)
    bare = libc_cache.load(key, len(files), debug=False)
    whole = libc_cache.load(key, len(files), debug=True)
    assert bare is not None and whole is not None
    assert [o.sections.keys() - b.sections.keys() for o, b in zip(whole, bare)].count(set()) < len(bare)
    for i in range(1, len(bare)):       # a program needing what member i needs pulls in the same
        picked_bare = L.archive_members([bare[0], bare[i]], bare[1:])
        picked_whole = L.archive_members([whole[0], whole[i]], whole[1:])
        assert [bare.index(m) for m in picked_bare] == [whole.index(m) for m in picked_whole]

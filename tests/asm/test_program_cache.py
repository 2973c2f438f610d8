"""The on-disk cache of linked C programs (vmdebug.toolchain.program_cache).

Real gcc, assembler and linker, a real cache directory (seeded with the libc's cached
objects, so the libc is not assembled again): a program built again comes from the
cache and is the same program, down to the session's bytes; a source the image carries
that changed, a damaged entry or a directory that cannot be written make it linked again.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vmdebug.program import load_program
from vmdebug.toolchain import program_cache
from vmdebug.toolchain.libc_cache import cache_dir
from vmdebug.toolchain.link import libc_objects

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """\
#include <stdio.h>
/* a comment */
int square(int x) { return x * x; }
int main(void) { printf("%d\\n", square(7)); return 0; }
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    libc_objects()                              # the libc's objects are in the user's cache
    seeded = tmp_path / "xdg" / "vmdebug"
    seeded.mkdir(parents=True)
    for f in cache_dir().glob("libc-*.pickle"):
        shutil.copy(f, seeded / f.name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    Path("prog.c").write_text(PROGRAM)
    return seeded


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("prog-*.pickle"))


def test_a_program_built_again_comes_from_the_cache_and_is_the_same(cache: Path) -> None:
    for debug in (True, False):
        first = load_program("prog.c", "1", debug)
        assert len(entries(cache)) == (1 if debug else 2)
        inodes = {p: p.stat().st_ino for p in entries(cache)}
        again = load_program("prog.c", "1", debug)
        assert {p: p.stat().st_ino for p in entries(cache)} == inodes     # read, not stored again
        assert again.image == first.image
        assert again.spec.segments == first.spec.segments and again.spec.symbols == first.spec.symbols


def test_a_session_recorded_from_the_cache_has_the_same_bytes(cache: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for out in ("a.vmlog", "b.vmlog"):
        subprocess.run([sys.executable, "-m", "vmdebug", "record", "-O1", "-o", out, "prog.c"], check=True,
                       env=env, capture_output=True, timeout=300)
    assert len(entries(cache)) == 1
    assert Path("a.vmlog").read_bytes() == Path("b.vmlog").read_bytes()


def test_a_comment_edit_changes_the_source_the_image_carries(cache: Path) -> None:
    """The assembly is the same; the text a session shows is not: linked again."""
    load_program("prog.c", "1")
    Path("prog.c").write_text(PROGRAM.replace("a comment", "another comment"))
    image = load_program("prog.c", "1").image
    assert image is not None and any("another comment" in t for t in image["sources"].values())
    assert len(entries(cache)) == 1                     # the same key, its entry replaced
    image = load_program("prog.c", "1").image
    assert image is not None and any("another comment" in t for t in image["sources"].values())


def test_a_damaged_entry_is_linked_again(cache: Path) -> None:
    good = load_program("prog.c", "1").image
    for damage in (b"", b"not a pickle", entries(cache)[0].read_bytes()[:100]):
        entries(cache)[0].write_bytes(damage)
        assert load_program("prog.c", "1").image == good
        assert entries(cache)[0].read_bytes() != damage  # stored again


def test_another_toolchain_uses_another_entry(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_program("prog.c", "1")
    monkeypatch.setattr(program_cache, "_code_digest", b"another assembler")
    load_program("prog.c", "1")
    assert len(entries(cache)) == 2


def test_the_cache_keeps_the_programs_used_last(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(program_cache, "MAX_ENTRIES", 2)
    built = []
    for n in range(3):
        Path(f"p{n}.c").write_text(PROGRAM.replace("7", str(n)))
        before = set(entries(cache))
        load_program(f"p{n}.c", "0")
        built += [p for p in entries(cache) if p not in before]
        os.utime(built[-1], (n, n))          # stored in this order (a clock's tick can be coarse)
    assert entries(cache) == sorted(built[1:])        # p0's, the oldest, went
    inode = built[-1].stat().st_ino
    load_program("p2.c", "0")
    assert entries(cache) == sorted(built[1:])
    assert built[-1].stat().st_ino == inode          # p2's is read, not stored again


def test_without_a_writable_cache_programs_are_linked_each_time(cache: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert load_program("prog.c", "1").image == load_program("prog.c", "1").image

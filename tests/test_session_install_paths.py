"""A session names no path of the machine that recorded it.

Two installs of vmdebug at different paths, each recording the same program
from a different directory (with separate caches), write byte-identical
session files, and neither the installs' nor the users' directories appear
in them: gcc's DWARF names the program under /vmdebug/src and the libc under
/vmdebug/libc (-fdebug-prefix-map), and the sources travel inside.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _install(dest: Path) -> Path:
    """A copy of the packages at ``dest`` (what pip would have put in site-packages)."""
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for pkg in ("vmdebug", "events"):
        shutil.copytree(ROOT / pkg, dest / pkg, ignore=ignore)
    return dest


def _record(install: Path, workdir: Path, cache: Path, prog: str, *extra: str) -> bytes:
    env = dict(os.environ, PYTHONPATH=str(install), XDG_CACHE_HOME=str(cache), HOME=str(cache))
    res = subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", "s.vmlog", *extra, prog],
                         cwd=workdir, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    return (workdir / "s.vmlog").read_bytes()


@pytest.mark.parametrize("level", ["0", "2"])
def test_two_installs_record_the_same_bytes(tmp_path: Path, level: str) -> None:
    a = _install(tmp_path / "site-a")
    b = _install(tmp_path / "elsewhere" / "lib" / "python3.11" / "site-packages")
    src = (ROOT / "examples" / "calloc_zero.c").read_text()
    users = [tmp_path / "alice" / "proj", tmp_path / "bob" / "deep" / "er"]
    for u in users:
        u.mkdir(parents=True)
        (u / "calloc_zero.c").write_text(src)
    one = _record(a, users[0], tmp_path / "cache-a", "calloc_zero.c", "-O", level)
    two = _record(b, users[1], tmp_path / "cache-b", "calloc_zero.c", "-O", level)
    assert one == two
    for where in (tmp_path, ROOT, Path(sys.prefix)):
        assert str(where).encode() not in one


def test_the_session_opens_from_another_install_and_knows_its_libc(tmp_path: Path) -> None:
    """Opened from a second install, the session still knows malloc.c is the libc: ``step``
    at a call to malloc steps over it, as gdb does over a distribution's libc."""
    a = _install(tmp_path / "a")
    b = _install(tmp_path / "b")
    work = tmp_path / "w"
    work.mkdir()
    (work / "calloc_zero.c").write_text((ROOT / "examples" / "calloc_zero.c").read_text())
    _record(a, work, tmp_path / "cache-a", "calloc_zero.c")
    env = dict(os.environ, PYTHONPATH=str(b), XDG_CACHE_HOME=str(tmp_path / "cache-b"))
    res = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-ex", "break 34", "-ex", "run",
                          "-ex", "step", "-ex", "info source", "s.vmlog"], cwd=work, env=env,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert "35\t    memset(p, 0xab, 32);" in lines, res.stdout
    assert not any("malloc.c" in line or "malloc (" in line for line in lines), res.stdout


def test_a_program_named_by_its_absolute_path_leaves_no_path_in_the_session(tmp_path: Path) -> None:
    """argv[0] and the program's mappings take the file's name, not the recording machine's
    directories: recorded by absolute path from elsewhere, the bytes equal a recording made
    next to the file."""
    install = _install(tmp_path / "site")
    proj = tmp_path / "home" / "carol" / "proj"
    elsewhere = tmp_path / "other"
    proj.mkdir(parents=True)
    elsewhere.mkdir()
    (proj / "calloc_zero.c").write_text((ROOT / "examples" / "calloc_zero.c").read_text())
    near = _record(install, proj, tmp_path / "cache", "calloc_zero.c")
    far = _record(install, elsewhere, tmp_path / "cache", str(proj / "calloc_zero.c"))
    assert far == near
    from events.session import open_session
    session = open_session(elsewhere / "s.vmlog")
    assert session.header["argv"] == ["calloc_zero.c"]
    assert not any(isinstance(x, str) and str(tmp_path) in x for x in session.log.extras)

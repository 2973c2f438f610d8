"""Files are written whole or not at all, and file-system errors are one line.

``record -o``, ``save``, ``elf -o`` and ``cc -o`` write beside the target and
rename: a full disk (here ``ulimit -f``) leaves the old file as it was and no
temporary file behind.  ``save`` keeps the stored checkpoints.
"""
from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from events.session import open_session

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "examples" / "hello.s"
LOOP = """\
.intel_syntax noprefix
.globl _start
_start:
    mov ecx, 70000
1:  dec ecx
    jnz 1b
    mov eax, 1
    xor ebx, ebx
    int 0x80
"""


def _vmdebug(*args: str, cwd: Path, limit_kib: int | None = None, stdin: str | None = None
             ) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if limit_kib is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_kib * 1024, limit_kib * 1024))
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, preexec_fn=limit, input=stdin)


def _leftovers(d: Path) -> list[str]:
    return [p.name for p in d.iterdir() if p.name.endswith(".part")]


def test_record_over_a_good_session_with_a_full_disk_keeps_it(tmp_path: Path) -> None:
    good = tmp_path / "s.vmlog"
    assert _vmdebug("record", "-o", str(good), str(HELLO), cwd=tmp_path).returncode == 0
    before = good.read_bytes()
    res = _vmdebug("record", "-o", str(good), str(ROOT / "examples" / "calloc_zero.c"), cwd=tmp_path,
                   limit_kib=16)
    assert res.returncode == 1
    assert res.stderr.strip().splitlines()[-1] == f"vmdebug: {good}: File too large"
    assert good.read_bytes() == before
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("target, reason", [("/nonexistent/x.vmlog", "No such file or directory"),
                                            (".", "Is a directory"), ("/dev/full", "not a regular file")])
def test_record_to_a_bad_place_is_one_line(tmp_path: Path, target: str, reason: str) -> None:
    res = _vmdebug("record", "-o", target, str(HELLO), cwd=tmp_path)
    assert res.returncode == 1
    assert res.stderr.strip().splitlines()[-1] == f"vmdebug: {target}: {reason}"


def test_save_keeps_checkpoints_and_never_half_writes(tmp_path: Path) -> None:
    (tmp_path / "loop.s").write_text(LOOP)
    res = _vmdebug("debug", "-batch", "-ex", "record goto end", "-ex", "save big.vmlog", "loop.s", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    saved = open_session(tmp_path / "big.vmlog")
    assert saved.log.last_step > 1 << 17 and saved.checkpoints
    before = (tmp_path / "big.vmlog").read_bytes()
    res = _vmdebug("debug", "-batch", "-ex", "record goto end", "-ex", "save big.vmlog", "loop.s", cwd=tmp_path,
                   limit_kib=8)
    assert res.returncode == 1
    assert res.stderr.strip().splitlines()[-1] == "big.vmlog: File too large"
    assert (tmp_path / "big.vmlog").read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_elf_and_cc_outputs_are_whole_or_absent(tmp_path: Path) -> None:
    (tmp_path / "hello.s").write_text(HELLO.read_text())
    (tmp_path / "prog").write_bytes(b"old")
    res = _vmdebug("elf", "hello.s", "-o", "prog", cwd=tmp_path, limit_kib=1)
    assert res.returncode == 1 and res.stderr.strip() == "vmdebug: prog: File too large"
    assert (tmp_path / "prog").read_bytes() == b"old"
    assert _vmdebug("elf", "hello.s", "-o", "prog", cwd=tmp_path).returncode == 0
    assert (tmp_path / "prog").stat().st_mode & 0o111
    res = _vmdebug("elf", "hello.s", "-o", "/nonexistent/prog", cwd=tmp_path)
    assert res.stderr.strip() == "vmdebug: /nonexistent/prog: No such file or directory"
    assert _leftovers(tmp_path) == []

"""A program's file-backed pages hold what the real kernel maps there (fs/binfmt_elf.c
elf_map maps a segment's file pages whole; elf_load's padzero clears a writable segment's
page after its file bytes, where its bss starts).

The data segment of an ld-linked program starts inside the file page that ends .rodata,
so the data page shows the end of .rodata before the first global, and the read-only
data's last page shows the initial values of .data after it.  Compared with the real
kernel through gdb on the native build, page by page, at ``main``:

* vmdebug running the same native executable: every page of every segment, byte for byte;
* vmdebug running the C file through its own toolchain (the same layout as ld's, see
  tests of the linker): every page, except the first (the ELF header's fields are
  vmdebug's own) and the file bytes past the last segment's (ld's .comment and symbol
  table, which a linked image does not hold).

Stack addresses differ between the machines (0xffff.... against 0xbfff....) and are
compared as such."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "debugger"))
from dbgprogs import require_gdb  # noqa: E402

SOURCE = """\
#include <stdio.h>
const char banner[] = "read-only data, near its end";
int first = 7;
short table[5] = {1, -2, 3, -4, 5};
char zeros[64];
int main(void)
{
    zeros[3] = (char)first;
    printf("%s %d %d\\n", banner, table[4], zeros[3]);
    return 0;
}
"""


def _loads(exe: Path) -> list[tuple[int, int, int, int, str]]:
    """(offset, vaddr, filesz, memsz, flags) of each PT_LOAD (readelf -lW)."""
    out = subprocess.run(["readelf", "-lW", str(exe)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            rows.append((int(f[1], 16), int(f[2], 16), int(f[4], 16), int(f[5], 16), " ".join(f[6:-1])))
    return rows


def _words(text: str) -> dict[int, str]:
    """address -> word of x/1024xw output, stack addresses as STACK."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"(0x[0-9a-f]+)(?: <[^>]*>)?:\s+(.*)", line)
        if m:
            base = int(m.group(1), 16)
            for k, w in enumerate(m.group(2).split()):
                out[base + 4 * k] = re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", w)
    return out


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[int, str]]:
    require_gdb()
    tmp = tmp_path_factory.mktemp("filepages")
    (tmp / "prog.c").write_text(SOURCE)
    subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--native", "-o", "prog", "prog.c"], cwd=tmp,
                   check=True, capture_output=True)
    loads = _loads(tmp / "prog")
    starts = sorted({p for _o, v, fs, _m, _f in loads
                     for p in range(v & ~0xFFF, (v + fs + 0xFFF) & ~0xFFF, 0x1000)})
    script = ["break main", "run"] + [f"x/1024xw {p:#x}" for p in starts]
    args = [a for c in script for a in ("-ex", c)]
    gdb = subprocess.run(["gdb", "-nx", "-batch", *args, "./prog"], cwd=tmp, capture_output=True, text=True,
                         timeout=120).stdout
    elf = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", *args, "prog"], cwd=tmp,
                         capture_output=True, text=True, timeout=300).stdout
    image = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", *args, "prog.c"], cwd=tmp,
                           capture_output=True, text=True, timeout=300).stdout
    return {"gdb": _words(gdb), "elf": _words(elf), "image": _words(image), "loads": loads,  # type: ignore[dict-item]
            "starts": starts}


def test_the_pages_are_the_ones_meant(pages: dict) -> None:
    loads = pages["loads"]
    data = next(ld for ld in loads if "W" in ld[4])
    assert data[1] & 0xFFF, "the data segment starts inside a page"
    gdb = pages["gdb"]
    assert len(gdb) == 1024 * len(pages["starts"])
    lead = [gdb[a] for a in range(data[1] & ~0xFFF, data[1], 4)]
    assert any(w != "0x00000000" for w in lead), "the end of .rodata shows before the first global"


def test_a_native_executable_s_pages_are_the_kernel_s(pages: dict) -> None:
    gdb, ours = pages["gdb"], pages["elf"]
    wrong = [f"{a:#x}: {gdb[a]} != {ours.get(a)}" for a in sorted(gdb) if ours.get(a) != gdb[a]]
    assert not wrong, "\n".join(wrong[:20])


def test_a_c_program_s_pages_are_the_kernel_s(pages: dict) -> None:
    """Except what a linked image does not hold (see the module's docstring)."""
    loads = pages["loads"]
    file_end = max(o + fs for o, _v, fs, _m, _f in loads)
    gdb, ours = pages["gdb"], pages["image"]

    def file_offset(addr: int) -> int | None:
        for o, v, fs, _m, _f in loads:
            if v & ~0xFFF <= addr < (v + fs + 0xFFF) & ~0xFFF:
                return (o & ~0xFFF) + addr - (v & ~0xFFF)
        return None
    compared = [a for a in sorted(gdb) if a >= 0x1000 + (loads[0][1] & ~0xFFF)
                and (file_offset(a) or 0) + 4 <= file_end]
    assert len(compared) > 1024
    wrong = [f"{a:#x}: {gdb[a]} != {ours.get(a)}" for a in compared if ours.get(a) != gdb[a]]
    assert not wrong, "\n".join(wrong[:20])

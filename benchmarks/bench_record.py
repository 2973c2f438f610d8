"""Recording speed and memory: instructions/s, RAM per step, session bytes per step.

Run:  python benchmarks/bench_record.py [--iterations N]

Builds a small loop-and-call program with GNU as/ld (a stand-in for a typical
compiled inner loop: loads, stores, a call and a return per iteration), records
it with every event kept, and reports the figures the README quotes.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from events.session import save_session  # noqa: E402
from vmdebug.machine.elf import load_elf  # noqa: E402
from vmdebug.machine.process import Process  # noqa: E402

SOURCE = """.intel_syntax noprefix
.globl _start
.text
_start:
  mov ecx, {n}
  xor eax, eax
  sub esp, 64
1:
  mov edx, ecx
  and edx, 15
  mov DWORD PTR [esp+edx*4], ecx
  add eax, DWORD PTR [esp+edx*4]
  push eax
  call f
  add esp, 4
  dec ecx
  jnz 1b
  mov eax, 1
  xor ebx, ebx
  int 0x80
f:
  push ebp
  mov ebp, esp
  mov eax, [ebp+8]
  shl eax, 1
  pop ebp
  ret
.section .note.GNU-stack,"",@progbits
"""


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def build_loop(tmp: str, iterations: int) -> str:
    """The loop-and-call program of ``iterations`` turns, built in ``tmp`` with GNU as and ld."""
    src = os.path.join(tmp, "loop.s")
    with open(src, "w") as f:
        f.write(SOURCE.format(n=iterations))
    subprocess.run(["as", "--32", "-o", src + ".o", src], check=True)
    exe = os.path.join(tmp, "loop")
    subprocess.run(["ld", "-m", "elf_i386", "-static", "-o", exe, src + ".o"], check=True)
    return exe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=" ".join(__doc__.split("\n\n")[2:]).replace("\n", " "))
    parser.add_argument("--iterations", type=int, default=300_000,
                        help="iterations of the loop (default 300000: about 4.5M instructions; 15 a turn)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc = Process(load_elf(build_loop(tmp, args.iterations)))
        before = rss_bytes()
        t0 = time.perf_counter()
        proc.run(10**9)
        elapsed = time.perf_counter() - t0
        proc.log.seal()
        grown = rss_bytes() - before
        size = save_session(os.path.join(tmp, "loop.vmlog"), {"program": "loop"}, proc.log)
    steps = proc.steps
    print(f"recorded {steps} instructions, {len(proc.log)} events ({len(proc.log) / steps:.2f} per step)")
    print(f"recording: {steps / elapsed / 1e3:.0f}k instructions/s")
    print(f"RAM: {grown / steps:.1f} bytes per step (RSS growth)")
    print(f"session: {size / steps:.2f} bytes per step on disk")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()

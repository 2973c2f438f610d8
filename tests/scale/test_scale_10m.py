"""Scale: 10M instructions record, save, reopen and reverse-continue within a sane amount of memory."""
from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

from benchmarks.bench_record import SOURCE
from events.session import open_session

LOOP = SOURCE.format(n=670_000)  # the recording benchmark's workload: about 10M instructions


def test_ten_million_steps_record_reopen_and_reverse_continue(tmp_path: Path) -> None:
    src = tmp_path / "loop.s"
    src.write_text(LOOP)
    session = tmp_path / "loop.vmlog"
    rec = subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(session), str(src)],
                         capture_output=True, timeout=600)
    assert rec.returncode == 0, rec.stderr
    s = open_session(session)
    assert s.log.last_step > 10_000_000
    assert s.checkpoints  # stored, so reopening does not refold 10M steps
    assert session.stat().st_size < 16 * s.log.last_step
    dbg = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-ex", "break f",
                          "-ex", f"record goto {s.log.last_step}", "-ex", "reverse-continue",
                          "-ex", "info registers eip", str(session)], capture_output=True, text=True, timeout=600)
    assert dbg.returncode == 0, dbg.stderr
    # In assembly gdb skips no prologue: the breakpoint is on f's first instruction.
    assert "Breakpoint 1, f () at loop.s:22" in dbg.stdout and "0x804902a <f>" in dbg.stdout
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mib < 4096, f"peak RSS {peak_mib:.0f} MiB"

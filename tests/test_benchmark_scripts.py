"""Every benchmark script takes ``--help`` and says what it measures (issue #17: honest
benchmarks).  A structural check: nothing is measured or timed here."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_takes_help(script: Path) -> None:
    proc = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("usage: "), proc.stdout[:200]
    assert "-h, --help" in proc.stdout
    description = proc.stdout.split("\n\n")[1] if "\n\n" in proc.stdout else ""
    assert description and not description.startswith(("options:", "positional arguments:")), proc.stdout[:400]

"""Helpers of tests/web: a real ``vmdebug web`` server in a subprocess, ``vmdebug debug -batch``,
and the check that fails under CI=true when a tool is missing (a module of its own name, so that
no other directory's conftest can shadow it)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def vmdebug(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL)


class Server:
    """``vmdebug web --port 0 TARGET`` in a subprocess, and its URL."""

    def __init__(self, *args: str, cwd: Path = ROOT) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "vmdebug", "web", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                                     env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL)
        assert self.proc.stdout is not None
        # The recorded program's output comes first, then "vmdebug: serving ... at http://127.0.0.1:PORT/ ..."
        seen = []
        line = ""
        while "http://" not in line and len(seen) < 500:
            line = self.proc.stdout.readline()
            seen.append(line)
            if not line:
                break
        if "http://" not in line:
            self.proc.kill()
            raise AssertionError(f"no URL: {seen!r} {self.proc.stderr.read() if self.proc.stderr else ''}")
        self.url = line.split(" at ", 1)[1].split()[0]

    def get(self, path: str) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, as a user stops it: its exit status and what it wrote to stderr."""
        self.proc.send_signal(signal.SIGINT)
        try:
            _out, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        return self.proc.returncode, err


def batch(session: Path, *commands: str) -> str:
    """What ``vmdebug debug -batch`` prints for these commands."""
    args = [a for c in commands for a in ("-ex", c)]
    out = vmdebug("debug", "-batch", *args, str(session))
    return out.stdout


def chromium_path() -> str | None:
    """The distribution's Chromium (Debian: /usr/bin/chromium), or $VMDEBUG_CHROMIUM."""
    import shutil
    return os.environ.get("VMDEBUG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def require(what: str, missing: bool) -> None:
    """A tool the test needs is missing: under CI=true that is a failure, elsewhere a skip."""
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing (.ci/run installs it)")
        pytest.skip(f"{what} is not installed")


ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

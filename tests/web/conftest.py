"""The fixtures of tests/web: a session of examples/null_deref.c recorded once per run, a real
``vmdebug web`` server on it shared by the tests of a module, and headless Chromium."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from webtools import Server, chromium_path, require, vmdebug


@pytest.fixture(scope="session")
def null_deref_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "null_deref.vmlog"
    rec = vmdebug("record", "-o", str(path), "examples/null_deref.c")
    assert path.exists(), rec.stderr
    return path


@pytest.fixture(scope="module")
def server(null_deref_session: Path) -> Iterator[Server]:
    srv = Server(str(null_deref_session))
    yield srv
    if srv.proc.poll() is None:
        srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from the distribution, driven by Playwright (no browser download)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require("playwright (pip install playwright)", sync_playwright is None)
    exe = chromium_path()
    require("chromium (apt-get install chromium)", exe is None)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def back_step(server: Server) -> int:
    """The step one instruction before the segfault, where the page's reverse-stepi stops (the
    tests check it against the debugger's): where main is about to use find's NULL."""
    _, info = server.get("/api/info")
    status, moved = server.get(f"/api/motion?from={info['last']}&cmd=reverse-stepi")
    assert status == 200, moved
    return int(moved["step"])


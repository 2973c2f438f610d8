"""The README's quick start, followed as a new user would: a clean clone, a fresh virtual
environment, ``pip install -e .`` and the first command.

Slow (pip installs vmdebug's dependencies into the new environment: about a minute, less
with pip's cache warm), and it runs with the rest of ``python -m pytest tests``, so CI follows
the quick start too. The environment is a plain ``python3 -m venv`` (no
``--system-site-packages``), so a dependency missing from pyproject.toml fails here. The clone
is of the repository's committed HEAD: what a user would get.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def quick_start_lines() -> list[str]:
    """The README's quick-start commands: the shell block that creates the environment."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    block = next(b for b in blocks if "-m venv" in b)
    return [line for line in block.splitlines() if line.strip()]


def test_the_quick_start_names_the_environment_and_the_prerequisites() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    lines = quick_start_lines()
    assert lines[0] == "python3 -m venv .venv && . .venv/bin/activate"
    assert lines[1] == "pip install -e . && vmdebug run examples/hello.s"
    for needed in ("Python 3.11", "gcc-multilib", "binutils", "gdb", "apt-get install", "124"):
        assert needed in section, needed


def test_quick_start_in_a_fresh_venv_from_a_clean_clone(tmp_path: Path) -> None:
    for tool in ("git", "python3"):
        if shutil.which(tool) is None:
            if os.environ.get("CI") == "true":
                pytest.fail(f"{tool} is required to follow the quick start (CI=true)")
            pytest.skip(f"{tool} is not installed")
    if not (ROOT / ".git").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("the quick start is followed from a clone: this checkout is not a git repository")
        pytest.skip("not a git checkout: nothing to clone")
    clone = tmp_path / "vmdebug"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, capture_output=True,
                   timeout=300)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    # The first two lines: create and activate the environment, install, run the first example.
    script = "set -e\n" + "\n".join(quick_start_lines()[:2]) + "\n"
    done = subprocess.run(["bash", "-c", script], cwd=clone, env=env, capture_output=True, text=True,
                          timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.endswith("Hello, world!\n"), done.stdout[-3000:]
    # It ran the clone's vmdebug, from the new environment.
    where = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-c", "import vmdebug; print(vmdebug.__file__)"],
                           cwd="/", env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.strip() == str(clone / "vmdebug" / "__init__.py"), where.stdout + where.stderr

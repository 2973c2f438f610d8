"""Text a session brings (its program's output, sources, names) reaches the terminal with
its control characters escaped, as gdb shows them in strings; live runs stay raw."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from vmdebug.safetext import safe_bytes, safe_line, safe_text

SOURCE = '#include <stdio.h>\n/* \x1b[31mred\x1b[0m */\nint main(void) {\n' \
         '    printf("\\033]0;pwned\\007hello\\n");\n    return 0;\n}\n'


def test_escapes_are_gdbs() -> None:
    assert safe_text("a\x1b]0;x\x07b\r\x00\x7f\tc\n") == "a\\033]0;x\\ab\\r\\000\\177\tc\n"
    assert safe_line("two\nlines\t") == "two\\nlines\\t"
    assert safe_bytes(b"\x9b2J \xc2\x9b2J \xff ok\n") == b"\\x9b2J \\2332J \\xff ok\n"


def _vmdebug(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], cwd=cwd, capture_output=True, timeout=300)


def test_a_shared_session_cannot_drive_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "e.c").write_text(SOURCE)
    live = _vmdebug(tmp_path, "record", "-o", "e.vmlog", "e.c")
    assert live.stdout == b"\x1b]0;pwned\x07hello\n"          # a live run is the user's own program
    replay = _vmdebug(tmp_path, "debug", "-batch", "-ex", "list 1,3", "-ex", "run", "e.vmlog")
    assert b"\x1b" not in replay.stdout and b"\x07" not in replay.stdout
    assert b"2\t/* \\033[31mred\\033[0m */" in replay.stdout
    assert b"\\033]0;pwned\\ahello" in replay.stdout
    export = _vmdebug(tmp_path, "log", "export", "e.vmlog")
    assert b'"data":"1b5d303b70776e65640768656c6c6f0a"' in export.stdout    # raw, inside JSON

"""The JSON API of ``vmdebug web`` against a real server (a subprocess) and the real debugger:
what it answers at a step is what ``vmdebug debug -batch`` prints there, bad requests get a
one-line 4xx reply and the server goes on, Ctrl-C stops it cleanly."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from webtools import ROOT, Server, batch, vmdebug


def test_info_says_the_steps_the_end_and_the_marks(server: Server) -> None:
    status, info = server.get("/api/info")
    assert status == 200
    assert info["end"] == "killed by SIGSEGV"
    assert info["fatal_step"] == info["last"]
    assert info["marks"]["fatal"]["steps"] == [info["last"]]
    assert info["marks"]["call"]["count"] > 3 and info["marks"]["syscall"]["count"] >= 3
    assert info["marks"]["brk"]["count"] >= 1 and info["marks"]["pagefault"]["count"] >= 1
    assert info["public"] is False


def test_reverse_stepi_from_the_fault_stops_where_the_debugger_does(server: Server,
                                                                     null_deref_session: Path) -> None:
    _, info = server.get("/api/info")
    status, moved = server.get(f"/api/motion?from={info['last']}&cmd=reverse-stepi")
    assert status == 200 and moved["ok"]
    text = batch(null_deref_session, "continue", "reverse-stepi", "info record")
    current = int(re.search(r"Current instruction number is (\d+)", text).group(1))
    assert moved["step"] == current


def test_a_step_matches_info_registers_frame_and_vmmap(server: Server, null_deref_session: Path) -> None:
    step = 2000
    status, d = server.get(f"/api/step/{step}")
    assert status == 200
    text = batch(null_deref_session, f"record goto {step}", "info registers", "frame", "vmmap")
    for r in d["registers"]:
        m = re.search(rf"^{r['name']}\s+(0x[0-9a-f]+)", text, re.M)
        assert m and int(m.group(1), 16) == r["value"], r
    frame = re.search(r"^#0\s.* at (\S+):(\d+)$", text, re.M)
    assert d["source"] is not None and (d["source"]["short"], d["source"]["line"]) == (frame.group(1),
                                                                                       int(frame.group(2)))
    bounds = {int(a, 16) for a in re.findall(r"^(0x[0-9a-f]{8})  \+", text, re.M)}
    boxes = {b.strip() for b in re.findall(r"^\s+\|([^|]+)\|", text, re.M)}
    for region in d["memory_map"]["regions"]:
        assert region["start"] in bounds and region["end"] in bounds, region
        assert region["label"][:32].strip() in boxes, (region, boxes)     # vmmap's own words


def test_history_and_pagewalk_and_frames(server: Server, null_deref_session: Path, back_step: int) -> None:
    status, h = server.get(f"/api/history?step={back_step}&reg=eax")
    assert status == 200 and h["target"] == "eax" and h["writes"]
    assert all(w["step"] >= 0 and "->" in w["text"] for w in h["writes"])
    status, h = server.get(f"/api/history?step={back_step}&expr=%26list")
    said = batch(null_deref_session, f"record goto {back_step}", "history &list")
    assert status == 200 and len(h["writes"]) >= 4                 # = NULL, then list = n three times
    assert [int(s) for s in re.findall(r"step (\d+)", said)] == [w["step"] for w in h["writes"]]
    status, w = server.get(f"/api/pagewalk?step={back_step}&addr=0")
    assert status == 200 and w["pde"] & 1 == 0 and w["frame"] is None
    assert any("walk stops" in line for line in w["lines"])
    esp = next(r["value"] for r in server.get(f"/api/step/{back_step}")[1]["registers"] if r["name"] == "esp")
    status, w = server.get(f"/api/pagewalk?step={back_step}&addr={esp:#x}")
    assert status == 200 and w["frame"] is not None and w["physical"] & 0xFFF == esp & 0xFFF
    assert w["dir_index"] == esp >> 22 and w["table_index"] == (esp >> 12) & 0x3FF
    said = batch(null_deref_session, f"record goto {back_step}", f"pagewalk {esp:#x}")
    assert [line for line in w["lines"] if line] == [line for line in said.splitlines()
                                                      if line.startswith(("virtual address", "  "))][-len(w["lines"]):]
    status, f = server.get(f"/api/frames?step={back_step}")
    assert status == 200 and any(u[2] == "page directory" for u in f["uses"])
    status, e = server.get("/api/explain")
    assert status == 200 and "SIGSEGV" in e["lines"][0]


def test_bad_requests_get_one_line_and_the_server_goes_on(server: Server) -> None:
    for path, code in [("/api/step/99999999", 400), ("/api/step/-1", 400), ("/api/step/abc", 400),
                       ("/api/motion?from=3&cmd=rm%20-rf", 400), ("/api/motion?cmd=next", 400),
                       ("/api/pagewalk?step=1&addr=zz", 400), ("/api/history?step=1", 400),
                       ("/api/history?step=1&expr=nosuch", 400), ("/api/source?file=/etc/passwd", 404),
                       ("/api/nothing", 404)]:
        status, body = server.get(path)
        assert status == code, (path, status, body)
        assert isinstance(body["error"], str) and body["error"] and "\n" not in body["error"], body
    status, d = server.get("/api/step/5")
    assert status == 200 and d["step"] == 5


def test_ctrl_c_stops_the_server_cleanly(null_deref_session: Path) -> None:
    srv = Server(str(null_deref_session))
    assert srv.get("/api/info")[0] == 200
    code, err = srv.stop()
    assert code == 0, err
    assert "Traceback" not in err


def test_a_broken_session_file_is_one_line(tmp_path: Path, null_deref_session: Path) -> None:
    broken = tmp_path / "broken.vmlog"
    data = null_deref_session.read_bytes()
    broken.write_bytes(data[:len(data) // 3])
    run = vmdebug("web", "--port", "0", str(broken), timeout=60)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


def test_a_program_is_recorded_first(tmp_path: Path) -> None:
    srv = Server(str(ROOT / "examples" / "hello.s"), cwd=tmp_path)
    try:
        status, info = srv.get("/api/info")
        assert status == 200 and info["end"] == "exited normally" and info["last"] > 0
    finally:
        code, err = srv.stop()
    assert "recorded" in err and code == 0
    assert list(tmp_path.iterdir()) == []           # the temporary session is gone


def test_help_imports_no_server_library() -> None:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "vmdebug", "--help"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0
    assert not re.search(r"\| (starlette|uvicorn|anyio)\b", proc.stderr)


def test_only_loopback_is_private() -> None:
    from vmdebug.commands.options import is_loopback
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_a_slot_written_in_the_step_is_marked(server: Server, back_step: int) -> None:
    marked = 0
    for step in range(back_step - 25, back_step + 2):
        status, d = server.get(f"/api/step/{step}")
        assert status == 200
        for frame in d["stack"]:
            for slot in frame["slots"]:
                overlaps = any(a < slot["address"] + 4 and slot["address"] < a + n for a, n in d["written"])
                assert slot["written"] == overlaps, (step, slot)
                marked += slot["written"]
        # each write the step made is a line of `diff`, at its address
        for a, _n in d["written"]:
            assert any(f"{a:#010x}" in line for line in d["events"]), (step, a, d["events"])
    assert marked >= 3          # the pushes of the calls to find and printf


def test_another_host_is_said_to_be_public(null_deref_session: Path) -> None:
    srv = Server("--host", "0.0.0.0", str(null_deref_session))
    try:
        srv.url = srv.url.replace("0.0.0.0", "127.0.0.1")
        status, info = srv.get("/api/info")
        assert status == 200 and info["public"] is True
    finally:
        code, err = srv.stop()
    assert "anyone who can reach it can read the session" in err and code == 0


def test_a_truncated_session_serves_the_steps_it_kept_and_says_so(tmp_path: Path) -> None:
    whole = tmp_path / "mmap_anon.vmlog"
    vmdebug("record", "-o", str(whole), "examples/mmap_anon.c")
    data = whole.read_bytes()
    cut = tmp_path / "cut.vmlog"
    cut.write_bytes(data[:int(len(data) * 0.97)])      # the last chunks and the footer are gone
    info_said = batch(cut, "info record")
    kept = int(re.search(r"Highest recorded instruction number is (\d+)", info_said).group(1))
    srv = Server(str(cut))
    try:
        status, info = srv.get("/api/info")
        assert status == 200 and info["last"] == kept
        assert any("truncated" in w for w in info["warnings"]), info["warnings"]
        status, body = srv.get(f"/api/step/{kept + 1}")
        assert status == 400 and f"0..{kept}" in body["error"]
        assert srv.get(f"/api/step/{kept}")[0] == 200
    finally:
        srv.stop()


def test_a_busy_port_and_a_session_with_o_are_one_line(server: Server, null_deref_session: Path) -> None:
    port = server.url.rsplit(":", 1)[1].strip("/")
    for args in (["--port", port, str(null_deref_session)], ["-o", "x.vmlog", str(null_deref_session)]):
        run = vmdebug("web", *args, timeout=60)
        assert run.returncode == 1 and "Traceback" not in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "--port 0" in vmdebug("web", "--port", port, str(null_deref_session), timeout=60).stderr


def test_the_heap_says_what_each_chunk_was_asked_for(server: Server, null_deref_session: Path,
                                                      back_step: int) -> None:
    status, d = server.get(f"/api/step/{back_step}")
    assert status == 200
    chunks = d["heap"]["chunks"]
    # three malloc(sizeof *n) of an 8-byte struct node: 16-byte chunks, 12 usable, 4 of padding
    assert [(c["size"], c["asked"], c["padding"]) for c in chunks if c["in_use"]] == [(16, 8, 4)] * 3
    said = batch(null_deref_session, f"record goto {back_step}", "heap")
    for c in chunks:
        assert re.search(rf"^{c['address']:#010x}  {c['header']:#010x}\s+{c['size']}\s", said, re.M), said
    status, d = server.get("/api/step/100")               # before the first malloc returned
    assert status == 200 and not any("asked" in c for c in d["heap"]["chunks"])


def test_a_loopback_server_answers_only_to_loopback_names(server: Server) -> None:
    """DNS rebinding: a page elsewhere that points a name of its own at 127.0.0.1 gets nothing."""
    import urllib.error
    import urllib.request
    request = urllib.request.Request(server.url + "api/info", headers={"Host": "evil.example:80"})
    try:
        urllib.request.urlopen(request, timeout=30)
        raise AssertionError("a foreign Host header was answered")
    except urllib.error.HTTPError as e:
        assert e.code == 400
    for name in ("localhost", "127.0.0.1"):
        request = urllib.request.Request(server.url + "api/info", headers={"Host": f"{name}:1234"})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert r.status == 200


def test_the_stack_frames_are_the_stack_commands(server: Server, null_deref_session: Path, back_step: int) -> None:
    """Slot by slot, what the page draws is what ``stack`` prints, in main and inside find."""
    _, info = server.get("/api/info")
    inside_find = next(s for s in info["marks"]["call"]["steps"] if s > back_step - 60) + 3
    for step in (back_step, inside_find, 1000):
        status, d = server.get(f"/api/step/{step}")
        assert status == 200
        drawn = []
        for frame in d["stack"]:
            drawn.append(f"frame #{frame['level']}: {frame['name']}")
            for s in frame["slots"]:
                value = f"{s['value']:#010x}" if s["value"] is not None else "??????????"
                marks = " ".join(f"<- {m}" for m in s["marks"])
                drawn.append(f"  {s['address']:#010x}  {value}  {s['what']}{'  ' + marks if marks else ''}".rstrip())
        said = batch(null_deref_session, f"record goto {step}", "stack").splitlines()
        said = [line for line in said if line.startswith(("frame #", "  0x"))]
        assert drawn == said, (step, drawn, said)

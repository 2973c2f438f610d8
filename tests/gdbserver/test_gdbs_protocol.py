"""The stub at the packet level, with a raw client: what gdb sends, and what it never sends
(bad checksums, garbage, writes, unknown packets, hang-ups), connection after connection."""
from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

import pytest

from gdbsutil import EXIT_S, SPIN_S, RawClient, checksum
from vmdebug.debugger.session import open_debugger
from vmdebug.gdbserver.server import Server
from vmdebug.gdbserver.target import Target

# The bytes GNU as gives SPIN_S (Intel SDM Vol. 2: 31 /r xor, 40+rd inc, EB cb jmp rel8).
SPIN_CODE = bytes.fromhex("31c040ebfd")


def _serve(path: Path) -> tuple[Server, list[str]]:
    logged: list[str] = []
    dbg = open_debugger(str(path), [], layout="i386", error=logged.append)
    server = Server(Target(dbg, log=logged.append), "127.0.0.1", 0, log=logged.append)
    threading.Thread(target=server.serve, daemon=True).start()
    return server, logged


@pytest.fixture(scope="module")
def spin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("spin")
    (tmp / "spin.s").write_text(SPIN_S)
    server, _ = _serve(tmp / "spin.s")
    yield server
    server.close()


@pytest.fixture(scope="module")
def exiting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("exit")
    (tmp / "exit.s").write_text(EXIT_S)
    server, _ = _serve(tmp / "exit.s")
    yield server
    server.close()


def client(server: Server) -> RawClient:
    return RawClient(server.address[1])


def regs_of(g: bytes) -> list[int]:
    return [int.from_bytes(bytes.fromhex(g[i * 8:i * 8 + 8].decode()), "little") for i in range(16)]


def test_qsupported_advertises_reverse_execution(spin: Server) -> None:
    c = client(spin)
    reply = c.request(b"qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;vContSupported+").decode()
    feats = reply.split(";")
    for f in ("PacketSize=4000", "ReverseStep+", "ReverseContinue+", "qXfer:features:read+", "swbreak+",
              "QStartNoAckMode+", "multiprocess+"):
        assert f in feats
    assert c.request(b"qC") == b"QCp3e8.3e8"
    c.close()
    c = client(spin)                             # a client without multiprocess gets plain thread ids
    assert "multiprocess+" not in c.request(b"qSupported:swbreak+").decode()
    assert c.request(b"qC") == b"QC3e8"
    assert c.request(b"qfThreadInfo") == b"m3e8"
    assert c.request(b"qsThreadInfo") == b"l"
    assert c.request(b"qAttached") == b"1"
    assert c.request(b"vCont?") == b"vCont;c;C;s;S;r"
    assert c.request(b"vMustReplyEmpty") == b""
    assert c.request(b"Hg0") == b"OK"
    c.close()


def test_target_description_is_gdbs_i386_core_and_linux(spin: Server) -> None:
    c = client(spin)
    xml = b""
    off = 0
    while True:                                   # in small chunks, as gdb reads a large annex
        part = c.request(b"qXfer:features:read:target.xml:%x,80" % off)
        assert part[:1] in (b"m", b"l")
        xml += part[1:]
        off += len(part) - 1
        if part[:1] == b"l":
            break
    root = ET.fromstring(xml)
    assert root.findtext("architecture") == "i386"
    core = root.find("feature[@name='org.gnu.gdb.i386.core']")
    assert core is not None
    names = [r.get("name") for r in core.findall("reg")]
    assert names[:16] == ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags",
                          "cs", "ss", "ds", "es", "fs", "gs"]
    assert names[16:] == [f"st{i}" for i in range(8)] + ["fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg",
                                                          "fooff", "fop"]
    assert core.find("reg[@name='eflags']").get("type") == "i386_eflags"
    flags = {f.get("name"): int(f.get("start")) for f in core.findall("flags/field")}
    assert flags["ZF"] == 6 and flags["IF"] == 9 and flags["OF"] == 11
    sse = root.find("feature[@name='org.gnu.gdb.i386.sse']")
    assert [(r.get("name"), r.get("type")) for r in sse.findall("reg")] == [
        *((f"xmm{i}", "vec128") for i in range(8)), ("mxcsr", "i386_mxcsr")]
    assert [f.get("name") for f in sse.findall("union[@id='vec128']/field")] == [
        "v8_bfloat16", "v8_half", "v4_float", "v2_double", "v16_int8", "v8_int16", "v4_int32", "v2_int64",
        "uint128"]
    assert [f.get("name") for f in root.findall("feature")] == [
        "org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse", "org.gnu.gdb.i386.linux"]
    linux = root.find("feature[@name='org.gnu.gdb.i386.linux']")
    assert [r.get("name") for r in linux.findall("reg")] == ["orig_eax"]
    assert c.request(b"qXfer:features:read:other.xml:0,100").startswith(b"E")
    c.close()


def test_registers_and_memory_at_step_zero(spin: Server) -> None:
    c = client(spin)
    assert c.request(b"?").startswith(b"T05")
    g = c.request(b"g")
    # 16 x 4 bytes, 8 x 10 (st0-7), 8 x 4 (x87 control), 8 x 16 (xmm0-7), mxcsr, orig_eax.
    assert len(g) == 2 * (16 * 4 + 8 * 10 + 8 * 4 + 8 * 16 + 4 + 4)
    regs = regs_of(g)
    eip = regs[8]
    assert c.request(b"m%x,5" % eip) == SPIN_CODE.hex().encode()   # the code the stub executes
    assert regs[10:16] == [0x73, 0x7B, 0x7B, 0x7B, 0, 0]      # a 32-bit kernel's __USER_CS/__USER_DS (i386 layout)
    assert g[128:128 + 20] == b"0" * 20                          # st0: exec leaves the x87 empty
    assert c.request(b"p8") == g[64:72]
    assert c.request(b"p10") == b"0" * 20                       # st0
    assert c.request(b"p18") == b"7f030000"                     # fctrl: the kernel's 0x37f
    assert c.request(b"p1a") == b"ffff0000"                     # ftag: the full tag word, all empty
    assert c.request(b"p20") == b"0" * 32                       # xmm0
    assert c.request(b"p28") == b"801f0000"                     # mxcsr 0x1f80
    assert c.request(b"p29") == b"ffffffff"                     # orig_eax
    assert c.request(b"p29") == g[-8:]
    assert c.request(b"p99").startswith(b"E")
    assert c.request(b"m0,4") == b"E14"                          # nothing mapped at 0
    assert c.request(b"mzz,4") == b"E01"
    assert c.request(b"m%x" % eip) == b"E01"
    c.close()


def test_writes_are_refused_and_change_nothing(spin: Server) -> None:
    c = client(spin)
    g = c.request(b"g")
    eip = regs_of(g)[8]
    assert c.request(b"G" + b"0" * len(g)) == b"E01"
    assert c.request(b"P8=00000000") == b"E01"
    assert c.request(b"M%x,1:90" % eip) == b"E01"
    assert c.request(b"X%x,1:\x90" % eip) == b"E01"
    assert c.request(b"g") == g
    assert c.request(b"m%x,1" % eip) == b"31"
    c.close()


def test_unknown_and_malformed_packets_never_break_the_session(spin: Server) -> None:
    c = client(spin)
    for p in (b"qNoSuchThing", b"vNoSuchThing", b"vRun;", b"Q", b"", b"_", b"qXfer:features:read:target.xml:zz,1",
              b"Z0,1", b"Z0,zz,1", b"vCont;", b"vCont;t", b"C", b"qRcmd,zz", b"p"):
        reply = c.request(p)
        assert reply == b"" or reply.startswith(b"E"), (p, reply)
    assert c.request(b"Z9,100,1") == b""                        # unknown Z type: "not supported"
    c.send_raw(b"line noise")                                   # between packets: ignored
    assert c.request(b"?").startswith(b"T05")
    c.close()


def test_oversized_packets(spin: Server) -> None:
    c = client(spin)
    big = b"q" + b"a" * 20000                                   # larger than PacketSize, but well formed
    assert c.request(big) == b""
    c.send_raw(b"$" + b"z" * 70000)                             # never terminated: dropped as garbage
    assert c.read_byte() == b"-"
    assert c.request(b"qC") == b"QC3e8"
    c.close()


def test_bad_checksum_is_nakked_then_the_retransmission_answered(spin: Server) -> None:
    c = client(spin)
    c.send_raw(b"$qC#00")
    assert c.read_byte() == b"-"
    assert c.request(b"qC") == b"QC3e8"
    c.close()


def test_a_nak_from_the_client_gets_the_reply_again(spin: Server) -> None:
    c = client(spin)
    c.send_raw(b"$qC#" + checksum(b"qC"))
    assert c.read_byte() == b"+"
    assert c.read_packet(ack=False) == b"QC3e8"
    c.send_raw(b"-")
    assert c.read_packet() == b"QC3e8"
    c.close()


def test_no_ack_mode(spin: Server) -> None:
    c = client(spin)
    assert c.request(b"QStartNoAckMode") == b"OK"
    c.send_raw(b"$qC#" + checksum(b"qC"))
    assert c.read_packet(ack=False) == b"QC3e8"                 # no '+' before it any more
    c.send_raw(b"$qC#00")                                       # no '-' either
    assert c.request(b"?", noack=True).startswith(b"T05")
    c.close()


def test_connections_one_after_another_each_start_at_step_zero(spin: Server) -> None:
    first = None
    for _ in range(3):
        c = client(spin)
        g = c.request(b"g")
        if first is None:
            first = g
        assert g == first
        assert c.request(b"s").startswith(b"T05")
        assert c.request(b"s").startswith(b"T05")
        assert regs_of(c.request(b"g"))[8] == regs_of(first)[8] + 3    # xor (2 bytes), inc (1)
        c.close()
    c = client(spin)
    c.send_raw(b"$g#6")                                         # hangs up in the middle of a packet
    c.close()
    c = client(spin)
    assert c.request(b"g") == first
    c.close()


def test_stepping_both_ways_and_the_beginning_of_history(spin: Server) -> None:
    c = client(spin)
    eip0 = regs_of(c.request(b"g"))[8]
    assert c.request(b"bs").startswith(b"T05replaylog:begin;thread:3e8;")
    assert c.request(b"vCont;s:3e8;c")[:3] == b"T05"
    assert regs_of(c.request(b"g"))[8] == eip0 + 2
    assert c.request(b"bs").startswith(b"T05thread:")
    assert regs_of(c.request(b"g"))[8] == eip0
    assert c.request(b"bc").startswith(b"T05replaylog:begin;")
    c.close()


def test_range_stepping(spin: Server) -> None:
    c = client(spin)
    eip0 = regs_of(c.request(b"g"))[8]
    # The first step (over xor) leaves [xor, inc): stop at inc.
    assert c.request(b"vCont;r%x,%x:3e8" % (eip0, eip0 + 2)).startswith(b"T05")
    assert regs_of(c.request(b"g"))[8] == eip0 + 2
    assert c.request(b"vCont;r%x,%x:3e8" % (eip0 + 2, eip0 + 3)).startswith(b"T05")   # inc only
    assert regs_of(c.request(b"g"))[8] == eip0 + 3
    assert regs_of(c.request(b"g"))[0] == 1
    c.close()


def test_breakpoints_forward_and_backward(spin: Server) -> None:
    c = client(spin)
    eip0 = regs_of(c.request(b"g"))[8]
    jmp = eip0 + 3
    assert c.request(b"Z0,%x,1" % jmp) == b"OK"
    assert c.request(b"Z0,%x,1" % jmp) == b"OK"                  # twice is fine
    for _ in range(3):
        stop = c.request(b"vCont;c")
        assert stop.startswith(b"T05swbreak:;")
        assert regs_of(c.request(b"g"))[8] == jmp
    eax = regs_of(c.request(b"g"))[0]
    assert eax == 3                                              # three trips round the loop
    assert c.request(b"bc").startswith(b"T05swbreak:;")
    assert regs_of(c.request(b"g"))[0] == 2
    assert c.request(b"z0,%x,1" % jmp) == b"OK"
    assert c.request(b"Z1,%x,1" % (eip0 + 2)) == b"OK"           # a "hardware" breakpoint on inc
    assert c.request(b"bc").startswith(b"T05hwbreak:;")
    assert c.request(b"z1,%x,1" % (eip0 + 2)) == b"OK"
    assert c.request(b"bc").startswith(b"T05replaylog:begin;")
    c.close()


def test_ctrl_c_interrupts_a_continue(spin: Server) -> None:
    c = client(spin)
    c.send_raw(b"$c#63")
    assert c.read_byte() == b"+"
    time.sleep(0.5)
    c.send_raw(b"\x03")
    stop = c.read_packet()
    assert stop.startswith(b"T02thread:")                        # SIGINT
    expedited = dict(f.split(b":") for f in stop.split(b";")[1:] if f)
    assert int.from_bytes(bytes.fromhex(expedited[b"08"].decode()), "little") == regs_of(c.request(b"g"))[8]
    assert c.request(b"s").startswith(b"T05")                    # and the session goes on
    c.close()


def test_a_client_hanging_up_during_a_continue(spin: Server) -> None:
    c = client(spin)
    c.send_raw(b"$c#63")
    assert c.read_byte() == b"+"
    time.sleep(0.2)
    c.close()
    c = client(spin)
    assert c.request(b"?").startswith(b"T05")
    c.close()


def test_the_end_of_an_exited_run(exiting: Server) -> None:
    c = client(exiting)
    c.request(b"qSupported:multiprocess+")
    c.send_raw(b"$c#63")
    assert c.read_byte() == b"+"
    out = c.read_packet()
    assert out == b"O" + b"ok\n".hex().encode()                 # the program's output, as it is written
    stop = c.read_packet()
    assert stop.startswith(b"T05replaylog:end;")                 # just before the exit system call
    eip = regs_of(c.request(b"g"))[8]
    assert c.request(b"m%x,2" % eip) == b"cd80"                  # int 0x80
    assert c.request(b"c") == b"W03;process:3e8"
    assert c.request(b"?") == b"W03;process:3e8"
    assert c.request(b"vKill;3e8") == b"OK"
    c.close()


def test_kill_and_detach_close_the_connection(exiting: Server) -> None:
    c = client(exiting)
    c.send_raw(b"$k#6b")
    assert c.read_byte() == b"+"
    with pytest.raises(ConnectionError):
        c.read_packet()
    c.close()
    c = client(exiting)
    assert c.request(b"D") == b"OK"
    with pytest.raises(ConnectionError):
        c.read_packet()
    c.close()


def test_monitor_runs_read_only_vmdebug_commands(exiting: Server) -> None:
    c = client(exiting)
    c.send_raw(b"$qRcmd," + b"info registers eip".hex().encode() + b"#" +
               checksum(b"qRcmd," + b"info registers eip".hex().encode()))
    assert c.read_byte() == b"+"
    out = bytes.fromhex(c.read_packet()[1:].decode()).decode()
    assert out.startswith("eip            0x8049") and "<_start>" in out
    assert c.read_packet() == b"OK"
    c.close()


def _monitor(c: RawClient, line: str) -> str:
    payload = b"qRcmd," + line.encode().hex().encode()
    c.send_raw(b"$" + payload + b"#" + checksum(payload))
    assert c.read_byte() == b"+"
    out = b""
    while True:
        p = c.read_packet()
        if p == b"OK" or p.startswith(b"E"):
            return bytes.fromhex(out.decode()).decode()
        out += p[1:]


def test_monitor_refuses_commands_that_touch_files(exiting: Server, tmp_path: Path) -> None:
    """A remote client must not write the server's files (save) nor read them (source)."""
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n")
    c = client(exiting)
    assert _monitor(c, f"save {victim}") == '"save" reads or writes files on the server: not over monitor.\n'
    assert _monitor(c, "source /etc/passwd") == \
        '"source" reads or writes files on the server: not over monitor.\n'
    assert victim.read_text() == "keep me\n"
    c.close()


def test_monitor_refuses_the_shell_under_any_name(exiting: Server, tmp_path: Path) -> None:
    """``!``, ``pipe``, ``|`` and an alias of shell whose name is also a prefix of a
    harmless command (``outp``: output) are the shell, refused."""
    victim = tmp_path / "made.txt"
    c = client(exiting)
    refused = '"shell" reads or writes files on the server: not over monitor.\n'
    assert _monitor(c, f"!touch {victim}") == refused
    assert _monitor(c, f"pipe p 1 | touch {victim}") == '"pipe" reads or writes files on the server: not over monitor.\n'
    assert _monitor(c, f"| p 1 | touch {victim}") == '"pipe" reads or writes files on the server: not over monitor.\n'
    _monitor(c, "alias outp = shell")
    assert _monitor(c, f"outp touch {victim}") == refused
    assert not victim.exists()
    c.close()


def test_a_client_that_says_nothing_is_dropped_and_the_next_is_served(exiting: Server,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Server, "FIRST_PACKET_TIMEOUT", 0.5)
    silent = client(exiting)
    time.sleep(1.0)
    with pytest.raises((ConnectionError, OSError)):
        silent.read_byte()            # dropped: the server closed it
    c = client(exiting)
    assert c.request(b"qAttached") == b"1"
    c.close()


def test_two_clients_at_once_the_second_waits_its_turn(exiting: Server) -> None:
    first = client(exiting)
    assert first.request(b"qAttached") == b"1"
    second = client(exiting)           # connected, but queued until the first leaves
    second.send_raw(b"$qAttached#" + checksum(b"qAttached"))
    first.close()
    assert second.read_byte() == b"+"
    assert second.read_packet() == b"1"
    second.close()


def test_serving_beyond_this_machine_needs_allow_remote(tmp_path: Path) -> None:
    import subprocess
    import sys
    (tmp_path / "exit.s").write_text(EXIT_S)
    res = subprocess.run([sys.executable, "-m", "vmdebug", "serve", "--gdb", "0.0.0.0:0", "--once", "exit.s"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert res.returncode != 0
    assert res.stderr.strip().splitlines() == [
        "vmdebug: --gdb 0.0.0.0:0: other machines could connect and read the whole session; "
        "listen on 127.0.0.1, or add --allow-remote"]
    proc = subprocess.Popen([sys.executable, "-m", "vmdebug", "serve", "--gdb", "0.0.0.0:0", "--allow-remote",
                             "--once", "exit.s"], cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert first == "vmdebug serve: warning: listening on 0.0.0.0, reachable from other machines " \
                        "(--allow-remote)\n"
    finally:
        proc.kill()
        proc.communicate()

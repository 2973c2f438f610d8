"""Status inquiries: info proc mappings, info record, info program, info inferiors."""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.debugger.registry import command
from vmdebug.debugger.session import PID

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


def mappings(dbg: "Debugger") -> list[str]:
    """``info proc mappings`` as gdb 13 prints it for a 32-bit process (gdb/linux-tdep.c)."""
    out = [f"process {PID}", "Mapped address spaces:", "",
           f"\t{'Start Addr':>10} {'  End Addr':>10} {'      Size':>10} {'    Offset':>10}  Perms   objfile"]
    for start, (end, perms, name) in sorted(dbg.tl.state.vmas.items()):
        off = 0
        if name and not name.startswith("["):
            off = dbg.info.file_offset(start)
        out.append(f"\t{start:>#10x} {end:>#10x} {end - start:>#10x} {off:>#10x}  {perms}   {name}".rstrip())
    return out


@command("info proc", category="status", example="mappings")
def cmd_info_proc(dbg: "Debugger", arg: str) -> None:
    """Process information; "info proc mappings" lists the memory mappings (like /proc/PID/maps).

    Usage: info proc [mappings]"""
    if arg.strip() and not "mappings".startswith(arg.strip()):
        dbg.write(f"process {PID}")
        return
    if not arg.strip():
        dbg.write(f"process {PID}")
        dbg.write(f"cmdline = '{' '.join(dbg.header.get('argv', [dbg.info.name]))}'")
        return
    dbg.lines_out(mappings(dbg))


@command("info record", aliases=("info rec",), category="status")
def cmd_info_record(dbg: "Debugger", arg: str) -> None:
    """What the history holds: its first, current and last step, and how the run ended.

    Usage: info record"""
    tl = dbg.tl
    dbg.write("Active record target: record-full")
    dbg.write("Replay mode:" if tl.cursor < tl.last or tl.process is None else "Record mode:")
    dbg.write("Lowest recorded instruction number is 1.")
    if tl.cursor < tl.last or tl.process is None:
        dbg.write(f"Current instruction number is {tl.cursor}.")
    dbg.write(f"Highest recorded instruction number is {tl.last}.")
    dbg.write(f"Log contains {tl.last} instructions ({len(tl.log)} events).")
    end = dbg.end_text()
    if end == "running":
        dbg.write("The program has not ended yet: going forward records more.")
    else:
        dbg.write(f"The program {end}.")


@command("info program", category="status")
def cmd_info_program(dbg: "Debugger", arg: str) -> None:
    """Where the program is stopped and why.

    Usage: info program"""
    tl = dbg.tl
    dbg.write(f"\tUsing the running image of child process {PID}.")
    dbg.write(f"Program stopped at {dbg.pc:#x} (step {tl.cursor} of {tl.last}).")
    st = tl.state
    if st.exited is not None and tl.cursor == tl.last:
        dbg.write(f"The program {dbg.end_text()}.")


@command("info inferiors", category="status")
def cmd_info_inferiors(dbg: "Debugger", arg: str) -> None:
    """The debugged process.

    Usage: info inferiors"""
    dbg.write("  Num  Description       Connection           Executable        ")
    dbg.write(f"* 1    process {PID}      1 (vmdebug)          {dbg.info.name} ")


def initial_auxv(dbg: "Debugger") -> list[tuple[int, int]] | None:
    """The auxiliary vector exec built (what /proc/PID/auxv keeps), from the stack at step 0."""
    from vmdebug.debugger.views.auxv import read_auxv
    state = dbg.tl.history.state_at(0)
    return read_auxv(state.read_u32, state.regs[4])


@command("info auxv", category="status")
def cmd_info_auxv(dbg: "Debugger", arg: str) -> None:
    """Display the inferior's auxiliary vector: what the kernel told the program at exec.

    Usage: info auxv
    Each entry is a type, its name, what it means and its value; strings (the platform,
    the program's file name) are read from the stack, where exec copied them."""
    from vmdebug.debugger.values import DebugError, string_text
    from vmdebug.debugger.views.auxv import auxv_view
    pairs = initial_auxv(dbg)
    if pairs is None:
        raise DebugError("No auxiliary vector found, or failed reading it.")

    def c_string(addr: int) -> str:
        data = dbg.memory.read_string(addr)
        return string_text(data) if data else f"<error: Cannot access memory at address {addr:#x}>"
    dbg.lines_out(auxv_view(pairs, c_string))

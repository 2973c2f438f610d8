"""Processes on the simulated kernel and on the real one: fork, copy-on-write, wait, exit
statuses, pipes, shared memory and kill give the same output and statuses.

The programs make their output order deterministic (they wait, or talk through a
pipe), so the real kernel's scheduling cannot change it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from vmdebug.machine.process import Process
from vmdebug.program import load_program
from vmdebug.toolchain.native import build_native, run_native

PROGRAM = r'''#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int counter = 10;
char big[200000];

static void report(const char *who, int status)
{
    printf("%s: exited=%d status=%d signaled=%d sig=%d\n", who, WIFEXITED(status), WEXITSTATUS(status),
           WIFSIGNALED(status), WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static int cow(void)
{
    int *heap = malloc(sizeof *heap), status, me = getpid();
    char local[64];
    *heap = 5;
    strcpy(local, "parent's");
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        counter += 1;
        *heap = 50;
        strcpy(local, "child's");
        printf("child: counter=%d heap=%d local=%s parent=%d self=%d\n", counter, *heap, local,
               getppid() == me, getpid() == me);
        exit(3);
    }
    pid_t got = waitpid(pid, &status, 0);
    printf("parent: counter=%d heap=%d local=%s got=%d\n", counter, *heap, local, got == pid);
    report("child", status);
    errno = 0;
    printf("again: %d errno=%d\n", waitpid(pid, &status, 0), errno);
    return 0;
}

static int pipes(void)
{
    int fds[2], status, n, total = 0;
    char buf[100];
    if (pipe(fds) != 0)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        for (n = 0; n < 3; n++) {
            sprintf(buf, "message %d from the child\n", n);
            write(fds[1], buf, strlen(buf));
        }
        _exit(0);
    }
    close(fds[1]);
    while ((n = read(fds[0], buf, 7)) > 0) {
        total += n;
        fwrite(buf, 1, n, stdout);
    }
    printf("read %d bytes, last read %d\n", total, n);
    wait(&status);
    report("writer", status);
    return 0;
}

static int bigpipe(void)
{
    int fds[2], status, i;
    long sum = 0, got = 0, n;
    pipe(fds);
    for (i = 0; i < (int)sizeof big; i++)
        big[i] = (char)(i * 7);
    if (fork() == 0) {
        close(fds[0]);
        n = write(fds[1], big, sizeof big);
        printf("child wrote %ld\n", n);
        exit(0);
    }
    close(fds[1]);
    memset(big, 0, sizeof big);
    while ((n = read(fds[0], big + got, 10000)) > 0)
        got += n;
    for (i = 0; i < got; i++)
        sum += (unsigned char)big[i];
    wait(&status);
    printf("parent read %ld sum %ld\n", got, sum);
    return 0;
}

static int shared(void)
{
    int *both = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int *mine = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int status;
    both[0] = 1;
    mine[0] = 1;
    if (fork() == 0) {
        both[0] = 42;
        both[1000] = 7;
        mine[0] = 42;
        exit(0);
    }
    wait(&status);
    printf("shared=%d %d private=%d\n", both[0], both[1000], mine[0]);
    return 0;
}

static int killing(void)
{
    int fds[2], status;
    char c;
    pipe(fds);
    pid_t pid = fork();
    if (pid == 0) {
        read(fds[0], &c, 1);          /* sleeps: nobody writes */
        printf("not reached\n");
        exit(0);
    }
    printf("waitpid nohang=%d\n", waitpid(pid, &status, WNOHANG));
    printf("kill=%d\n", kill(pid, SIGTERM));
    waitpid(pid, &status, 0);
    report("killed", status);
    if (fork() == 0) {
        int *p = 0;
        *p = 1;
    }
    wait(&status);
    report("segfault", status);
    return 0;
}

static int many(void)
{
    int i, status, sum = 0;
    for (i = 1; i <= 5; i++)
        if (fork() == 0)
            exit(i * 10);
    while (wait(&status) > 0)
        sum += WEXITSTATUS(status);
    printf("sum=%d errno=%d\n", sum, errno);
    return 0;
}

static int brokenpipe(void)
{
    int fds[2], sync[2], status;
    char c;
    pipe(fds);
    pipe(sync);
    if (fork() == 0) {
        close(fds[0]);
        close(fds[0]);
        close(sync[1]);
        read(sync[0], &c, 1);       /* end of file once the parent has closed its ends */
        write(fds[1], "x", 1);
        exit(9);
    }
    close(fds[0]);
    close(fds[1]);
    close(sync[0]);
    close(sync[1]);
    wait(&status);
    report("writer", status);
    return 0;
}

int main(int argc, char **argv)
{
    switch (argv[1][0]) {
    case 'c': return cow();
    case 'p': return pipes();
    case 'b': return bigpipe();
    case 's': return shared();
    case 'k': return killing();
    case 'm': return many();
    case 'x': return brokenpipe();
    }
    return 2;
}
'''

MODES = {"c": "copy-on-write", "p": "pipe", "b": "a pipe bigger than its buffer", "s": "shared memory",
         "k": "kill and signals", "m": "many children", "x": "a broken pipe"}


def simulate(path: Path, arg: str) -> tuple[bytes, int, int, Process]:
    program = load_program(str(path), "0")
    out = bytearray()
    proc = Process(program.spec, argv=[str(path), arg], layout="compat",
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(20_000_000)
    status, signal = proc.state.exited or (-1, -1)
    return bytes(out), status, signal, proc


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("procs")
    src = tmp / "procs.c"
    src.write_text(PROGRAM)
    return src, build_native(src, tmp / "procs", "0")


@pytest.mark.parametrize("mode", sorted(MODES), ids=lambda m: MODES[m])
def test_processes_behave_as_on_the_real_kernel(programs: tuple[Path, Path], mode: str) -> None:
    src, exe = programs
    native = run_native(exe, [mode])
    stdout, status, signal, proc = simulate(src, mode)
    assert stdout.decode() == native.stdout.decode()
    assert (status, signal) == (native.exit_status, 0)
    assert proc.exited and not proc.deadlock
    assert all(t.status != "running" for t in proc.sched.tasks.values())


DEADLOCK = r'''#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
    int fds[2];
    char c;
    pipe(fds);
    if (fork() == 0) {
        read(fds[0], &c, 1);      /* the parent never writes, and keeps the write end open */
        return 0;
    }
    wait(0);
    return 0;
}
'''


def test_when_every_process_sleeps_the_run_stops_and_says_why(tmp_path: Path) -> None:
    import subprocess
    import sys
    src = tmp_path / "dead.c"
    src.write_text(DEADLOCK)
    res = subprocess.run([sys.executable, "-m", "vmdebug", "run", str(src)], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 124
    assert res.stderr.strip().endswith("deadlock: every process is asleep (pid 1000 in wait4, "
                                       "pid 1001 in read from a pipe)"), res.stderr


PRESSURE = r'''#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
    int i, k, status;
    char *p = malloc(160 * 4096);
    for (k = 0; k < 160; k++)
        p[k * 4096] = 1;              /* 160 pages of the parent's own */
    for (i = 0; i < 2; i++) {
        if (fork() == 0) {
            for (k = 0; k < 160; k++)
                p[k * 4096] = 2;      /* each write copies a page: 160 more frames per child */
            exit(7);
        }
        waitpid(-1, &status, 0);
        printf("child %d: exited=%d status=%d signal=%d\n", i, WIFEXITED(status), WEXITSTATUS(status),
               WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    return 0;
}
'''


def test_forked_copies_past_physical_memory_meet_the_oom_killer(tmp_path: Path) -> None:
    """With 1 MiB (256 frames) the parent's 160 pages fit, a child's 160 copies do not: the
    child whose fault finds no frame is killed with SIGKILL, and its frames come back."""
    src = tmp_path / "pressure.c"
    src.write_text(PRESSURE)
    program = load_program(str(src), "0")
    out = bytearray()
    proc = Process(program.spec, argv=["pressure"], nframes=256,
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(5_000_000)
    assert out.decode() == ("child 0: exited=0 status=0 signal=9\n"
                            "child 1: exited=0 status=0 signal=9\n")
    assert proc.state.exited == (0, 0)
    assert len(proc.kernel.free_frames) > 50, "a killed child's copies are freed"


def test_reference_counts_are_the_page_table_entries_naming_each_frame(programs: tuple[Path, Path]) -> None:
    """Copy-on-write accounting, frame by frame: at every 97th step of programs that fork,
    share memory and exit, the kernel's count for each frame is the number of page-table
    entries (over every process) that name it, plus one when a memory object (the page
    cache, a shared mapping) holds it."""
    from collections import Counter

    from vmdebug.debugger.views.frames import all_frame_uses
    src, _ = programs
    for mode in "cs":
        program = load_program(str(src), "0")
        proc = Process(program.spec, argv=[str(src), mode], layout="compat")
        checked = 0
        while proc.step():
            if proc.steps % 97:
                continue
            k = proc.kernel
            held = {f for obj in list(k.page_cache.values()) for f in obj.values()}
            held |= {f for v in k.vmas if v.shm is not None for f in v.shm.values()}
            for t in proc.sched.tasks.values():
                held |= {f for _, (_, _, _, shm) in t.backing.items() if shm is not None for f in shm.values()}
            ptes = Counter(u.frame for u in all_frame_uses(proc.state) if u.what == "page" and u.frame != 0)
            for frame, n in ptes.items():
                assert k.refs.get(frame, 1) == n + (frame in held), (mode, proc.steps, frame)
            checked += 1
        assert checked > 10


def test_one_process_reading_its_own_empty_pipe_is_a_deadlock_not_a_hang(tmp_path: Path) -> None:
    src = tmp_path / "selfpipe.c"
    src.write_text("#include <unistd.h>\nint main(void)\n{\n    int fds[2];\n    char c;\n    pipe(fds);\n"
                   "    read(fds[0], &c, 1);\n    return 0;\n}\n")
    proc = Process(load_program(str(src), "0").spec, argv=["selfpipe"])
    assert proc.run(1_000_000) == "deadlock"
    assert proc.deadlock == "deadlock: every process is asleep (pid 1000 in read from a pipe)"
    assert proc.steps < 1000

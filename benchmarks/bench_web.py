"""The browser view's redraw time: moving the slider to any step of a ~1M-step session (#18: under 100 ms).

Run:  python benchmarks/bench_web.py [--iterations N] [--jumps N] [--seed N] [--session FILE]

Records a C program of about 1M instructions (a loop that mallocs, fills, sums in a call and
frees), serves it with `vmdebug web`, opens the page in the distribution's headless Chromium
(Playwright, /usr/bin/chromium or $VMDEBUG_CHROMIUM) and moves the slider to random steps.
Each jump is timed in the page, from the slider's input event to the frame painted after the
step is drawn (the request, the server's fold and views, the JSON and the DOM): median, 90th
percentile and worst, with the server's own share.  The first jump is left out (it loads the
source file).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

SOURCE = """\
#include <stdlib.h>

static int sum(const int *a, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += a[i];
    return s;
}

int main(void)
{
    int total = 0;
    for (int k = 0; k < %d; k++) {
        int *a = malloc(16 * sizeof *a);
        for (int i = 0; i < 16; i++)
            a[i] = i * k;
        total += sum(a, 16);
        free(a);
    }
    return total & 1;
}
"""

JUMP = """async (n) => {
  const t0 = performance.now();
  const slider = document.getElementById("slider");
  slider.value = n;
  const drawn = window.vmdebug.goto(n);
  await drawn;
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return [performance.now() - t0, window.vmdebug.view.data.server_ms, window.vmdebug.view.step];
}"""


def record(tmp: str, iterations: int) -> str:
    src = os.path.join(tmp, "bench_web.c")
    with open(src, "w") as f:
        f.write(SOURCE % iterations)
    session = os.path.join(tmp, "bench_web.vmlog")
    env = {**os.environ, "PYTHONPATH": ROOT, "PYTHONDONTWRITEBYTECODE": ""}
    subprocess.run([sys.executable, "-m", "vmdebug", "record", "--max-steps", "20000000", "-o", session, src],
                   check=True, capture_output=True, env=env)
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=" ".join(__doc__.split("\n\n")[2:]).replace("\n", " "))
    parser.add_argument("--iterations", type=int, default=2300,
                        help="turns of the program's loop (default 2300: about 1M instructions)")
    parser.add_argument("--jumps", type=int, default=60, help="slider moves to random steps (default 60)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random steps (default 1)")
    parser.add_argument("--session", metavar="FILE", help="serve this session instead of recording one")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    exe = os.environ.get("VMDEBUG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        sys.exit("bench_web: no chromium (apt-get install chromium)")
    tmp = tempfile.mkdtemp(prefix="bench-web-")
    server = None
    try:
        t = time.perf_counter()
        session = args.session or record(tmp, args.iterations)
        record_s = time.perf_counter() - t
        env = {**os.environ, "PYTHONPATH": ROOT}
        t = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "vmdebug", "web", "--port", "0", session],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        line = server.stdout.readline() if server.stdout else ""
        if "http://" not in line:
            sys.exit(f"bench_web: the server did not start: {line!r}")
        url = line.split(" at ", 1)[1].split()[0]
        open_s = time.perf_counter() - t
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_selector('body[data-ready="1"]', timeout=120_000)
            last = int(page.get_attribute("#slider", "max"))
            rng = random.Random(args.seed)
            steps = [rng.randrange(last + 1) for _ in range(args.jumps + 1)]
            results = [page.evaluate(JUMP, n) for n in steps]
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    assert all(r[2] == n for r, n in zip(results, steps)), "a jump did not land on its step"
    total = [r[0] for r in results[1:]]
    served = [r[1] for r in results[1:]]
    q = statistics.quantiles(total, n=10) if len(total) >= 2 else total * 9
    print(f"session: {last} steps ({'given' if args.session else f'recorded in {record_s:.1f} s'}); "
          f"server up in {open_s:.1f} s")
    print(f"slider to a random step, {len(total)} jumps (input event to painted frame):")
    print(f"  median {statistics.median(total):7.1f} ms   p90 {q[8]:7.1f} ms   worst {max(total):7.1f} ms")
    print(f"  of which the server (fold + views): median {statistics.median(served):7.1f} ms   "
          f"worst {max(served):7.1f} ms")
    over = sum(t >= 100 for t in total)
    print(f"  {over} of {len(total)} jumps took 100 ms or more; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    verdict = ("met" if max(total) < 100 else "met at the median" if statistics.median(total) < 100
               else "not met")
    print(f"target: under 100 ms: {verdict}")


if __name__ == "__main__":
    main()

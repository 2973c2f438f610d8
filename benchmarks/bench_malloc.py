"""The libc's malloc in simulated instructions: what a malloc/free pair costs, and a word list.

Run:  python benchmarks/bench_malloc.py [--pairs N] [--live N] [--words N] [-O LEVEL] [--no-native]

Three C programs run on the simulated CPU with the vmdebug libc, and the
instructions they retire are counted (the simulator's steps, which is what
the 50M --max-steps limit counts too):

* pairs: a heap of --live chunks that stay allocated, then --pairs times
  ``p = malloc(n); free(p)`` with n from 1 to 256 bytes.  Each pair carves a
  chunk from the top and gives it back (src/malloc.c), the pattern of a
  program that allocates a temporary and frees it.
* pool: --pairs times, a random one of 64 slots is freed and refilled with
  a random size from 1 to 200 bytes: chunks come from the bins, are split,
  and merge again with their neighbours when freed.
* words: --words words of 3 to 10 letters, each strdup'ed and kept in an
  array grown with realloc (doubling), then freed: a course's "store the
  words of a text" program.  The first malloc walked every chunk on every
  call, and this program hit the 50M-step limit.

A program's own loop is counted too; the pair figures subtract a run with no
pairs, so they are malloc + free + the loop around them.  Unless --no-native,
each program also runs natively (the same libc, ``vmdebug cc --native``) and
must print the same.  The issue's target (#16): 100k pairs in under 10M
instructions.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from vmdebug.machine.process import Process  # noqa: E402
from vmdebug.program import load_program  # noqa: E402

PAIRS = r"""
#include <stdio.h>
#include <stdlib.h>

#define LIVE {live}
#define PAIRS {pairs}

static char *live[LIVE + 1];

int main(void)
{{
    unsigned i, sum = 0;
    for (i = 0; i < LIVE; i++)
        live[i] = malloc(i % 64 + 1);
    for (i = 0; i < PAIRS; i++) {{
        char *p = malloc(i % 256 + 1);
        p[0] = (char)i;
        sum += (unsigned char)p[0];
        free(p);
    }}
    printf("%u pairs on %u live chunks, sum %u, heap %d bytes\n", PAIRS, LIVE, sum,
           (int)(__heap_end - __heap_start));
    for (i = 0; i < LIVE; i++)
        free(live[i]);
    return 0;
}}
"""

POOL = r"""
#include <stdio.h>
#include <stdlib.h>

#define PAIRS {pairs}

static char *slot[64];

int main(void)
{{
    unsigned seed = 1, i, k, sum = 0;
    for (i = 0; i < PAIRS; i++) {{
        seed = seed * 1103515245u + 12345u;
        k = (seed >> 16) & 63;
        free(slot[k]);
        slot[k] = malloc((seed >> 8) % 200 + 1);
        slot[k][0] = (char)i;
        sum += (unsigned char)slot[k][0];
    }}
    printf("%u pairs in 64 slots, sum %u, heap %d bytes\n", PAIRS, sum, (int)(__heap_end - __heap_start));
    for (i = 0; i < 64; i++)
        free(slot[i]);
    return 0;
}}
"""

WORDS = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS {words}

static unsigned seed = 7;

static char *next_word(char *buf)
{{
    unsigned len, i;
    seed = seed * 1103515245u + 12345u;
    len = 3 + (seed >> 16) % 8;
    for (i = 0; i < len; i++) {{
        seed = seed * 1103515245u + 12345u;
        buf[i] = (char)('a' + (seed >> 16) % 26);
    }}
    buf[len] = 0;
    return buf;
}}

int main(void)
{{
    char **words = NULL, buf[16];
    unsigned n = 0, cap = 0, i, letters = 0;
    for (i = 0; i < WORDS; i++) {{
        if (n == cap) {{
            cap = cap ? cap * 2 : 16;
            words = realloc(words, cap * sizeof *words);
        }}
        words[n++] = strdup(next_word(buf));
    }}
    for (i = 0; i < n; i++)
        letters += strlen(words[i]);
    printf("%u words, %u letters, first %s, last %s, heap %d bytes\n", n, letters, words[0], words[n - 1],
           (int)(__heap_end - __heap_start));
    for (i = 0; i < n; i++)
        free(words[i]);
    free(words);
    return 0;
}}
"""

MAX_STEPS = 200_000_000


def simulate(source: str, opt: str, tmp: Path, name: str) -> tuple[int, bytes, float]:
    """(instructions retired, stdout, seconds) of one simulated run to its exit."""
    path = tmp / f"{name}.c"
    path.write_text(source)
    out = bytearray()
    proc = Process(load_program(str(path), opt).spec, argv=[name],
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    t0 = time.perf_counter()
    how = proc.run(MAX_STEPS)
    elapsed = time.perf_counter() - t0
    if how != "exited" or proc.state.exited != (0, 0):
        raise SystemExit(f"{name}: the simulated run ended {how} {proc.state.exited}")
    return proc.steps, bytes(out), elapsed


def native(source: str, opt: str, tmp: Path, name: str) -> bytes:
    from vmdebug.toolchain.native import build_native, run_native
    path = tmp / f"{name}-native.c"
    path.write_text(source)
    result = run_native(build_native(path, tmp / f"{name}-native", opt))
    return result.stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=100_000, help="malloc/free pairs (default 100000)")
    parser.add_argument("--live", type=int, default=1_000, help="chunks kept allocated under the pairs (1000)")
    parser.add_argument("--words", type=int, default=3_000, help="words the word list stores (3000)")
    parser.add_argument("-O", dest="opt", default="1", choices=["0", "1", "2"], help="gcc -O level (1)")
    parser.add_argument("--no-native", action="store_true", help="do not compare with the native twin")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        runs = {
            "pairs": (PAIRS.format(live=args.live, pairs=args.pairs), PAIRS.format(live=args.live, pairs=0)),
            "pool": (POOL.format(pairs=args.pairs), POOL.format(pairs=0)),
        }
        for name, (source, baseline) in runs.items():
            steps, out, elapsed = simulate(source, args.opt, tmp, name)
            base, _, _ = simulate(baseline, args.opt, tmp, name + "0")
            print(f"{name}: {out.decode().strip()}")
            print(f"  {steps:,} instructions in all ({elapsed:.1f} s); the {args.pairs:,} pairs: "
                  f"{steps - base:,} ({(steps - base) / max(args.pairs, 1):.1f} per pair)")
            if not args.no_native and native(source, args.opt, tmp, name) != out:
                raise SystemExit(f"{name}: the native twin printed something else")
        source = WORDS.format(words=args.words)
        steps, out, elapsed = simulate(source, args.opt, tmp, "words")
        print(f"words: {out.decode().strip()}")
        print(f"  {steps:,} instructions ({elapsed:.1f} s), {steps / max(args.words, 1):.0f} per word")
        if not args.no_native and native(source, args.opt, tmp, "words") != out:
            raise SystemExit("words: the native twin printed something else")


if __name__ == "__main__":
    main()

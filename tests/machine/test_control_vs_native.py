"""String instructions, stack frames, loops and self-modifying code against the real CPU.

Each snippet ends by dumping the eight registers, EFLAGS and a 64-byte buffer to stdout.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from native import build, run_native, run_sim

PRE = """.intel_syntax noprefix
.globl _start
.text
_start:
  mov edi, OFFSET buf
  mov ecx, 16
  mov eax, 0x03020100
1: mov DWORD PTR [edi], eax
  add eax, 0x04040404
  add edi, 4
  loop 1b
  xor eax, eax
  xor ebx, ebx
  xor ecx, ecx
  xor edx, edx
  xor esi, esi
  xor edi, edi
  cld
"""
POST = """
  pushfd
  pusha
  mov eax, 4
  mov ebx, 1
  mov ecx, esp
  mov edx, 36
  int 0x80
  mov eax, 4
  mov ebx, 1
  mov ecx, OFFSET buf
  mov edx, 64
  int 0x80
  mov eax, 1
  xor ebx, ebx
  int 0x80
.bss
buf: .zero 64
.section .note.GNU-stack,"",@progbits
"""

SNIPPETS = {
    "rep_movsb": "mov esi, OFFSET buf\n lea edi, [esi+32]\n mov ecx, 13\n rep movsb",
    "rep_movsd_backwards": "std\n lea esi, [buf+28]\n lea edi, [buf+60]\n mov ecx, 5\n rep movsd\n cld",
    "rep_stosd": "lea edi, [buf+8]\n mov eax, 0xdeadbeef\n mov ecx, 6\n rep stosd",
    "rep_stosw_zero_count": "lea edi, [buf+8]\n mov eax, 0x1234\n xor ecx, ecx\n rep stosw",
    "repe_cmpsb": "mov esi, OFFSET buf\n mov edi, OFFSET buf\n mov BYTE PTR [buf+7], 0x99\n "
                  "mov ecx, 20\n mov edi, OFFSET buf\n lea esi, [buf]\n mov eax, DWORD PTR [buf]\n"
                  " mov DWORD PTR [buf+32], eax\n lea edi, [buf+32]\n repe cmpsb",
    "repne_scasb": "mov edi, OFFSET buf\n mov al, 0x0b\n mov ecx, 64\n repne scasb",
    "lodsd_scasw": "mov esi, OFFSET buf\n lodsd\n lodsb\n mov edi, OFFSET buf\n mov ax, 0x0100\n scasw",
    "enter_leave": "mov ebp, 0x1234\n enter 24, 0\n mov DWORD PTR [ebp-4], 7\n mov eax, esp\n mov ebx, ebp\n leave",
    "enter_nested": "mov ebp, esp\n enter 8, 2\n mov eax, esp\n mov ebx, ebp\n mov ecx, DWORD PTR [esp+8]\n leave",
    "ret_imm": "push 5\n push 6\n call f\n jmp 2f\nf: mov eax, DWORD PTR [esp+4]\n ret 8\n2: mov ebx, esp",
    "loops": "mov ecx, 10\n xor eax, eax\n3: inc eax\n loop 3b\n mov ecx, 10\n4: inc ebx\n cmp ebx, 3\n"
             " loopne 4b\n mov edx, ecx\n xor ecx, ecx\n jecxz 5f\n mov esi, 1\n5:",
    "push_pop_forms": "push 0x7f\n push -2\n pop DWORD PTR [buf]\n pop eax\n push DWORD PTR [buf+4]\n pop ebx\n"
                      " pushw 0x1234\n pop cx\n pushfd\n pop edx\n or edx, 0x801\n push edx\n popfd",
    "pop_esp_based": "push 0x11111111\n push 0x22222222\n push 0x33333333\n pop DWORD PTR [esp+4]\n"
                     " pop eax\n pop ebx",
    # Segment registers (the flat user selectors, vmdebug.machine.segments); the fuller
    # comparison is test_segments_vs_native.py.
    # push of a segment register with a 32-bit operand size: AMD zero-extends, recent Intel
    # CPUs write 16 bits and leave the slot's upper half (SDM Vol. 2B, PUSH); vmdebug
    # zero-extends, so only the selector half is compared.
    "segment_registers": "push ds\n pop es\n mov eax, es\n pushw ss\n popw ds\n mov ebx, 0x1234002b\n"
                         " mov WORD PTR [buf], 0\n mov fs, WORD PTR [buf]\n push fs\n pop ecx\n movzx ecx, cx\n"
                         " mov esi, cs\n mov WORD PTR [buf], ss\n"
                         " mov es, ebx\n .byte 0x26, 0x90\n .byte 0x3e, 0x74, 0x00",
    # F2/F3 the CPU ignores (objdump's repz/repnz/bnd, vmdebug.isa.decoder): repz add, repnz
    # cdq, repz inc, bnd call, bnd ret, bnd jmp, bnd je, repz jne.
    "ignored_rep_prefixes": "mov eax, 5\n mov ebx, 0x80000007\n .byte 0xf3, 0x01, 0xd8\n .byte 0xf2, 0x99\n"
                            " .byte 0xf3, 0x40\n .byte 0xf2, 0xe8, 2, 0, 0, 0\n jmp 7f\n"
                            " mov esi, DWORD PTR [esp]\n .byte 0xf2, 0xc3\n7: .byte 0xf2, 0xeb, 1\n int3\n"
                            " cmp eax, eax\n .byte 0xf2, 0x74, 1\n int3\n .byte 0xf3, 0x75, 1\n inc edi",
    "xlat_bswap": "mov ebx, OFFSET buf\n mov al, 9\n xlat\n mov ecx, 0x11223344\n bswap ecx",
    "jcc": "mov eax, 5\n mov ebx, 7\n xor esi, esi\n cmp eax, ebx\n" + "".join(
        f" j{cc} 9{k}f\n or esi, {1 << k}\n9{k}:\n" for k, cc in enumerate(
            ("o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"))),
    "loope_popa": "mov ecx, 10\n xor ebx, ebx\n3: inc ebx\n cmp ebx, ebx\n loope 3b\n mov edx, ecx\n"
                  " mov esi, 0x1234\n pusha\n xor esi, esi\n popa",
    "cmpxchg8b": "mov DWORD PTR [buf], 1\n mov DWORD PTR [buf+4], 2\n mov eax, 1\n mov edx, 2\n mov ebx, 3\n"
                 " mov ecx, 4\n cmpxchg8b QWORD PTR [buf]\n mov esi, eax\n mov eax, 9\n"
                 " cmpxchg8b QWORD PTR [buf]\n pause\n nop",
    "indirect_jumps": "mov eax, OFFSET 6f\n jmp eax\n mov esi, 1\n6: mov DWORD PTR [buf], OFFSET 7f\n"
                      " call DWORD PTR [buf]\n jmp 8f\n7: mov edi, 2\n ret\n8:",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_the_real_cpu(tmp_path: Path, name: str) -> None:
    exe = build(tmp_path, PRE + "  " + SNIPPETS[name].replace("\n", "\n  ") + POST)
    native = run_native(exe)
    sim, _ = run_sim(exe)
    assert native.status == 0
    assert sim.status == 0
    assert sim.stdout == native.stdout


SMC = """.intel_syntax noprefix
.globl _start
.text
_start:
  mov eax, 192            # mmap2 an RWX page
  xor ebx, ebx
  mov ecx, 4096
  mov edx, 7
  mov esi, 0x22
  mov edi, -1
  xor ebp, ebp
  int 0x80
  mov edi, eax
  mov DWORD PTR [edi], 0x0001b8   # mov eax, 1 ...
  mov BYTE PTR [edi+4], 0
  mov BYTE PTR [edi+5], 0xc3      # ret
  call edi
  mov ebx, eax
  mov BYTE PTR [edi+1], 42        # patch the immediate: the decoded copy must go stale
  call edi
  add ebx, eax
  mov eax, 1
  int 0x80
.section .note.GNU-stack,"",@progbits
"""


def test_writing_to_code_invalidates_the_decode_cache(tmp_path: Path) -> None:
    exe = build(tmp_path, SMC)
    native = run_native(exe)
    sim, _ = run_sim(exe)
    assert native.status == 43
    assert sim.status == 43


def test_every_instruction_in_the_table_runs_on_the_real_cpu_somewhere() -> None:
    """The native comparisons are driven by the instruction table: a mnemonic the table
    gains fails this test until a case or snippet runs it against the real CPU."""
    import random
    import re

    from test_cpu_vs_native import FAULTS, cases
    from test_fp_vs_native import FP_FAULTS, TEXTS
    from vmdebug.isa.table import ALIASES, ENTRIES, STRING_SUFFIXED

    def canon(word: str, text: str) -> str:
        word = ALIASES.get(word, word)
        if "xmm" in text:           # movsd/cmpsd on xmm registers are SSE2's, not the string ones
            return word
        return STRING_SUFFIXED[word][0] if word in STRING_SUFFIXED else word

    texts = [t for t, _ in cases(random.Random(0))] + [t for t, _ in FAULTS]
    texts += TEXTS + [line for body in FP_FAULTS.values() for line in body.split("\n")]
    texts += [line for snippet in SNIPPETS.values() for line in snippet.split("\n")]
    texts += PRE.splitlines() + POST.splitlines()
    run = set()
    for text in texts:
        words = re.sub(r"^\s*\w+:", "", text).split()
        while words and words[0] in ("rep", "repe", "repz", "repne", "repnz", "lock"):
            words = words[1:]
        if words:
            run.add(canon(words[0].lower(), text))
    missing = sorted({e.mnemonic for e in ENTRIES} - run)
    assert not missing, f"never run against the real CPU: {missing}"

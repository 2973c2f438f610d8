# counter.s - globals in .data and .bss, and a far jump target: counts to 1000
# in a .bss variable, then exits with counter % 256 (echo $? shows 232).
#
# What to look at: `counter` lives in .bss (zero-filled, no file bytes) while
# `step` lives in .data; the forward `jmp` over the padding block is near
# (e9 rel32) because its target is more than 127 bytes away.
# Try:  vmdebug objdump examples/counter.s
        .intel_syntax noprefix
        .text
        .globl  _start
_start:
        mov     DWORD PTR counter, 0
.Lloop:
        mov     eax, DWORD PTR step
        add     DWORD PTR counter, eax
        cmp     DWORD PTR counter, 1000
        jl      .Lloop
        jmp     .Ldone
        .skip   200, 0x90               # 200 nops: pushes .Ldone out of short range
.Ldone:
        movzx   ebx, BYTE PTR counter
        mov     eax, 1
        int     0x80

        .data
        .align  4
step:   .long   1

        .bss
        .align  4
counter: .zero  4

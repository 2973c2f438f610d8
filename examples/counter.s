# counter.s - counts to 1000 in a .bss variable, then exits with counter % 256 (232).
# What to look at: `counter` lives in .bss (zero-filled, no file bytes), `step` in .data; the
# forward `jmp` over the padding is near (e9 rel32): its target is more than 127 bytes away.
# Try:
#   vmdebug objdump examples/counter.s  => e9 c8 00 00 00 jmp 80490ee <_start+0xee>
#   vmdebug debug examples/counter.s
#   (vmdebug) run                     232, in octal as gdb says it  => exited with code 0350
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

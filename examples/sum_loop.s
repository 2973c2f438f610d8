# sum_loop.s - a counted loop, a call and a data table: sums an array, exits with the sum (150).
# What to look at: the short backward `jnz` (objdump's jne) at the end of the loop, the `call`/`ret`
# pair pushing and popping the return address, and the .data table read as base + index*4.
# Try:
#   vmdebug objdump examples/sum_loop.s  => 75 f9 jne 8049022 <sum+0xa>
#   vmdebug debug examples/sum_loop.s
#   (vmdebug) run                     150, in octal as gdb says it  => exited with code 0226
        .intel_syntax noprefix
        .text
        .globl  _start
_start:
        push    OFFSET FLAT:values      # argument: the table
        push    5                       # argument: its length
        call    sum
        add     esp, 8
        mov     ebx, eax                # exit status = the sum
        mov     eax, 1
        int     0x80

# int sum(int n, int *v): cdecl, arguments at [esp+4] and [esp+8]
        .type   sum, @function
sum:
        mov     ecx, DWORD PTR [esp+4]  # n
        mov     edx, DWORD PTR [esp+8]  # v
        xor     eax, eax
1:      add     eax, DWORD PTR [edx+ecx*4-4]
        dec     ecx
        jnz     1b
        ret
        .size   sum, .-sum

        .data
        .align  4
values: .long   10, 20, 30, 40, 50

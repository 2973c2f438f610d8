# hello.s - the smallest complete program: write(1, msg, len) then exit(0).
#
# What to look at: the two `int 0x80` system calls; eax holds the system call
# number (4 = write, 1 = exit), ebx/ecx/edx the arguments.
# Try:  vmdebug objdump examples/hello.s
        .intel_syntax noprefix
        .text
        .globl  _start
_start:
        mov     eax, 4                  # write(
        mov     ebx, 1                  #   fd 1,
        mov     ecx, OFFSET FLAT:msg    #   buffer,
        mov     edx, len                #   length)
        int     0x80
        mov     eax, 1                  # exit(
        xor     ebx, ebx                #   0)
        int     0x80

        .section .rodata
msg:    .ascii  "Hello, world!\n"
        .set    len, . - msg

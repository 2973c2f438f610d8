# hello.s - the smallest complete program: write(1, msg, len) then exit(0).
# What to look at: the two `int 0x80` system calls; eax holds the system call number (4 = write,
# 1 = exit), ebx/ecx/edx the arguments.  `len` is set before the code uses it: in Intel syntax a
# bare symbol that is not yet a known constant means "the memory at that address", as in GNU as.
# Try:
#   vmdebug run examples/hello.s      => Hello, world!
#   vmdebug objdump examples/hello.s  => cd 80 int 0x80
        .intel_syntax noprefix
        .section .rodata
msg:    .ascii  "Hello, world!\n"
        .set    len, . - msg

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

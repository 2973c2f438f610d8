# crt0.s - process entry point of the vmdebug libc (GNU as, Intel syntax).
#
# The kernel starts a process at _start with (fs/binfmt_elf.c,
# create_elf_tables; i386 psABI "Process Initialization"):
#
#   esp ->  argc
#           argv[0] ... argv[argc-1], NULL
#           envp[0] ... NULL
#           auxv (type, value) pairs ... AT_NULL
#
# _start calls main(argc, argv, envp) and passes its result to exit().
# Like glibc's start.S, it aligns esp to 16 bytes so that esp is 16-aligned
# at the call instruction (i386 psABI: "the stack is 16-byte aligned at
# the call"), and clears ebp so that backtraces stop at this frame.
	.intel_syntax noprefix
	.text
	.globl	_start
	.type	_start, @function
_start:
	xor	ebp, ebp
	mov	eax, DWORD PTR [esp]
	lea	ecx, [esp+4]
	lea	edx, [ecx+eax*4+4]
	mov	DWORD PTR environ, edx
	and	esp, -16
	sub	esp, 4
	push	edx
	push	ecx
	push	eax
	call	main
	mov	DWORD PTR [esp], eax
	call	exit
	.size	_start, .-_start
	.section	.note.GNU-stack,"",@progbits

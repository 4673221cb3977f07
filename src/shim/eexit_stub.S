/* SPDX-License-Identifier: MIT */
/*
 * EEXIT without a trap (eexit.c). Enclave code reaches shim_eexit_stub by
 * the `jmp *SLOT` that replaced its `mov $EEXIT, %eax; ENCLU`, in enclave
 * mode: every register the enclave's, RAX excepted (the mov is gone). The
 * registers go into a struct sgx_regs below the red zone of the current
 * stack (EEXIT leaves RSP as the enclave set it, normally the host's),
 * shim_fast_eexit() performs the leaf, and then:
 *   0: exited — FS/GS are the host's again, the registers as EEXIT leaves
 *      them (RAX = EEXIT, RCX = AEP), and we jump to RBX;
 *   1: not here — everything is restored, RAX = EEXIT, and a real ENCLU
 *      traps, for the usual emulation (and its #GP if EEXIT faults).
 */
#define R_RAX 0
#define R_RCX 8
#define R_RDX 16
#define R_RBX 24
#define R_RSP 32
#define R_RBP 40
#define R_RSI 48
#define R_RDI 56
#define R_R8 64
#define R_R9 72
#define R_R10 80
#define R_R11 88
#define R_R12 96
#define R_R13 104
#define R_R14 112
#define R_R15 120
#define R_RFLAGS 128
#define R_RIP 136
#define R_FSBASE 144
#define R_GSBASE 152
#define FRAME 160

/* Scratch below the stack's red zone: saved RFLAGS, RBP, then the jump. */
#define RED_ZONE 128
#define SAVED_RFLAGS (-RED_ZONE - 8)
#define SAVED_RBP (-RED_ZONE - 16)
#define JMP_SLOT (-RED_ZONE - 8)

#define EEXIT 4
#define SYS_arch_prctl 158
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002

	.text
	.globl	shim_eexit_stub
	.hidden	shim_eexit_stub
	.type	shim_eexit_stub, @function
shim_eexit_stub:
	lea	-RED_ZONE(%rsp), %rsp
	pushfq
	push	%rbp
	lea	(RED_ZONE + 16)(%rsp), %rbp	/* RSP at the exit */
	and	$-16, %rsp
	sub	$FRAME, %rsp
	movq	$EEXIT, R_RAX(%rsp)
	mov	%rcx, R_RCX(%rsp)
	mov	%rdx, R_RDX(%rsp)
	mov	%rbx, R_RBX(%rsp)
	mov	%rbp, R_RSP(%rsp)
	mov	SAVED_RBP(%rbp), %rax
	mov	%rax, R_RBP(%rsp)
	mov	%rsi, R_RSI(%rsp)
	mov	%rdi, R_RDI(%rsp)
	mov	%r8, R_R8(%rsp)
	mov	%r9, R_R9(%rsp)
	mov	%r10, R_R10(%rsp)
	mov	%r11, R_R11(%rsp)
	mov	%r12, R_R12(%rsp)
	mov	%r13, R_R13(%rsp)
	mov	%r14, R_R14(%rsp)
	mov	%r15, R_R15(%rsp)
	mov	SAVED_RFLAGS(%rbp), %rax
	mov	%rax, R_RFLAGS(%rsp)
	lea	shim_eexit_slow(%rip), %rax	/* where a trap would be */
	mov	%rax, R_RIP(%rsp)

	mov	%rsp, %rdi
	call	shim_fast_eexit
	test	%eax, %eax
	jnz	.Lregs

	/* Exited: the host's FS and GS. */
	cmpb	$0, shim_have_fsgsbase(%rip)
	je	.Lsyscall_bases
	mov	R_FSBASE(%rsp), %rax
	wrfsbase %rax
	mov	R_GSBASE(%rsp), %rax
	wrgsbase %rax
	jmp	.Lregs
.Lsyscall_bases:
	mov	$SYS_arch_prctl, %eax
	mov	$ARCH_SET_FS, %edi
	mov	R_FSBASE(%rsp), %rsi
	syscall
	mov	$SYS_arch_prctl, %eax
	mov	$ARCH_SET_GS, %edi
	mov	R_GSBASE(%rsp), %rsi
	syscall

.Lregs:
	/* R_RIP: RBX after an exit, shim_eexit_slow otherwise. */
	mov	R_RSP(%rsp), %rax
	mov	R_RIP(%rsp), %rcx
	mov	%rcx, JMP_SLOT(%rax)
	mov	R_RFLAGS(%rsp), %rax
	push	%rax
	popfq
	mov	R_RCX(%rsp), %rcx
	mov	R_RDX(%rsp), %rdx
	mov	R_RBX(%rsp), %rbx
	mov	R_RBP(%rsp), %rbp
	mov	R_RSI(%rsp), %rsi
	mov	R_RDI(%rsp), %rdi
	mov	R_R8(%rsp), %r8
	mov	R_R9(%rsp), %r9
	mov	R_R10(%rsp), %r10
	mov	R_R11(%rsp), %r11
	mov	R_R12(%rsp), %r12
	mov	R_R13(%rsp), %r13
	mov	R_R14(%rsp), %r14
	mov	R_R15(%rsp), %r15
	mov	R_RAX(%rsp), %rax
	mov	R_RSP(%rsp), %rsp
	jmp	*JMP_SLOT(%rsp)

	/* The emulated ENCLU, when the fast path declines. */
	.globl	shim_eexit_slow
	.hidden	shim_eexit_slow
shim_eexit_slow:
	.byte	0x0f, 0x01, 0xd7
	ud2
	.size	shim_eexit_stub, . - shim_eexit_stub

	.section .note.GNU-stack, "", @progbits

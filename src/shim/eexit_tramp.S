/* SPDX-License-Identifier: MIT */
/*
 * EEXIT without a trap (eexit.c). Enclave code reaches shim_eexit_trampoline by
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
#include "regs.S.inc"

#define FRAME R_SIZE

/* Scratch below the stack's red zone: saved RFLAGS and RBP. */
#define RED_ZONE 128
#define SAVED_RFLAGS (-RED_ZONE - 8)
#define SAVED_RBP (-RED_ZONE - 16)

#define EEXIT 4

	.text
	.globl	shim_eexit_trampoline
	.hidden	shim_eexit_trampoline
	.type	shim_eexit_trampoline, @function
shim_eexit_trampoline:
	lea	-RED_ZONE(%rsp), %rsp
	pushfq
	push	%rbp
	lea	(RED_ZONE + 16)(%rsp), %rbp	/* RSP at the exit */
	and	$-16, %rsp
	sub	$FRAME, %rsp
	movq	$EEXIT, R_RAX(%rsp)
	SAVE_REGS
	mov	%rbp, R_RSP(%rsp)
	mov	SAVED_RBP(%rbp), %rax
	mov	%rax, R_RBP(%rsp)
	mov	SAVED_RFLAGS(%rbp), %rax
	mov	%rax, R_RFLAGS(%rsp)
	lea	shim_eexit_slow(%rip), %rax	/* where a trap would be */
	mov	%rax, R_RIP(%rsp)

	mov	%rsp, %rdi
	call	shim_fast_eexit
	.globl	shim_eexit_called
	.hidden	shim_eexit_called
shim_eexit_called:
	test	%eax, %eax
	jnz	.Ldeclined

	/* Exited: the host's FS and GS, then to RBX (R_RIP). */
	SET_BASES
	IRET_TO_REGS

.Ldeclined:
	/* Still in enclave mode: on to a real ENCLU, as at the site. */
	IRET_TO_REGS

	/* The emulated ENCLU, when the fast path declines. */
	.globl	shim_eexit_slow
	.hidden	shim_eexit_slow
shim_eexit_slow:
	.byte	0x0f, 0x01, 0xd7
	ud2
	.size	shim_eexit_trampoline, . - shim_eexit_trampoline

	.section .note.GNU-stack, "", @progbits

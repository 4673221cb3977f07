/* SPDX-License-Identifier: MIT */
/*
 * EENTER and ERESUME from __vdso_sgx_enter_enclave without a trap. Called
 * just before the vDSO's ENCLU, with that instruction's registers (RAX =
 * leaf, RBX = TCS, RCX = AEP = the ENCLU, arguments in the others). The registers go
 * into a struct sgx_regs on this (host) stack, shim_fast_enter() runs the
 * leaf, and then:
 *   1: declined — everything is restored and we return to the ENCLU,
 *      which traps as usual (no thread state);
 *   0, 3: entered (EENTER, ERESUME) — FS/GS become the enclave's, the
 *      registers its (RSP the one at the ENCLU for EENTER, the SSA's for
 *      ERESUME, whose extended state shim_fast_enter() already loaded),
 *      and IRETQ goes to the enclave entry or the interrupted instruction;
 *   2: faulted — the same jump, to the vDSO's exception label with
 *      RDI/RSI/RDX describing the fault, as the kernel's fixup does.
 * A signal that arrives before the jump sees a RIP outside the enclave
 * and is handled as a host-mode signal (FS is saved and restored).
 */
#include "regs.S.inc"

/* struct sgx_regs, below a 16-byte aligned frame pointer. */
#define FRAME R_SIZE

	.text
	.globl	shim_fast_enclu
	.hidden	shim_fast_enclu
	.type	shim_fast_enclu, @function
shim_fast_enclu:
	/* Callers need not keep the stack aligned: align it here. */
	push	%rbp
	mov	%rsp, %rbp
	and	$-16, %rsp
	sub	$FRAME, %rsp
	mov	%rax, R_RAX(%rsp)
	SAVE_REGS
	lea	16(%rbp), %rax		/* RSP at the ENCLU */
	mov	%rax, R_RSP(%rsp)
	mov	(%rbp), %rax		/* the caller's RBP */
	mov	%rax, R_RBP(%rsp)
	pushfq
	pop	%rax
	mov	%rax, R_RFLAGS(%rsp)
	mov	8(%rbp), %rax		/* our return address: the ENCLU */
	mov	%rax, R_RIP(%rsp)

	mov	%rsp, %rdi
	call	shim_fast_enter
	cmp	$1, %eax
	je	.Ldecline
	cmp	$2, %eax
	je	.Lregs
.Lbases:
	/* Entered: the enclave's FS and GS. */
	SET_BASES

.Lregs:
	IRET_TO_REGS

.Ldecline:
	mov	R_RAX(%rsp), %rax
	mov	R_RCX(%rsp), %rcx
	mov	R_RDX(%rsp), %rdx
	mov	R_RSI(%rsp), %rsi
	mov	R_RDI(%rsp), %rdi
	mov	R_R8(%rsp), %r8
	mov	R_R9(%rsp), %r9
	mov	R_R10(%rsp), %r10
	mov	R_R11(%rsp), %r11
	mov	%rbp, %rsp
	pop	%rbp
	ret
	.size	shim_fast_enclu, . - shim_fast_enclu

	.section .note.GNU-stack, "", @progbits

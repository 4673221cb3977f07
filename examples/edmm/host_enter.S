/* SPDX-License-Identifier: MIT */
/*
 * int edmm_vdso_call(rdi, rsi, rdx, function, r8, r9, run, vdso):
 * __vdso_sgx_enter_enclave with R12-R15 (and RBX) saved around it. The vDSO
 * preserves only RBX and RBP, and an exception inside the enclave returns
 * with the AEX's synthetic registers (R8-R15 zero), so C callers need this
 * wrapper, as the kernel selftests do.
 */
	.text
	.globl	edmm_vdso_call
	.type	edmm_vdso_call, @function
edmm_vdso_call:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	24(%rbp), %r11	/* vdso */
	mov	16(%rbp), %rax	/* run, the vDSO's stack argument */
	push	%rax		/* RSP is 16-byte aligned at the call */
	call	*%r11
	add	$8, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
	.size	edmm_vdso_call, . - edmm_vdso_call

	.section .note.GNU-stack, "", @progbits

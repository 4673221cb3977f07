/* SPDX-License-Identifier: MIT */
/*
 * void shim_call_on_stack(void (*fn)(int, siginfo_t *, void *), int sig,
 *                         siginfo_t *si, void *uc, void *stack_top);
 *
 * Calls a signal handler on another stack: softsgx's handlers run on an
 * alternate stack, but a program handler installed without SA_ONSTACK
 * must run on the stack of the context it interrupted, as the kernel
 * would have placed it. stack_top is 16-byte aligned.
 */
	.text
	.globl	shim_call_on_stack
	.hidden	shim_call_on_stack
	.type	shim_call_on_stack, @function
shim_call_on_stack:
	.cfi_startproc
	push	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	mov	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	mov	%r8, %rsp
	mov	%rdi, %rax
	mov	%esi, %edi
	mov	%rdx, %rsi
	mov	%rcx, %rdx
	call	*%rax
	mov	%rbp, %rsp
	pop	%rbp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	shim_call_on_stack, . - shim_call_on_stack

	.section .note.GNU-stack, "", @progbits

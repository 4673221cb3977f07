/* SPDX-License-Identifier: MIT */
/*
 * Bootstrap of the hello enclave (softsgx enclave image convention,
 * docs/enclave-image.md). EENTER arrives here (TCS.OENTRY = e_entry) with
 *   RAX = CSSA, RBX = address of the TCS, RCX = address after the host's
 *   ENCLU (where EEXIT must return), RSP/RBP = the host's stack,
 *   FS = GS = this thread's thread-data page,
 * and RDI/RSI/RDX/R8/R9 carrying the host's arguments.
 */
#include <softsgx/enclave_layout.h>

#define ENCLU .byte 0x0f, 0x01, 0xd7
#define EEXIT 4

	.section .text.entry, "ax", @progbits
	.globl	enclave_entry
	.type	enclave_entry, @function
enclave_entry:
	/* CSSA > 0: entered to handle an exception; hello has no handler. */
	test	%rax, %rax
	jnz	.Lexception

	/* The host's stack and return address, for EEXIT. */
	mov	%rsp, %fs:SOFTSGX_TD_HOST_RSP
	mov	%rbp, %fs:SOFTSGX_TD_HOST_RBP
	mov	%rcx, %fs:SOFTSGX_TD_EXIT_ADDR

	/*
	 * The thread-data page holds offsets only (the base is not known
	 * when it is measured): base = TCS address - TCS offset.
	 */
	mov	%rbx, %rax
	sub	%fs:SOFTSGX_TD_TCS, %rax
	mov	%rax, %fs:SOFTSGX_TD_BASE
	mov	%fs:SOFTSGX_TD_STACK_TOP, %rsp
	add	%rax, %rsp

	/* The C ABI wants DF clear and a 16-byte aligned stack at the call. */
	xor	%ebp, %ebp
	cld
	call	enclave_main

	/* Result in RDI; back to the host's stack. */
	mov	%rax, %rdi
	mov	%fs:SOFTSGX_TD_HOST_RSP, %rsp
	mov	%fs:SOFTSGX_TD_HOST_RBP, %rbp
	mov	%fs:SOFTSGX_TD_EXIT_ADDR, %rbx

	/* Caller-saved registers may hold enclave data: do not leak them. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	mov	$EEXIT, %eax
	ENCLU
	ud2

.Lexception:
	mov	$-1, %rdi
	mov	%rcx, %rbx
	mov	$EEXIT, %eax
	ENCLU
	ud2
	.size	enclave_entry, . - enclave_entry

	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: MIT */
/*
 * Bootstrap of the EDMM example enclaves (docs/enclave-image.md section 7)
 * with OCALLs. EENTER arrives here with RAX = CSSA, RBX = the TCS,
 * RCX = the exit address, RDI = the host's struct edmm_call, and the
 * host's RSP/RBP. Every TCS, also one created at run time, must have a
 * thread-data page laid out as the convention says: its own FS/GS base.
 */
#include "edmm_rt.h"

#define ENCLU .byte 0x0f, 0x01, 0xd7
#define EEXIT 4

	.section .text.entry, "ax", @progbits
	.globl	enclave_entry
	.type	enclave_entry, @function
enclave_entry:
	/* CSSA > 0: entered to handle an exception; there is no handler. */
	test	%rax, %rax
	jnz	.Lexception

	mov	%rsp, %fs:SOFTSGX_TD_HOST_RSP
	mov	%rbp, %fs:SOFTSGX_TD_HOST_RBP
	mov	%rcx, %fs:SOFTSGX_TD_EXIT_ADDR
	mov	%rbx, %rax
	sub	%fs:SOFTSGX_TD_TCS, %rax
	mov	%rax, %fs:SOFTSGX_TD_BASE
	cld

	/* An OCALL is pending on this TCS: resume the parked stack. */
	mov	%fs:EDMM_TD_OCALL_RSP, %rcx
	test	%rcx, %rcx
	jnz	.Lresume

	mov	%fs:SOFTSGX_TD_STACK_TOP, %rsp
	add	%rax, %rsp
	xor	%ebp, %ebp
	call	edmm_main
	mov	%rax, %rdi
	jmp	.Lleave

.Lresume:
	movq	$0, %fs:EDMM_TD_OCALL_RSP
	mov	%rcx, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret	/* from edmm_ocall_switch, into edmm_ocall */

.Lexception:
	mov	$-2, %rdi	/* EDMM_ERR_EXCEPTION */
	mov	%rcx, %rbx
	mov	$EEXIT, %eax
	ENCLU
	ud2
	.size	enclave_entry, . - enclave_entry

/*
 * void edmm_ocall_switch(void): park the enclave's stack with its
 * callee-saved registers and leave; the next EENTER returns from here.
 */
	.globl	edmm_ocall_switch
	.hidden	edmm_ocall_switch
	.type	edmm_ocall_switch, @function
edmm_ocall_switch:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %fs:EDMM_TD_OCALL_RSP
	xor	%edi, %edi
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	/* fall through */
.Lleave:
	/* Back to the host's stack; leak no enclave data in registers. */
	mov	%fs:SOFTSGX_TD_HOST_RSP, %rsp
	mov	%fs:SOFTSGX_TD_HOST_RBP, %rbp
	mov	%fs:SOFTSGX_TD_EXIT_ADDR, %rbx
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
	.size	edmm_ocall_switch, . - edmm_ocall_switch

	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: MIT */
/*
 * Bootstrap of the test enclave (docs/enclave-image.md section 7).
 * EENTER arrives with RAX = CSSA, RBX = TCS, RCX = the return address,
 * RSP/RBP = the host's stack, FS = GS = this thread's thread-data page.
 *
 * Three ways in:
 *   CSSA > 0                 exception handler (enclave_handle_exception)
 *   CSSA = 0, OCALL pending  resume the suspended enclave context
 *   CSSA = 0                 a new operation (enclave_main)
 * and two ways out, both through .Lexit_to_host: the end of an operation and
 * an OCALL (te_ocall_switch). Host state is kept per thread in the
 * thread-data page (testenc.h TE_TLS_*), never on the enclave stack, so an
 * OCALL can leave and come back through a different host frame.
 */
#include <softsgx/enclave_layout.h>

#include "testenc.h"

#define ENCLU .byte 0x0f, 0x01, 0xd7
#define EEXIT 4

/* GPRSGX is the last 184 bytes of an SSA frame; RSP is at offset 32. */
#define GPRSGX_SIZE 184
#define GPRSGX_RSP 32
/* The interrupted code may use 128 bytes below its RSP (SysV red zone). */
#define RED_ZONE 128

	.section .text.entry, "ax", @progbits
	.globl	enclave_entry
	.type	enclave_entry, @function
enclave_entry:
	test	%rax, %rax
	jnz	.Lhandler_entry

	/* Where to go back to, and the host's callee-saved registers. */
	mov	%rsp, %fs:SOFTSGX_TD_HOST_RSP
	mov	%rbp, %fs:SOFTSGX_TD_HOST_RBP
	mov	%rcx, %fs:SOFTSGX_TD_EXIT_ADDR
	mov	%r12, %fs:TE_TLS_HOST_R12
	mov	%r13, %fs:TE_TLS_HOST_R13
	mov	%r14, %fs:TE_TLS_HOST_R14
	mov	%r15, %fs:TE_TLS_HOST_R15

	/* The thread-data page holds offsets: base = TCS - TCS offset. */
	mov	%rbx, %rax
	sub	%fs:SOFTSGX_TD_TCS, %rax
	mov	%rax, %fs:SOFTSGX_TD_BASE

	cmpq	$0, %fs:TE_TLS_OCALL_PENDING
	jne	.Locall_resume

	mov	%fs:SOFTSGX_TD_STACK_TOP, %rsp
	add	%rax, %rsp
	xor	%ebp, %ebp
	cld
	call	enclave_main		/* (RDI = op, RSI = args) */

/* RAX = status. Leaves through the host frame of the last CSSA = 0 EENTER. */
.Lexit_to_host:
	mov	%rax, %rdi
	mov	%fs:TE_TLS_OUT_RSI, %rsi
	mov	%fs:TE_TLS_OUT_RDX, %rdx
	mov	%fs:TE_TLS_OUT_R8, %r8
	mov	%fs:TE_TLS_OUT_R9, %r9
	mov	%fs:TE_TLS_HOST_R12, %r12
	mov	%fs:TE_TLS_HOST_R13, %r13
	mov	%fs:TE_TLS_HOST_R14, %r14
	mov	%fs:TE_TLS_HOST_R15, %r15
	mov	%fs:SOFTSGX_TD_HOST_RSP, %rsp
	mov	%fs:SOFTSGX_TD_HOST_RBP, %rbp
	mov	%fs:SOFTSGX_TD_EXIT_ADDR, %rbx
	jmp	.Leexit

/*
 * void te_ocall_switch(void): suspend this context (callee-saved registers
 * on the enclave stack, RSP in the thread-data page) and EEXIT with
 * TE_STATUS_OCALL. Returns when the host EENTERs this TCS again.
 */
	.globl	te_ocall_switch
	.hidden	te_ocall_switch
	.type	te_ocall_switch, @function
te_ocall_switch:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %fs:TE_TLS_OCALL_RSP
	movq	$1, %fs:TE_TLS_OCALL_PENDING
	mov	$TE_STATUS_OCALL, %eax
	jmp	.Lexit_to_host

/* The host came back (its frame is already saved): continue the context. */
.Locall_resume:
	mov	%fs:TE_TLS_OCALL_RSP, %rsp
	movq	$0, %fs:TE_TLS_OCALL_PENDING
	cld
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
	.size	te_ocall_switch, . - te_ocall_switch

/*
 * CSSA > 0: SSA[CSSA-1] holds the interrupted context. The handler runs on
 * the same thread stack, below the interrupted RSP and its red zone, and
 * keeps its own host frame so that the interrupted context still leaves
 * through the one it was entered from.
 */
.Lhandler_entry:
	mov	%rsp, %fs:TE_TLS_XH_RSP
	mov	%rbp, %fs:TE_TLS_XH_RBP
	mov	%rcx, %fs:TE_TLS_XH_RCX
	mov	%rbx, %rdx
	sub	%fs:SOFTSGX_TD_TCS, %rdx
	mov	%rdx, %fs:SOFTSGX_TD_BASE
	mov	%rax, %rdi		/* argument: CSSA */

	/* End of frame CSSA-1: base + ssa + CSSA * frame size. */
	mov	%fs:SOFTSGX_TD_SSA_FRAME_SIZE, %ecx
	shl	$12, %rcx
	imul	%rdi, %rcx
	add	%fs:SOFTSGX_TD_SSA, %rcx
	add	%rdx, %rcx
	mov	GPRSGX_RSP - GPRSGX_SIZE(%rcx), %rax

	/* Interrupted on this thread's stack? Else the stack is all free. */
	mov	%fs:SOFTSGX_TD_STACK_BOTTOM, %rsi
	add	%rdx, %rsi
	mov	%fs:SOFTSGX_TD_STACK_TOP, %r8
	add	%rdx, %r8
	cmp	%rsi, %rax
	jb	.Lhandler_top
	cmp	%r8, %rax
	ja	.Lhandler_top
	sub	$RED_ZONE, %rax
	and	$-16, %rax
	jmp	.Lhandler_stack
.Lhandler_top:
	mov	%r8, %rax
.Lhandler_stack:
	mov	%rax, %rsp
	xor	%ebp, %ebp
	cld
	call	enclave_handle_exception

	mov	%rax, %rdi
	xor	%esi, %esi
	xor	%edx, %edx
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	mov	%fs:TE_TLS_XH_RSP, %rsp
	mov	%fs:TE_TLS_XH_RBP, %rbp
	mov	%fs:TE_TLS_XH_RCX, %rbx

/* RBX = return address; RDI, RSI, RDX, R8, R9 = what the host gets. */
.Leexit:
	/* Do not leak enclave data in scratch registers and flags. */
	xor	%ecx, %ecx
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	pxor	%xmm0, %xmm0
	pxor	%xmm1, %xmm1
	mov	$EEXIT, %eax
	ENCLU
	ud2
	.size	enclave_entry, . - enclave_entry

	.section .note.GNU-stack, "", @progbits

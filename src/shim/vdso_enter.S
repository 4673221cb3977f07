/* SPDX-License-Identifier: MIT */
/*
 * __vdso_sgx_enter_enclave, with the upstream ABI and algorithm
 * (spec/linux-sgx-uapi.md §4.4). The bytes between softsgx_vdso_enter_start
 * and softsgx_vdso_enter_end are copied into the synthetic vDSO by vdso.c and
 * only ever run from that copy, so they must be position independent and free
 * of relocations: every reference below is to a local label of this section,
 * which the assembler resolves itself.
 *
 * The template lives in a read-only, non-executable data section on purpose:
 * the only executable ENCLU of the vDSO path is then the one in the synthetic
 * image, so the shim's SIGILL/SIGSEGV handlers can recognise it by address
 * alone, and libsoftsgx carries no executable code that nothing should run.
 *
 * The shim's signal handlers know two addresses inside the copy:
 *   softsgx_vdso_enter_enclu  the ENCLU (EENTER/ERESUME, and the AEP);
 *   softsgx_vdso_enter_fixup  where a reported exception resumes, entered
 *                             with RDI = trap number, RSI = error code,
 *                             RDX = fault address, EAX = leaf at the fault.
 */

#define SGX_EENTER	2
#define SGX_ERESUME	3
#define SGX_EEXIT	4
#define EINVAL		22

/* struct sgx_enclave_run */
#define RUN_TCS			0
#define RUN_FUNCTION		8
#define RUN_EXC_VECTOR		12
#define RUN_EXC_ERROR_CODE	14
#define RUN_EXC_ADDR		16
#define RUN_USER_HANDLER	24
#define RUN_RESERVED_START	40
#define RUN_RESERVED_END	256

/* Argument 7 (run), above the saved RBP and the return address. */
#define FRAME_RUN		16

#define EXPORT(name)			\
	.globl name;			\
	.hidden name;			\
	name:

	.section .rodata.softsgx_vdso_enter, "a", @progbits
	.balign 16
EXPORT(softsgx_vdso_enter_start)
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx

	mov	%ecx, %eax

	/* Entered first with the caller's leaf, again after a handler. */
.Lenter:
	cmp	$SGX_EENTER, %eax
	jb	.Linvalid
	cmp	$SGX_ERESUME, %eax
	ja	.Linvalid

	/* Reserved bytes must be zero so that they can get a meaning later. */
	mov	FRAME_RUN(%rbp), %rcx
	mov	$RUN_RESERVED_START, %rbx
.Lcheck_reserved:
	cmpq	$0, (%rcx, %rbx)
	jne	.Linvalid
	add	$8, %rbx
	cmp	$RUN_RESERVED_END, %rbx
	jne	.Lcheck_reserved

	/* TCS in RBX; the AEP in RCX is this very ENCLU, see below. */
	mov	RUN_TCS(%rcx), %rbx
	lea	.Lenclu(%rip), %rcx

	/*
	 * softsgx's fast path (the slot below, filled when the image is
	 * built): EENTER without a trap. It returns here only when it leaves
	 * the leaf to the ENCLU, which stays the AEP either way.
	 */
	cmpq	$0, .Lfast(%rip)
	je	.Lenclu
	call	*.Lfast(%rip)

	/*
	 * One ENCLU is both EENTER/ERESUME and the AEP: after an asynchronous
	 * exit the "CPU" comes back here with RAX = ERESUME and resumes, so
	 * interrupts and signals stay invisible to the caller.
	 */
EXPORT(softsgx_vdso_enter_enclu)
.Lenclu:
	enclu

	/* EEXIT lands here; RBP is the untrusted one the enclave gave back. */
	mov	FRAME_RUN(%rbp), %rbx
	movl	$SGX_EEXIT, RUN_FUNCTION(%rbx)

.Lhandle_exit:
	cmpq	$0, RUN_USER_HANDLER(%rbx)
	jne	.Lcall_handler

	/* 0: ENCLU was attempted; run->function says how it ended. */
	xor	%eax, %eax

	/*
	 * RBX is popped from the RSP the enclave exited with (or that the
	 * handler path restored), not from a fixed RBP slot: upstream does the
	 * same, and callers may depend on either behaviour.
	 */
.Lout:
	pop	%rbx
	leave
	ret

.Linvalid:
	mov	$-EINVAL, %eax
	jmp	.Lout

EXPORT(softsgx_vdso_enter_fixup)
	mov	FRAME_RUN(%rbp), %rbx
	mov	%eax, RUN_FUNCTION(%rbx)
	mov	%di, RUN_EXC_VECTOR(%rbx)
	mov	%si, RUN_EXC_ERROR_CODE(%rbx)
	mov	%rdx, RUN_EXC_ADDR(%rbx)
	jmp	.Lhandle_exit

.Lcall_handler:
	/* Argument 4: the untrusted RSP at exit, data may sit above it. */
	mov	%rsp, %rcx

	/* Keep run in RAX and the misalignment in callee-saved RBX. */
	mov	%rbx, %rax
	mov	%rsp, %rbx
	and	$0xf, %rbx

	/* Two pushes keep RSP 16-byte aligned at the call: pad + argument 7. */
	and	$-0x10, %rsp
	push	%rax
	push	%rax

	/* The ABI wants DF clear; the enclave may have left it set. */
	cld

	/* LFENCE: no speculative call through an injected handler address. */
	mov	RUN_USER_HANDLER(%rax), %rax
	lfence
	call	*%rax

	/* Back to the exit RSP: undo the two pushes and the alignment. */
	lea	0x10(%rsp, %rbx), %rsp

	/* <= 0 goes to the caller; > 0 is the next leaf (checked again). */
	cmp	$0, %eax
	jle	.Lout
	jmp	.Lenter

	.balign 8
EXPORT(softsgx_vdso_enter_fast)
.Lfast:
	.quad	0

EXPORT(softsgx_vdso_enter_end)

	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: MIT */
/*
 * Host-side entry code. The vDSO saves only RBX and RBP, and after an
 * exception R12-R15 hold the AEX's synthetic zeros (linux-sgx-uapi spec
 * 4.8), so C must not call it directly when the enclave may fault: this
 * wrapper saves every callee-saved register, as the kernel selftests do.
 * th_raw_eenter is an SGX runtime without the vDSO: its own ENCLU and AEP.
 */

/* struct th_call */
#define CALL_FN		0
#define CALL_RDI	8
#define CALL_RSI	16
#define CALL_RDX	24
#define CALL_R8		32
#define CALL_R9		40
#define CALL_FUNCTION	48

#define EENTER		2

	.text

/* int th_vdso_call(const struct th_call *call, struct sgx_enclave_run *run) */
	.globl	th_vdso_call
	.type	th_vdso_call, @function
th_vdso_call:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rsi			/* argument 7; RSP is 16-byte aligned */
	mov	%rdi, %rax
	mov	CALL_RDI(%rax), %rdi
	mov	CALL_RSI(%rax), %rsi
	mov	CALL_RDX(%rax), %rdx
	mov	CALL_R8(%rax), %r8
	mov	CALL_R9(%rax), %r9
	mov	CALL_FUNCTION(%rax), %ecx
	call	*CALL_FN(%rax)
	lea	-40(%rbp), %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
	.size	th_vdso_call, . - th_vdso_call

/* uint64_t th_raw_eenter(uint64_t tcs, uint64_t rdi, uint64_t rsi) */
	.globl	th_raw_eenter
	.type	th_raw_eenter, @function
th_raw_eenter:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rdi, %rbx
	mov	%rsi, %rdi
	mov	%rdx, %rsi
	lea	th_raw_aep(%rip), %rcx
	mov	$EENTER, %eax
	enclu
	/* EEXIT returns here (RCX at EENTER) with the status in RDI. */
	mov	%rdi, %rax
	lea	-40(%rbp), %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret

/*
 * The AEP. After an AEX the CPU comes here with RAX = ERESUME, RBX = TCS
 * and RCX = AEP, which is exactly what ERESUME needs; a signal handler
 * that returns lets it run.
 */
	.globl	th_raw_aep
th_raw_aep:
	enclu
	ud2
	.size	th_raw_eenter, . - th_raw_eenter

	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: MIT */
/*
 * Code whose exact instructions matter: the fault sites (so that the
 * exception handler can recognise a saved RIP and skip exactly one
 * instruction) and the busy loop (which must keep its state in general and
 * XMM registers across asynchronous exits). All in one page of .text.
 */
#include "testenc.h"

#define FUNC(name)			\
	.globl	name;			\
	.hidden	name;			\
	.type	name, @function;	\
	name:

#define LABEL(name)			\
	.globl	name;			\
	.hidden	name;			\
	name:

	.section .text.sites, "ax", @progbits
	.balign	4096

/* void te_fault_ud(void): #UD. */
FUNC(te_fault_ud)
LABEL(te_site_ud)
	ud2
LABEL(te_site_ud_end)
	ret

/* uint64_t te_fault_de(uint64_t x): x / 0, #DE; x when skipped. */
FUNC(te_fault_de)
	mov	%rdi, %rax
	xor	%edx, %edx
	xor	%ecx, %ecx
LABEL(te_site_de)
	div	%rcx
LABEL(te_site_de_end)
	ret

/* void te_fault_bp(void): #BP, a trap: the saved RIP is te_site_bp. */
FUNC(te_fault_bp)
	int3
LABEL(te_site_bp)
	ret

/* void te_fault_gp(void): hlt at CPL 3, #GP(0). */
FUNC(te_fault_gp)
LABEL(te_site_gp)
	hlt
LABEL(te_site_gp_end)
	ret

/*
 * uint64_t te_fault_syscall(void): getpid, which is #UD in enclave mode; 0
 * when skipped.
 */
FUNC(te_fault_syscall)
	mov	$39, %eax
LABEL(te_site_syscall)
	syscall
LABEL(te_site_syscall_end)
	xor	%eax, %eax
	ret

/* uint64_t te_fault_read(const uint64_t *p): *p, TE_READ_SKIPPED if skipped. */
FUNC(te_fault_read)
	movabs	$TE_READ_SKIPPED, %rax
LABEL(te_site_read)
	mov	(%rdi), %rax
LABEL(te_site_read_end)
	ret

/* void te_fault_write(uint64_t *p, uint64_t v): *p = v. */
FUNC(te_fault_write)
LABEL(te_site_write)
	mov	%rsi, (%rdi)
LABEL(te_site_write_end)
	ret

/*
 * uint64_t te_busy(uint64_t n, uint64_t seed, const uint64_t *stop,
 *                  uint64_t *iters): te_busy_ref() (testenc.h) over n
 * iterations, or fewer if stop[0] (untrusted memory, may be NULL) becomes
 * nonzero, writing the iterations done so far to stop[1] as it goes; the
 * iterations done go to *iters.
 */
FUNC(te_busy)
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsi, %r12		/* x */
	xor	%r13d, %r13d		/* s */
	xor	%r14d, %r14d		/* i */
	movabs	$TE_LCG_MUL, %r15
	movabs	$TE_LCG_INC, %rbx
	pxor	%xmm0, %xmm0		/* both lanes: sum of x */
.Lbusy_loop:
	cmp	%rdi, %r14
	jae	.Lbusy_done
	test	%rdx, %rdx
	jz	.Lbusy_step
	cmpq	$0, (%rdx)
	jne	.Lbusy_done
	mov	%r14, 8(%rdx)		/* progress, for the host to watch */
.Lbusy_step:
	imul	%r15, %r12
	add	%rbx, %r12
	rol	$5, %r13
	xor	%r12, %r13
	movq	%r12, %xmm1
	punpcklqdq %xmm1, %xmm1
	paddq	%xmm1, %xmm0
	inc	%r14
	jmp	.Lbusy_loop
.Lbusy_done:
	mov	%r14, (%rcx)
	movq	%xmm0, %rax
	pshufd	$0xee, %xmm0, %xmm1
	movq	%xmm1, %rdx
	add	%rdx, %rax
	add	%r13, %rax
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret

	.section .note.GNU-stack, "", @progbits

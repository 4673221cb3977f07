/* SPDX-License-Identifier: MIT */
/*
 * ENCLU leaves and the asynchronous exit, as transitions of a register file.
 * The caller (the shim) moves registers between the host context and
 * struct sgx_regs and applies FS/GS bases; the CPU checks operands through
 * the logical processor's translate callback and the EPCM, and reads and
 * writes the TCS and SSA through the EPC. Results as for ENCLS (cpu.h).
 */
#ifndef SOFTSGX_ARCH_ENCLU_H
#define SOFTSGX_ARCH_ENCLU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/cpu.h"

/* General registers in GPRSGX order, plus the segment bases. */
struct sgx_regs {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rflags, rip;
	uint64_t fsbase, gsbase;
};

/* Length of the ENCLU instruction (0f 01 d7). */
#define SGX_ENCLU_LEN 3

#define X86_EFLAGS_CF (1ULL << 0)
#define X86_EFLAGS_PF (1ULL << 2)
#define X86_EFLAGS_AF (1ULL << 4)
#define X86_EFLAGS_ZF (1ULL << 6)
#define X86_EFLAGS_SF (1ULL << 7)
#define X86_EFLAGS_TF (1ULL << 8)
#define X86_EFLAGS_DF (1ULL << 10)
#define X86_EFLAGS_OF (1ULL << 11)
#define X86_EFLAGS_RF (1ULL << 16)
#define X86_EFLAGS_ARITH                                                 \
	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | \
	 X86_EFLAGS_SF | X86_EFLAGS_OF)

/* What caused an asynchronous exit. */
struct sgx_aex_event {
	bool exception; /* false: interrupt/signal, nothing reported */
	bool software; /* INT3/INTO: EXITINFO type 6 */
	uint8_t vector;
	uint32_t error_code;
	uint64_t addr; /* #PF: full faulting linear address */
};

/*
 * EENTER/ERESUME: regs is the outside state at the ENCLU (rip = its
 * address); on success it becomes the enclave state to run. ERESUME also
 * returns the SSA frame's XSAVE image for the caller to restore.
 */
int sgx_eenter(struct sgx_lp *lp, struct sgx_regs *regs);
int sgx_eresume(struct sgx_lp *lp, struct sgx_regs *regs, const void **xsave,
		size_t *xsave_len);

/* Leaves executed inside the enclave (regs: enclave state at the ENCLU). */
int sgx_eexit(struct sgx_lp *lp, struct sgx_regs *regs);
int sgx_enclu_ereport(struct sgx_lp *lp, struct sgx_regs *regs);
int sgx_enclu_egetkey(struct sgx_lp *lp, struct sgx_regs *regs);
/* SGX2 */
int sgx_enclu_eaccept(struct sgx_lp *lp, struct sgx_regs *regs);
int sgx_enclu_eacceptcopy(struct sgx_lp *lp, struct sgx_regs *regs);
int sgx_enclu_emodpe(struct sgx_lp *lp, struct sgx_regs *regs);

/*
 * AEX: saves the enclave state (registers and the interrupted XSAVE image)
 * into SSA[CSSA], records EXITINFO/EXINFO, loads the synthetic state into
 * regs and leaves enclave mode. The caller then resets the extended state to
 * its INIT values and delivers the event at the AEP.
 */
void sgx_aex(struct sgx_lp *lp, struct sgx_regs *regs,
	     const struct sgx_aex_event *event, const void *xsave,
	     size_t xsave_len);

/* True when the faulting enclave access is refused by the EPCM (PF_SGX). */
bool sgx_epcm_denies(struct sgx_lp *lp, uint64_t linaddr, bool write,
		     bool fetch);

#endif /* SOFTSGX_ARCH_ENCLU_H */

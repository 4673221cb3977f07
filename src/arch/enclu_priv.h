/* SPDX-License-Identifier: MIT */
/* Helpers shared by the ENCLU leaves (enclu.c, enclu_sgx2.c). */
#ifndef SOFTSGX_ARCH_ENCLU_PRIV_H
#define SOFTSGX_ARCH_ENCLU_PRIV_H

#include "arch/enclu.h"
#include "arch/epc.h"

/* #PF error code bits (user mode accesses). */
#define PF_PRESENT (1U << 0)
#define PF_WRITE (1U << 1)
#define PF_USER (1U << 2)
#define PF_INSTR (1U << 4)

/* The EPC page mapped at linaddr (page aligned) and its EPCM entry, or 0. */
uintptr_t sgx_translate(struct sgx_lp *lp, uint64_t linaddr,
			struct sgx_epcm_entry **entry);

/* VALID, not blocked/pending/modified, at this linear address. */
bool sgx_epcm_usable(const struct sgx_epcm_entry *e, uint64_t linaddr);

/*
 * An explicit memory operand of a leaf run inside the enclave: inside
 * ELRANGE and aligned (#GP), a usable REG page of this enclave with R (or W
 * when write) (#PF). Its EPC address goes to *epc.
 */
int sgx_enclave_operand(struct sgx_lp *lp, uint64_t linaddr, size_t align,
			bool write, uintptr_t *epc);

/* RAX = code; ZF = (code != 0); CF, PF, AF, OF, SF cleared. */
void sgx_set_status(struct sgx_regs *regs, int code);

#endif /* SOFTSGX_ARCH_ENCLU_PRIV_H */

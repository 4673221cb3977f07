/* SPDX-License-Identifier: MIT */
/*
 * ENCLS leaves of the software SGX CPU. Operands are addresses as the
 * instruction receives them in RBX/RCX/RDX: EPC operands must lie in an EPC
 * section, other operands are ordinary memory. Each leaf returns 0, an
 * enum sgx_return_code, or ENCLS_FAULT_FLAG | vector (see cpu.h), and leaves
 * EPC state untouched unless it succeeds.
 */
#ifndef SOFTSGX_ARCH_ENCLS_H
#define SOFTSGX_ARCH_ENCLS_H

#include "arch/cpu.h"

int sgx_ecreate(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo,
		void *secs);
int sgx_eadd(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo, void *addr);
int sgx_eextend(struct sgx_lp *lp, void *secs, void *addr);
int sgx_einit(struct sgx_lp *lp, const void *sigstruct, const void *token,
	      void *secs);
int sgx_eremove(struct sgx_lp *lp, void *addr);

/* SGX2 */
int sgx_eaug(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo, void *addr);
int sgx_emodpr(struct sgx_lp *lp, const struct sgx_secinfo *secinfo,
	       void *addr);
int sgx_emodt(struct sgx_lp *lp, const struct sgx_secinfo *secinfo, void *addr);
int sgx_etrack(struct sgx_lp *lp, void *secs);

#endif /* SOFTSGX_ARCH_ENCLS_H */

/* SPDX-License-Identifier: MIT */
/* Steps shared by the ENCLS leaves that add a page (EADD, EAUG). */
#ifndef SOFTSGX_ARCH_ENCLS_PRIV_H
#define SOFTSGX_ARCH_ENCLS_PRIV_H

#include "arch/encls.h"
#include "arch/epc.h"

typedef int (*sgx_add_commit_t)(struct sgx_lp *lp,
				const struct sgx_pageinfo *pginfo, void *addr,
				struct sgx_epcm_entry *entry);

/*
 * With the operands checked: lock the destination (busy: #GP), require it
 * free (#PF), lock the SECS (busy: #GP), require a SECS (#PF), then commit
 * with both held. Either lock is released whatever the outcome.
 */
int sgx_add_page_locked(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo,
			void *addr, struct sgx_epcm_entry *entry,
			struct sgx_epcm_entry *secs_entry,
			sgx_add_commit_t commit);

#endif /* SOFTSGX_ARCH_ENCLS_PRIV_H */

// SPDX-License-Identifier: MIT
#include <string.h>

#include "arch/encls.h"
#include "arch/epc.h"
#include "arch/secs.h"
#include "arch/util.h"

static struct sgx_secs *owner_secs(const struct sgx_epcm_entry *entry)
{
	return (struct sgx_secs *)(uintptr_t)entry->secs;
}

static int eremove_secs(struct sgx_secs *secs, struct sgx_epcm_entry *entry)
{
	struct sgx_secs_hidden *hidden = sgx_secs_hidden(secs);

	if (atomic_load(&hidden->nr_children))
		return SGX_CHILD_PRESENT;
	/* Nothing of the enclave's identity outlives its SECS. */
	memset(secs, 0, sizeof(*secs));
	sgx_epcm_clear(entry);
	return SGX_SUCCESS;
}

static int eremove_child(struct sgx_epcm_entry *entry)
{
	struct sgx_secs *secs = owner_secs(entry);
	bool trimmed =
		entry->page_type == SGX_PAGE_TYPE_TRIM && !entry->modified;

	if (!trimmed && atomic_load(&sgx_secs_hidden(secs)->nr_active))
		return SGX_ENCLAVE_ACT;
	atomic_fetch_sub(&sgx_secs_hidden(secs)->nr_children, 1);
	sgx_epcm_clear(entry);
	return SGX_SUCCESS;
}

int sgx_eremove(struct sgx_lp *lp, void *addr)
{
	struct sgx_epcm_entry *entry;
	int ret = SGX_SUCCESS;

	if (!IS_ALIGNED(addr, SGX_PAGE_SIZE))
		return sgx_fault_gp(lp);
	entry = sgx_epcm_lookup(lp->cpu, (uintptr_t)addr);
	if (!entry)
		return sgx_fault_pf(lp, (uintptr_t)addr, 0);
	if (!sgx_epcm_trylock(entry))
		return sgx_fault_gp(lp);
	if (!entry->valid)
		ret = SGX_SUCCESS;
	else if (entry->page_type == SGX_PAGE_TYPE_VA)
		sgx_epcm_clear(entry);
	else if (entry->page_type == SGX_PAGE_TYPE_SECS)
		ret = eremove_secs(addr, entry);
	else
		ret = eremove_child(entry);
	sgx_epcm_unlock(entry);
	return ret;
}

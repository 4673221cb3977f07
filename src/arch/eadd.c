// SPDX-License-Identifier: MIT
#include <stdbool.h>
#include <string.h>

#include "arch/encls.h"
#include "arch/encls_priv.h"
#include "arch/epc.h"
#include "arch/measure.h"
#include "arch/secs.h"
#include "arch/util.h"

/* SECINFO.FLAGS bits EADD treats as reserved: 3..7 and 16..63. */
#define EADD_SECINFO_RESERVED \
	(~(SGX_SECINFO_PERMISSION_MASK | SGX_SECINFO_PAGE_TYPE_MASK))

static uint8_t secinfo_page_type(uint64_t flags)
{
	return (flags & SGX_SECINFO_PAGE_TYPE_MASK) >>
	       SGX_SECINFO_PAGE_TYPE_SHIFT;
}

static int eadd_operands(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo,
			 void *addr, struct sgx_epcm_entry **entry,
			 struct sgx_epcm_entry **secs_entry)
{
	const struct sgx_secinfo *secinfo;
	uint8_t type;

	if (!IS_ALIGNED(pginfo, 32) || !IS_ALIGNED(addr, SGX_PAGE_SIZE))
		return sgx_fault_gp(lp);
	*entry = sgx_epcm_lookup(lp->cpu, (uintptr_t)addr);
	if (!*entry)
		return sgx_fault_pf(lp, (uintptr_t)addr, 0);
	if (!IS_ALIGNED(pginfo->contents, SGX_PAGE_SIZE) ||
	    !IS_ALIGNED(pginfo->secs, SGX_PAGE_SIZE) ||
	    !IS_ALIGNED(pginfo->addr, SGX_PAGE_SIZE) ||
	    !IS_ALIGNED(pginfo->metadata, 64))
		return sgx_fault_gp(lp);
	*secs_entry = sgx_epcm_lookup(lp->cpu, pginfo->secs);
	if (!*secs_entry)
		return sgx_fault_pf(lp, pginfo->secs, 0);

	secinfo = (const struct sgx_secinfo *)(uintptr_t)pginfo->metadata;
	type = secinfo_page_type(secinfo->flags);
	if ((secinfo->flags & EADD_SECINFO_RESERVED) ||
	    !all_zero(secinfo->reserved, sizeof(secinfo->reserved)) ||
	    (type != SGX_PAGE_TYPE_REG && type != SGX_PAGE_TYPE_TCS))
		return sgx_fault_gp(lp);
	return 0;
}

/* Step 7: what the page content and permissions must satisfy. */
static bool eadd_page_valid(const struct sgx_secs *secs, uint64_t flags,
			    const void *page)
{
	const struct sgx_tcs *tcs = page;

	if (secinfo_page_type(flags) == SGX_PAGE_TYPE_REG)
		return !((flags & SGX_SECINFO_W) && !(flags & SGX_SECINFO_R));

	if (!all_zero(tcs->reserved, sizeof(tcs->reserved)) ||
	    (tcs->flags & SGX_TCS_RESERVED_MASK))
		return false;
	if (!(secs->attributes.flags & SGX_ATTR_MODE64BIT) &&
	    ((tcs->fs_limit & 0xFFF) != 0xFFF ||
	     (tcs->gs_limit & 0xFFF) != 0xFFF))
		return false;
	return true;
}

static int eadd_commit(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo,
		       void *addr, struct sgx_epcm_entry *entry)
{
	struct sgx_secs *secs = (struct sgx_secs *)(uintptr_t)pginfo->secs;
	const struct sgx_secinfo *secinfo =
		(const struct sgx_secinfo *)(uintptr_t)pginfo->metadata;
	uint64_t flags = sgx_measured_secinfo_flags(secinfo->flags);
	uint8_t page[SGX_PAGE_SIZE];

	memcpy(page, (const void *)(uintptr_t)pginfo->contents, sizeof(page));
	if (!eadd_page_valid(secs, secinfo->flags, page))
		return sgx_fault_gp(lp);
	if (pginfo->addr < secs->base ||
	    pginfo->addr - secs->base >= secs->size)
		return sgx_fault_gp(lp);
	if (sgx_secs_initialized(secs))
		return sgx_fault_gp(lp);

	if (secinfo_page_type(flags) == SGX_PAGE_TYPE_TCS) {
		struct sgx_tcs *tcs = (struct sgx_tcs *)page;

		tcs->flags &= ~SGX_TCS_DBGOPTIN;
		tcs->state = SGX_TCS_INACTIVE;
		tcs->ssa_index = 0;
		tcs->exit_addr = 0;
	}
	if (sgx_mrenclave_eadd(&sgx_secs_hidden(secs)->mrenclave,
			       pginfo->addr - secs->base, flags))
		return sgx_fault_gp(lp);

	memcpy(addr, page, sizeof(page));
	sgx_epcm_set(entry, secinfo_page_type(flags),
		     flags & SGX_SECINFO_PERMISSION_MASK, pginfo->addr,
		     pginfo->secs);
	atomic_fetch_add(&sgx_secs_hidden(secs)->nr_children, 1);
	return 0;
}

int sgx_add_page_locked(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo,
			void *addr, struct sgx_epcm_entry *entry,
			struct sgx_epcm_entry *secs_entry,
			sgx_add_commit_t commit)
{
	int ret;

	if (!sgx_epcm_trylock(entry))
		return sgx_fault_gp(lp);
	if (entry->valid) {
		ret = sgx_fault_pf(lp, (uintptr_t)addr, X86_PF_SGX);
		goto out_unlock;
	}
	if (!sgx_epcm_trylock(secs_entry)) {
		ret = sgx_fault_gp(lp);
		goto out_unlock;
	}
	if (!secs_entry->valid || secs_entry->page_type != SGX_PAGE_TYPE_SECS)
		ret = sgx_fault_pf(lp, pginfo->secs, X86_PF_SGX);
	else
		ret = commit(lp, pginfo, addr, entry);
	sgx_epcm_unlock(secs_entry);
out_unlock:
	sgx_epcm_unlock(entry);
	return ret;
}

int sgx_eadd(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo, void *addr)
{
	struct sgx_epcm_entry *entry = NULL, *secs_entry = NULL;
	int ret;

	ret = eadd_operands(lp, pginfo, addr, &entry, &secs_entry);
	if (ret)
		return ret;
	return sgx_add_page_locked(lp, pginfo, addr, entry, secs_entry,
				   eadd_commit);
}

static int eextend_chunk(struct sgx_lp *lp, struct sgx_secs *secs,
			 const struct sgx_epcm_entry *entry, const void *addr)
{
	uint64_t offset = entry->enclave_addr - secs->base +
			  ((uintptr_t)addr & (SGX_PAGE_SIZE - 1));

	if (sgx_secs_initialized(secs))
		return sgx_fault_gp(lp);
	if (sgx_mrenclave_eextend(&sgx_secs_hidden(secs)->mrenclave, offset,
				  addr))
		return sgx_fault_gp(lp);
	return 0;
}

int sgx_eextend(struct sgx_lp *lp, void *secs, void *addr)
{
	struct sgx_epcm_entry *entry, *secs_entry;
	int ret;

	if (!IS_ALIGNED(secs, SGX_PAGE_SIZE) ||
	    !IS_ALIGNED(addr, SGX_EEXTEND_CHUNK))
		return sgx_fault_gp(lp);
	secs_entry = sgx_epcm_lookup(lp->cpu, (uintptr_t)secs);
	if (!secs_entry)
		return sgx_fault_pf(lp, (uintptr_t)secs, 0);
	entry = sgx_epcm_lookup(lp->cpu, (uintptr_t)addr);
	if (!entry)
		return sgx_fault_pf(lp, (uintptr_t)addr, 0);
	if (!sgx_epcm_trylock(secs_entry))
		return sgx_fault_gp(lp);
	if (!entry->valid || (entry->page_type != SGX_PAGE_TYPE_REG &&
			      entry->page_type != SGX_PAGE_TYPE_TCS))
		ret = sgx_fault_pf(lp, (uintptr_t)addr, X86_PF_SGX);
	else if (entry->secs != (uintptr_t)secs || !secs_entry->valid ||
		 secs_entry->page_type != SGX_PAGE_TYPE_SECS)
		ret = sgx_fault_gp(lp);
	else
		ret = eextend_chunk(lp, secs, entry, addr);
	sgx_epcm_unlock(secs_entry);
	return ret;
}

// SPDX-License-Identifier: MIT
/*
 * SGX2 ENCLS leaves: EAUG adds a pending page to an initialised enclave,
 * EMODPR restricts a page's permissions, EMODT changes its type, and
 * ETRACK starts a TLB-tracking cycle that the enclave's EACCEPT waits for.
 */
#include <string.h>

#include "arch/encls.h"
#include "arch/encls_priv.h"
#include "arch/epc.h"
#include "arch/secs.h"
#include "arch/util.h"

static struct sgx_secs *owner(const struct sgx_epcm_entry *e)
{
	return (struct sgx_secs *)(uintptr_t)e->secs;
}

static int eaug_operands(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo,
			 void *addr, struct sgx_epcm_entry **entry,
			 struct sgx_epcm_entry **secs_entry)
{
	if (!IS_ALIGNED(pginfo, 32) || !IS_ALIGNED(addr, SGX_PAGE_SIZE))
		return sgx_fault_gp(lp);
	*entry = sgx_epcm_lookup(lp->cpu, (uintptr_t)addr);
	if (!*entry)
		return sgx_fault_pf(lp, (uintptr_t)addr, 0);
	/* A SECINFO is only for CET shadow-stack pages, which we lack. */
	if (pginfo->metadata || pginfo->contents ||
	    !IS_ALIGNED(pginfo->secs, SGX_PAGE_SIZE) ||
	    !IS_ALIGNED(pginfo->addr, SGX_PAGE_SIZE))
		return sgx_fault_gp(lp);
	*secs_entry = sgx_epcm_lookup(lp->cpu, pginfo->secs);
	if (!*secs_entry)
		return sgx_fault_pf(lp, pginfo->secs, 0);
	return 0;
}

static int eaug_commit(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo,
		       void *addr, struct sgx_epcm_entry *entry)
{
	struct sgx_secs *secs = (struct sgx_secs *)(uintptr_t)pginfo->secs;

	if (!sgx_secs_initialized(secs) || pginfo->addr < secs->base ||
	    pginfo->addr - secs->base >= secs->size)
		return sgx_fault_gp(lp);
	memset(addr, 0, SGX_PAGE_SIZE);
	sgx_epcm_set(entry, SGX_PAGE_TYPE_REG, SGX_SECINFO_R | SGX_SECINFO_W,
		     pginfo->addr, pginfo->secs);
	entry->pending = true;
	atomic_fetch_add(&sgx_secs_hidden(secs)->nr_children, 1);
	return 0;
}

int sgx_eaug(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo, void *addr)
{
	struct sgx_epcm_entry *entry = NULL, *secs_entry = NULL;
	int ret;

	ret = eaug_operands(lp, pginfo, addr, &entry, &secs_entry);
	if (ret)
		return ret;
	return sgx_add_page_locked(lp, pginfo, addr, entry, secs_entry,
				   eaug_commit);
}

/*
 * Operands of EMODPR/EMODT: SECINFO (64-byte aligned) and an EPC page. On
 * success the page's EPCM entry is returned locked; a busy page is reported
 * as SGX_EPC_PAGE_CONFLICT, as these leaves do.
 */
static int emod_operands(struct sgx_lp *lp, const struct sgx_secinfo *secinfo,
			 void *addr, uint64_t allowed_flags,
			 struct sgx_epcm_entry **entry)
{
	if (!IS_ALIGNED(secinfo, 64) || !IS_ALIGNED(addr, SGX_PAGE_SIZE))
		return sgx_fault_gp(lp);
	*entry = sgx_epcm_lookup(lp->cpu, (uintptr_t)addr);
	if (!*entry)
		return sgx_fault_pf(lp, (uintptr_t)addr, 0);
	if ((secinfo->flags & ~allowed_flags) ||
	    !all_zero(secinfo->reserved, sizeof(secinfo->reserved)))
		return sgx_fault_gp(lp);
	if (!sgx_epcm_trylock(*entry))
		return SGX_EPC_PAGE_CONFLICT;
	if (!(*entry)->valid) {
		sgx_epcm_unlock(*entry);
		return sgx_fault_pf(lp, (uintptr_t)addr, X86_PF_SGX);
	}
	return 0;
}

/* Common tail of EMODPR/EMODT: state that makes the page unmodifiable. */
static int emod_state(struct sgx_lp *lp, const struct sgx_epcm_entry *e)
{
	if (e->pending || e->modified)
		return SGX_PAGE_NOT_MODIFIABLE;
	if (!sgx_secs_initialized(owner(e)))
		return sgx_fault_gp(lp);
	return 0;
}

int sgx_emodpr(struct sgx_lp *lp, const struct sgx_secinfo *secinfo, void *addr)
{
	struct sgx_epcm_entry *e = NULL;
	uint64_t flags = secinfo->flags;
	int ret;

	ret = emod_operands(lp, secinfo, addr, SGX_SECINFO_PERMISSION_MASK, &e);
	if (ret)
		return ret;
	if ((flags & SGX_SECINFO_W) && !(flags & SGX_SECINFO_R))
		ret = sgx_fault_gp(lp);
	else if (e->pending || e->modified)
		ret = SGX_PAGE_NOT_MODIFIABLE;
	else if (e->page_type != SGX_PAGE_TYPE_REG)
		ret = sgx_fault_pf(lp, (uintptr_t)addr, X86_PF_SGX);
	else
		ret = emod_state(lp, e);
	if (!ret) {
		e->pr = true;
		e->perm &= (uint8_t)(flags & SGX_SECINFO_PERMISSION_MASK);
		e->mod_epoch = atomic_load(&sgx_secs_hidden(owner(e))->epoch);
	}
	sgx_epcm_unlock(e);
	return ret;
}

static bool emodt_transition(uint8_t from, uint8_t to)
{
	if (to == SGX_PAGE_TYPE_TCS)
		return from == SGX_PAGE_TYPE_REG;
	return from == SGX_PAGE_TYPE_REG || from == SGX_PAGE_TYPE_TCS ||
	       from == SGX_PAGE_TYPE_SS_FIRST || from == SGX_PAGE_TYPE_SS_REST;
}

int sgx_emodt(struct sgx_lp *lp, const struct sgx_secinfo *secinfo, void *addr)
{
	struct sgx_epcm_entry *e = NULL;
	uint8_t type = (secinfo->flags & SGX_SECINFO_PAGE_TYPE_MASK) >>
		       SGX_SECINFO_PAGE_TYPE_SHIFT;
	int ret;

	ret = emod_operands(lp, secinfo, addr, SGX_SECINFO_PAGE_TYPE_MASK, &e);
	if (ret)
		return ret;
	if (type != SGX_PAGE_TYPE_TCS && type != SGX_PAGE_TYPE_TRIM)
		ret = sgx_fault_gp(lp);
	else if (!emodt_transition(e->page_type, type))
		ret = sgx_fault_pf(lp, (uintptr_t)addr, X86_PF_SGX);
	else
		ret = emod_state(lp, e);
	if (!ret) {
		e->pr = false;
		e->modified = true;
		e->perm = 0;
		e->page_type = type;
		e->mod_epoch = atomic_load(&sgx_secs_hidden(owner(e))->epoch);
	}
	sgx_epcm_unlock(e);
	return ret;
}

int sgx_etrack(struct sgx_lp *lp, void *secs)
{
	struct sgx_epcm_entry *e;
	struct sgx_secs_hidden *hidden;
	uint64_t epoch;
	int ret = 0;

	if (!IS_ALIGNED(secs, SGX_PAGE_SIZE))
		return sgx_fault_gp(lp);
	e = sgx_epcm_lookup(lp->cpu, (uintptr_t)secs);
	if (!e)
		return sgx_fault_pf(lp, (uintptr_t)secs, 0);
	if (!sgx_epcm_trylock(e))
		return sgx_fault_gp(lp);
	if (!e->valid || e->page_type != SGX_PAGE_TYPE_SECS) {
		sgx_epcm_unlock(e);
		return sgx_fault_pf(lp, (uintptr_t)secs, X86_PF_SGX);
	}
	hidden = sgx_secs_hidden(secs);
	epoch = atomic_load(&hidden->epoch);
	/* Processors from before the previous ETRACK are still inside. */
	if (atomic_load(&hidden->active_at[(epoch + 1) & 1]))
		ret = SGX_PREV_TRK_INCMPL;
	else
		atomic_store(&hidden->epoch, epoch + 1);
	sgx_epcm_unlock(e);
	return ret;
}

bool sgx_tracking_done(const struct sgx_secs *secs, uint64_t mod_epoch)
{
	const struct sgx_secs_hidden *hidden = sgx_secs_hidden_const(secs);
	uint64_t epoch = atomic_load(&hidden->epoch);

	if (epoch <= mod_epoch)
		return false; /* no ETRACK since the change */
	/* Later ETRACKs could only start once this cycle was complete. */
	return epoch > mod_epoch + 1 ||
	       !atomic_load(&hidden->active_at[mod_epoch & 1]);
}

// SPDX-License-Identifier: MIT
/*
 * SGX2 leaves run by the enclave itself: EACCEPT acknowledges a change the
 * OS made (a page added, permissions restricted, a type changed),
 * EACCEPTCOPY initialises an added page from another, EMODPE extends
 * permissions (spec 9.1).
 */
#include <string.h>

#include "arch/enclu_priv.h"
#include "arch/secs.h"
#include "arch/util.h"

/* SECINFO.FLAGS bits EACCEPT may use: RWX, PENDING, MODIFIED, PR, type. */
#define EACCEPT_FLAGS                                        \
	(SGX_SECINFO_PERMISSION_MASK | SGX_SECINFO_PENDING | \
	 SGX_SECINFO_MODIFIED | SGX_SECINFO_PR | SGX_SECINFO_PAGE_TYPE_MASK)

static uint8_t page_type_of(uint64_t flags)
{
	return (flags & SGX_SECINFO_PAGE_TYPE_MASK) >>
	       SGX_SECINFO_PAGE_TYPE_SHIFT;
}

/* Reads the SECINFO operand (a readable page of the enclave). */
static int read_secinfo(struct sgx_lp *lp, uint64_t linaddr,
			struct sgx_secinfo *secinfo)
{
	uintptr_t epc;
	int ret = sgx_enclave_operand(lp, linaddr, 64, false, &epc);

	if (!ret)
		memcpy(secinfo, (const void *)epc, sizeof(*secinfo));
	return ret;
}

static bool secinfo_reserved(const struct sgx_secinfo *s, uint64_t allowed)
{
	return (s->flags & ~allowed) ||
	       !all_zero(s->reserved, sizeof(s->reserved));
}

/* Step 2: the combinations EACCEPT knows how to acknowledge. */
static bool eaccept_legal(uint64_t flags)
{
	bool pending = flags & SGX_SECINFO_PENDING;
	bool modified = flags & SGX_SECINFO_MODIFIED;
	bool pr = flags & SGX_SECINFO_PR;

	switch (page_type_of(flags)) {
	case SGX_PAGE_TYPE_REG:
		return (pr || pending) && !modified;
	case SGX_PAGE_TYPE_TCS:
	case SGX_PAGE_TYPE_TRIM:
		return !pending && modified && !pr;
	default:
		return false;
	}
}

/* The target page of EACCEPT/EMODPE: an EPC page of this enclave. */
static int target_page(struct sgx_lp *lp, uint64_t linaddr,
		       struct sgx_epcm_entry **e, uintptr_t *epc)
{
	const struct sgx_secs *secs = lp->encl.secs;

	if (!IS_ALIGNED(linaddr, SGX_PAGE_SIZE) || linaddr < secs->base ||
	    linaddr - secs->base >= secs->size)
		return sgx_fault_gp(lp);
	*epc = sgx_translate(lp, linaddr, e);
	if (!*epc)
		return sgx_fault_pf(lp, linaddr, PF_USER);
	if (!(*e)->valid || (*e)->blocked || (*e)->secs != (uintptr_t)secs ||
	    ((*e)->page_type != SGX_PAGE_TYPE_REG &&
	     (*e)->page_type != SGX_PAGE_TYPE_TCS &&
	     (*e)->page_type != SGX_PAGE_TYPE_TRIM))
		return sgx_fault_pf(lp, linaddr,
				    X86_PF_SGX | PF_USER | PF_PRESENT);
	return 0;
}

static bool eaccept_matches(const struct sgx_epcm_entry *e, uint64_t linaddr,
			    uint64_t flags)
{
	return e->enclave_addr == linaddr &&
	       e->pending == !!(flags & SGX_SECINFO_PENDING) &&
	       e->modified == !!(flags & SGX_SECINFO_MODIFIED) &&
	       e->perm == (flags & SGX_SECINFO_PERMISSION_MASK) &&
	       e->page_type == page_type_of(flags);
}

/* Step 6: a page becoming a TCS must look like a fresh one. */
static bool new_tcs_valid(const struct sgx_secs *secs,
			  const struct sgx_tcs *tcs)
{
	if (!all_zero(tcs->reserved, sizeof(tcs->reserved)) ||
	    (tcs->flags & ~SGX_TCS_AEXNOTIFY) || tcs->state || tcs->exit_addr ||
	    tcs->ssa_index >= tcs->nr_ssa_frames)
		return false;
	return (secs->attributes.flags & SGX_ATTR_MODE64BIT) ||
	       ((tcs->fs_limit & 0xFFF) == 0xFFF &&
		(tcs->gs_limit & 0xFFF) == 0xFFF);
}

static int eaccept_page(struct sgx_lp *lp, struct sgx_epcm_entry *e,
			uintptr_t epc, uint64_t linaddr, uint64_t flags)
{
	if (!eaccept_matches(e, linaddr, flags))
		return SGX_PAGE_ATTRIBUTES_MISMATCH;
	/* Acknowledging a restriction or type change waits for ETRACK. */
	if ((e->pr || e->modified) &&
	    !sgx_tracking_done(lp->encl.secs, e->mod_epoch))
		return SGX_NOT_TRACKED;
	if (e->page_type == SGX_PAGE_TYPE_TCS &&
	    !new_tcs_valid(lp->encl.secs, (const struct sgx_tcs *)epc))
		return sgx_fault_gp(lp);
	e->pending = false;
	e->modified = false;
	e->pr = false;
	return 0;
}

int sgx_enclu_eaccept(struct sgx_lp *lp, struct sgx_regs *regs)
{
	struct sgx_secinfo secinfo;
	struct sgx_epcm_entry *e = NULL;
	uintptr_t epc = 0;
	int ret;

	if (!lp->encl.active)
		return sgx_fault_gp(lp);
	ret = read_secinfo(lp, regs->rbx, &secinfo);
	if (!ret && (secinfo_reserved(&secinfo, EACCEPT_FLAGS) ||
		     !eaccept_legal(secinfo.flags)))
		ret = sgx_fault_gp(lp);
	if (!ret)
		ret = target_page(lp, regs->rcx, &e, &epc);
	if (ret)
		return ret;
	if (!sgx_epcm_trylock(e))
		return sgx_fault_gp(lp);
	ret = eaccept_page(lp, e, epc, regs->rcx, secinfo.flags);
	sgx_epcm_unlock(e);
	if (encls_faulted(ret))
		return ret;
	sgx_set_status(regs, ret);
	return 0;
}

/* EACCEPTCOPY's destination: an EAUG'd page still pending, RW, not X. */
static bool copy_destination_ok(const struct sgx_epcm_entry *e,
				uint64_t linaddr)
{
	return e->valid && e->pending && !e->modified &&
	       e->page_type == SGX_PAGE_TYPE_REG &&
	       e->perm == (SGX_SECINFO_R | SGX_SECINFO_W) &&
	       e->enclave_addr == linaddr;
}

int sgx_enclu_eacceptcopy(struct sgx_lp *lp, struct sgx_regs *regs)
{
	struct sgx_secinfo secinfo;
	struct sgx_epcm_entry *dst = NULL;
	uintptr_t src = 0, dst_epc = 0;
	uint64_t perm;
	int ret;

	if (!lp->encl.active)
		return sgx_fault_gp(lp);
	ret = read_secinfo(lp, regs->rbx, &secinfo);
	perm = secinfo.flags & SGX_SECINFO_PERMISSION_MASK;
	if (!ret &&
	    (secinfo_reserved(&secinfo, SGX_SECINFO_PERMISSION_MASK |
						SGX_SECINFO_PAGE_TYPE_MASK) ||
	     page_type_of(secinfo.flags) != SGX_PAGE_TYPE_REG ||
	     ((perm & SGX_SECINFO_W) && !(perm & SGX_SECINFO_R))))
		ret = sgx_fault_gp(lp);
	if (!ret)
		ret = target_page(lp, regs->rcx, &dst, &dst_epc);
	if (!ret)
		ret = sgx_enclave_operand(lp, regs->rdx, SGX_PAGE_SIZE, false,
					  &src);
	if (ret)
		return ret;
	if (!sgx_epcm_trylock(dst))
		return sgx_fault_gp(lp);
	ret = SGX_PAGE_ATTRIBUTES_MISMATCH;
	if (copy_destination_ok(dst, regs->rcx)) {
		memcpy((void *)dst_epc, (const void *)src, SGX_PAGE_SIZE);
		dst->perm = (uint8_t)perm;
		dst->pending = false;
		ret = 0;
	}
	sgx_epcm_unlock(dst);
	sgx_set_status(regs, ret);
	return 0;
}

int sgx_enclu_emodpe(struct sgx_lp *lp, struct sgx_regs *regs)
{
	struct sgx_secinfo secinfo;
	struct sgx_epcm_entry *e = NULL;
	uintptr_t epc = 0;
	uint64_t perm;
	int ret;

	if (!lp->encl.active)
		return sgx_fault_gp(lp);
	ret = read_secinfo(lp, regs->rbx, &secinfo);
	if (!ret &&
	    secinfo_reserved(&secinfo, SGX_SECINFO_PERMISSION_MASK |
					       SGX_SECINFO_PAGE_TYPE_MASK))
		ret = sgx_fault_gp(lp);
	if (!ret)
		ret = target_page(lp, regs->rcx, &e, &epc);
	if (ret)
		return ret;
	if (e->pending || e->modified || e->page_type != SGX_PAGE_TYPE_REG ||
	    e->enclave_addr != regs->rcx)
		return sgx_fault_pf(lp, regs->rcx,
				    X86_PF_SGX | PF_USER | PF_PRESENT);
	if (!sgx_epcm_trylock(e))
		return sgx_fault_gp(lp);
	perm = secinfo.flags & SGX_SECINFO_PERMISSION_MASK;
	if (!(e->perm & SGX_SECINFO_R) && !(perm & SGX_SECINFO_R) &&
	    (perm & SGX_SECINFO_W))
		ret = sgx_fault_gp(lp); /* would make the page write-only */
	else
		e->perm |= (uint8_t)perm;
	sgx_epcm_unlock(e);
	return ret;
}

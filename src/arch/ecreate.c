// SPDX-License-Identifier: MIT
#include <stdbool.h>
#include <string.h>

#include "arch/encls.h"
#include "arch/epc.h"
#include "arch/measure.h"
#include "arch/secs.h"
#include "arch/util.h"
#include "arch/xsave.h"

/* A value XSETBV would accept as XCR0, within what the CPU permits. */
static bool xfrm_legal(const struct sgx_cpu_features *f, uint64_t xfrm)
{
	const uint64_t avx512 = 0xE0, mpx = 0x18, amx = 0x60000;

	if ((xfrm & SGX_XFRM_LEGACY) != SGX_XFRM_LEGACY)
		return false;
	if (xfrm & ~f->xfrm_mask)
		return false;
	if ((xfrm & avx512) && ((xfrm & avx512) != avx512 || !(xfrm & 0x4)))
		return false;
	if ((xfrm & mpx) && (xfrm & mpx) != mpx)
		return false;
	if ((xfrm & amx) && (xfrm & amx) != amx)
		return false;
	return true;
}

static uint64_t misc_size(uint32_t miscselect)
{
	if (miscselect & SGX_MISC_CPINFO)
		return 2 * sizeof(struct sgx_exinfo);
	if (miscselect & SGX_MISC_EXINFO)
		return sizeof(struct sgx_exinfo);
	return 0;
}

static bool canonical(uint64_t addr)
{
	return (uint64_t)((int64_t)(addr << 16) >> 16) == addr;
}

/* Steps 6-15 of the SDM flow, on the private copy of the source SECS. */
static bool secs_valid(const struct sgx_cpu_features *f,
		       const struct sgx_secs *s)
{
	bool mode64 = s->attributes.flags & SGX_ATTR_MODE64BIT;
	unsigned int max_log2 =
		mode64 ? f->max_enclave_size_64 : f->max_enclave_size_32;

	if (!xfrm_legal(f, s->attributes.xfrm))
		return false;
	if (!(s->attributes.flags & SGX_ATTR_CET) &&
	    (s->cet_attributes || s->cet_leg_bitmap_offset))
		return false;
	if (s->miscselect & ~f->miscselect_mask)
		return false;
	if ((uint64_t)s->ssa_frame_size * SGX_PAGE_SIZE <
	    sgx_xsave_size(s->attributes.xfrm) + sizeof(struct sgx_gprsgx) +
		    misc_size(s->miscselect))
		return false;
	if (mode64 ? !canonical(s->base) : s->base >= (1ULL << 32))
		return false;
	if (max_log2 < 64 && s->size >= (1ULL << max_log2))
		return false;
	if (s->size < 2 * SGX_PAGE_SIZE || (s->size & (s->size - 1)) ||
	    (s->base & (s->size - 1)))
		return false;
	if (s->attributes.flags & ~f->attributes_mask)
		return false;
	if (!all_zero(s->reserved1, sizeof(s->reserved1)) ||
	    !all_zero(s->reserved2, sizeof(s->reserved2)) ||
	    !all_zero(s->reserved3, sizeof(s->reserved3)) ||
	    !all_zero(s->reserved4, sizeof(s->reserved4)))
		return false;
	if (!(s->attributes.flags & SGX_ATTR_KSS) &&
	    (s->config_svn || !all_zero(s->config_id, sizeof(s->config_id))))
		return false;
	return true;
}

static int secs_start_measurement(struct sgx_lp *lp, struct sgx_secs *secs)
{
	struct sgx_secs_hidden *hidden = sgx_secs_hidden(secs);

	memset(hidden, 0, sizeof(*hidden));
	hidden->eid = atomic_fetch_add(&lp->cpu->next_eid, 1);
	return sgx_mrenclave_init(&hidden->mrenclave, secs->ssa_frame_size,
				  secs->size);
}

static int ecreate_operands(struct sgx_lp *lp,
			    const struct sgx_pageinfo *pginfo, void *secs,
			    struct sgx_epcm_entry **entry)
{
	const struct sgx_secinfo *secinfo;

	if (!IS_ALIGNED(pginfo, 32) || !IS_ALIGNED(secs, SGX_PAGE_SIZE))
		return sgx_fault_gp(lp);
	*entry = sgx_epcm_lookup(lp->cpu, (uintptr_t)secs);
	if (!*entry)
		return sgx_fault_pf(lp, (uintptr_t)secs, 0);
	if (!IS_ALIGNED(pginfo->contents, SGX_PAGE_SIZE) ||
	    !IS_ALIGNED(pginfo->metadata, 64) || pginfo->addr || pginfo->secs)
		return sgx_fault_gp(lp);
	secinfo = (const struct sgx_secinfo *)(uintptr_t)pginfo->metadata;
	if (secinfo->flags != SGX_SECINFO_SECS ||
	    !all_zero(secinfo->reserved, sizeof(secinfo->reserved)))
		return sgx_fault_gp(lp);
	return 0;
}

int sgx_ecreate(struct sgx_lp *lp, const struct sgx_pageinfo *pginfo,
		void *secs)
{
	struct sgx_epcm_entry *entry = NULL;
	struct sgx_secs tmp;
	int ret;

	ret = ecreate_operands(lp, pginfo, secs, &entry);
	if (ret)
		return ret;
	if (!sgx_epcm_trylock(entry))
		return sgx_fault_gp(lp);
	if (entry->valid) {
		ret = sgx_fault_pf(lp, (uintptr_t)secs, X86_PF_SGX);
		goto out;
	}

	/* Checks apply to a private copy: the source may change under us. */
	memcpy(&tmp, (const void *)(uintptr_t)pginfo->contents, sizeof(tmp));
	if (!secs_valid(&lp->cpu->features, &tmp)) {
		ret = sgx_fault_gp(lp);
		goto out;
	}
	tmp.isv_prod_id = 0;
	tmp.isv_svn = 0;
	memset(tmp.mrenclave, 0, sizeof(tmp.mrenclave));
	memset(tmp.mrsigner, 0, sizeof(tmp.mrsigner));
	if (secs_start_measurement(lp, &tmp)) {
		ret = sgx_fault_gp(lp); /* the hash refused: no enclave */
		goto out;
	}
	memcpy(secs, &tmp, sizeof(tmp));

	sgx_epcm_set(entry, SGX_PAGE_TYPE_SECS, 0, 0, 0);
out:
	sgx_epcm_unlock(entry);
	return ret;
}

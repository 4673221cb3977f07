// SPDX-License-Identifier: MIT
/*
 * Enclave objects: backing memory, destruction and the mapping rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/random.h>
#include <unistd.h>

#include "arch/encls.h"
#include "arch/sgx_arch.h"
#include "arch/tcs.h"
#include "driver/driver.h"
#include "driver/encl.h"
#include "driver/encl_priv.h"
#include "driver/sys.h"
#include "lsm/lsm.h"

void sgx_encl_get(struct sgx_encl *encl)
{
	atomic_fetch_add(&encl->refcount, 1);
}

/*
 * How much of ELRANGE to back. A SIZE the CPU can never accept (below one
 * page, or at or above CPUID's maximum enclave size) gets no ELRANGE
 * pages: ECREATE will fault on it (-EIO, as upstream), and mapping a huge
 * alias first would fail with a different errno.
 */
static uint64_t elrange_backing(const struct sgx_secs *secs)
{
	const struct sgx_cpu_features *f = &sgx_driver_cpu()->features;
	unsigned int log2 = (secs->attributes.flags & SGX_ATTR_MODE64BIT) ?
				    f->max_enclave_size_64 :
				    f->max_enclave_size_32;

	if (secs->size < SGX_PAGE_SIZE ||
	    (log2 < 64 && secs->size >= (1ULL << log2)))
		return 0;
	return secs->size;
}

static size_t page_align(size_t n)
{
	return (n + SGX_PAGE_SIZE - 1) & ~(size_t)(SGX_PAGE_SIZE - 1);
}

void sgx_encl_layout(struct sgx_encl_layout *l, uint64_t elrange)
{
	l->nr_pages = elrange / SGX_PAGE_SIZE;
	l->pages_offset = elrange + SGX_PAGE_SIZE;
	l->epcm_offset = l->pages_offset +
			 page_align(l->nr_pages * sizeof(struct sgx_encl_page));
	l->lsm_offset =
		l->epcm_offset +
		page_align((l->nr_pages + 1) * sizeof(struct sgx_epcm_entry));
	l->alias_size = l->lsm_offset +
			page_align(security_enclave_shared_size(l->nr_pages));
}

int sgx_encl_view(struct sgx_encl *encl, void *alias, uint64_t elrange)
{
	struct sgx_encl_layout l;
	char *a = alias;

	sgx_encl_layout(&l, elrange);
	encl->alias = alias;
	encl->alias_size = l.alias_size;
	encl->nr_pages = l.nr_pages;
	encl->pages = l.nr_pages ? (void *)(a + l.pages_offset) : NULL;
	encl->secs = a + elrange;
	encl->lsm_shared = a + l.lsm_offset;
	encl->section = sgx_epc_add_shared_section(
		sgx_driver_cpu(), alias, l.nr_pages + 1,
		(struct sgx_epcm_entry *)(a + l.epcm_offset));
	if (!encl->section) {
		encl->alias = NULL;
		return -ENOMEM;
	}
	return 0;
}

/*
 * Every process that holds the enclave maps the alias at the same address,
 * so the address must stay free in children and in programs started with
 * execve, which allocate top-down from near the top of the address space:
 * aliases go to a region of their own, far below it, at a random start.
 */
#define SGX_ALIAS_REGION 0x200000000000ULL /* 32 TiB */
#define SGX_ALIAS_SPREAD (1ULL << 42)
#define SGX_ALIAS_ALIGN (1ULL << 30)

static void *alias_map(struct sgx_encl *encl, size_t size)
{
	static _Atomic uint64_t next;
	uint64_t step = (size + SGX_ALIAS_ALIGN - 1) & ~(SGX_ALIAS_ALIGN - 1);
	uint64_t at = atomic_load(&next), r = 0;
	void *alias;

	if (!at) {
		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r = (uint64_t)getpid() << 30;
		at = SGX_ALIAS_REGION +
		     ((r % SGX_ALIAS_SPREAD) & ~(SGX_ALIAS_ALIGN - 1));
	}
	for (int tries = 0; tries < 64; tries++, at += step) {
		void *want = (void *)(uintptr_t)at;

		alias = sgx_sys_mmap(want, size, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_NORESERVE |
					     MAP_FIXED_NOREPLACE,
				     encl->memfd, SGX_ENCL_ELRANGE_OFFSET);
		if (alias == want) {
			atomic_store(&next, at + step);
			return alias;
		}
		if (alias != MAP_FAILED) /* a kernel without NOREPLACE */
			sgx_sys_munmap(alias, size);
	}
	/* NORESERVE: only pages that get added use memory. */
	return sgx_sys_mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_NORESERVE, encl->memfd,
			    SGX_ENCL_ELRANGE_OFFSET);
}

int sgx_encl_backing_alloc(struct sgx_encl *encl, const void *src)
{
	uint64_t elrange = elrange_backing(src);
	struct sgx_encl_layout l;
	void *alias;
	int ret;

	sgx_encl_layout(&l, elrange);
	if (ftruncate(encl->memfd,
		      (off_t)(SGX_ENCL_ELRANGE_OFFSET + l.alias_size)))
		return errno == EFBIG || errno == EINVAL ? -ENOMEM : -errno;
	alias = alias_map(encl, l.alias_size);
	if (alias == MAP_FAILED) {
		ret = -errno;
		goto err_truncate;
	}
	ret = sgx_encl_view(encl, alias, elrange);
	if (ret) {
		sgx_sys_munmap(alias, l.alias_size);
		goto err_truncate;
	}
	encl->sh->elrange = elrange;
	encl->sh->alias_addr = (uintptr_t)alias;
	return 0;

err_truncate:
	/* A later CREATE starts again from zeroed records and EPCM. */
	(void)!ftruncate(encl->memfd, SGX_ENCL_ELRANGE_OFFSET);
	return ret;
}

static void backing_unmap(struct sgx_encl *encl)
{
	sgx_sys_munmap(encl->alias, encl->alias_size);
	encl->alias = NULL;
	encl->alias_size = 0;
	encl->section = NULL;
	encl->pages = NULL;
	encl->nr_pages = 0;
	encl->secs = NULL;
	encl->lsm_shared = NULL;
}

void sgx_encl_backing_free(struct sgx_encl *encl)
{
	if (!encl->alias)
		return;
	sgx_epc_detach_section(sgx_driver_cpu(), encl->section);
	backing_unmap(encl);
	(void)!ftruncate(encl->memfd, SGX_ENCL_ELRANGE_OFFSET);
}

/* This process gave the page to the budget only if it charged it. */
static void uncharge_page(struct sgx_encl *encl)
{
	if (!encl->epc_pages)
		return;
	encl->epc_pages--;
	sgx_epc_uncharge(1);
}

int sgx_encl_remove_page(struct sgx_encl *encl, uint64_t offset)
{
	struct sgx_encl_page *page = &encl->pages[offset / SGX_PAGE_SIZE];
	int ret;

	ret = sgx_eremove(sgx_driver_lp(), sgx_encl_epc_page(encl, offset));
	if (ret)
		return ret;
	page->flags = 0;
	page->type = 0;
	page->vm_max_prot_bits = 0;
	security_enclave_page_removed(encl->security, offset);
	encl->sh->nr_added--;
	uncharge_page(encl);
	return 0;
}

/* This enclave's pages by address: the SSA frames sgx_tcs_reclaim fills. */
static uintptr_t encl_translate(void *ctx, uint64_t linaddr)
{
	struct sgx_encl *encl = ctx;
	uint64_t offset = linaddr - encl->base;

	if (linaddr < encl->base || offset >= encl->size || !encl->nr_pages ||
	    !(encl->pages[offset / SGX_PAGE_SIZE].flags &
	      SGX_ENCL_PAGE_PRESENT))
		return 0;
	return (uintptr_t)sgx_encl_epc_page(encl, offset);
}

/*
 * The page records are read without the lock, which kicked threads may
 * need; sgx_tcs_reclaim checks the EPCM itself.
 */
void sgx_encl_reclaim_dead(struct sgx_encl *encl)
{
	struct sgx_lp lp;

	sgx_lp_init(&lp, sgx_driver_cpu());
	lp.translate = encl_translate;
	lp.translate_ctx = encl;
	for (size_t i = 0; i < encl->nr_pages; i++)
		if ((encl->pages[i].flags & SGX_ENCL_PAGE_PRESENT) &&
		    encl->pages[i].type == SGX_PAGE_TYPE_TCS)
			sgx_tcs_reclaim(&lp, (uintptr_t)sgx_encl_epc_page(
						     encl, i * SGX_PAGE_SIZE));
}

/* EREMOVE children first: a SECS with children cannot be removed. */
static void sgx_encl_remove_all(struct sgx_encl *encl)
{
	for (size_t i = 0; i < encl->nr_pages && encl->sh->nr_added; i++)
		if (encl->pages[i].flags & SGX_ENCL_PAGE_PRESENT)
			sgx_encl_remove_page(encl, i * SGX_PAGE_SIZE);
	if (sgx_encl_test_flag(encl, SGX_ENCL_CREATED) && !encl->sh->nr_added &&
	    !sgx_eremove(sgx_driver_lp(), encl->secs))
		uncharge_page(encl);
}

/*
 * This process lets go. The last process EREMOVEs every page: the enclave
 * is destroyed. A section with a valid page left cannot go from the CPU,
 * which still refers to it: that only happens if an EREMOVE failed, which
 * the kernel also answers by leaking the page; the alias stays mapped for
 * the same reason, and softsgx says so. Any other process just forgets
 * the enclave: the pages stay valid for the ones that still hold it.
 */
void sgx_encl_release(struct sgx_encl *encl, bool last)
{
	bool leaked = false;

	if (encl->alias && last) {
		/* A holder that died inside would keep its pages in use. */
		sgx_encl_reclaim_dead(encl);
		sgx_encl_lock(encl);
		sgx_encl_remove_all(encl);
		sgx_encl_unlock(encl);
		leaked = !sgx_epc_remove_section(sgx_driver_cpu(),
						 encl->section);
		if (leaked)
			fprintf(stderr,
				"softsgx: enclave at 0x%llx: EREMOVE failed, "
				"leaking its EPC\n",
				(unsigned long long)encl->base);
		else
			backing_unmap(encl);
	} else if (encl->alias) {
		sgx_epc_detach_section(sgx_driver_cpu(), encl->section);
		backing_unmap(encl);
	}
	/* After a failed EREMOVE the EPC stays charged, as it stays used. */
	if (!leaked)
		sgx_epc_uncharge(encl->epc_pages);
	encl->epc_pages = 0;
	security_enclave_free(encl->security);
	encl->security = NULL;
}

static bool range_outside_elrange(struct sgx_encl *encl, unsigned long start,
				  unsigned long end)
{
	return start < encl->base || end > encl->base + encl->size;
}

/* Rule 3: only pages that exist are checked. */
static int pages_allow(struct sgx_encl *encl, unsigned long start,
		       unsigned long end, unsigned long prot)
{
	uint64_t first, last;
	int ret = 0;

	if (end <= encl->base || start >= encl->base + encl->size)
		return 0;
	first = (start > encl->base ? start - encl->base : 0) / SGX_PAGE_SIZE;
	last = (end - encl->base + SGX_PAGE_SIZE - 1) / SGX_PAGE_SIZE;
	sgx_encl_lock(encl);
	if (last > encl->nr_pages)
		last = encl->nr_pages;
	for (uint64_t i = first; i < last && encl->sh->nr_added; i++) {
		const struct sgx_encl_page *page = &encl->pages[i];

		if ((page->flags & SGX_ENCL_PAGE_PRESENT) &&
		    (prot & ~(unsigned long)page->vm_max_prot_bits)) {
			ret = -EACCES;
			break;
		}
	}
	sgx_encl_unlock(encl);
	return ret;
}

static int may_map(struct sgx_encl *encl, unsigned long start,
		   unsigned long end, unsigned long prot, bool mprotect)
{
	int ret;

	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;

	/* Another process may have created the enclave since. */
	ret = sgx_encl_sync(encl);
	if (ret)
		return ret;
	if (sgx_encl_test_flag(encl, SGX_ENCL_INITIALIZED) &&
	    range_outside_elrange(encl, start, end))
		return -EACCES;
	/* Such a task's VMAs could exceed what the pages allow. */
	if (personality(0xffffffff) & READ_IMPLIES_EXEC)
		return -EACCES;
	if (!sgx_encl_test_flag(encl, SGX_ENCL_CREATED))
		return 0; /* no pages yet */
	ret = pages_allow(encl, start, end, prot);
	if (ret)
		return ret;
	/* The policy: each page's history against prot (mapwx, execdirty...). */
	if (mprotect)
		return security_enclave_mprotect(encl->security, start, end,
						 prot);
	return security_enclave_map(encl->security, start, end, prot);
}

int sgx_encl_may_map(struct sgx_encl *encl, unsigned long start,
		     unsigned long end, unsigned long prot)
{
	return may_map(encl, start, end, prot, false);
}

int sgx_encl_may_mprotect(struct sgx_encl *encl, unsigned long start,
			  unsigned long end, unsigned long prot)
{
	return may_map(encl, start, end, prot, true);
}

// SPDX-License-Identifier: MIT
/*
 * Enclave objects: lifetime, backing memory and the mapping rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <unistd.h>

#include "arch/encls.h"
#include "arch/sgx_arch.h"
#include "driver/driver.h"
#include "driver/encl.h"
#include "lsm/lsm.h"

struct sgx_encl *sgx_encl_alloc(void)
{
	struct sgx_encl *encl;
	int ret;

	/* Every enclave needs the machine, at the latest to be released. */
	ret = sgx_driver_init(NULL, 0);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	encl = calloc(1, sizeof(*encl));
	if (!encl) {
		errno = ENOMEM;
		return NULL;
	}
	if (pthread_mutex_init(&encl->lock, NULL)) {
		free(encl);
		errno = ENOMEM;
		return NULL;
	}
	atomic_init(&encl->flags, 0);
	atomic_init(&encl->refcount, 1);
	encl->owner = getpid();
	encl->memfd = -1;
	return encl;
}

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

#ifdef MFD_EXEC
#define SGX_MFD_EXEC MFD_EXEC
#else
#define SGX_MFD_EXEC 0x0010U
#endif

static int backing_map(struct sgx_encl *encl, uint64_t elrange)
{
	size_t size = elrange + SGX_PAGE_SIZE;
	void *alias;
	int fd;

	/*
	 * Enclave code runs from mappings of this file: ask for an executable
	 * memfd explicitly (vm.memfd_noexec may default to noexec); kernels
	 * before 6.3 do not know the flag and refuse it.
	 */
	fd = memfd_create("softsgx-enclave", MFD_CLOEXEC | SGX_MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("softsgx-enclave", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	/* NORESERVE: only pages that get added use memory. */
	alias = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (alias == MAP_FAILED) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	encl->memfd = fd;
	encl->alias = alias;
	encl->alias_size = size;
	return 0;
}

static void backing_unmap(struct sgx_encl *encl)
{
	munmap(encl->alias, encl->alias_size);
	close(encl->memfd);
	encl->alias = NULL;
	encl->alias_size = 0;
	encl->memfd = -1;
}

int sgx_encl_backing_alloc(struct sgx_encl *encl, const void *src)
{
	uint64_t elrange = elrange_backing(src);
	size_t nr_pages = elrange / SGX_PAGE_SIZE;
	int ret;

	ret = backing_map(encl, elrange);
	if (ret)
		return ret;
	if (nr_pages) {
		/* calloc of a large array is lazily zeroed memory. */
		encl->pages = calloc(nr_pages, sizeof(*encl->pages));
		if (!encl->pages)
			goto err_nomem;
	}
	encl->nr_pages = nr_pages;
	encl->secs = sgx_encl_epc_page(encl, elrange);
	encl->section = sgx_epc_add_section(sgx_driver_cpu(), encl->alias,
					    nr_pages + 1);
	if (!encl->section)
		goto err_nomem;
	return 0;

err_nomem:
	free(encl->pages);
	encl->pages = NULL;
	encl->nr_pages = 0;
	encl->secs = NULL;
	backing_unmap(encl);
	return -ENOMEM;
}

void sgx_encl_backing_free(struct sgx_encl *encl)
{
	if (!encl->alias)
		return;
	/*
	 * A section with a valid page cannot go: the CPU still refers to it.
	 * That only happens if an EREMOVE failed, which the kernel also
	 * answers by leaking the page; keep the alias mapped for the same
	 * reason, and say so.
	 */
	if (encl->section &&
	    !sgx_epc_remove_section(sgx_driver_cpu(), encl->section)) {
		fprintf(stderr,
			"softsgx: enclave at 0x%llx: EREMOVE failed, leaking "
			"its EPC\n",
			(unsigned long long)encl->base);
		close(encl->memfd);
		encl->memfd = -1;
		return;
	}
	encl->section = NULL;
	free(encl->pages);
	encl->pages = NULL;
	encl->nr_pages = 0;
	encl->secs = NULL;
	backing_unmap(encl);
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
	encl->nr_added--;
	encl->epc_pages--;
	sgx_epc_uncharge(1);
	return 0;
}

/* EREMOVE children first: a SECS with children cannot be removed. */
static void sgx_encl_remove_all(struct sgx_encl *encl)
{
	for (size_t i = 0; i < encl->nr_pages && encl->nr_added; i++)
		if (encl->pages[i].flags & SGX_ENCL_PAGE_PRESENT)
			sgx_encl_remove_page(encl, i * SGX_PAGE_SIZE);
	if (sgx_encl_test_flag(encl, SGX_ENCL_CREATED) && !encl->nr_added &&
	    !sgx_eremove(sgx_driver_lp(), encl->secs)) {
		encl->epc_pages--;
		sgx_epc_uncharge(1);
	}
}

/*
 * A forked child has a private copy of the driver's state (EPCM included)
 * but shares the alias with its parent; EREMOVE would write the SECS page
 * the parent still uses. The child drops its copy of the EPCM entries and
 * touches no EPC memory.
 */
static void sgx_encl_forget_all(struct sgx_encl *encl)
{
	struct sgx_epc_section *s = encl->section;

	if (!s)
		return;
	for (size_t i = 0; i < s->nr_pages; i++)
		if (s->epcm[i].valid)
			sgx_epcm_clear(&s->epcm[i]);
	sgx_epc_uncharge(encl->epc_pages);
	encl->epc_pages = 0;
	encl->nr_added = 0;
}

static void sgx_encl_release(struct sgx_encl *encl)
{
	pthread_mutex_lock(&encl->lock);
	if (getpid() == encl->owner)
		sgx_encl_remove_all(encl);
	else
		sgx_encl_forget_all(encl);
	sgx_encl_backing_free(encl);
	security_enclave_free(encl->security);
	encl->security = NULL;
	pthread_mutex_unlock(&encl->lock);
	pthread_mutex_destroy(&encl->lock);
	/* After a failed EREMOVE the EPC stays charged, as it stays used. */
	free(encl);
}

void sgx_encl_put(struct sgx_encl *encl)
{
	if (atomic_fetch_sub(&encl->refcount, 1) == 1)
		sgx_encl_release(encl);
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
	pthread_mutex_lock(&encl->lock);
	if (last > encl->nr_pages)
		last = encl->nr_pages;
	for (uint64_t i = first; i < last && encl->nr_added; i++) {
		const struct sgx_encl_page *page = &encl->pages[i];

		if ((page->flags & SGX_ENCL_PAGE_PRESENT) &&
		    (prot & ~(unsigned long)page->vm_max_prot_bits)) {
			ret = -EACCES;
			break;
		}
	}
	pthread_mutex_unlock(&encl->lock);
	return ret;
}

static int may_map(struct sgx_encl *encl, unsigned long start,
		   unsigned long end, unsigned long prot, bool mprotect)
{
	int ret;

	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;

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

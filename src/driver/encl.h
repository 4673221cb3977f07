/* SPDX-License-Identifier: MIT */
/*
 * One enclave, as the kernel's struct sgx_encl: what an open
 * /dev/sgx_enclave file description refers to.
 *
 * Memory (DESIGN section 3): every enclave owns a memfd of SIZE + 4096
 * bytes. Offset o < SIZE holds the enclave page at SECS.BASE + o, offset
 * SIZE holds the SECS. The driver maps the whole memfd once, read-write,
 * as the *alias*, and registers it with the CPU as one EPC section, so the
 * EPC page of enclave offset o is alias + o. The shim maps the same memfd
 * at ELRANGE for the program.
 */
#ifndef SOFTSGX_DRIVER_ENCL_H
#define SOFTSGX_DRIVER_ENCL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/epc.h"

struct sgx_lsm_encl;

/* struct sgx_encl.flags (spec 2.2). */
enum sgx_encl_flags {
	SGX_ENCL_IOCTL = 1UL << 0, /* an ioctl is in progress */
	SGX_ENCL_DEBUG = 1UL << 1,
	SGX_ENCL_CREATED = 1UL << 2,
	SGX_ENCL_INITIALIZED = 1UL << 3,
};

/* struct sgx_encl_page.flags */
#define SGX_ENCL_PAGE_PRESENT 0x1

/* What the driver knows of one page of ELRANGE. */
struct sgx_encl_page {
	uint8_t flags;
	uint8_t type; /* enum sgx_page_type */
	/* Most a VMA may allow: PROT_READ | PROT_WRITE | PROT_EXEC (spec 3.3). */
	uint8_t vm_max_prot_bits;
};

struct sgx_encl {
	atomic_ulong flags; /* enum sgx_encl_flags */
	atomic_int refcount;
	pid_t owner; /* the process that opened it (see sgx_encl_put) */
	pthread_mutex_t lock; /* pages[] and nr_added */

	/* Fixed by a successful CREATE, before SGX_ENCL_CREATED is set. */
	uint64_t base;
	uint64_t size;
	uint64_t attributes; /* SECS.ATTRIBUTES.FLAGS */
	/* Attributes INIT allows; CREATE resets, PROVISION extends. */
	uint64_t attributes_mask;

	struct sgx_encl_page *pages; /* indexed by enclave offset >> 12 */
	size_t nr_pages; /* size >> 12 when ELRANGE is backed, else 0 */
	size_t nr_added; /* pages with SGX_ENCL_PAGE_PRESENT */

	int memfd; /* the backing, -1 before CREATE */
	void *alias; /* memfd mapped read-write: the EPC the CPU sees */
	size_t alias_size;
	void *secs; /* EPC page of the SECS, after the ELRANGE pages */
	struct sgx_epc_section *section;
	size_t epc_pages; /* charged to the EPC budget */

	/* The policy's page history (src/lsm); NULL without a policy. */
	struct sgx_lsm_encl *security;
};

/* open(): a new, empty enclave with one reference; NULL and errno. */
struct sgx_encl *sgx_encl_alloc(void);
void sgx_encl_get(struct sgx_encl *encl);
/*
 * The last reference frees the enclave: EREMOVE everything, unmap, close.
 * In a forked child the enclave's pages are shared with the parent, so
 * there it only forgets its copy of them (no EREMOVE).
 */
void sgx_encl_put(struct sgx_encl *encl);

/*
 * May [start, end) be mapped, or mprotected, with prot (PROT_*)? Spec 3.2
 * step 3: after INIT only inside ELRANGE; never for a READ_IMPLIES_EXEC
 * task; never with a bit outside the maximum protection of a page that
 * exists in the range. 0 or -EACCES.
 */
int sgx_encl_may_map(struct sgx_encl *encl, unsigned long start,
		     unsigned long end, unsigned long prot);
/*
 * The same rule for mprotect (upstream's vm_ops->mprotect runs may_map);
 * only the policy's audit records tell the two apart (op=mprotect).
 */
int sgx_encl_may_mprotect(struct sgx_encl *encl, unsigned long start,
			  unsigned long end, unsigned long prot);

static inline bool sgx_encl_test_flag(struct sgx_encl *encl, unsigned long flag)
{
	return atomic_load(&encl->flags) & flag;
}

/* The EPC page that holds enclave offset `offset`. */
static inline void *sgx_encl_epc_page(struct sgx_encl *encl, uint64_t offset)
{
	return (char *)encl->alias + offset;
}

/* --- for ioctl.c ------------------------------------------------------ */

/*
 * Create the memfd, alias, page records and EPC section for the SECS image
 * src (its SIZE and MODE64BIT decide the layout); nothing is charged to the
 * EPC budget. 0 or -errno; on error nothing is left behind.
 */
int sgx_encl_backing_alloc(struct sgx_encl *encl, const void *src);
void sgx_encl_backing_free(struct sgx_encl *encl);

/*
 * EREMOVE the page at offset and forget it, giving its EPC page back to the
 * budget. Called with encl->lock held. 0 or the EREMOVE result.
 */
int sgx_encl_remove_page(struct sgx_encl *encl, uint64_t offset);

#endif /* SOFTSGX_DRIVER_ENCL_H */

/* SPDX-License-Identifier: MIT */
/*
 * One enclave, as the kernel's struct sgx_encl: what an open
 * /dev/sgx_enclave file description refers to.
 *
 * Upstream the enclave is one kernel object, whichever processes hold the
 * file after fork() or execve(). softsgx keeps everything that object owns
 * in one memfd, which is the file description itself (the program's fd is
 * a dup of it), laid out as:
 *
 *   0                       struct sgx_encl_shared (flags, lock, users)
 *   SGX_ENCL_ELRANGE_OFFSET the enclave page at SECS.BASE + o, o < SIZE
 *   + SIZE                  the SECS
 *   + SIZE + 4096           struct sgx_encl_page records, one per page
 *   then                    the EPCM of the SIZE + 1 EPC pages above
 *   then                    the policy's shared state (src/lsm)
 *
 * Each process maps everything from SGX_ENCL_ELRANGE_OFFSET on, read-write,
 * as the *alias*, at the same address in every process (recorded in the
 * header), and registers it with its CPU as one EPC section: EPCM entries
 * hold EPC addresses, which must mean the same page everywhere, as physical
 * addresses do. The shim maps the ELRANGE part again at ELRANGE for the
 * program. struct sgx_encl itself is the process's handle on all that.
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

#define SGX_ENCL_ELRANGE_OFFSET 4096
#define SGX_ENCL_MAX_USERS 256

/* The enclave object: the first page of the memfd, in every process. */
struct sgx_encl_shared {
	uint64_t magic;
	atomic_ulong flags; /* enum sgx_encl_flags */
	/* Process-shared and robust: pages[], nr_added and users[]. */
	pthread_mutex_t lock;
	/*
	 * Held for the length of an ioctl (with SGX_ENCL_IOCTL set): robust,
	 * so that a process killed in one does not leave EBUSY for ever.
	 */
	pthread_mutex_t ioctl_lock;

	/* Fixed by a successful CREATE, before SGX_ENCL_CREATED is set. */
	uint64_t base;
	uint64_t size;
	uint64_t attributes; /* SECS.ATTRIBUTES.FLAGS */
	uint64_t elrange; /* bytes of ELRANGE backed: SIZE, or 0 */
	uint64_t alias_addr; /* where every process maps the alias */

	/* Attributes INIT allows; CREATE resets, PROVISION extends. */
	uint64_t attributes_mask;
	uint64_t nr_added; /* pages with SGX_ENCL_PAGE_PRESENT */
	/*
	 * Advanced by every ioctl that changes pages: a process that sees it
	 * move re-derives its page tables of the enclave before it enters
	 * (what a TLB flush is to hardware; see shim_mm_sync()).
	 */
	atomic_uint_fast64_t mm_epoch;

	/*
	 * The processes that hold the enclave (0: a free slot; -pid: being
	 * forked by pid). The last one to let go EREMOVEs the pages; one that
	 * died without letting go is noticed then.
	 */
	pid_t users[SGX_ENCL_MAX_USERS];
	uint64_t user_stamp[SGX_ENCL_MAX_USERS]; /* sgx_task_proc_stamp() */
};

_Static_assert(sizeof(struct sgx_encl_shared) <= SGX_ENCL_ELRANGE_OFFSET,
	       "the enclave object must fit in the memfd's first page");

/* This process's handle on an enclave. */
struct sgx_encl {
	struct sgx_encl_shared *sh;
	atomic_int refcount; /* this process's descriptors and mappings */
	int memfd; /* the enclave object (close-on-exec, the driver's own) */
	dev_t dev; /* the memfd's identity, to know it again after execve */
	ino_t ino;
	struct sgx_encl *next; /* the process's enclaves (fork) */
	int fork_slot; /* users[] slot reserved for a child being forked */

	/*
	 * Set once the alias is mapped (by CREATE, or when this process
	 * first touches an enclave another process created); fixed after.
	 */
	atomic_bool attached;
	uint64_t base;
	uint64_t size;
	struct sgx_encl_page *pages; /* indexed by enclave offset >> 12 */
	size_t nr_pages; /* size >> 12 when ELRANGE is backed, else 0 */
	void *alias; /* the EPC the CPU sees */
	size_t alias_size;
	void *secs; /* EPC page of the SECS, after the ELRANGE pages */
	void *lsm_shared; /* the policy's state shared by all holders */
	struct sgx_epc_section *section;

	size_t epc_pages; /* charged to this process's EPC budget */
	atomic_uint_fast64_t mm_seen; /* sh->mm_epoch the mappings follow */

	/* The policy's page history (src/lsm); NULL without a policy. */
	struct sgx_lsm_encl *security;
};

/* open(): a new, empty enclave with one reference; NULL and errno. */
struct sgx_encl *sgx_encl_alloc(void);
/*
 * The enclave behind fd, a descriptor of an enclave memfd this process
 * inherited across execve (or already has a handle on): a reference to the
 * handle, or NULL and errno (EINVAL: not an enclave).
 */
struct sgx_encl *sgx_encl_adopt(int fd);
void sgx_encl_get(struct sgx_encl *encl);
/*
 * The last reference of this process lets go of the enclave: it unmaps
 * and forgets it; the last process to do so EREMOVEs every page first.
 */
void sgx_encl_put(struct sgx_encl *encl);

/*
 * Make what another process did visible to this one: after a CREATE made
 * elsewhere, map the alias and register the EPC section. 0, or -ENOMEM
 * when this process cannot map the alias where the others have it.
 */
int sgx_encl_sync(struct sgx_encl *encl);

/*
 * Calls fn for every other live process that holds the enclave (the ones
 * whose threads an ETRACK must reach too).
 */
void sgx_encl_for_each_holder(struct sgx_encl *encl, void (*fn)(pid_t pid));

/*
 * fork(), as the shim sees it: prepare before (every enclave of the
 * process gets a slot for the child; -EAGAIN, with nothing left reserved,
 * when one has none free), then parent(pid) or child() after.
 */
int sgx_encl_fork_prepare(void);
void sgx_encl_fork_parent(pid_t child);
void sgx_encl_fork_child(void);

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
	return atomic_load(&encl->sh->flags) & flag;
}

/* enclave->sh->lock; survives a holder that died. */
void sgx_encl_lock(struct sgx_encl *encl);
void sgx_encl_unlock(struct sgx_encl *encl);

/* The EPC page that holds enclave offset `offset`. */
static inline void *sgx_encl_epc_page(struct sgx_encl *encl, uint64_t offset)
{
	return (char *)encl->alias + offset;
}

/* Where the page at address addr of ELRANGE is in the memfd. */
static inline uint64_t sgx_encl_file_offset(struct sgx_encl *encl,
					    uint64_t addr)
{
	return SGX_ENCL_ELRANGE_OFFSET + (addr - encl->base);
}

/* --- for ioctl.c ------------------------------------------------------ */

/*
 * Size the memfd and map the alias, page records and EPC section for the
 * SECS image src (its SIZE and MODE64BIT decide the layout); nothing is
 * charged to the EPC budget. 0 or -errno; on error nothing is left behind.
 */
int sgx_encl_backing_alloc(struct sgx_encl *encl, const void *src);
void sgx_encl_backing_free(struct sgx_encl *encl);

/*
 * Take the AEX for every processor that died inside the enclave (another
 * process's thread, killed there): its TCS free, its count gone.
 */
void sgx_encl_reclaim_dead(struct sgx_encl *encl);

/*
 * EREMOVE the page at offset and forget it, giving its EPC page back to the
 * budget. Called with the enclave locked. 0 or the EREMOVE result.
 */
int sgx_encl_remove_page(struct sgx_encl *encl, uint64_t offset);

#endif /* SOFTSGX_DRIVER_ENCL_H */

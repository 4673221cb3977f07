/* SPDX-License-Identifier: MIT */
/*
 * The process-wide "machine" under the emulated driver: one software SGX
 * package (struct sgx_cpu) whose features follow the host, one logical
 * processor per thread, the EPC budget shared by every enclave of the
 * process, and the masks the driver computes at load time (spec 5.5).
 */
#ifndef SOFTSGX_DRIVER_DRIVER_H
#define SOFTSGX_DRIVER_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/cpu.h"

struct sgx_encl;

/* ATTRIBUTES classes of the Linux driver (spec 5.5). */
#define SGX_ATTR_RESERVED_MASK                                   \
	((1ULL << 3) | (1ULL << 6) | (1ULL << 8) | (1ULL << 9) | \
	 ~((1ULL << 11) - 1))
#define SGX_ATTR_UNPRIV_MASK                                  \
	(SGX_ATTR_DEBUG | SGX_ATTR_MODE64BIT | SGX_ATTR_KSS | \
	 SGX_ATTR_AEXNOTIFY)
#define SGX_ATTR_PRIV_MASK (SGX_ATTR_PROVISIONKEY | SGX_ATTR_EINITTOKENKEY)
/* Only MISCSELECT.EXINFO can ever be allowed. */
#define SGX_MISC_RESERVED_MASK 0xFFFFFFFEU

/* EPC budget when SOFTSGX_EPC_SIZE is not set. */
#define SGX_EPC_DEFAULT_SIZE (128ULL << 20)

/* Bits a SIGSTRUCT may not require (sgx_drv_init in the kernel). */
struct sgx_driver_masks {
	uint32_t misc_reserved;
	uint64_t attributes_reserved;
	uint64_t xfrm_reserved;
};

/*
 * Bring up the machine: load (or create) the persisted platform, build the
 * CPU features from the host (XFRM = XCR0 of the host, if the OS enabled
 * XSAVE, within what the software CPU implements), compute the reserved
 * masks and read the EPC budget from SOFTSGX_EPC_SIZE (bytes, or with a
 * K/M/G suffix; default 128 MiB). Idempotent and thread-safe; a failed
 * attempt may be retried. Returns 0 or -errno with a message in err.
 */
int sgx_driver_init(char *err, size_t errlen);

/* After a successful sgx_driver_init(), else NULL. */
struct sgx_cpu *sgx_driver_cpu(void);
const struct sgx_driver_masks *sgx_driver_masks(void);

/* The calling thread's logical processor; NULL before sgx_driver_init(). */
struct sgx_lp *sgx_driver_lp(void);

/*
 * Names lp after the calling thread (struct sgx_lp.owner, owner_stamp) for
 * the CPU's owner_alive check, which the driver provides: a TCS left ACTIVE
 * by a thread that no longer exists is then given back with the AEX it
 * would have taken. Only for a processor that lives and dies with the
 * calling thread (the shim's, found by thread id): one copied into a
 * forked child would name a thread of the parent. Async-signal-safe.
 */
void sgx_driver_lp_set_owner(struct sgx_lp *lp);

/*
 * EPC accounting: every SECS and every added page of every enclave of the
 * process counts against one budget. There is no reclaimer yet, so a full
 * budget makes the allocation fail with -ENOMEM at once (upstream would
 * first try to evict pages). sgx_epc_charge returns 0 or -ENOMEM.
 */
int sgx_epc_charge(size_t nr_pages);
void sgx_epc_uncharge(size_t nr_pages);
size_t sgx_epc_used_pages(void);
size_t sgx_epc_total_pages(void);

/* "64M", "131072", "1G" -> bytes (binary units). 0 or -EINVAL. */
int sgx_parse_size(const char *s, uint64_t *bytes);

/*
 * /dev/sgx_provision is a capability held as an fd; only the shim knows its
 * fd table, so it registers the test. Without one, no fd qualifies.
 */
void sgx_driver_set_provision_check(bool (*is_provision_fd)(int fd));
bool sgx_driver_is_provision_fd(int fd);

/*
 * The enclave fd's ioctl handler: cmd and arg as passed to ioctl(2), arg
 * being the address of the argument structure. Returns 0 or -errno exactly
 * as the upstream driver does (spec section 2).
 */
long sgx_ioctl(struct sgx_encl *encl, unsigned int cmd, unsigned long arg);

/*
 * For tests only: called by sgx_ioctl() on the ioctl's thread while it
 * holds the enclave's IOCTL flag, before the command runs.
 */
extern void (*sgx_ioctl_test_hook)(struct sgx_encl *encl, unsigned int cmd);

#endif /* SOFTSGX_DRIVER_DRIVER_H */

/* SPDX-License-Identifier: MIT */
/*
 * The policy layer's hooks, as the driver calls them (docs/policy.md).
 *
 * They follow the SGX LSM hooks proposed on the kernel list in 2019 (spec
 * linux-sgx-uapi.md section 9): enclave_load per added page, enclave_map
 * and enclave_mprotect on mappings, enclave_init on the SIGSTRUCT,
 * enclave_provision, and the virtual-EPC ECREATE/EINIT path with the VMM as
 * subject. Every input is a copy the driver owns (SECINFO, the source
 * mapping as it was looked up, the SIGSTRUCT page), never a user pointer,
 * so nothing can change between the check and the use.
 *
 * Without a policy every hook returns 0 at once and changes nothing: the
 * driver then behaves exactly as upstream Linux, which has no SGX hooks.
 * A denial is -EACCES, what a kernel LSM returns; in permissive mode the
 * denial is logged and the hook returns 0.
 *
 * Only the facts of a page are kept (where it came from, whether it was
 * measured, whether it was ever mapped writable); every decision is taken
 * with the policy in force at that moment.
 */
#ifndef SOFTSGX_LSM_LSM_H
#define SOFTSGX_LSM_LSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/sgx_arch.h"

/* The per-enclave security blob (the kernel's ->security); opaque. */
struct sgx_lsm_encl;

/*
 * Find and parse the policy: $SOFTSGX_POLICY (a path, or "none"), else
 * $XDG_CONFIG_HOME/softsgx/policy.yaml (~/.config/...), else
 * /etc/softsgx/policy.yaml; the environment is ignored in secure-execution
 * (setuid) mode. No file at all is no policy. Called by sgx_driver_init();
 * idempotent. A malformed policy is -EINVAL with "FILE:LINE:COL: error:
 * ..." in err, and nothing of it is in force.
 */
int sgx_lsm_init(char *err, size_t errlen);

/* Whether a policy is in force (the hooks do something). */
bool sgx_lsm_active(void);

/* --- what a hook is told about the source of an added page ------------ */

struct sgx_lsm_source {
	unsigned long prot; /* PROT_* of the source mapping */
	bool may_exec; /* its mount allows exec (VM_MAYEXEC) */
	bool file; /* a regular file (not anonymous, memfd, SysV shm) */
	bool modified; /* a private file page that was written (or unknown) */
};

/*
 * Describe the source page at addr from its mapping as the driver looked
 * it up (path "" for anonymous memory). Whether a private file page was
 * modified is read from /proc/self/pagemap, and only when it matters: a
 * policy is in force and the page is to be executable (want_exec).
 */
void sgx_lsm_source_init(struct sgx_lsm_source *src, unsigned long prot,
			 bool may_exec, const char *path, unsigned long addr,
			 bool want_exec);

/* One ADD_PAGES page; lives in the driver's per-call context. */
struct sgx_lsm_load {
	/* in */
	uint64_t offset; /* enclave offset of the page */
	uint64_t secinfo; /* SECINFO.FLAGS that EADD will be given */
	bool measured; /* SGX_PAGE_MEASURE */
	struct sgx_lsm_source src;
	/* out */
	uint8_t max_prot; /* cap on the page's vm_max_prot_bits */
	uint8_t state; /* the page's history, for _page_added() */
	/* kept across the pages of one call: permissions already logged */
	uint8_t audited;
};

/* --- hooks ------------------------------------------------------------ */

/*
 * CREATE: the enclave's blob (page history for nr_pages pages of ELRANGE
 * at base, the SECS attributes). *blob stays NULL without a policy.
 * 0 or -ENOMEM.
 */
int security_enclave_alloc(struct sgx_lsm_encl **blob, uint64_t base,
			   size_t nr_pages, uint64_t attributes, void *shared);
/*
 * Bytes of the state every process holding the enclave shares (the page
 * history and what is known of the enclave): the driver passes that much
 * zeroed shared memory as `shared` (NULL: the blob keeps its own).
 */
size_t security_enclave_shared_size(size_t nr_pages);
void security_enclave_free(struct sgx_lsm_encl *blob);

/*
 * ADD_PAGES, per page, after the source was found and copied and before
 * EADD. Fills load->max_prot and load->state. 0 or -EACCES.
 */
int security_enclave_load(struct sgx_lsm_encl *blob, struct sgx_lsm_load *load);
/* The page now exists (EADD and EEXTEND done) / is gone (EREMOVE). */
void security_enclave_page_added(struct sgx_lsm_encl *blob, uint64_t offset,
				 uint8_t state);
void security_enclave_page_removed(struct sgx_lsm_encl *blob, uint64_t offset);

/*
 * mmap / mprotect of [start, end) with prot (PROT_*), after the driver's
 * own rules passed: each existing page's history against the request
 * (mapwx, execdirty, execanon). A granted writable request marks the pages
 * ever-writable. 0 or -EACCES.
 */
int security_enclave_map(struct sgx_lsm_encl *blob, unsigned long start,
			 unsigned long end, unsigned long prot);
int security_enclave_mprotect(struct sgx_lsm_encl *blob, unsigned long start,
			      unsigned long end, unsigned long prot);

/*
 * A page that appeared under a mapping made before it existed (the shim's
 * fault path): may the mapping's protection apply to it? 0 or -EACCES.
 */
int security_enclave_fault(struct sgx_lsm_encl *blob, unsigned long addr,
			   unsigned long vma_prot);

/*
 * INIT, after the driver's attribute checks and before EINIT, on the
 * driver's copy of the SIGSTRUCT: launch, debug (SECS has DEBUG),
 * provision (SECS has PROVISIONKEY) and any page permission that depended
 * on the identity. blob may be NULL. 0 or -EACCES.
 */
int security_enclave_init(struct sgx_lsm_encl *blob,
			  const struct sgx_sigstruct *sig,
			  const uint8_t mrsigner[SGX_HASH_SIZE], uint64_t base,
			  uint64_t attributes);
/* EINIT succeeded: the identity is now the enclave's. */
void security_enclave_init_done(struct sgx_lsm_encl *blob);

/*
 * PROVISION with a valid /dev/sgx_provision fd: refused here only if the
 * policy denies provision whatever the enclave turns out to be; INIT
 * decides for the actual identity. blob may be NULL. 0 or -EACCES.
 */
int security_enclave_provision(struct sgx_lsm_encl *blob);

/* --- SGX2 (the driver's EAUG/EMODPE paths call these once they exist) - */

/* EAUG'd page: no source, unmeasured, created writable by the enclave. */
void security_enclave_aug(struct sgx_lsm_encl *blob, uint64_t offset);
/* EMODPE extends a page's EPCM permissions to perms (SECINFO R/W/X). */
int security_enclave_modpe(struct sgx_lsm_encl *blob, uint64_t offset,
			   uint64_t perms);

/* --- virtual EPC: the guest's ECREATE and EINIT, the VMM as subject ---- */

/*
 * Guest ECREATE of an enclave at base with SECS attributes (the device's
 * copy of the SECS). PROVISIONKEY without the VM's provision capability
 * (KVM_CAP_SGX_ATTRIBUTE) is -EPERM whatever the policy says, as upstream
 * KVM refuses it (#GP to the guest). Then the policy: provision and debug,
 * when requested, are -EACCES if denied to the VMM for every enclave.
 */
int security_vepc_ecreate(uint64_t base, uint64_t attributes,
			  bool provision_allowed);
/*
 * Guest EINIT on the device's copy of the SIGSTRUCT: launch, debug and
 * provision with the VMM as subject, the same rules as the host's own
 * enclaves. 0 or -EACCES (docs/policy.md: what the guest should see).
 */
int security_vepc_einit(const struct sgx_sigstruct *sig,
			const uint8_t mrsigner[SGX_HASH_SIZE], uint64_t base,
			uint64_t attributes);

/* --- the page history (for tests and the SGX2 code) -------------------- */

enum {
	SGX_LSM_PAGE_PRESENT = 1 << 0,
	SGX_LSM_PAGE_EXEC = 1 << 1, /* SECINFO had X at ADD */
	SGX_LSM_PAGE_SRC_EXEC = 1 << 2, /* the source mapping was executable */
	SGX_LSM_PAGE_SRC_ANON = 1 << 3, /* ... and anonymous (or modified) */
	SGX_LSM_PAGE_MEASURED = 1 << 4,
	SGX_LSM_PAGE_SAFE = 1 << 5, /* safe-to-execute: cleared for good */
	SGX_LSM_PAGE_WRITTEN = 1 << 6, /* ever mapped writable, or EAUG'd */
	SGX_LSM_PAGE_AUG = 1 << 7, /* created by EAUG */
};

uint8_t security_enclave_page_state(struct sgx_lsm_encl *blob, uint64_t offset);
/* Permissions (SGX_LSM_PERM_BIT) that INIT still has to decide. */
uint8_t security_enclave_deferred(struct sgx_lsm_encl *blob);

#endif /* SOFTSGX_LSM_LSM_H */

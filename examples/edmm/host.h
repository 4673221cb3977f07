/* SPDX-License-Identifier: MIT */
/*
 * The host side shared by the EDMM examples, tests and benchmark: an
 * ordinary Linux SGX host. It builds an enclave through /dev/sgx_enclave
 * and the ioctls of <asm/sgx.h>, maps its image and its dynamic region
 * (where touching an address adds a page by EAUG), enters it through
 * __vdso_sgx_enter_enclave, and serves the enclave's OCALLs with the SGX2
 * ioctls. Nothing here knows about softsgx.
 */
#ifndef SOFTSGX_EXAMPLE_EDMM_HOST_H
#define SOFTSGX_EXAMPLE_EDMM_HOST_H

#include <stdint.h>

#include <asm/sgx.h>

#include "edmm.h"
#include "tools/image.h"

#define EDMM_EENTER 2
#define EDMM_ERESUME 3
#define EDMM_EEXIT 4

struct edmm_host {
	const char *name; /* for messages */
	int fd;
	uint64_t base, size;
	uint64_t dyn; /* offset of the dynamic region */
	struct softsgx_image img;
	void *vdso_enter; /* __vdso_sgx_enter_enclave */
};

/*
 * Build, initialise and map the enclave in image (signed by sig) and map
 * its dynamic region with dyn_prot. 0, or -1 after saying why on stderr.
 */
int edmm_host_open(struct edmm_host *h, const char *name, const char *image,
		   const char *sig, int dyn_prot);
void edmm_host_close(struct edmm_host *h);

/* mmap [offset, offset + len) of ELRANGE again, with prot. 0 or -errno. */
int edmm_host_map(struct edmm_host *h, uint64_t offset, uint64_t len, int prot);

/* Address of the image's i-th TCS. */
uint64_t edmm_host_tcs(const struct edmm_host *h, unsigned int i);

/*
 * One __vdso_sgx_enter_enclave(call, function, run): the vDSO's return
 * value. R12-R15 survive even when the enclave does not preserve them (an
 * AEX zeroes them). To ERESUME after an exception, call this from the
 * function that made the EENTER: the enclave goes back to the stack frame
 * it was entered from.
 */
int edmm_host_enter(struct edmm_host *h, unsigned int function,
		    struct sgx_enclave_run *run, struct edmm_call *call);

/*
 * ECALL cmd on tcs with the given arguments, serving OCALLs until the
 * enclave returns: 0 with call->ret set, or -1 when it did not return
 * normally (run tells why: an exception, or the vDSO's error).
 */
int edmm_host_call(struct edmm_host *h, uint64_t tcs, struct edmm_call *call,
		   struct sgx_enclave_run *run);

/* Serve call's pending OCALL: 0 or -errno, also stored in call->oret. */
int64_t edmm_host_ocall(struct edmm_host *h, struct edmm_call *call);

/* The SGX2 ioctls on [offset, offset + len): 0 or -errno. */
int edmm_modify_types(struct edmm_host *h, uint64_t offset, uint64_t len,
		      uint64_t type, uint64_t *result);
int edmm_remove_pages(struct edmm_host *h, uint64_t offset, uint64_t len);
int edmm_restrict(struct edmm_host *h, uint64_t offset, uint64_t len,
		  uint64_t perm, uint64_t *result);
/* mprotect [offset, offset + len) to SECINFO R/W/X bits perm. */
int edmm_mprotect(struct edmm_host *h, uint64_t offset, uint64_t len,
		  uint64_t perm);

/* VmRSS of this process, in KiB (-1 if unknown). */
long edmm_rss_kib(void);

/* Print what an abnormal return of edmm_host_call saw. */
void edmm_host_report(const struct edmm_host *h, const char *what, int ret,
		      const struct sgx_enclave_run *run);

#endif /* SOFTSGX_EXAMPLE_EDMM_HOST_H */

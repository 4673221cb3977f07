/* SPDX-License-Identifier: MIT */
/*
 * The host side shared by the seal and attest examples: an ordinary Linux
 * SGX loader. It builds an enclave from an image and its SIGSTRUCT through
 * /dev/sgx_enclave and the ioctls of <asm/sgx.h>, maps it, and calls into it
 * through __vdso_sgx_enter_enclave, found in the vDSO via getauxval() and
 * DT_HASH. Nothing here knows about softsgx; run under `softsgx run` on a
 * machine without SGX.
 */
#ifndef SOFTSGX_EXAMPLE_HOST_ENCLAVE_H
#define SOFTSGX_EXAMPLE_HOST_ENCLAVE_H

#include <stddef.h>
#include <stdint.h>

struct host_enclave {
	const char *name; /* for messages */
	int fd; /* /dev/sgx_enclave, one per enclave */
	uint64_t base; /* ELRANGE */
	uint64_t size;
	uint64_t tcs; /* address of the (first) TCS */
};

/*
 * Build, initialise and map the enclave in image, signed by sig: 0, or -1
 * after printing why to stderr. The enclave is created without DEBUG.
 */
int host_enclave_load(struct host_enclave *e, const char *name,
		      const char *image, const char *sig);

/*
 * EENTER with RDI = args on the first TCS, until the enclave EEXITs: 0 and
 * the enclave's result (its RDI at EEXIT) in *result, or -1 after printing
 * what happened instead (an exception, an error). An enclave entered while
 * an exception is pending (CSSA > 0) answers HOST_ENCLAVE_EXCEPTION.
 */
int host_enclave_call(struct host_enclave *e, void *args, uint64_t *result);

/* The result of the bootstrap (examples/hello/entry.S) when CSSA > 0. */
#define HOST_ENCLAVE_EXCEPTION ((uint64_t)-1)

void host_enclave_unload(struct host_enclave *e);

/*
 * The path of file in the directory this program lives in, so hosts find
 * their enclaves without being told (malloc'd; exits on failure).
 */
char *host_file_beside_exe(const char *file);

#endif /* SOFTSGX_EXAMPLE_HOST_ENCLAVE_H */

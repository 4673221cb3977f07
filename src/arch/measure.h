/* SPDX-License-Identifier: MIT */
/*
 * MRENCLAVE: the 64-byte records that ECREATE, EADD and EEXTEND hash, shared
 * by the CPU and by the tools that compute a measurement offline.
 */
#ifndef SOFTSGX_ARCH_MEASURE_H
#define SOFTSGX_ARCH_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/sha.h>

#include "arch/sgx_arch.h"

#define SGX_MEASURE_BLOCK 64

void sgx_measure_ecreate_block(uint8_t block[SGX_MEASURE_BLOCK],
			       uint32_t ssa_frame_size, uint64_t size);
void sgx_measure_eadd_block(uint8_t block[SGX_MEASURE_BLOCK], uint64_t offset,
			    uint64_t secinfo_flags);
void sgx_measure_eextend_block(uint8_t block[SGX_MEASURE_BLOCK],
			       uint64_t offset);

/* The SECINFO.FLAGS that EADD measures: a TCS is always measured as 0x100. */
uint64_t sgx_measured_secinfo_flags(uint64_t flags);

/*
 * A running measurement. It is plain bytes with no pointer out of it, so
 * the CPU keeps it by value in the SECS page, where every process mapping
 * the enclave updates the one measurement, as hardware does; copying the
 * struct forks the measurement, and nothing needs freeing.
 */
struct sgx_mrenclave {
	SHA256_CTX sha;
};

/* Each returns 0, or -1 if OpenSSL refuses. */
int sgx_mrenclave_init(struct sgx_mrenclave *m, uint32_t ssa_frame_size,
		       uint64_t size);
/* The EADD record; secinfo_flags as sgx_measured_secinfo_flags() gives. */
int sgx_mrenclave_eadd(struct sgx_mrenclave *m, uint64_t offset,
		       uint64_t secinfo_flags);
/* The EEXTEND record and the SGX_EEXTEND_CHUNK bytes at data. */
int sgx_mrenclave_eextend(struct sgx_mrenclave *m, uint64_t offset,
			  const void *data);
/* Offline: one page as a loader adds it; data == NULL adds it unmeasured. */
int sgx_mrenclave_add_page(struct sgx_mrenclave *m, uint64_t offset,
			   uint64_t secinfo_flags, const void *data);
/* Finalises a copy: m stays usable, and may be shared read-only. */
int sgx_mrenclave_final(const struct sgx_mrenclave *m,
			uint8_t out[SGX_HASH_SIZE]);

#endif /* SOFTSGX_ARCH_MEASURE_H */

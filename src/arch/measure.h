/* SPDX-License-Identifier: MIT */
/*
 * MRENCLAVE: the 64-byte records that ECREATE, EADD and EEXTEND hash, shared
 * by the CPU and by the tools that compute a measurement offline.
 */
#ifndef SOFTSGX_ARCH_MEASURE_H
#define SOFTSGX_ARCH_MEASURE_H

#include <stdint.h>

#include <openssl/evp.h>

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

/* Offline measurement of a whole enclave, in the order a loader adds it. */
struct sgx_mrenclave {
	EVP_MD_CTX *ctx;
};

int sgx_mrenclave_init(struct sgx_mrenclave *m, uint32_t ssa_frame_size,
		       uint64_t size);
/* Adds one page; data == NULL adds it unmeasured (EADD only). */
int sgx_mrenclave_add_page(struct sgx_mrenclave *m, uint64_t offset,
			   uint64_t secinfo_flags, const void *data);
int sgx_mrenclave_final(struct sgx_mrenclave *m, uint8_t out[SGX_HASH_SIZE]);
void sgx_mrenclave_free(struct sgx_mrenclave *m);

#endif /* SOFTSGX_ARCH_MEASURE_H */

// SPDX-License-Identifier: MIT
/*
 * The running measurement lives in the SECS page, which every process that
 * maps the enclave shares, so its state must be plain bytes there: an EVP
 * context is an opaque heap object, private to the process that made it.
 * OpenSSL 3 deprecates the low-level SHA256_CTX API that allows this, but
 * keeps it on the same optimised block code as EVP.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <string.h>

#include "arch/measure.h"

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void sgx_measure_ecreate_block(uint8_t block[SGX_MEASURE_BLOCK],
			       uint32_t ssa_frame_size, uint64_t size)
{
	memset(block, 0, SGX_MEASURE_BLOCK);
	memcpy(block, "ECREATE", 8);
	put_le32(block + 8, ssa_frame_size);
	put_le64(block + 12, size);
	/* CET_LEG_BITMAP_OFFSET (bytes 20..27) is 0: the CPU has no CET. */
}

void sgx_measure_eadd_block(uint8_t block[SGX_MEASURE_BLOCK], uint64_t offset,
			    uint64_t secinfo_flags)
{
	memset(block, 0, SGX_MEASURE_BLOCK);
	memcpy(block, "EADD\0\0\0", 8);
	put_le64(block + 8, offset);
	put_le64(block + 16, secinfo_flags);
}

void sgx_measure_eextend_block(uint8_t block[SGX_MEASURE_BLOCK],
			       uint64_t offset)
{
	memset(block, 0, SGX_MEASURE_BLOCK);
	memcpy(block, "EEXTEND", 8);
	put_le64(block + 8, offset);
}

uint64_t sgx_measured_secinfo_flags(uint64_t flags)
{
	uint64_t type = (flags & SGX_SECINFO_PAGE_TYPE_MASK) >>
			SGX_SECINFO_PAGE_TYPE_SHIFT;

	if (type == SGX_PAGE_TYPE_TCS)
		flags &= ~SGX_SECINFO_PERMISSION_MASK;
	return flags;
}

int sgx_mrenclave_init(struct sgx_mrenclave *m, uint32_t ssa_frame_size,
		       uint64_t size)
{
	uint8_t block[SGX_MEASURE_BLOCK];

	sgx_measure_ecreate_block(block, ssa_frame_size, size);
	if (!SHA256_Init(&m->sha) ||
	    !SHA256_Update(&m->sha, block, sizeof(block)))
		return -1;
	return 0;
}

int sgx_mrenclave_eadd(struct sgx_mrenclave *m, uint64_t offset,
		       uint64_t secinfo_flags)
{
	uint8_t block[SGX_MEASURE_BLOCK];

	sgx_measure_eadd_block(block, offset, secinfo_flags);
	return SHA256_Update(&m->sha, block, sizeof(block)) ? 0 : -1;
}

int sgx_mrenclave_eextend(struct sgx_mrenclave *m, uint64_t offset,
			  const void *data)
{
	/* Staging the chunk costs less than a second call into the hash. */
	uint8_t record[SGX_MEASURE_BLOCK + SGX_EEXTEND_CHUNK];

	sgx_measure_eextend_block(record, offset);
	memcpy(record + SGX_MEASURE_BLOCK, data, SGX_EEXTEND_CHUNK);
	return SHA256_Update(&m->sha, record, sizeof(record)) ? 0 : -1;
}

int sgx_mrenclave_add_page(struct sgx_mrenclave *m, uint64_t offset,
			   uint64_t secinfo_flags, const void *data)
{
	if (sgx_mrenclave_eadd(m, offset,
			       sgx_measured_secinfo_flags(secinfo_flags)))
		return -1;
	if (!data)
		return 0;
	for (uint64_t off = 0; off < SGX_PAGE_SIZE; off += SGX_EEXTEND_CHUNK)
		if (sgx_mrenclave_eextend(m, offset + off,
					  (const uint8_t *)data + off))
			return -1;
	return 0;
}

int sgx_mrenclave_final(const struct sgx_mrenclave *m,
			uint8_t out[SGX_HASH_SIZE])
{
	SHA256_CTX copy = m->sha;

	return SHA256_Final(out, &copy) ? 0 : -1;
}

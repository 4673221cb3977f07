// SPDX-License-Identifier: MIT
#include "arch/secs.h"

int sgx_secs_measurement(struct sgx_secs *secs, uint8_t out[SGX_HASH_SIZE])
{
	struct sgx_secs_hidden *hidden = sgx_secs_hidden(secs);
	EVP_MD_CTX *copy = EVP_MD_CTX_new();
	unsigned int len = 0;
	int ok;

	ok = copy && hidden->mrenclave_ctx &&
	     EVP_MD_CTX_copy_ex(copy, hidden->mrenclave_ctx) &&
	     EVP_DigestFinal_ex(copy, out, &len) && len == SGX_HASH_SIZE;
	EVP_MD_CTX_free(copy);
	return ok ? 0 : -1;
}

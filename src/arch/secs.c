// SPDX-License-Identifier: MIT
#include "arch/secs.h"

int sgx_secs_measurement(const struct sgx_secs *secs,
			 uint8_t out[SGX_HASH_SIZE])
{
	return sgx_mrenclave_final(&sgx_secs_hidden_const(secs)->mrenclave,
				   out);
}

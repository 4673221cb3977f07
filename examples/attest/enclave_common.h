/* SPDX-License-Identifier: MIT */
/* Shared by the attest enclaves: see enclave_common.c. */
#ifndef SOFTSGX_EXAMPLE_ATTEST_ENCLAVE_COMMON_H
#define SOFTSGX_EXAMPLE_ATTEST_ENCLAVE_COMMON_H

#include <stdint.h>

#include "attest.h"

/*
 * The operations particular to one enclave (A: REPORT, B: VERIFY) on the
 * enclave's copy of the arguments: an enum attest_status.
 */
uint64_t attest_role_op(struct attest_args *a);

#endif /* SOFTSGX_EXAMPLE_ATTEST_ENCLAVE_COMMON_H */

// SPDX-License-Identifier: MIT
/*
 * What the attest enclaves A and B share: the entry point (called by the
 * bootstrap with the host's RDI), which copies the arguments in, and the
 * TARGETINFO operation. enclave_a.c and enclave_b.c add their own
 * operation through attest_role_op().
 */
#include <softsgx/enclave_layout.h>

#include "attest.h"
#include "enclave_common.h"
#include "../common/enclave_sgx.h"

SOFTSGX_ENCLAVE_LAYOUT(.nr_threads = 1, .nssa = 2, .ssa_frame_size = 1,
		       .stack_size = 0x8000);

uint64_t enclave_main(uint64_t host_args);

static uint64_t op_targetinfo(const struct attest_args *a)
{
	struct ex_targetinfo ti __attribute__((aligned(512)));

	ex_self_targetinfo(&ti);
	return ex_copy_to_host(a->targetinfo, &ti, sizeof(ti)) ?
		       ATTEST_OK :
		       ATTEST_ERR_ARGS;
}

uint64_t enclave_main(uint64_t host_args)
{
	const size_t out = offsetof(struct attest_args, status);
	struct attest_args a;

	/* Read the arguments once; from here on only the copy is used. */
	if (!ex_copy_from_host(&a, host_args, sizeof(a)))
		return ATTEST_ERR_ARGS;
	memset((uint8_t *)&a + out, 0, sizeof(a) - out);
	if (a.op == ATTEST_OP_TARGETINFO)
		a.status = op_targetinfo(&a);
	else
		a.status = attest_role_op(&a);
	ex_copy_to_host(host_args + out, (uint8_t *)&a + out, sizeof(a) - out);
	return a.status;
}

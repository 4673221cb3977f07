// SPDX-License-Identifier: MIT
/*
 * Attest enclave A, the one that proves itself: EREPORT targeted at the
 * enclave whose TARGETINFO the host passes (normally B's), with REPORTDATA
 * binding 64 bytes of the host's choice. In a real protocol REPORTDATA
 * would hold a hash of A's key-exchange message, so that B knows that
 * message came from A.
 */
#include "attest.h"
#include "enclave_common.h"
#include "../common/enclave_sgx.h"

/* EREPORT faults (#GP) on non-zero reserved TARGETINFO bytes: check first. */
static bool targetinfo_well_formed(const struct ex_targetinfo *ti)
{
	static const uint8_t zero[sizeof(ti->reserved3)];

	return !ti->cet_attributes && !ti->reserved1 &&
	       !memcmp(ti->reserved2, zero, sizeof(ti->reserved2)) &&
	       !memcmp(ti->reserved3, zero, sizeof(ti->reserved3));
}

static uint64_t op_report(const struct attest_args *a)
{
	/* EREPORT takes its operands from enclave memory only. */
	struct ex_targetinfo ti __attribute__((aligned(512)));
	uint8_t data[ATTEST_DATA_SIZE] __attribute__((aligned(128)));
	struct ex_report report __attribute__((aligned(512)));

	if (!ex_copy_from_host(&ti, a->targetinfo, sizeof(ti)) ||
	    !ex_copy_from_host(data, a->report_data, sizeof(data)) ||
	    !targetinfo_well_formed(&ti))
		return ATTEST_ERR_ARGS;
	ex_ereport(&ti, data, &report);
	return ex_copy_to_host(a->report, &report, sizeof(report)) ?
		       ATTEST_OK :
		       ATTEST_ERR_ARGS;
}

uint64_t attest_role_op(struct attest_args *a)
{
	return a->op == ATTEST_OP_REPORT ? op_report(a) : ATTEST_ERR_ARGS;
}

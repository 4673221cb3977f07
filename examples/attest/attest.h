/* SPDX-License-Identifier: MIT */
/*
 * The call interface of the attest enclaves A and B, shared with their host.
 *
 * EENTER with RDI = address of a struct attest_args in untrusted memory. The
 * enclave reads it once, does op, writes status (and, for VERIFY, identity)
 * back and EEXITs.
 *
 *   TARGETINFO (A and B)  write the enclave's own TARGETINFO to targetinfo
 *   REPORT (A)            EREPORT targeted at the enclave described by
 *                         targetinfo, REPORTDATA = the 64 bytes at
 *                         report_data; the REPORT goes to report
 *   VERIFY (B)            check the MAC of the REPORT at report with B's
 *                         report key; if it is B's, identity describes the
 *                         enclave that made it
 */
#ifndef SOFTSGX_EXAMPLE_ATTEST_H
#define SOFTSGX_EXAMPLE_ATTEST_H

#include <stdint.h>

enum attest_op {
	ATTEST_OP_TARGETINFO = 1,
	ATTEST_OP_REPORT = 2,
	ATTEST_OP_VERIFY = 3,
};

enum attest_status {
	ATTEST_OK = 0,
	ATTEST_ERR_ARGS = 1, /* bad op or buffer, or malformed TARGETINFO */
	ATTEST_ERR_MAC = 2, /* not a REPORT for this enclave, or modified */
	ATTEST_ERR_KEY = 3, /* EGETKEY refused (it should not) */
};

#define ATTEST_TARGETINFO_SIZE 512
#define ATTEST_REPORT_SIZE 432
#define ATTEST_DATA_SIZE 64

/* What B learns about the reporting enclave from a REPORT that verifies. */
struct attest_identity {
	uint8_t mrenclave[32];
	uint8_t mrsigner[32];
	uint64_t flags; /* ATTRIBUTES */
	uint64_t xfrm;
	uint32_t miscselect;
	uint16_t isv_prod_id;
	uint16_t isv_svn;
	uint8_t cpusvn[16];
	uint8_t report_data[ATTEST_DATA_SIZE];
};

struct attest_args {
	uint64_t op; /* enum attest_op */
	uint64_t targetinfo; /* ATTEST_TARGETINFO_SIZE bytes */
	uint64_t report_data; /* ATTEST_DATA_SIZE bytes */
	uint64_t report; /* ATTEST_REPORT_SIZE bytes */
	/* Written by the enclave. */
	uint64_t status; /* enum attest_status */
	struct attest_identity identity;
};

#endif /* SOFTSGX_EXAMPLE_ATTEST_H */

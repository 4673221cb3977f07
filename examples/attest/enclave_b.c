// SPDX-License-Identifier: MIT
/*
 * Attest enclave B, the verifier. A REPORT carries its MAC under the report
 * key of the enclave it was targeted at; only that enclave can get the key,
 * with EGETKEY(KEYNAME = REPORT, KEYID = the REPORT's KEYID). If the MAC
 * B computes matches, the REPORT was made by EREPORT on this platform for
 * B, and its body (MRENCLAVE, MRSIGNER, attributes, REPORTDATA) is exactly
 * what the CPU wrote. AES-CMAC is example code: see aes_cmac.h.
 */
#include "aes_cmac.h"
#include "attest.h"
#include "enclave_common.h"
#include "../common/enclave_sgx.h"

static void identity_of(const struct ex_report_body *body,
			struct attest_identity *id)
{
	memcpy(id->mrenclave, body->mrenclave, sizeof(id->mrenclave));
	memcpy(id->mrsigner, body->mrsigner, sizeof(id->mrsigner));
	id->flags = body->attributes.flags;
	id->xfrm = body->attributes.xfrm;
	id->miscselect = body->miscselect;
	id->isv_prod_id = body->isv_prod_id;
	id->isv_svn = body->isv_svn;
	memcpy(id->cpusvn, body->cpusvn, sizeof(id->cpusvn));
	memcpy(id->report_data, body->report_data, sizeof(id->report_data));
}

/* The MAC this REPORT would carry if EREPORT had made it for B. */
static uint64_t expected_mac(const struct ex_report *report, uint8_t mac[16])
{
	struct ex_keyrequest req __attribute__((aligned(512)));
	uint8_t key[16] __attribute__((aligned(16)));

	memset(&req, 0, sizeof(req));
	req.keyname = EX_KEYNAME_REPORT;
	memcpy(req.keyid, report->keyid, sizeof(req.keyid));
	if (ex_egetkey(&req, key))
		return ATTEST_ERR_KEY;
	aes128_cmac(key, &report->body, sizeof(report->body), mac);
	ex_wipe(key, sizeof(key));
	return ATTEST_OK;
}

static uint64_t op_verify(struct attest_args *a)
{
	struct ex_report report;
	uint8_t mac[16];
	uint64_t status;

	/* Verified and read from enclave memory, never from the host's. */
	if (!ex_copy_from_host(&report, a->report, sizeof(report)))
		return ATTEST_ERR_ARGS;
	status = expected_mac(&report, mac);
	if (status == ATTEST_OK && !ex_equal_ct(mac, report.mac, sizeof(mac)))
		status = ATTEST_ERR_MAC;
	if (status == ATTEST_OK)
		identity_of(&report.body, &a->identity);
	return status;
}

uint64_t attest_role_op(struct attest_args *a)
{
	return a->op == ATTEST_OP_VERIFY ? op_verify(a) : ATTEST_ERR_ARGS;
}

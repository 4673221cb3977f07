// SPDX-License-Identifier: MIT
/*
 * Key derivation: CMAC vectors, EGETKEY's checks and per-key bindings,
 * EREPORT between two enclaves, and the EINITTOKEN key EINIT recomputes.
 * SECS pages are built by hand in the state EINIT leaves them in.
 */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "arch/keys.h"
#include "arch/secs.h"

#define GP_FAULT (ENCLS_FAULT_FLAG | X86_TRAP_GP)

/* What EGETKEY must leave in the output buffer when it fails. */
#define POISON 0xA5

/* An initialised enclave: identity bytes filled with the given seeds. */
static struct sgx_secs *make_secs(uint8_t mrenclave, uint8_t mrsigner,
				  uint16_t isv_prod_id, uint16_t isv_svn,
				  uint64_t flags)
{
	struct sgx_secs *secs = test_alloc_page(1);

	secs->size = 0x10000;
	secs->base = 0x100000;
	secs->ssa_frame_size = 1;
	secs->attributes.flags = SGX_ATTR_INIT | SGX_ATTR_MODE64BIT | flags;
	secs->attributes.xfrm = SGX_XFRM_LEGACY;
	memset(secs->mrenclave, mrenclave, sizeof(secs->mrenclave));
	memset(secs->mrsigner, mrsigner, sizeof(secs->mrsigner));
	secs->isv_prod_id = isv_prod_id;
	secs->isv_svn = isv_svn;
	memcpy(sgx_secs_hidden(secs)->padding, sgx_hardcoded_pkcs1_5_padding,
	       SGX_PADDING_SIZE);
	return secs;
}

static void make_platform(struct sgx_platform *p)
{
	test_platform_fill(p, 1); /* CPUSVN = 16 x 0x10 */
}

static void seal_request(struct sgx_keyrequest *req, uint16_t policy)
{
	memset(req, 0, sizeof(*req));
	req->keyname = SGX_KEYSELECT_SEAL;
	req->keypolicy = policy;
}

/* EGETKEY that must succeed. */
static void getkey(const struct sgx_platform *p, const struct sgx_secs *secs,
		   const struct sgx_keyrequest *req, uint8_t key[16])
{
	assert_int_equal(sgx_egetkey(p, secs, req, key), SGX_SUCCESS);
}

/* EGETKEY that must fail with want and leave the output untouched. */
static void getkey_fails(const struct sgx_platform *p,
			 const struct sgx_secs *secs,
			 const struct sgx_keyrequest *req, int want)
{
	uint8_t key[16], poison[16];

	memset(key, POISON, sizeof(key));
	memset(poison, POISON, sizeof(poison));
	assert_int_equal(sgx_egetkey(p, secs, req, key), want);
	assert_memory_equal(key, poison, sizeof(key));
}

static void test_padding_constant(void **state)
{
	static const uint8_t digest_info[19] = {
		0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
		0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
	};
	const uint8_t *pad = sgx_hardcoded_pkcs1_5_padding;

	(void)state;
	assert_int_equal(pad[0], 0x00);
	assert_int_equal(pad[1], 0x01);
	for (int i = 2; i < 332; i++)
		assert_int_equal(pad[i], 0xFF);
	assert_int_equal(pad[332], 0x00);
	assert_memory_equal(pad + 333, digest_info, sizeof(digest_info));
}

/* RFC 4493 section 4, examples 1-4 (Appendix B has the first two). */
static void test_cmac_rfc4493(void **state)
{
	static const char *const msg_hex =
		"6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
		"30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
	static const struct {
		size_t len;
		const char *mac;
	} cases[] = {
		{ 0, "bb1d6929e95937287fa37d129b756746" },
		{ 16, "070a16b46b4d4144f79bdd9dd04a287c" },
		{ 40, "dfa66747de9ae63030ca32611497c827" },
		{ 64, "51f0bebf7e3b9d92fc49741779363cfe" },
	};
	uint8_t key[16], msg[64], mac[16];

	(void)state;
	assert_int_equal(test_unhex("2b7e151628aed2a6abf7158809cf4f3c", key,
				    sizeof(key)),
			 0);
	assert_int_equal(test_unhex(msg_hex, msg, sizeof(msg)), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sgx_cmac(key, msg, cases[i].len, mac), 0);
		assert_hex_equal(mac, sizeof(mac), cases[i].mac);
	}
}

/*
 * Known answers, computed independently (Python, the 656-byte layout of
 * spec 10.5 written out from the table, `cryptography`'s CMAC). They pin
 * the serialisation: changing it would make all sealed data unreadable.
 */
static void test_kdf_known_answers(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *a = make_secs(0x11, 0x51, 0x1234, 7, 0);
	struct sgx_secs *b = make_secs(0x22, 0x52, 1, 1, 0);
	struct sgx_keyrequest req;
	uint8_t k[16];

	(void)state;
	make_platform(&p);
	seal_request(&req, SGX_KEYPOLICY_MRENCLAVE | SGX_KEYPOLICY_MRSIGNER);
	req.isv_svn = 7;
	memset(req.cpusvn, 0x0F, sizeof(req.cpusvn));
	req.attribute_mask.flags = 0xFF0000000000000BULL;
	for (int i = 0; i < SGX_KEYID_SIZE; i++)
		req.keyid[i] = (uint8_t)i;
	req.misc_mask = 0xF0000000;
	getkey(&p, a, &req, k);
	assert_hex_equal(k, 16, "7844ddcd044263c1c91163c5bbeeb778");

	b->miscselect = SGX_MISC_EXINFO;
	memset(&req, 0, sizeof(req));
	req.keyname = SGX_KEYSELECT_REPORT;
	memcpy(req.keyid, p.report_keyid, sizeof(req.keyid));
	getkey(&p, b, &req, k);
	assert_hex_equal(k, 16, "6eaa84ecceddec52369633bd295c4653");
	free(a);
	free(b);
}

static void test_seal_mrenclave_policy(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *a = make_secs(0x11, 0x51, 1, 1, 0);
	struct sgx_secs *b = make_secs(0x22, 0x51, 1, 1, 0);
	struct sgx_keyrequest req;
	uint8_t ka[16], kb[16], ka2[16];

	(void)state;
	make_platform(&p);
	seal_request(&req, SGX_KEYPOLICY_MRENCLAVE);
	getkey(&p, a, &req, ka);
	getkey(&p, a, &req, ka2);
	getkey(&p, b, &req, kb);
	assert_memory_equal(ka, ka2, 16); /* deterministic */
	assert_memory_not_equal(ka, kb, 16);
	free(a);
	free(b);
}

static void test_seal_mrsigner_policy(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *a = make_secs(0x11, 0x51, 1, 1, 0);
	struct sgx_secs *b = make_secs(0x22, 0x51, 1, 1, 0);
	struct sgx_secs *c = make_secs(0x11, 0x52, 1, 1, 0);
	struct sgx_keyrequest req;
	uint8_t ka[16], kb[16], kc[16];

	(void)state;
	make_platform(&p);
	seal_request(&req, SGX_KEYPOLICY_MRSIGNER);
	getkey(&p, a, &req, ka);
	getkey(&p, b, &req, kb);
	getkey(&p, c, &req, kc);
	assert_memory_equal(ka, kb, 16); /* one signer: shared */
	assert_memory_not_equal(ka, kc, 16); /* other signer: not */

	/* ISVPRODID is bound unless NOISVPRODID (a KSS policy) is asked. */
	b->isv_prod_id = 2;
	getkey(&p, b, &req, kb);
	assert_memory_not_equal(ka, kb, 16);
	free(a);
	free(b);
	free(c);
}

/* Each input of a seal key changes it; per-boot values do not. */
static void test_seal_key_inputs(void **state)
{
	struct sgx_platform p, q;
	struct sgx_secs *secs = make_secs(0x11, 0x51, 1, 5, 0);
	struct sgx_keyrequest req, r;
	uint8_t base[16], k[16];

	(void)state;
	make_platform(&p);
	seal_request(&req, SGX_KEYPOLICY_MRSIGNER);
	req.isv_svn = 5;
	getkey(&p, secs, &req, base);

	r = req;
	r.isv_svn = 4;
	getkey(&p, secs, &r, k);
	assert_memory_not_equal(base, k, 16);

	r = req;
	r.keyid[31] = 1;
	getkey(&p, secs, &r, k);
	assert_memory_not_equal(base, k, 16);

	r = req;
	r.cpusvn[0] = 1;
	getkey(&p, secs, &r, k);
	assert_memory_not_equal(base, k, 16);

	/* DEBUG is bound even though the ATTRIBUTEMASK is zero. */
	secs->attributes.flags |= SGX_ATTR_DEBUG;
	getkey(&p, secs, &req, k);
	assert_memory_not_equal(base, k, 16);
	secs->attributes.flags &= ~SGX_ATTR_DEBUG;

	/* Other attributes only through the mask. */
	secs->attributes.xfrm |= 0x4;
	getkey(&p, secs, &req, k);
	assert_memory_equal(base, k, 16);
	r = req;
	r.attribute_mask.xfrm = 0x4;
	getkey(&p, secs, &r, k);
	assert_memory_not_equal(base, k, 16);
	secs->attributes.xfrm = SGX_XFRM_LEGACY;

	q = p;
	q.root_key[0] ^= 1;
	getkey(&q, secs, &req, k);
	assert_memory_not_equal(base, k, 16);

	q = p;
	q.seal_fuses[0] ^= 1;
	getkey(&q, secs, &req, k);
	assert_memory_not_equal(base, k, 16);

	q = p;
	q.owner_epoch[0] ^= 1;
	getkey(&q, secs, &req, k);
	assert_memory_not_equal(base, k, 16);

	/* A reboot changes neither: sealed data survives it. */
	q = p;
	memset(q.report_keyid, 0x77, sizeof(q.report_keyid));
	memset(q.paging_key, 0x77, sizeof(q.paging_key));
	getkey(&q, secs, &req, k);
	assert_memory_equal(base, k, 16);
	free(secs);
}

static void test_isvsvn_above_enclave(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *secs =
		make_secs(0x11, 0x51, 1, 5, SGX_ATTR_PROVISIONKEY);
	struct sgx_keyrequest req;
	static const uint16_t names[] = {
		SGX_KEYSELECT_SEAL,
		SGX_KEYSELECT_PROVISION,
		SGX_KEYSELECT_PROVISION_SEAL,
	};
	uint8_t k[16];

	(void)state;
	make_platform(&p);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		seal_request(&req, SGX_KEYPOLICY_MRSIGNER);
		req.keyname = names[i];
		req.isv_svn = 6;
		getkey_fails(&p, secs, &req, SGX_INVALID_ISVSVN);
		req.isv_svn = 5;
		getkey(&p, secs, &req, k);
	}
	/* The REPORT key ignores the requested SVNs. */
	seal_request(&req, 0);
	req.keyname = SGX_KEYSELECT_REPORT;
	req.isv_svn = 6;
	memset(req.cpusvn, 0xFF, sizeof(req.cpusvn));
	getkey(&p, secs, &req, k);
	free(secs);
}

/* CPUSVN is 16 independent component SVNs: any one too new fails. */
static void test_cpusvn_above_platform(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *secs = make_secs(0x11, 0x51, 1, 1, 0);
	struct sgx_keyrequest req;
	uint8_t k[16];

	(void)state;
	make_platform(&p);
	seal_request(&req, SGX_KEYPOLICY_MRENCLAVE);
	getkey(&p, secs, &req, k); /* all zero: always acceptable */
	memcpy(req.cpusvn, p.cpusvn, sizeof(req.cpusvn));
	getkey(&p, secs, &req, k); /* the current one */
	for (int i = 0; i < SGX_CPUSVN_SIZE; i++) {
		memcpy(req.cpusvn, p.cpusvn, sizeof(req.cpusvn));
		req.cpusvn[i]++;
		getkey_fails(&p, secs, &req, SGX_INVALID_CPUSVN);
		/* Older in one component, newer in another: still beyond. */
		req.cpusvn[(i + 1) % SGX_CPUSVN_SIZE] = 0;
		getkey_fails(&p, secs, &req, SGX_INVALID_CPUSVN);
		req.cpusvn[i] -= 2;
		getkey(&p, secs, &req, k);
	}
	free(secs);
}

static void test_provision_needs_attribute(void **state)
{
	struct sgx_platform p, q;
	struct sgx_secs *plain = make_secs(0x11, 0x51, 1, 1, 0);
	struct sgx_secs *prov =
		make_secs(0x11, 0x51, 1, 1, SGX_ATTR_PROVISIONKEY);
	struct sgx_keyrequest req;
	uint8_t k1[16], k2[16];

	(void)state;
	make_platform(&p);
	seal_request(&req, 0);
	req.keyname = SGX_KEYSELECT_PROVISION;
	getkey_fails(&p, plain, &req, SGX_INVALID_ATTRIBUTE);
	getkey(&p, prov, &req, k1);

	/* Not diversified by KEYID, owner epoch or seal fuses (10.1). */
	q = p;
	q.owner_epoch[0] ^= 1;
	q.seal_fuses[0] ^= 1;
	req.keyid[0] = 1;
	getkey(&q, prov, &req, k2);
	assert_memory_equal(k1, k2, 16);

	seal_request(&req, SGX_KEYPOLICY_MRSIGNER);
	req.keyname = SGX_KEYSELECT_PROVISION_SEAL;
	getkey_fails(&p, plain, &req, SGX_INVALID_ATTRIBUTE);
	getkey(&p, prov, &req, k2);
	assert_memory_not_equal(k1, k2, 16);
	/* PROVISION_SEAL does depend on the seal fuses. */
	getkey(&q, prov, &req, k1);
	assert_memory_not_equal(k1, k2, 16);
	free(plain);
	free(prov);
}

static void test_einittoken_needs_attribute(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *plain = make_secs(0x11, 0x51, 1, 1, 0);
	struct sgx_secs *le =
		make_secs(0x11, 0x51, 1, 1, SGX_ATTR_EINITTOKENKEY);
	struct sgx_keyrequest req;
	uint8_t k[16];

	(void)state;
	make_platform(&p);
	seal_request(&req, 0);
	req.keyname = SGX_KEYSELECT_EINITTOKEN;
	getkey_fails(&p, plain, &req, SGX_INVALID_ATTRIBUTE);
	getkey(&p, le, &req, k);
	free(plain);
	free(le);
}

static void test_bad_keyname(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *secs = make_secs(0x11, 0x51, 1, 1, 0);
	struct sgx_keyrequest req;

	(void)state;
	make_platform(&p);
	seal_request(&req, 0);
	req.keyname = 5;
	getkey_fails(&p, secs, &req, SGX_INVALID_KEYNAME);
	req.keyname = 0xFFFF;
	getkey_fails(&p, secs, &req, SGX_INVALID_KEYNAME);
	free(secs);
}

/* Malformed requests fault (#GP) before any per-key-name check. */
static void test_reserved_fields_fault(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *secs = make_secs(0x11, 0x51, 1, 1, 0);
	struct sgx_keyrequest req;
	uint8_t k[16];

	(void)state;
	make_platform(&p);

	seal_request(&req, 0);
	req.reserved1 = 1;
	getkey_fails(&p, secs, &req, GP_FAULT);
	seal_request(&req, 0);
	req.cet_attributes_mask = 1; /* no CET on this CPU */
	getkey_fails(&p, secs, &req, GP_FAULT);
	seal_request(&req, 0);
	req.reserved2[0] = 1;
	getkey_fails(&p, secs, &req, GP_FAULT);
	seal_request(&req, 0);
	req.reserved2[sizeof(req.reserved2) - 1] = 0x80;
	getkey_fails(&p, secs, &req, GP_FAULT);
	for (int bit = 6; bit < 16; bit++) {
		seal_request(&req, (uint16_t)(1U << bit));
		getkey_fails(&p, secs, &req, GP_FAULT);
	}

	/* KSS-only policy bits and CONFIGSVN need SECS.ATTRIBUTES.KSS. */
	for (int bit = 2; bit < 6; bit++) {
		seal_request(&req, (uint16_t)(1U << bit));
		getkey_fails(&p, secs, &req, GP_FAULT);
	}
	seal_request(&req, 0);
	req.config_svn = 1;
	getkey_fails(&p, secs, &req, GP_FAULT);

	/* Order: the fault wins over a bad key name or a bad SVN. */
	seal_request(&req, 0);
	req.keyname = 9;
	req.reserved1 = 1;
	getkey_fails(&p, secs, &req, GP_FAULT);
	seal_request(&req, 0);
	req.isv_svn = 100;
	req.keypolicy = 0x8000;
	getkey_fails(&p, secs, &req, GP_FAULT);

	/* Order: attribute, then CPUSVN, then ISVSVN. */
	seal_request(&req, 0);
	req.keyname = SGX_KEYSELECT_PROVISION;
	req.isv_svn = 100;
	memset(req.cpusvn, 0xFF, sizeof(req.cpusvn));
	getkey_fails(&p, secs, &req, SGX_INVALID_ATTRIBUTE);
	req.keyname = SGX_KEYSELECT_SEAL;
	getkey_fails(&p, secs, &req, SGX_INVALID_CPUSVN);
	memset(req.cpusvn, 0, sizeof(req.cpusvn));
	getkey_fails(&p, secs, &req, SGX_INVALID_ISVSVN);
	req.isv_svn = 1;
	getkey(&p, secs, &req, k);
	free(secs);
}

/* With KSS: CONFIGSVN is checked like ISVSVN and the KSS policies bind. */
static void test_kss_policies(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *secs = make_secs(0x11, 0x51, 1, 1, SGX_ATTR_KSS);
	struct sgx_keyrequest req;
	uint8_t base[16], k[16];

	(void)state;
	make_platform(&p);
	secs->config_svn = 3;
	memset(secs->config_id, 0xC1, sizeof(secs->config_id));
	memset(sgx_secs_hidden(secs)->isv_family_id, 0xF1,
	       SGX_ISV_FAMILY_ID_SIZE);

	seal_request(&req, SGX_KEYPOLICY_MRSIGNER | SGX_KEYPOLICY_CONFIGID);
	req.config_svn = 4;
	getkey_fails(&p, secs, &req, SGX_INVALID_ISVSVN);
	req.config_svn = 3;
	getkey(&p, secs, &req, base);
	secs->config_id[0] ^= 1;
	getkey(&p, secs, &req, k);
	assert_memory_not_equal(base, k, 16);

	seal_request(&req, SGX_KEYPOLICY_MRSIGNER | SGX_KEYPOLICY_ISVFAMILYID);
	getkey(&p, secs, &req, base);
	sgx_secs_hidden(secs)->isv_family_id[0] ^= 1;
	getkey(&p, secs, &req, k);
	assert_memory_not_equal(base, k, 16);

	/* NOISVPRODID: products of one signer share the key. */
	seal_request(&req, SGX_KEYPOLICY_MRSIGNER | SGX_KEYPOLICY_NOISVPRODID);
	getkey(&p, secs, &req, base);
	secs->isv_prod_id = 7;
	getkey(&p, secs, &req, k);
	assert_memory_equal(base, k, 16);
	free(secs);
}

/* What enclave B publishes so that others can report to it. */
static void targetinfo_from(struct sgx_targetinfo *ti,
			    const struct sgx_secs *secs)
{
	memset(ti, 0, sizeof(*ti));
	memcpy(ti->mrenclave, secs->mrenclave, sizeof(ti->mrenclave));
	memcpy(&ti->attributes, &secs->attributes, sizeof(ti->attributes));
	ti->miscselect = secs->miscselect;
	ti->config_svn = secs->config_svn;
	memcpy(ti->config_id, secs->config_id, sizeof(ti->config_id));
}

/* B's check of a REPORT: MAC with its own EGETKEY(REPORT, report.keyid). */
static bool report_verifies(const struct sgx_platform *p,
			    const struct sgx_secs *verifier,
			    const struct sgx_report *report)
{
	struct sgx_keyrequest req;
	uint8_t key[16], mac[16];

	memset(&req, 0, sizeof(req));
	req.keyname = SGX_KEYSELECT_REPORT;
	memcpy(req.keyid, report->keyid, sizeof(req.keyid));
	getkey(p, verifier, &req, key);
	assert_int_equal(
		sgx_cmac(key, &report->body, sizeof(report->body), mac), 0);
	return memcmp(mac, report->mac, sizeof(mac)) == 0;
}

static void test_report_between_enclaves(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *a = make_secs(0x11, 0x51, 0x1234, 7, SGX_ATTR_DEBUG);
	struct sgx_secs *b = make_secs(0x22, 0x52, 1, 1, 0);
	struct sgx_targetinfo ti;
	struct sgx_report report;
	uint8_t data[SGX_REPORT_DATA_SIZE];

	(void)state;
	make_platform(&p);
	a->miscselect = SGX_MISC_EXINFO;
	b->miscselect = SGX_MISC_EXINFO;
	memset(sgx_secs_hidden(a)->isv_family_id, 0xF1, SGX_ISV_FAMILY_ID_SIZE);
	memset(sgx_secs_hidden(a)->isv_ext_prod_id, 0xE1,
	       SGX_ISVEXT_PROD_ID_SIZE);
	for (int i = 0; i < SGX_REPORT_DATA_SIZE; i++)
		data[i] = (uint8_t)i;

	targetinfo_from(&ti, b);
	assert_int_equal(sgx_ereport(&p, a, &ti, data, &report), 0);
	assert_true(report_verifies(&p, b, &report));
	assert_false(report_verifies(&p, a, &report));

	/* The body is A's identity (table 2.12). */
	assert_memory_equal(report.body.cpusvn, p.cpusvn, SGX_CPUSVN_SIZE);
	assert_int_equal(report.body.miscselect, a->miscselect);
	assert_memory_equal(&report.body.attributes, &a->attributes, 16);
	assert_memory_equal(report.body.mrenclave, a->mrenclave, 32);
	assert_memory_equal(report.body.mrsigner, a->mrsigner, 32);
	assert_int_equal(report.body.isv_prod_id, 0x1234);
	assert_int_equal(report.body.isv_svn, 7);
	assert_memory_equal(report.body.isv_family_id,
			    sgx_secs_hidden(a)->isv_family_id, 16);
	assert_memory_equal(report.body.isv_ext_prod_id,
			    sgx_secs_hidden(a)->isv_ext_prod_id, 16);
	assert_memory_equal(report.body.report_data, data, sizeof(data));
	assert_memory_equal(report.keyid, p.report_keyid, SGX_KEYID_SIZE);

	/* A TARGETINFO that misdescribes B gives a report B rejects. */
	ti.miscselect = 0;
	assert_int_equal(sgx_ereport(&p, a, &ti, data, &report), 0);
	assert_false(report_verifies(&p, b, &report));
	free(a);
	free(b);
}

/*
 * REPORT.KEYID is this boot's CR_REPORT_KEYID, and the verifier asks for its
 * REPORT key with the KEYID the report carries, not its own boot's value.
 */
static void test_report_keyid(void **state)
{
	struct sgx_platform p, q;
	struct sgx_secs *a = make_secs(0x11, 0x51, 1, 1, 0);
	struct sgx_secs *b = make_secs(0x22, 0x52, 1, 1, 0);
	struct sgx_targetinfo ti;
	struct sgx_report report;
	uint8_t data[SGX_REPORT_DATA_SIZE] = { 0 };

	(void)state;
	make_platform(&p);
	q = p;
	q.report_keyid[0] ^= 1;
	targetinfo_from(&ti, b);
	assert_int_equal(sgx_ereport(&p, a, &ti, data, &report), 0);
	assert_memory_equal(report.keyid, p.report_keyid, SGX_KEYID_SIZE);
	assert_true(report_verifies(&q, b, &report));
	memcpy(report.keyid, q.report_keyid, SGX_KEYID_SIZE);
	assert_false(report_verifies(&q, b, &report));
	free(a);
	free(b);
}

static void test_report_targetinfo_reserved(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *a = make_secs(0x11, 0x51, 1, 1, 0);
	struct sgx_targetinfo ti;
	struct sgx_report report, poison;
	uint8_t data[SGX_REPORT_DATA_SIZE] = { 0 };
	uint8_t *bytes = (uint8_t *)&ti;
	static const size_t reserved[] = { 48, 49, 56, 63, 128, 511 };

	(void)state;
	make_platform(&p);
	memset(&poison, POISON, sizeof(poison));
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		targetinfo_from(&ti, a);
		bytes[reserved[i]] = 1;
		report = poison;
		assert_int_equal(sgx_ereport(&p, a, &ti, data, &report),
				 GP_FAULT);
		assert_memory_equal(&report, &poison, sizeof(report));
	}
	free(a);
}

/*
 * The launch flow: a launch enclave derives its EINITTOKEN key and MACs a
 * token; EINIT recomputes the key from the token alone.
 */
static void test_einittoken_key_matches_le(void **state)
{
	struct sgx_platform p;
	struct sgx_secs *le = make_secs(
		0x11, 0x00, 0x20, 3, SGX_ATTR_EINITTOKENKEY | SGX_ATTR_DEBUG);
	struct sgx_keyrequest req;
	struct sgx_einittoken token;
	uint64_t lehash[4];
	uint8_t le_key[16], einit_key[16];

	(void)state;
	make_platform(&p);
	for (int i = 0; i < SGX_HASH_SIZE; i++)
		le->mrsigner[i] = (uint8_t)(0xA0 + i);
	le->miscselect = SGX_MISC_EXINFO;
	le->attributes.xfrm = 0x7;
	memcpy(lehash, le->mrsigner, sizeof(lehash));

	memset(&req, 0, sizeof(req));
	req.keyname = SGX_KEYSELECT_EINITTOKEN;
	req.isv_svn = 2;
	memset(req.cpusvn, 0x0F, sizeof(req.cpusvn));
	memset(req.keyid, 0x3C, sizeof(req.keyid));
	req.attribute_mask.flags = SGX_ATTR_MODE64BIT;
	req.attribute_mask.xfrm = 0x3;
	req.misc_mask = 0xFFFFFFFF;
	getkey(&p, le, &req, le_key);

	memset(&token, 0, sizeof(token));
	token.valid = 1;
	memcpy(token.cpusvn_le, req.cpusvn, SGX_CPUSVN_SIZE);
	token.isv_prod_id_le = le->isv_prod_id;
	token.isv_svn_le = req.isv_svn;
	token.masked_miscselect_le = le->miscselect & req.misc_mask;
	token.masked_attributes_le.flags =
		le->attributes.flags &
		(req.attribute_mask.flags | SGX_ATTR_INIT | SGX_ATTR_DEBUG);
	token.masked_attributes_le.xfrm =
		le->attributes.xfrm & req.attribute_mask.xfrm;
	memcpy(token.keyid, req.keyid, SGX_KEYID_SIZE);

	assert_int_equal(sgx_einittoken_key(&p, lehash, &token, einit_key), 0);
	assert_memory_equal(le_key, einit_key, 16);

	/* Another LE signer, or a token field changed: another key. */
	lehash[0] ^= 1;
	assert_int_equal(sgx_einittoken_key(&p, lehash, &token, einit_key), 0);
	assert_memory_not_equal(le_key, einit_key, 16);
	lehash[0] ^= 1;
	token.isv_svn_le = 1;
	assert_int_equal(sgx_einittoken_key(&p, lehash, &token, einit_key), 0);
	assert_memory_not_equal(le_key, einit_key, 16);
	free(le);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_padding_constant),
		cmocka_unit_test(test_cmac_rfc4493),
		cmocka_unit_test(test_kdf_known_answers),
		cmocka_unit_test(test_seal_mrenclave_policy),
		cmocka_unit_test(test_seal_mrsigner_policy),
		cmocka_unit_test(test_seal_key_inputs),
		cmocka_unit_test(test_isvsvn_above_enclave),
		cmocka_unit_test(test_cpusvn_above_platform),
		cmocka_unit_test(test_provision_needs_attribute),
		cmocka_unit_test(test_einittoken_needs_attribute),
		cmocka_unit_test(test_bad_keyname),
		cmocka_unit_test(test_reserved_fields_fault),
		cmocka_unit_test(test_kss_policies),
		cmocka_unit_test(test_report_between_enclaves),
		cmocka_unit_test(test_report_keyid),
		cmocka_unit_test(test_report_targetinfo_reserved),
		cmocka_unit_test(test_einittoken_key_matches_le),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * softsgx_sign (tools/sign.c): a SIGSTRUCT it makes for a random MRENCLAVE
 * with a fresh key passes EINIT's checks, carries exactly the requested
 * fields, and its q1/q2 equal a recomputation done here with BIGNUMs; keys
 * SGX cannot use are refused; the independent checkers used by
 * `softsgx info` agree with the public vector.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "testlib.h"
#include "arch/sigstruct.h"
#include "tools/sign.h"

static EVP_PKEY *test_key;

static int setup_key(void **state)
{
	(void)state;
	test_key = softsgx_keygen();
	return test_key ? 0 : -1;
}

static int free_key(void **state)
{
	(void)state;
	EVP_PKEY_free(test_key);
	return 0;
}

/* An RSA key with any size and exponent, generated here, not by sign.c. */
static EVP_PKEY *make_key(unsigned int bits, unsigned long e)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	BIGNUM *bn = BN_new();
	EVP_PKEY *key = NULL;

	assert_non_null(ctx);
	assert_non_null(bn);
	assert_true(BN_set_word(bn, e));
	assert_true(EVP_PKEY_keygen_init(ctx) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) > 0);
	assert_true(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, bn) > 0);
	assert_true(EVP_PKEY_generate(ctx, &key) > 0);
	BN_free(bn);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

/* q1 = floor(s^2 / n), q2 = floor((s^3 - q1*s*n) / n), literally. */
static void recompute_q(const struct sgx_sigstruct *sig, uint8_t q1[384],
			uint8_t q2[384])
{
	BIGNUM *s = BN_lebin2bn(sig->signature, 384, NULL);
	BIGNUM *n = BN_lebin2bn(sig->modulus, 384, NULL);
	BIGNUM *s2 = BN_new(), *s3 = BN_new(), *bq1 = BN_new();
	BIGNUM *t = BN_new(), *bq2 = BN_new();
	BN_CTX *ctx = BN_CTX_new();

	assert_true(s && n && s2 && s3 && bq1 && t && bq2 && ctx);
	assert_true(BN_sqr(s2, s, ctx));
	assert_true(BN_mul(s3, s2, s, ctx));
	assert_true(BN_div(bq1, NULL, s2, n, ctx));
	assert_true(BN_mul(t, bq1, s, ctx));
	assert_true(BN_mul(t, t, n, ctx));
	assert_true(BN_sub(t, s3, t));
	assert_true(BN_div(bq2, NULL, t, n, ctx));
	assert_int_equal(BN_bn2lebinpad(bq1, q1, 384), 384);
	assert_int_equal(BN_bn2lebinpad(bq2, q2, 384), 384);
	BN_free(s);
	BN_free(n);
	BN_free(s2);
	BN_free(s3);
	BN_free(bq1);
	BN_free(t);
	BN_free(bq2);
	BN_CTX_free(ctx);
}

static void sample_params(struct softsgx_sign_params *p)
{
	softsgx_sign_params_default(p);
	p->vendor = SGX_SIGSTRUCT_VENDOR_INTEL;
	p->date = 0x20240229;
	p->swdefined = 0x55;
	p->miscselect = SGX_MISC_EXINFO;
	p->misc_mask = 0xFFFFFFFE;
	p->attributes.flags = SGX_ATTR_MODE64BIT | SGX_ATTR_KSS;
	p->attributes.xfrm = 0x7;
	p->attributes_mask.xfrm = 0xFF;
	p->isv_prod_id = 0xBEEF;
	p->isv_svn = 42;
	memset(p->isv_family_id, 0x11, 16);
	memset(p->isv_ext_prod_id, 0x22, 16);
}

static void check_fields(const struct sgx_sigstruct *sig,
			 const struct softsgx_sign_params *p,
			 const uint8_t mrenclave[32])
{
	static const uint8_t h1[16] = { 6, 0, 0, 0, 0xE1, 0, 0, 0,
					0, 0, 1, 0, 0,	  0, 0, 0 };
	static const uint8_t h2[16] = { 1,    1, 0, 0, 0x60, 0, 0, 0,
					0x60, 0, 0, 0, 1,    0, 0, 0 };
	const uint8_t *raw = (const uint8_t *)sig;
	struct sgx_sigstruct_body b;

	memcpy(&b, &sig->body, sizeof(b));
	assert_memory_equal(raw, h1, 16);
	assert_memory_equal(raw + 24, h2, 16);
	assert_memory_equal(raw + 16, "\x86\x80\x00\x00", 4);
	assert_memory_equal(raw + 20, "\x29\x02\x24\x20", 4);
	assert_memory_equal(raw + 512, "\x03\x00\x00\x00", 4);
	assert_int_equal(b.miscselect, p->miscselect);
	assert_int_equal(b.misc_mask, p->misc_mask);
	assert_int_equal(b.attributes.flags, p->attributes.flags);
	assert_int_equal(b.attributes.xfrm, p->attributes.xfrm);
	assert_int_equal(b.attributes_mask.flags, p->attributes_mask.flags);
	assert_int_equal(b.attributes_mask.xfrm, p->attributes_mask.xfrm);
	assert_int_equal(b.isv_prod_id, p->isv_prod_id);
	assert_int_equal(b.isv_svn, p->isv_svn);
	assert_memory_equal(b.isv_family_id, p->isv_family_id, 16);
	assert_memory_equal(b.isv_ext_prod_id, p->isv_ext_prod_id, 16);
	assert_memory_equal(raw + 960, mrenclave, 32);
}

static void check_modulus(const struct sgx_sigstruct *sig, EVP_PKEY *key)
{
	uint8_t n_le[384], mrsigner[32], expect[32];
	BIGNUM *n = NULL;

	assert_true(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n));
	assert_int_equal(BN_bn2lebinpad(n, n_le, 384), 384);
	BN_free(n);
	assert_memory_equal(sig->modulus, n_le, 384);
	sgx_sigstruct_mrsigner(sig, mrsigner);
	assert_int_equal(softsgx_key_mrsigner(key, expect), 0);
	assert_memory_equal(mrsigner, expect, 32);
}

static void test_sign_random_mrenclave(void **state)
{
	struct softsgx_sign_params p;
	struct sgx_sigstruct sig;
	uint8_t mrenclave[32], q1[384], q2[384];
	bool q1_ok, q2_ok;

	(void)state;
	assert_int_equal(RAND_bytes(mrenclave, sizeof(mrenclave)), 1);
	sample_params(&p);
	assert_int_equal(softsgx_sign(test_key, &p, mrenclave, &sig), 0);

	assert_int_equal(sgx_sigstruct_check_format(&sig), SGX_SUCCESS);
	assert_int_equal(sgx_sigstruct_verify_signature(&sig), SGX_SUCCESS);
	check_fields(&sig, &p, mrenclave);
	check_modulus(&sig, test_key);
	recompute_q(&sig, q1, q2);
	assert_memory_equal(sig.q1, q1, 384);
	assert_memory_equal(sig.q2, q2, 384);
	assert_int_equal(softsgx_sigstruct_rsa_verify(&sig), 1);
	assert_int_equal(softsgx_sigstruct_check_q(&sig, &q1_ok, &q2_ok), 0);
	assert_true(q1_ok && q2_ok);
}

/* Every signed byte matters; the unsigned ones are checked by q1/q2. */
static void test_sign_tamper(void **state)
{
	static const size_t offsets[] = { 20, 40, 516, 899, 904, 960, 1026 };
	struct softsgx_sign_params p;
	struct sgx_sigstruct sig, bad;
	uint8_t mrenclave[32] = { 1, 2, 3 };

	(void)state;
	softsgx_sign_params_default(&p);
	assert_int_equal(softsgx_sign(test_key, &p, mrenclave, &sig), 0);
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		bad = sig;
		((uint8_t *)&bad)[offsets[i]] ^= 0x10;
		assert_int_equal(sgx_sigstruct_verify_signature(&bad),
				 SGX_INVALID_SIGNATURE);
		assert_int_equal(softsgx_sigstruct_rsa_verify(&bad), 0);
	}
	bad = sig;
	bad.q2[7] ^= 1;
	assert_int_equal(sgx_sigstruct_verify_signature(&bad),
			 SGX_INVALID_SIGNATURE);
	assert_int_equal(softsgx_sigstruct_rsa_verify(&bad), 1);
}

static void test_sign_refuses_keys(void **state)
{
	struct softsgx_sign_params p;
	struct sgx_sigstruct sig;
	uint8_t mrenclave[32] = { 0 };
	EVP_PKEY *small = make_key(2048, 3);
	EVP_PKEY *f4 = make_key(3072, 65537);

	(void)state;
	softsgx_sign_params_default(&p);
	assert_int_equal(softsgx_sign(small, &p, mrenclave, &sig), -1);
	assert_non_null(strstr(softsgx_sign_error(), "2048 bits"));
	assert_int_equal(softsgx_sign(f4, &p, mrenclave, &sig), -1);
	assert_non_null(strstr(softsgx_sign_error(), "exponent"));
	p.vendor = 1;
	assert_int_equal(softsgx_sign(test_key, &p, mrenclave, &sig), -1);
	EVP_PKEY_free(small);
	EVP_PKEY_free(f4);
}

static void test_defaults_and_date(void **state)
{
	struct softsgx_sign_params p;
	uint32_t today = softsgx_date_today();

	(void)state;
	assert_int_equal(softsgx_bcd_date(2016, 12, 14), 0x20161214);
	assert_int_equal(softsgx_bcd_date(1999, 1, 2), 0x19990102);
	softsgx_sign_params_default(&p);
	assert_int_equal(p.vendor, 0);
	assert_int_equal(p.date, today);
	assert_true(today >= 0x20240101 && today <= 0x99991231);
	assert_int_equal(p.misc_mask, 0xFFFFFFFF);
	assert_int_equal(p.attributes.flags, SGX_ATTR_MODE64BIT);
	assert_int_equal(p.attributes.xfrm, 3);
	assert_int_equal(p.attributes_mask.flags, ~SGX_ATTR_DEBUG);
	assert_int_equal(p.attributes_mask.xfrm, 3);
}

/* The checkers behind `softsgx info` on a SIGSTRUCT signed by others. */
static void test_checkers_on_vector(void **state)
{
	struct sgx_sigstruct *sig;
	uint8_t q1[384], q2[384];
	bool q1_ok, q2_ok;
	size_t len = 0;

	(void)state;
	sig = test_read_vector("fortanix-test_enclave.sig", &len);
	if (!sig)
		skip();
	assert_int_equal(len, sizeof(*sig));
	assert_int_equal(softsgx_sigstruct_rsa_verify(sig), 1);
	assert_int_equal(softsgx_sigstruct_check_q(sig, &q1_ok, &q2_ok), 0);
	assert_true(q1_ok && q2_ok);
	assert_int_equal(
		softsgx_compute_q(sig->signature, sig->modulus, q1, q2), 0);
	assert_memory_equal(q1, sig->q1, 384);
	assert_memory_equal(q2, sig->q2, 384);
	free(sig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_random_mrenclave),
		cmocka_unit_test(test_sign_tamper),
		cmocka_unit_test(test_sign_refuses_keys),
		cmocka_unit_test(test_defaults_and_date),
		cmocka_unit_test(test_checkers_on_vector),
	};

	return cmocka_run_group_tests(tests, setup_key, free_key);
}

// SPDX-License-Identifier: MIT
/* SIGSTRUCT signing and checking with OpenSSL 3 (see sign.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "sign.h"

static _Thread_local char sign_error[256];

/* Records why we failed, with OpenSSL's reason when it has one; -1. */
static int sign_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int sign_fail(const char *fmt, ...)
{
	unsigned long e = ERR_peek_last_error();
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sign_error, sizeof(sign_error), fmt, ap);
	va_end(ap);
	n = strlen(sign_error);
	if (e && n + 3 < sizeof(sign_error)) {
		memcpy(sign_error + n, ": ", 3);
		ERR_error_string_n(e, sign_error + n + 2,
				   sizeof(sign_error) - n - 2);
	}
	ERR_clear_error();
	return -1;
}

const char *softsgx_sign_error(void)
{
	return sign_error;
}

uint32_t softsgx_bcd_date(unsigned int year, unsigned int month,
			  unsigned int day)
{
	unsigned int dec =
		(year % 10000) * 10000 + (month % 100) * 100 + day % 100;
	uint32_t bcd = 0;

	/* 8 decimal digits, one nibble each: 20161214 -> 0x20161214. */
	for (int shift = 0; shift < 32; shift += 4, dec /= 10)
		bcd |= (uint32_t)(dec % 10) << shift;
	return bcd;
}

uint32_t softsgx_date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		return 0;
	return softsgx_bcd_date((unsigned int)tm.tm_year + 1900,
				(unsigned int)tm.tm_mon + 1,
				(unsigned int)tm.tm_mday);
}

void softsgx_sign_params_default(struct softsgx_sign_params *p)
{
	memset(p, 0, sizeof(*p));
	p->vendor = SGX_SIGSTRUCT_VENDOR_NONE;
	p->date = softsgx_date_today();
	p->misc_mask = 0xFFFFFFFF;
	p->attributes.flags = SGX_ATTR_MODE64BIT;
	p->attributes.xfrm = SGX_XFRM_LEGACY;
	p->attributes_mask.flags = ~SGX_ATTR_DEBUG;
	p->attributes_mask.xfrm = SGX_XFRM_LEGACY;
}

EVP_PKEY *softsgx_keygen(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *key = NULL;
	BIGNUM *e = BN_new();

	if (!ctx || !e || !BN_set_word(e, SOFTSGX_KEY_EXPONENT) ||
	    EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, SOFTSGX_KEY_BITS) <= 0 ||
	    EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, e) <= 0 ||
	    EVP_PKEY_generate(ctx, &key) <= 0) {
		sign_fail("RSA key generation failed");
		key = NULL;
	}
	BN_free(e);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

int softsgx_key_mrsigner(EVP_PKEY *key, uint8_t out[SGX_HASH_SIZE])
{
	uint8_t modulus[SGX_MODULUS_SIZE];
	BIGNUM *n = NULL;
	int ok;

	ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) &&
	     BN_bn2lebinpad(n, modulus, sizeof(modulus)) == sizeof(modulus) &&
	     EVP_Digest(modulus, sizeof(modulus), out, NULL, EVP_sha256(),
			NULL);
	BN_free(n);
	return ok ? 0 : sign_fail("cannot hash the RSA modulus");
}

int softsgx_key_check(EVP_PKEY *key)
{
	BIGNUM *e = NULL;
	int ok;

	if (!EVP_PKEY_is_a(key, "RSA"))
		return sign_fail("not an RSA key");
	if (EVP_PKEY_get_bits(key) != SOFTSGX_KEY_BITS)
		return sign_fail("RSA key has %d bits; SGX needs %d",
				 EVP_PKEY_get_bits(key), SOFTSGX_KEY_BITS);
	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e))
		return sign_fail("cannot read the RSA public exponent");
	ok = BN_is_word(e, SOFTSGX_KEY_EXPONENT);
	BN_free(e);
	if (!ok)
		return sign_fail("RSA public exponent is not %d",
				 SOFTSGX_KEY_EXPONENT);
	return 0;
}

/* Refuse to prompt for a passphrase: signing runs unattended. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

EVP_PKEY *softsgx_key_load(const char *pem_path)
{
	FILE *f = fopen(pem_path, "r");
	EVP_PKEY *key;

	if (!f) {
		sign_fail("%s: %s", pem_path, strerror(errno));
		return NULL;
	}
	key = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	fclose(f);
	if (!key) {
		sign_fail("%s: not an unencrypted PEM private key", pem_path);
		return NULL;
	}
	if (softsgx_key_check(key)) {
		EVP_PKEY_free(key);
		return NULL;
	}
	return key;
}

static void reverse_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[n - 1 - i];
}

static void fill_signed_fields(const struct softsgx_sign_params *p,
			       const uint8_t mrenclave[32],
			       struct sgx_sigstruct *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->header.header1, sgx_sigstruct_header1, 16);
	out->header.vendor = p->vendor;
	out->header.date = p->date;
	memcpy(out->header.header2, sgx_sigstruct_header2, 16);
	out->header.swdefined = p->swdefined;
	out->exponent = SGX_SIGSTRUCT_EXPONENT;
	out->body.miscselect = p->miscselect;
	out->body.misc_mask = p->misc_mask;
	memcpy(out->body.isv_family_id, p->isv_family_id, 16);
	out->body.attributes = p->attributes;
	out->body.attributes_mask = p->attributes_mask;
	memcpy(out->body.mrenclave, mrenclave, SGX_HASH_SIZE);
	memcpy(out->body.isv_ext_prod_id, p->isv_ext_prod_id, 16);
	out->body.isv_prod_id = p->isv_prod_id;
	out->body.isv_svn = p->isv_svn;
}

static int put_modulus(EVP_PKEY *key, struct sgx_sigstruct *out)
{
	BIGNUM *n = NULL;
	int ret = 0;

	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) ||
	    BN_bn2lebinpad(n, out->modulus, SGX_MODULUS_SIZE) !=
		    SGX_MODULUS_SIZE)
		ret = sign_fail("cannot read the RSA modulus");
	BN_free(n);
	return ret;
}

/* The signed message: SIGSTRUCT[0..127] || SIGSTRUCT[900..1027]. */
static void signed_message(const struct sgx_sigstruct *sig, uint8_t msg[256])
{
	memcpy(msg, &sig->header, sizeof(sig->header));
	memcpy(msg + sizeof(sig->header), &sig->body, sizeof(sig->body));
}

static int put_signature(EVP_PKEY *key, struct sgx_sigstruct *out)
{
	uint8_t msg[256], sig[SGX_MODULUS_SIZE];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t len = sizeof(sig);
	int ret = 0;

	signed_message(out, msg);
	/* RSA keys sign with PKCS#1 v1.5 padding unless told otherwise. */
	if (!md ||
	    EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL, key, NULL) <=
		    0 ||
	    EVP_DigestSign(md, sig, &len, msg, sizeof(msg)) <= 0 ||
	    len != sizeof(sig))
		ret = sign_fail("RSA signing failed");
	else
		reverse_copy(out->signature, sig, sizeof(sig));
	EVP_MD_CTX_free(md);
	return ret;
}

int softsgx_compute_q(const uint8_t s_le[SGX_MODULUS_SIZE],
		      const uint8_t n_le[SGX_MODULUS_SIZE],
		      uint8_t q1_le[SGX_MODULUS_SIZE],
		      uint8_t q2_le[SGX_MODULUS_SIZE])
{
	BIGNUM *s = BN_lebin2bn(s_le, SGX_MODULUS_SIZE, NULL);
	BIGNUM *n = BN_lebin2bn(n_le, SGX_MODULUS_SIZE, NULL);
	BIGNUM *t = BN_new(), *q1 = BN_new(), *r1 = BN_new(), *q2 = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	int ret = -1;

	if (!s || !n || !t || !q1 || !r1 || !q2 || !ctx || BN_is_zero(n) ||
	    BN_cmp(s, n) >= 0)
		goto out;
	/* q1 = floor(s^2 / n), r1 = s^2 - q1 n; s^3 - q1 s n = s r1. */
	if (!BN_sqr(t, s, ctx) || !BN_div(q1, r1, t, n, ctx) ||
	    !BN_mul(t, s, r1, ctx) || !BN_div(q2, NULL, t, n, ctx))
		goto out;
	if (BN_bn2lebinpad(q1, q1_le, SGX_MODULUS_SIZE) != SGX_MODULUS_SIZE ||
	    BN_bn2lebinpad(q2, q2_le, SGX_MODULUS_SIZE) != SGX_MODULUS_SIZE)
		goto out;
	ret = 0;
out:
	BN_free(s);
	BN_free(n);
	BN_free(t);
	BN_free(q1);
	BN_free(r1);
	BN_free(q2);
	BN_CTX_free(ctx);
	return ret;
}

int softsgx_sign(EVP_PKEY *key, const struct softsgx_sign_params *p,
		 const uint8_t mrenclave[32], struct sgx_sigstruct *out)
{
	if (p->vendor != SGX_SIGSTRUCT_VENDOR_NONE &&
	    p->vendor != SGX_SIGSTRUCT_VENDOR_INTEL)
		return sign_fail("vendor 0x%x is neither 0 nor 0x8086",
				 p->vendor);
	if (softsgx_key_check(key))
		return -1;
	fill_signed_fields(p, mrenclave, out);
	if (put_modulus(key, out) || put_signature(key, out))
		return -1;
	if (softsgx_compute_q(out->signature, out->modulus, out->q1, out->q2))
		return sign_fail("cannot compute q1/q2");
	return 0;
}

/* The public key of a SIGSTRUCT: n from MODULUS, e from EXPONENT. */
static EVP_PKEY *sigstruct_public_key(const struct sgx_sigstruct *sig)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *n = BN_lebin2bn(sig->modulus, SGX_MODULUS_SIZE, NULL);
	BIGNUM *e = BN_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	OSSL_PARAM *params = NULL;
	EVP_PKEY *key = NULL;
	uint32_t exponent = sig->exponent;

	if (!bld || !n || !e || !ctx || !BN_set_word(e, exponent) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(ctx);
	BN_free(e);
	BN_free(n);
	OSSL_PARAM_BLD_free(bld);
	return key;
}

int softsgx_sigstruct_rsa_verify(const struct sgx_sigstruct *sig)
{
	uint8_t msg[256], s[SGX_MODULUS_SIZE];
	EVP_PKEY *key = sigstruct_public_key(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ret = -1;

	if (!key || !md) {
		sign_fail("cannot build the public key");
		goto out;
	}
	signed_message(sig, msg);
	reverse_copy(s, sig->signature, sizeof(s));
	if (EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL, key,
				    NULL) <= 0) {
		sign_fail("cannot set up RSA verification");
		goto out;
	}
	ret = EVP_DigestVerify(md, s, sizeof(s), msg, sizeof(msg)) == 1;
	ERR_clear_error(); /* a bad signature leaves reasons behind */
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return ret;
}

int softsgx_sigstruct_check_q(const struct sgx_sigstruct *sig, bool *q1_ok,
			      bool *q2_ok)
{
	uint8_t q1[SGX_MODULUS_SIZE], q2[SGX_MODULUS_SIZE];

	*q1_ok = *q2_ok = false;
	if (softsgx_compute_q(sig->signature, sig->modulus, q1, q2))
		return sign_fail("q1/q2 cannot be computed (s >= n or n = 0)");
	*q1_ok = !memcmp(q1, sig->q1, sizeof(q1));
	*q2_ok = !memcmp(q2, sig->q2, sizeof(q2));
	return 0;
}

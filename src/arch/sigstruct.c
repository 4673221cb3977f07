// SPDX-License-Identifier: MIT
#include <stdbool.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>

#include "arch/keys.h"
#include "arch/sigstruct.h"
#include "arch/util.h"

const uint8_t sgx_sigstruct_header1[16] = { 0x06, 0x00, 0x00, 0x00, 0xE1, 0x00,
					    0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
					    0x00, 0x00, 0x00, 0x00 };
const uint8_t sgx_sigstruct_header2[16] = { 0x01, 0x01, 0x00, 0x00, 0x60, 0x00,
					    0x00, 0x00, 0x60, 0x00, 0x00, 0x00,
					    0x01, 0x00, 0x00, 0x00 };

int sgx_sigstruct_check_format(const struct sgx_sigstruct *sig)
{
	const struct sgx_sigstruct_header *h = &sig->header;
	const struct sgx_sigstruct_body *b = &sig->body;

	if (memcmp(h->header1, sgx_sigstruct_header1, 16) ||
	    memcmp(h->header2, sgx_sigstruct_header2, 16))
		return SGX_INVALID_SIG_STRUCT;
	if (h->vendor != SGX_SIGSTRUCT_VENDOR_NONE &&
	    h->vendor != SGX_SIGSTRUCT_VENDOR_INTEL)
		return SGX_INVALID_SIG_STRUCT;
	if (sig->exponent != SGX_SIGSTRUCT_EXPONENT)
		return SGX_INVALID_SIG_STRUCT;
	/* Without CET in SGX the CET bytes are reserved too (908..911). */
	if (!all_zero(h->reserved1, sizeof(h->reserved1)) ||
	    b->cet_attributes || b->cet_attributes_mask ||
	    !all_zero(b->reserved2, sizeof(b->reserved2)) ||
	    !all_zero(b->reserved3, sizeof(b->reserved3)) ||
	    !all_zero(sig->reserved4, sizeof(sig->reserved4)))
		return SGX_INVALID_SIG_STRUCT;
	return SGX_SUCCESS;
}

void sgx_sigstruct_signed_hash(const struct sgx_sigstruct *sig,
			       uint8_t out[SGX_HASH_SIZE])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(ctx, &sig->header, sizeof(sig->header)) ||
	    !EVP_DigestUpdate(ctx, &sig->body, sizeof(sig->body)) ||
	    !EVP_DigestFinal_ex(ctx, out, NULL))
		memset(out, 0, SGX_HASH_SIZE); /* never matches a signature */
	EVP_MD_CTX_free(ctx);
}

void sgx_sigstruct_mrsigner(const struct sgx_sigstruct *sig,
			    uint8_t out[SGX_HASH_SIZE])
{
	if (!EVP_Digest(sig->modulus, sizeof(sig->modulus), out, NULL,
			EVP_sha256(), NULL))
		memset(out, 0, SGX_HASH_SIZE);
}

struct rsa_operands {
	BIGNUM *n, *s, *q1, *q2, *t, *q, *r1, *m;
	BN_CTX *ctx;
};

static void rsa_operands_free(struct rsa_operands *op)
{
	BN_free(op->n);
	BN_free(op->s);
	BN_free(op->q1);
	BN_free(op->q2);
	BN_free(op->t);
	BN_free(op->q);
	BN_free(op->r1);
	BN_free(op->m);
	BN_CTX_free(op->ctx);
}

static bool rsa_operands_load(struct rsa_operands *op,
			      const struct sgx_sigstruct *sig)
{
	op->n = BN_lebin2bn(sig->modulus, SGX_MODULUS_SIZE, NULL);
	op->s = BN_lebin2bn(sig->signature, SGX_MODULUS_SIZE, NULL);
	op->q1 = BN_lebin2bn(sig->q1, SGX_MODULUS_SIZE, NULL);
	op->q2 = BN_lebin2bn(sig->q2, SGX_MODULUS_SIZE, NULL);
	op->t = BN_new();
	op->q = BN_new();
	op->r1 = BN_new();
	op->m = BN_new();
	op->ctx = BN_CTX_new();
	return op->n && op->s && op->q1 && op->q2 && op->t && op->q && op->r1 &&
	       op->m && op->ctx;
}

/*
 * Hardware computes s^3 mod n without a division, trusting the signer's
 * q1 = floor(s^2 / n) and q2 = floor(s * (s^2 mod n) / n). softsgx divides
 * and requires the supplied quotients to be exactly those, so a SIGSTRUCT
 * with wrong q1/q2 is rejected as hardware would reject it.
 */
static bool rsa_cube_mod_n(struct rsa_operands *op)
{
	if (BN_is_zero(op->n) || BN_cmp(op->s, op->n) >= 0)
		return false;
	if (!BN_sqr(op->t, op->s, op->ctx) ||
	    !BN_div(op->q, op->r1, op->t, op->n, op->ctx) ||
	    BN_cmp(op->q, op->q1))
		return false;
	if (!BN_mul(op->t, op->s, op->r1, op->ctx) ||
	    !BN_div(op->q, op->m, op->t, op->n, op->ctx) ||
	    BN_cmp(op->q, op->q2))
		return false;
	return true;
}

int sgx_sigstruct_verify_signature(const struct sgx_sigstruct *sig)
{
	uint8_t em[SGX_MODULUS_SIZE], hash[SGX_HASH_SIZE];
	struct rsa_operands op = { 0 };
	bool ok = false;

	if (rsa_operands_load(&op, sig) && rsa_cube_mod_n(&op) &&
	    BN_bn2binpad(op.m, em, sizeof(em)) == (int)sizeof(em)) {
		sgx_sigstruct_signed_hash(sig, hash);
		ok = !memcmp(em, sgx_hardcoded_pkcs1_5_padding,
			     SGX_PADDING_SIZE) &&
		     !memcmp(em + SGX_PADDING_SIZE, hash, SGX_HASH_SIZE);
	}
	rsa_operands_free(&op);
	return ok ? SGX_SUCCESS : SGX_INVALID_SIGNATURE;
}

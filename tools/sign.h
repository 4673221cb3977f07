/* SPDX-License-Identifier: MIT */
/*
 * Producing SIGSTRUCTs (spec sections 2.10, 4.2-4.4): RSA-3072 with public
 * exponent 3, PKCS#1 v1.5 over SHA-256 of the two signed regions, all big
 * numbers stored little-endian, and the q1/q2 helper quotients EINIT uses.
 * Every operation is OpenSSL 3's; nothing here is hand-written crypto.
 */
#ifndef SOFTSGX_TOOLS_SIGN_H
#define SOFTSGX_TOOLS_SIGN_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "arch/sgx_arch.h"

#define SOFTSGX_KEY_BITS 3072
#define SOFTSGX_KEY_EXPONENT 3

/* The signed fields of a SIGSTRUCT other than ENCLAVEHASH. */
struct softsgx_sign_params {
	uint32_t vendor, date, swdefined, miscselect, misc_mask;
	struct sgx_attributes attributes, attributes_mask;
	uint16_t isv_prod_id, isv_svn;
	uint8_t isv_family_id[16], isv_ext_prod_id[16];
};

/*
 * Defaults, those of a typical ISV enclave that may be launched in debug
 * mode or not:
 *   vendor 0 (not Intel), date = today (UTC) as BCD 0xYYYYMMDD,
 *   swdefined 0, miscselect 0 with misc_mask 0xFFFFFFFF (every MISCSELECT
 *   bit enforced, i.e. the enclave must be created with MISCSELECT 0),
 *   attributes { MODE64BIT, XFRM 0x3 } with mask { ~DEBUG, XFRM 0x3 }
 *   (everything enforced except DEBUG; any XFRM that includes x87 and SSE),
 *   isv_prod_id 0, isv_svn 0, isv_family_id and isv_ext_prod_id zero.
 */
void softsgx_sign_params_default(struct softsgx_sign_params *p);

/* A fresh RSA 3072-bit key with e = 3; NULL on failure. */
EVP_PKEY *softsgx_keygen(void);

/* A PEM private key; NULL unless it is RSA, 3072-bit, e = 3, unencrypted. */
EVP_PKEY *softsgx_key_load(const char *pem_path);

/* 0 if key is an RSA 3072-bit key with e = 3, else -1. */
int softsgx_key_check(EVP_PKEY *key);

/* MRSIGNER of a key: SHA-256 of its modulus, 384 bytes little-endian. */
int softsgx_key_mrsigner(EVP_PKEY *key, uint8_t out[SGX_HASH_SIZE]);

/*
 * Fill *out completely: header constants, p's fields, mrenclave, modulus
 * (little-endian), exponent 3, signature (PKCS#1 v1.5 SHA-256 over
 * header || body, byte-reversed), q1 = floor(s^2 / n) and
 * q2 = floor((s^3 - q1*s*n) / n). 0 or -1.
 */
int softsgx_sign(EVP_PKEY *key, const struct softsgx_sign_params *p,
		 const uint8_t mrenclave[32], struct sgx_sigstruct *out);

/* Why the last call of this library failed, in this thread. */
const char *softsgx_sign_error(void);

/* Today (UTC) as BCD 0xYYYYMMDD; softsgx_bcd_date(2016, 12, 14) = 0x20161214. */
uint32_t softsgx_date_today(void);
uint32_t softsgx_bcd_date(unsigned int year, unsigned int month,
			  unsigned int day);

/*
 * q1 and q2 (384-byte little-endian) for signature s and modulus n, as the
 * formulas above define them. 0 or -1 (n zero, s >= n).
 */
int softsgx_compute_q(const uint8_t s[SGX_MODULUS_SIZE],
		      const uint8_t n[SGX_MODULUS_SIZE],
		      uint8_t q1[SGX_MODULUS_SIZE],
		      uint8_t q2[SGX_MODULUS_SIZE]);

/*
 * Independent checks for `softsgx info`: the RSA signature alone, through
 * OpenSSL's own PKCS#1 v1.5 verification (1 valid, 0 not, -1 error), and
 * the q1/q2 fields against a recomputation (-1 if they cannot be computed).
 */
int softsgx_sigstruct_rsa_verify(const struct sgx_sigstruct *sig);
int softsgx_sigstruct_check_q(const struct sgx_sigstruct *sig, bool *q1_ok,
			      bool *q2_ok);

#endif /* SOFTSGX_TOOLS_SIGN_H */

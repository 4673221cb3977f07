/* SPDX-License-Identifier: MIT */
/* SIGSTRUCT verification as EINIT performs it (spec section 4). */
#ifndef SOFTSGX_ARCH_SIGSTRUCT_H
#define SOFTSGX_ARCH_SIGSTRUCT_H

#include <stdint.h>

#include "arch/sgx_arch.h"

/* Header constants, vendor, exponent, reserved fields: 0 or SGX_INVALID_SIG_STRUCT. */
int sgx_sigstruct_check_format(const struct sgx_sigstruct *sig);

/*
 * RSA-3072, e = 3, PKCS#1 v1.5 over SHA-256 of the two signed regions, with
 * the signer's q1/q2 checked against s and n: 0 or SGX_INVALID_SIGNATURE.
 */
int sgx_sigstruct_verify_signature(const struct sgx_sigstruct *sig);

/* MRSIGNER: SHA-256 of the modulus bytes as stored. */
void sgx_sigstruct_mrsigner(const struct sgx_sigstruct *sig,
			    uint8_t out[SGX_HASH_SIZE]);

/* SHA-256 over SIGSTRUCT[0..127] || SIGSTRUCT[900..1027]. */
void sgx_sigstruct_signed_hash(const struct sgx_sigstruct *sig,
			       uint8_t out[SGX_HASH_SIZE]);

#endif /* SOFTSGX_ARCH_SIGSTRUCT_H */

/* SPDX-License-Identifier: MIT */
/*
 * Key derivation: EGETKEY, EREPORT and the EINITTOKEN key, as pure functions
 * of an enclave's SECS and the platform. The PRF and the serialisation of
 * the key dependencies are softsgx's own (docs/platform.md): real hardware
 * keys come from fuses and cannot be reproduced.
 */
#ifndef SOFTSGX_ARCH_KEYS_H
#define SOFTSGX_ARCH_KEYS_H

#include <stdint.h>

#include "arch/cpu.h"

/* The PKCS#1 v1.5 prefix EINIT stores as SECS.PADDING (352 bytes). */
extern const uint8_t sgx_hardcoded_pkcs1_5_padding[SGX_PADDING_SIZE];

/*
 * EGETKEY for the enclave whose SECS is given. Returns 0, SGX_INVALID_*
 * or ENCLS_FAULT_FLAG | X86_TRAP_GP; key is written only on success.
 */
int sgx_egetkey(const struct sgx_platform *platform,
		const struct sgx_secs *secs, const struct sgx_keyrequest *req,
		uint8_t key[SGX_KEY_SIZE]);

/*
 * EREPORT from the enclave whose SECS is given, MACed with the REPORT key of
 * the enclave that targetinfo describes. Returns 0 or
 * ENCLS_FAULT_FLAG | X86_TRAP_GP (reserved TARGETINFO bytes set).
 */
int sgx_ereport(const struct sgx_platform *platform,
		const struct sgx_secs *secs,
		const struct sgx_targetinfo *targetinfo,
		const uint8_t report_data[SGX_REPORT_DATA_SIZE],
		struct sgx_report *report);

/* The key EINIT uses to check an EINITTOKEN's MAC (launch enclave's key). */
int sgx_einittoken_key(const struct sgx_platform *platform,
		       const uint64_t lepubkeyhash[4],
		       const struct sgx_einittoken *token,
		       uint8_t key[SGX_KEY_SIZE]);

/* AES-128-CMAC (RFC 4493). */
int sgx_cmac(const uint8_t key[16], const void *data, size_t len,
	     uint8_t mac[16]);

#endif /* SOFTSGX_ARCH_KEYS_H */

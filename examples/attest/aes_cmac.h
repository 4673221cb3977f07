/* SPDX-License-Identifier: MIT */
/*
 * AES-128 encryption (FIPS 197) and AES-CMAC (RFC 4493), written for this
 * example from those documents; their test vectors are checked by
 * tests/examples/test_aes_cmac.c, which runs this same file on the host.
 *
 * EXAMPLE CODE, NOT A VETTED CRYPTO LIBRARY. It exists because the enclave
 * is freestanding and cannot link one. The S-box is computed (inverse in
 * GF(2^8), then the affine map) instead of looked up in a table, so no
 * memory access depends on the key; that makes it slow, and it has had no
 * review or side-channel analysis beyond that. Use a real library in real
 * enclaves.
 *
 * Freestanding: <stddef.h> and <stdint.h> only, no libc calls.
 */
#ifndef SOFTSGX_EXAMPLE_AES_CMAC_H
#define SOFTSGX_EXAMPLE_AES_CMAC_H

#include <stddef.h>
#include <stdint.h>

#define AES128_KEY_SIZE 16
#define AES_BLOCK_SIZE 16
#define AES128_ROUNDS 10

struct aes128 {
	/* The key schedule: 11 round keys, FIPS 197 5.2 w[0..43] as bytes. */
	uint8_t round_key[AES128_ROUNDS + 1][AES_BLOCK_SIZE];
};

/* FIPS 197 5.1.1: SubBytes() on one byte. */
uint8_t aes_sbox(uint8_t a);

void aes128_init(struct aes128 *ctx, const uint8_t key[AES128_KEY_SIZE]);
void aes128_encrypt(const struct aes128 *ctx, const uint8_t in[AES_BLOCK_SIZE],
		    uint8_t out[AES_BLOCK_SIZE]);
/* Zero the key schedule. */
void aes128_wipe(struct aes128 *ctx);

/* RFC 4493 2.3: the subkeys K1 and K2. */
void aes_cmac_subkeys(const struct aes128 *ctx, uint8_t k1[AES_BLOCK_SIZE],
		      uint8_t k2[AES_BLOCK_SIZE]);

/* RFC 4493 2.4: the 16-byte MAC of len bytes at msg. */
void aes128_cmac(const uint8_t key[AES128_KEY_SIZE], const void *msg,
		 size_t len, uint8_t mac[AES_BLOCK_SIZE]);

#endif /* SOFTSGX_EXAMPLE_AES_CMAC_H */

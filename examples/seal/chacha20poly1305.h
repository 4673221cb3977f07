/* SPDX-License-Identifier: MIT */
/*
 * ChaCha20, Poly1305 and the AEAD_CHACHA20_POLY1305 construction, written
 * for this example from RFC 8439 (the test vectors of the RFC are checked by
 * tests/examples/test_chacha20poly1305.c, which runs this same file on the
 * host).
 *
 * EXAMPLE CODE, NOT A VETTED CRYPTO LIBRARY. It exists because the enclave
 * is freestanding and cannot link one; it has had no review, no
 * side-channel analysis beyond avoiding secret-dependent branches and
 * table lookups, and no hardening. Use a real library in real enclaves.
 *
 * Freestanding: <stddef.h> and <stdint.h> only, no libc calls.
 */
#ifndef SOFTSGX_EXAMPLE_CHACHA20POLY1305_H
#define SOFTSGX_EXAMPLE_CHACHA20POLY1305_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_SIZE 32
#define CHACHA20_NONCE_SIZE 12
#define CHACHA20_BLOCK_SIZE 64
#define POLY1305_KEY_SIZE 32
#define POLY1305_TAG_SIZE 16

/* RFC 8439 2.3: one 64-byte keystream block. */
void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE],
		    uint8_t out[CHACHA20_BLOCK_SIZE]);

/* RFC 8439 2.4: out = in XOR keystream from block counter on (in == out ok). */
void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		  const uint8_t nonce[CHACHA20_NONCE_SIZE], const uint8_t *in,
		  uint8_t *out, size_t len);

/* RFC 8439 2.5, incrementally: h is the accumulator in 26-bit limbs. */
struct poly1305 {
	uint32_t r[5];
	uint32_t h[5];
	uint32_t s[4];
	uint8_t buf[16];
	size_t buf_len;
};

void poly1305_init(struct poly1305 *ctx, const uint8_t key[POLY1305_KEY_SIZE]);
void poly1305_update(struct poly1305 *ctx, const uint8_t *msg, size_t len);
/* Writes the tag and wipes the context. */
void poly1305_final(struct poly1305 *ctx, uint8_t tag[POLY1305_TAG_SIZE]);
void poly1305_mac(const uint8_t key[POLY1305_KEY_SIZE], const uint8_t *msg,
		  size_t len, uint8_t tag[POLY1305_TAG_SIZE]);

/* RFC 8439 2.6: the one-time Poly1305 key for (key, nonce). */
void poly1305_key_gen(const uint8_t key[CHACHA20_KEY_SIZE],
		      const uint8_t nonce[CHACHA20_NONCE_SIZE],
		      uint8_t otk[POLY1305_KEY_SIZE]);

/* RFC 8439 2.8: encrypt len bytes of pt into ct and compute the tag. */
void aead_chacha20_poly1305_seal(const uint8_t key[CHACHA20_KEY_SIZE],
				 const uint8_t nonce[CHACHA20_NONCE_SIZE],
				 const uint8_t *aad, size_t aad_len,
				 const uint8_t *pt, size_t len, uint8_t *ct,
				 uint8_t tag[POLY1305_TAG_SIZE]);

/*
 * Check the tag first, then decrypt: returns 0 and the plaintext, or -1
 * with pt untouched when the tag does not match (nothing of a forged
 * message is ever released).
 */
int aead_chacha20_poly1305_open(const uint8_t key[CHACHA20_KEY_SIZE],
				const uint8_t nonce[CHACHA20_NONCE_SIZE],
				const uint8_t *aad, size_t aad_len,
				const uint8_t *ct, size_t len,
				const uint8_t tag[POLY1305_TAG_SIZE],
				uint8_t *pt);

#endif /* SOFTSGX_EXAMPLE_CHACHA20POLY1305_H */

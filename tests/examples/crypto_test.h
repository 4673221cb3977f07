/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the example crypto tests (test_chacha20poly1305.c,
 * test_aes_cmac.c): hex vectors and a reproducible byte generator for the
 * comparisons with OpenSSL.
 */
#ifndef SOFTSGX_TEST_EXAMPLES_CRYPTO_TEST_H
#define SOFTSGX_TEST_EXAMPLES_CRYPTO_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Decode a hex string (spaces allowed) into a new buffer of *len bytes. */
static inline uint8_t *unhex(const char *hex, size_t *len)
{
	uint8_t *out = malloc(strlen(hex) / 2 + 1);
	size_t n = 0;

	assert_non_null(out);
	while (*hex) {
		unsigned int v;

		if (*hex == ' ') {
			hex++;
			continue;
		}
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	if (len)
		*len = n;
	return out;
}

static inline void assert_bytes_hex(const uint8_t *data, size_t len,
				    const char *hex)
{
	size_t n;
	uint8_t *want = unhex(hex, &n);

	assert_int_equal(len, n);
	assert_memory_equal(data, want, len);
	free(want);
}

/* xorshift64*: the same "random" inputs on every run, so failures repeat. */
static inline void test_bytes(uint64_t *state, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		*state ^= *state >> 12;
		*state ^= *state << 25;
		*state ^= *state >> 27;
		out[i] = (uint8_t)((*state * 0x2545F4914F6CDD1DULL) >> 56);
	}
}

#endif /* SOFTSGX_TEST_EXAMPLES_CRYPTO_TEST_H */

// SPDX-License-Identifier: MIT
/*
 * The attest example's AES-128 and AES-CMAC (examples/attest/aes_cmac.c),
 * compiled for the host: the vectors of FIPS 197 and RFC 4493, then
 * agreement with OpenSSL on many random inputs.
 */
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "attest/aes_cmac.h"
#include "crypto_test.h"

static const char rfc4493_key[] = "2b7e151628aed2a6abf7158809cf4f3c";
static const char rfc4493_msg[] = "6bc1bee22e409f96e93d7e117393172a"
				  "ae2d8a571e03ac9c9eb76fac45af8e51"
				  "30c81c46a35ce411e5fbc1191a0a52ef"
				  "f69f2445df4f9b17ad2b417be66c3710";

/* FIPS 197 5.1.1 and Figure 7: a few S-box entries, and that it permutes. */
static void test_sbox(void **state)
{
	int seen[256] = { 0 };

	(void)state;
	assert_int_equal(aes_sbox(0x00), 0x63);
	assert_int_equal(aes_sbox(0x01), 0x7c);
	assert_int_equal(aes_sbox(0x53), 0xed); /* the example in 5.1.1 */
	assert_int_equal(aes_sbox(0x10), 0xca);
	assert_int_equal(aes_sbox(0xff), 0x16);
	for (int a = 0; a < 256; a++)
		seen[aes_sbox((uint8_t)a)]++;
	for (int v = 0; v < 256; v++)
		assert_int_equal(seen[v], 1);
}

/* FIPS 197 Appendix A.1: first and last words of the expanded key. */
static void test_key_expansion(void **state)
{
	uint8_t *key = unhex(rfc4493_key, NULL);
	struct aes128 ctx;

	(void)state;
	aes128_init(&ctx, key);
	assert_bytes_hex(ctx.round_key[0], 16, rfc4493_key);
	assert_bytes_hex(ctx.round_key[1], 4, "a0fafe17");
	assert_bytes_hex(ctx.round_key[10], 16,
			 "d014f9a8c9ee2589e13f0cc8b6630ca6");
	free(key);
}

static void check_aes(const char *key, const char *in, const char *out)
{
	uint8_t *k = unhex(key, NULL), *p = unhex(in, NULL), c[16];
	struct aes128 ctx;

	aes128_init(&ctx, k);
	aes128_encrypt(&ctx, p, c);
	assert_bytes_hex(c, sizeof(c), out);
	free(k);
	free(p);
}

/* FIPS 197 Appendix B and Appendix C.1. */
static void test_aes128_vectors(void **state)
{
	(void)state;
	check_aes("2b7e151628aed2a6abf7158809cf4f3c",
		  "3243f6a8885a308d313198a2e0370734",
		  "3925841d02dc09fbdc118597196a0b32");
	check_aes("000102030405060708090a0b0c0d0e0f",
		  "00112233445566778899aabbccddeeff",
		  "69c4e0d86a7b0430d8cdb78070b4c55a");
}

/* RFC 4493 4: subkey generation. */
static void test_cmac_subkeys(void **state)
{
	uint8_t *key = unhex(rfc4493_key, NULL), k1[16], k2[16], l[16] = { 0 };
	struct aes128 ctx;

	(void)state;
	aes128_init(&ctx, key);
	aes128_encrypt(&ctx, l, l);
	assert_bytes_hex(l, 16, "7df76b0c1ab899b33e42f047b91b546f");
	aes_cmac_subkeys(&ctx, k1, k2);
	assert_bytes_hex(k1, 16, "fbeed618357133667c85e08f7236a8de");
	assert_bytes_hex(k2, 16, "f7ddac306ae266ccf90bc11ee46d513b");
	free(key);
}

/* RFC 4493 4: Examples 1 to 4 (lengths 0, 16, 40 and 64). */
static void test_cmac_vectors(void **state)
{
	static const struct {
		size_t len;
		const char *mac;
	} ex[] = {
		{ 0, "bb1d6929e95937287fa37d129b756746" },
		{ 16, "070a16b46b4d4144f79bdd9dd04a287c" },
		{ 40, "dfa66747de9ae63030ca32611497c827" },
		{ 64, "51f0bebf7e3b9d92fc49741779363cfe" },
	};
	uint8_t *key = unhex(rfc4493_key, NULL),
		*msg = unhex(rfc4493_msg, NULL);
	uint8_t mac[16];

	(void)state;
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		aes128_cmac(key, msg, ex[i].len, mac);
		assert_bytes_hex(mac, sizeof(mac), ex[i].mac);
	}
	free(key);
	free(msg);
}

static void openssl_cmac(const uint8_t key[16], const uint8_t *msg, size_t len,
			 uint8_t mac[16])
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
						 "AES-128-CBC", 0),
		OSSL_PARAM_construct_end(),
	};
	size_t out = 0;

	assert_non_null(ctx);
	assert_int_equal(EVP_MAC_init(ctx, key, 16, params), 1);
	assert_int_equal(EVP_MAC_update(ctx, msg, len), 1);
	assert_int_equal(EVP_MAC_final(ctx, mac, &out, 16), 1);
	assert_int_equal(out, 16);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
}

/* Every length up to a REPORTBODY and a bit beyond, random keys and data. */
static void test_cmac_matches_openssl(void **state)
{
	uint64_t rng = 0xc0ffee;
	uint8_t key[16], msg[420], mac[16], want[16];

	(void)state;
	for (size_t len = 0; len <= sizeof(msg); len++) {
		test_bytes(&rng, key, sizeof(key));
		test_bytes(&rng, msg, len);
		aes128_cmac(key, msg, len, mac);
		openssl_cmac(key, msg, len, want);
		assert_memory_equal(mac, want, sizeof(mac));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbox),
		cmocka_unit_test(test_key_expansion),
		cmocka_unit_test(test_aes128_vectors),
		cmocka_unit_test(test_cmac_subkeys),
		cmocka_unit_test(test_cmac_vectors),
		cmocka_unit_test(test_cmac_matches_openssl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

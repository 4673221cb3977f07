// SPDX-License-Identifier: MIT
/*
 * The seal example's ChaCha20-Poly1305 (examples/seal/chacha20poly1305.c),
 * compiled for the host: the test vectors of RFC 8439 (section numbers
 * below), then agreement with OpenSSL on many random inputs.
 */
#include <openssl/evp.h>

#include "crypto_test.h"
#include "seal/chacha20poly1305.h"

static const char sunscreen[] =
	"Ladies and Gentlemen of the class of '99: If I could offer you only "
	"one tip for the future, sunscreen would be it.";

static const char key_00_1f[] = "000102030405060708090a0b0c0d0e0f"
				"101112131415161718191a1b1c1d1e1f";
static const char key_80_9f[] = "808182838485868788898a8b8c8d8e8f"
				"909192939495969798999a9b9c9d9e9f";

static void check_block(const char *key, uint32_t counter, const char *nonce,
			const char *want)
{
	uint8_t *k = unhex(key, NULL), *n = unhex(nonce, NULL), out[64];

	chacha20_block(k, counter, n, out);
	assert_bytes_hex(out, sizeof(out), want);
	free(k);
	free(n);
}

/* 2.3.2 */
static void test_block_function(void **state)
{
	(void)state;
	check_block(key_00_1f, 1, "000000090000004a00000000",
		    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9a"
		    "c3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9"
		    "cbd083e8a2503c4e");
}

/* A.1, test vectors #1 to #5. */
static void test_block_appendix(void **state)
{
	static const char zero_key[] = "0000000000000000000000000000000000"
				       "000000000000000000000000000000";
	static const char zero_nonce[] = "000000000000000000000000";

	(void)state;
	check_block(zero_key, 0, zero_nonce,
		    "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc"
		    "8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11c"
		    "c387b669b2ee6586");
	check_block(zero_key, 1, zero_nonce,
		    "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e"
		    "32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45"
		    "ace10a1f4b794d6f");
	check_block("0000000000000000000000000000000000000000000000000000"
		    "000000000001",
		    1, zero_nonce,
		    "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3"
		    "c949aa5a8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125"
		    "a64addeb006c13a0");
	check_block("00ff000000000000000000000000000000000000000000000000"
		    "000000000000",
		    2, zero_nonce,
		    "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1"
		    "ae9af0ca13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b"
		    "7374f4872e99f096");
	check_block(zero_key, 0, "000000000000000000000002",
		    "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b"
		    "54ee27c78a970e0e955c14f3a88e741b97c286f75f8fc299e8148362"
		    "fa198a39531bed6d");
}

/* 2.4.2 */
static void test_encryption(void **state)
{
	uint8_t *k = unhex(key_00_1f, NULL);
	uint8_t *n = unhex("000000000000004a00000000", NULL);
	size_t len = sizeof(sunscreen) - 1;
	uint8_t out[sizeof(sunscreen)];

	(void)state;
	chacha20_xor(k, 1, n, (const uint8_t *)sunscreen, out, len);
	assert_bytes_hex(
		out, len,
		"6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9f"
		"ae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c35"
		"9f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818c"
		"e91ab77937365af90bbf74a35be6b40b8eedf2785e42874d");
	/* In place, back again. */
	chacha20_xor(k, 1, n, out, out, len);
	assert_memory_equal(out, sunscreen, len);
	free(k);
	free(n);
}

static void check_poly1305(const char *key, const char *msg, const char *tag)
{
	size_t len;
	uint8_t *k = unhex(key, NULL), *m = unhex(msg, &len), out[16];

	poly1305_mac(k, m, len, out);
	assert_bytes_hex(out, sizeof(out), tag);
	free(k);
	free(m);
}

/* 2.5.2 */
static void test_poly1305(void **state)
{
	const char *msg = "Cryptographic Forum Research Group";
	uint8_t *k = unhex("85d6be7857556d337f4452fe42d506a8"
			   "0103808afb0db2fd4abff6af4149f51b",
			   NULL),
		tag[16];

	(void)state;
	poly1305_mac(k, (const uint8_t *)msg, strlen(msg), tag);
	assert_bytes_hex(tag, sizeof(tag), "a8061dc1305136c6c22b8baf0c0127a9");
	free(k);
}

#define Z16 "00000000000000000000000000000000"
#define F16 "ffffffffffffffffffffffffffffffff"

/* A.3: #1 and the edge cases of the modular arithmetic, #5 to #11. */
static void test_poly1305_edge_cases(void **state)
{
	(void)state;
	check_poly1305(Z16 Z16, Z16 Z16 Z16 Z16, Z16);
	check_poly1305("02000000000000000000000000000000" Z16, F16,
		       "03000000000000000000000000000000");
	check_poly1305("02000000000000000000000000000000" F16,
		       "02000000000000000000000000000000",
		       "03000000000000000000000000000000");
	check_poly1305("01000000000000000000000000000000" Z16,
		       F16 "f0ffffffffffffffffffffffffffffff"
			   "11000000000000000000000000000000",
		       "05000000000000000000000000000000");
	check_poly1305("01000000000000000000000000000000" Z16,
		       F16 "fbfefefefefefefefefefefefefefefe"
			   "01010101010101010101010101010101",
		       Z16);
	check_poly1305("02000000000000000000000000000000" Z16,
		       "fdffffffffffffffffffffffffffffff",
		       "faffffffffffffffffffffffffffffff");
	check_poly1305("01000000000000000400000000000000" Z16,
		       "e33594d7505e43b90000000000000000"
		       "3394d7505e4379cd0100000000000000" Z16
		       "01000000000000000000000000000000",
		       "14000000000000005500000000000000");
	check_poly1305("01000000000000000400000000000000" Z16,
		       "e33594d7505e43b90000000000000000"
		       "3394d7505e4379cd0100000000000000" Z16,
		       "13000000000000000000000000000000");
}

/* 2.6.2 */
static void test_poly1305_key_gen(void **state)
{
	uint8_t *k = unhex(key_80_9f, NULL);
	uint8_t *n = unhex("000000000001020304050607", NULL), otk[32];

	(void)state;
	poly1305_key_gen(k, n, otk);
	assert_bytes_hex(otk, sizeof(otk),
			 "8ad5a08b905f81cc815040274ab29471"
			 "a833b637e3fd0da508dbb8e2fdd1a646");
	free(k);
	free(n);
}

static const char aead_ct[] =
	"d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbe"
	"a45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f"
	"2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b"
	"7a9de576d26586cec64b6116";
static const char aead_tag[] = "1ae10b594f09e26a7e902ecbd0600691";

/* 2.8.2 */
static void test_aead_seal(void **state)
{
	uint8_t *k = unhex(key_80_9f, NULL);
	uint8_t *n = unhex("070000004041424344454647", NULL);
	uint8_t *aad = unhex("50515253c0c1c2c3c4c5c6c7", NULL);
	size_t len = sizeof(sunscreen) - 1;
	uint8_t ct[sizeof(sunscreen)], tag[16];

	(void)state;
	aead_chacha20_poly1305_seal(k, n, aad, 12, (const uint8_t *)sunscreen,
				    len, ct, tag);
	assert_bytes_hex(ct, len, aead_ct);
	assert_bytes_hex(tag, sizeof(tag), aead_tag);
	free(k);
	free(n);
	free(aad);
}

/* 2.8.2 backwards, and any change to key, nonce, AAD, text or tag fails. */
static void test_aead_open(void **state)
{
	uint8_t *k = unhex(key_80_9f, NULL);
	uint8_t *n = unhex("070000004041424344454647", NULL);
	uint8_t *aad = unhex("50515253c0c1c2c3c4c5c6c7", NULL);
	uint8_t *ct = unhex(aead_ct, NULL), *tag = unhex(aead_tag, NULL);
	size_t len = sizeof(sunscreen) - 1;
	uint8_t pt[sizeof(sunscreen)], untouched[sizeof(sunscreen)];
	uint8_t *fields[] = { k, n, aad, ct, tag };
	size_t sizes[] = { 32, 12, 12, len, 16 };

	(void)state;
	assert_int_equal(
		aead_chacha20_poly1305_open(k, n, aad, 12, ct, len, tag, pt),
		0);
	assert_memory_equal(pt, sunscreen, len);
	memset(pt, 0xa5, sizeof(pt));
	memcpy(untouched, pt, sizeof(pt));
	for (size_t f = 0; f < 5; f++) {
		fields[f][sizes[f] - 1] ^= 0x80;
		assert_int_equal(aead_chacha20_poly1305_open(k, n, aad, 12, ct,
							     len, tag, pt),
				 -1);
		assert_memory_equal(pt, untouched, sizeof(pt));
		fields[f][sizes[f] - 1] ^= 0x80;
	}
	for (size_t f = 0; f < 5; f++)
		free(fields[f]);
}

/* OpenSSL's AEAD_CHACHA20_POLY1305 over the same inputs. */
static void openssl_seal(const uint8_t *key, const uint8_t *nonce,
			 const uint8_t *aad, size_t aad_len, const uint8_t *pt,
			 size_t len, uint8_t *ct, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0;

	assert_non_null(ctx);
	assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_chacha20_poly1305(), NULL,
					    key, nonce),
			 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len),
			 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, ct, &n, pt, (int)len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, ct + n, &n), 1);
	assert_int_equal(
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag), 1);
	EVP_CIPHER_CTX_free(ctx);
}

/* Lengths around the 16- and 64-byte boundaries, and some longer ones. */
static void test_aead_matches_openssl(void **state)
{
	uint64_t rng = 0x5eed5eed5eedULL;
	uint8_t key[32], nonce[12], aad[80], pt[700], ct[700], tag[16];
	uint8_t want_ct[700], want_tag[16];

	(void)state;
	for (int i = 0; i < 400; i++) {
		size_t len = i < 200 ? (size_t)i : (size_t)(rng % sizeof(pt));
		size_t aad_len = (size_t)(i * 7) % sizeof(aad);

		test_bytes(&rng, key, sizeof(key));
		test_bytes(&rng, nonce, sizeof(nonce));
		test_bytes(&rng, aad, aad_len);
		test_bytes(&rng, pt, len);
		aead_chacha20_poly1305_seal(key, nonce, aad, aad_len, pt, len,
					    ct, tag);
		openssl_seal(key, nonce, aad, aad_len, pt, len, want_ct,
			     want_tag);
		assert_memory_equal(ct, want_ct, len);
		assert_memory_equal(tag, want_tag, sizeof(tag));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_function),
		cmocka_unit_test(test_block_appendix),
		cmocka_unit_test(test_encryption),
		cmocka_unit_test(test_poly1305),
		cmocka_unit_test(test_poly1305_edge_cases),
		cmocka_unit_test(test_poly1305_key_gen),
		cmocka_unit_test(test_aead_seal),
		cmocka_unit_test(test_aead_open),
		cmocka_unit_test(test_aead_matches_openssl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

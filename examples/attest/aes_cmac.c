// SPDX-License-Identifier: MIT
/*
 * AES-128 (FIPS 197) and AES-CMAC (RFC 4493). EXAMPLE CODE, NOT A VETTED
 * CRYPTO LIBRARY: see aes_cmac.h. Section numbers refer to those documents.
 *
 * The state is the FIPS 197 4x4 byte array in its input order: byte
 * r + 4c is row r, column c.
 */
#include "aes_cmac.h"

static void wipe(void *p, size_t len)
{
	volatile uint8_t *v = p;

	while (len--)
		*v++ = 0;
}

/*
 * 4.2.1: multiplication by x modulo m(x) = x^8 + x^4 + x^3 + x + 1, which
 * subtracts (XORs) {1b} when the top bit falls off. A multiplication by
 * that bit (0 or 1) instead of a branch keeps the timing independent of a.
 */
static uint8_t xtime(uint8_t a)
{
	return (uint8_t)(a << 1) ^ (uint8_t)(0x1b * (a >> 7));
}

/* 4.2: product in GF(2^8), without branches or tables on the operands. */
static uint8_t gf_mul(uint8_t a, uint8_t b)
{
	uint8_t p = 0;

	for (int i = 0; i < 8; i++) {
		p ^= (uint8_t)(a * (b & 1));
		a = xtime(a);
		b >>= 1;
	}
	return p;
}

/* 5.1.1: the multiplicative inverse is a^254 (a^255 = 1), and 0 maps to 0. */
static uint8_t gf_inverse(uint8_t a)
{
	uint8_t x = a;

	/* x = a^(2^k - 1) for k = 1 .. 7, then square: a^254. */
	for (int k = 1; k < 7; k++)
		x = gf_mul(gf_mul(x, x), a);
	return gf_mul(x, x);
}

static uint8_t rotl8(uint8_t v, int n)
{
	return (uint8_t)(v << n | v >> (8 - n));
}

/* 5.1.1: the inverse, then the affine transformation (5.1) with c = 0x63. */
uint8_t aes_sbox(uint8_t a)
{
	uint8_t b = gf_inverse(a);

	return b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^ rotl8(b, 4) ^ 0x63;
}

/* 5.2 for Nk = 4: w[i] = w[i-4] ^ SubWord(RotWord(w[i-1])) ^ Rcon. */
void aes128_init(struct aes128 *ctx, const uint8_t key[AES128_KEY_SIZE])
{
	uint8_t *w = &ctx->round_key[0][0], rcon = 1;

	for (int i = 0; i < AES128_KEY_SIZE; i++)
		w[i] = key[i];
	for (int i = 4; i < 4 * (AES128_ROUNDS + 1); i++) {
		uint8_t t[4] = { w[4 * i - 4], w[4 * i - 3], w[4 * i - 2],
				 w[4 * i - 1] };

		if (i % 4 == 0) {
			uint8_t t0 = t[0];

			t[0] = aes_sbox(t[1]) ^ rcon;
			t[1] = aes_sbox(t[2]);
			t[2] = aes_sbox(t[3]);
			t[3] = aes_sbox(t0);
			rcon = xtime(rcon);
		}
		for (int j = 0; j < 4; j++)
			w[4 * i + j] = w[4 * i - 16 + j] ^ t[j];
		wipe(t, sizeof(t));
	}
}

void aes128_wipe(struct aes128 *ctx)
{
	wipe(ctx, sizeof(*ctx));
}

static void add_round_key(uint8_t s[16], const uint8_t k[16])
{
	for (int i = 0; i < 16; i++)
		s[i] ^= k[i];
}

static void sub_bytes(uint8_t s[16])
{
	for (int i = 0; i < 16; i++)
		s[i] = aes_sbox(s[i]);
}

/* 5.1.2: row r rotates left by r columns. */
static void shift_rows(uint8_t s[16])
{
	uint8_t t[16];

	for (int r = 0; r < 4; r++)
		for (int c = 0; c < 4; c++)
			t[r + 4 * c] = s[r + 4 * ((c + r) % 4)];
	for (int i = 0; i < 16; i++)
		s[i] = t[i];
}

/* 5.1.3: each column times a(x) = {03}x^3 + {01}x^2 + {01}x + {02}. */
static void mix_columns(uint8_t s[16])
{
	for (int c = 0; c < 4; c++) {
		uint8_t *col = s + 4 * c;
		uint8_t a0 = col[0], a1 = col[1], a2 = col[2], a3 = col[3];
		uint8_t all = a0 ^ a1 ^ a2 ^ a3;

		/* 2a_i ^ 3a_{i+1} ^ a_{i+2} ^ a_{i+3} = a_i ^ all ^ 2(a_i ^ a_{i+1}) */
		col[0] = a0 ^ all ^ xtime(a0 ^ a1);
		col[1] = a1 ^ all ^ xtime(a1 ^ a2);
		col[2] = a2 ^ all ^ xtime(a2 ^ a3);
		col[3] = a3 ^ all ^ xtime(a3 ^ a0);
	}
}

/* 5.1: Cipher(). */
void aes128_encrypt(const struct aes128 *ctx, const uint8_t in[AES_BLOCK_SIZE],
		    uint8_t out[AES_BLOCK_SIZE])
{
	uint8_t s[16];

	for (int i = 0; i < 16; i++)
		s[i] = in[i];
	add_round_key(s, ctx->round_key[0]);
	for (int round = 1; round < AES128_ROUNDS; round++) {
		sub_bytes(s);
		shift_rows(s);
		mix_columns(s);
		add_round_key(s, ctx->round_key[round]);
	}
	sub_bytes(s);
	shift_rows(s);
	add_round_key(s, ctx->round_key[AES128_ROUNDS]);
	for (int i = 0; i < 16; i++)
		out[i] = s[i];
	wipe(s, sizeof(s));
}

/* RFC 4493 2.3: one left shift of a 128-bit big-endian string, then R_b. */
static void cmac_double(const uint8_t in[16], uint8_t out[16])
{
	uint8_t msb = in[0] >> 7;

	for (int i = 0; i < 15; i++)
		out[i] = (uint8_t)(in[i] << 1 | in[i + 1] >> 7);
	out[15] = (uint8_t)(in[15] << 1) ^ (uint8_t)(0x87 * msb);
}

void aes_cmac_subkeys(const struct aes128 *ctx, uint8_t k1[AES_BLOCK_SIZE],
		      uint8_t k2[AES_BLOCK_SIZE])
{
	uint8_t l[16] = { 0 };

	aes128_encrypt(ctx, l, l);
	cmac_double(l, k1);
	cmac_double(k1, k2);
	wipe(l, sizeof(l));
}

/*
 * RFC 4493 2.4 steps 3-4: the last block, XORed with K1 when it is complete,
 * or padded with 10...0 and XORed with K2 (also when the message is empty).
 */
static void cmac_last_block(const struct aes128 *ctx, const uint8_t *tail,
			    size_t tail_len, uint8_t last[16])
{
	uint8_t k1[16], k2[16];
	const uint8_t *k = tail_len == 16 ? k1 : k2;

	aes_cmac_subkeys(ctx, k1, k2);
	for (size_t i = 0; i < 16; i++) {
		uint8_t byte = 0;

		if (i < tail_len)
			byte = tail[i];
		else if (i == tail_len)
			byte = 0x80;
		last[i] = byte ^ k[i];
	}
	wipe(k1, sizeof(k1));
	wipe(k2, sizeof(k2));
}

/* RFC 4493 2.4: CBC-MAC over the blocks, the last one prepared as above. */
void aes128_cmac(const uint8_t key[AES128_KEY_SIZE], const void *msg,
		 size_t len, uint8_t mac[AES_BLOCK_SIZE])
{
	const uint8_t *m = msg;
	size_t n = len ? (len + 15) / 16 : 1;
	uint8_t x[16] = { 0 }, last[16];
	struct aes128 ctx;

	aes128_init(&ctx, key);
	for (size_t b = 0; b + 1 < n; b++) {
		for (int i = 0; i < 16; i++)
			x[i] ^= m[16 * b + i];
		aes128_encrypt(&ctx, x, x);
	}
	cmac_last_block(&ctx, m + 16 * (n - 1), len - 16 * (n - 1), last);
	for (int i = 0; i < 16; i++)
		x[i] ^= last[i];
	aes128_encrypt(&ctx, x, mac);
	aes128_wipe(&ctx);
	wipe(x, sizeof(x));
	wipe(last, sizeof(last));
}

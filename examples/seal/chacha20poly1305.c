// SPDX-License-Identifier: MIT
/*
 * ChaCha20-Poly1305 from RFC 8439. EXAMPLE CODE, NOT A VETTED CRYPTO
 * LIBRARY: see chacha20poly1305.h. Section numbers refer to the RFC.
 */
#include "chacha20poly1305.h"

static uint32_t load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void store64(uint8_t *p, uint64_t v)
{
	store32(p, (uint32_t)v);
	store32(p + 4, (uint32_t)(v >> 32));
}

/* Secrets must not survive in stack frames; volatile keeps the stores. */
static void wipe(void *p, size_t len)
{
	volatile uint8_t *v = p;

	while (len--)
		*v++ = 0;
}

static uint32_t rotl32(uint32_t v, int n)
{
	return v << n | v >> (32 - n);
}

/* 2.1 */
static void quarter_round(uint32_t x[16], int a, int b, int c, int d)
{
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 7);
}

/* 2.3: constants, key, counter, nonce. */
static void chacha20_init(uint32_t state[16], const uint8_t key[32],
			  uint32_t counter, const uint8_t nonce[12])
{
	state[0] = 0x61707865; /* "expand 32-byte k" */
	state[1] = 0x3320646e;
	state[2] = 0x79622d32;
	state[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		state[4 + i] = load32(key + 4 * i);
	state[12] = counter;
	for (int i = 0; i < 3; i++)
		state[13 + i] = load32(nonce + 4 * i);
}

void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE],
		    uint8_t out[CHACHA20_BLOCK_SIZE])
{
	uint32_t state[16], x[16];

	chacha20_init(state, key, counter, nonce);
	for (int i = 0; i < 16; i++)
		x[i] = state[i];
	for (int i = 0; i < 10; i++) {
		/* A column round, then a diagonal round. */
		quarter_round(x, 0, 4, 8, 12);
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15);
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++)
		store32(out + 4 * i, x[i] + state[i]);
	wipe(state, sizeof(state));
	wipe(x, sizeof(x));
}

void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		  const uint8_t nonce[CHACHA20_NONCE_SIZE], const uint8_t *in,
		  uint8_t *out, size_t len)
{
	uint8_t ks[CHACHA20_BLOCK_SIZE];

	while (len) {
		size_t n = len < sizeof(ks) ? len : sizeof(ks);

		chacha20_block(key, counter++, nonce, ks);
		for (size_t i = 0; i < n; i++)
			out[i] = in[i] ^ ks[i];
		in += n;
		out += n;
		len -= n;
	}
	wipe(ks, sizeof(ks));
}

/*
 * 2.5. Numbers mod p = 2^130 - 5 are kept in five 26-bit limbs
 * (v = l0 + l1 2^26 + ... + l4 2^104), so that the products of the
 * multiplication fit comfortably in 64 bits.
 */
#define LIMB_MASK 0x3ffffffU

/* The 128-bit little-endian number at p, as limbs; hibit adds 2^128. */
static void load_limbs(uint32_t l[5], const uint8_t p[16], uint32_t hibit)
{
	uint32_t t0 = load32(p), t1 = load32(p + 4), t2 = load32(p + 8),
		 t3 = load32(p + 12);

	l[0] = t0 & LIMB_MASK;
	l[1] = (t0 >> 26 | t1 << 6) & LIMB_MASK;
	l[2] = (t1 >> 20 | t2 << 12) & LIMB_MASK;
	l[3] = (t2 >> 14 | t3 << 18) & LIMB_MASK;
	l[4] = t3 >> 8 | hibit << 24;
}

void poly1305_init(struct poly1305 *ctx, const uint8_t key[POLY1305_KEY_SIZE])
{
	uint8_t r[16];

	/* Clamp r: top four bits of bytes 3, 7, 11, 15, low two of 4, 8, 12. */
	for (int i = 0; i < 16; i++)
		r[i] = key[i];
	for (int i = 3; i < 16; i += 4) {
		r[i] &= 0x0f;
		if (i + 1 < 16)
			r[i + 1] &= 0xfc;
	}
	load_limbs(ctx->r, r, 0);
	for (int i = 0; i < 5; i++)
		ctx->h[i] = 0;
	for (int i = 0; i < 4; i++)
		ctx->s[i] = load32(key + 16 + 4 * i);
	ctx->buf_len = 0;
	wipe(r, sizeof(r));
}

/*
 * h = (h + block) * r mod p. Limb products wrap past 2^130 into the low
 * limbs multiplied by 5, because 2^130 = 5 (mod p).
 */
static void poly1305_block(struct poly1305 *ctx, const uint8_t block[16],
			   uint32_t hibit)
{
	const uint32_t *r = ctx->r;
	uint32_t *h = ctx->h, m[5];
	uint64_t h0, h1, h2, h3, h4, d[5], c;
	uint64_t s1 = r[1] * 5ULL, s2 = r[2] * 5ULL, s3 = r[3] * 5ULL,
		 s4 = r[4] * 5ULL;

	load_limbs(m, block, hibit);
	h0 = h[0] + m[0];
	h1 = h[1] + m[1];
	h2 = h[2] + m[2];
	h3 = h[3] + m[3];
	h4 = h[4] + m[4];
	d[0] = h0 * r[0] + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
	d[1] = h0 * r[1] + h1 * r[0] + h2 * s4 + h3 * s3 + h4 * s2;
	d[2] = h0 * r[2] + h1 * r[1] + h2 * r[0] + h3 * s4 + h4 * s3;
	d[3] = h0 * r[3] + h1 * r[2] + h2 * r[1] + h3 * r[0] + h4 * s4;
	d[4] = h0 * r[4] + h1 * r[3] + h2 * r[2] + h3 * r[1] + h4 * r[0];

	/* Partial reduction: each limb back to about 26 bits. */
	c = 0;
	for (int i = 0; i < 5; i++) {
		d[i] += c;
		c = d[i] >> 26;
		h[i] = (uint32_t)(d[i] & LIMB_MASK);
	}
	d[0] = h[0] + c * 5;
	h[0] = (uint32_t)(d[0] & LIMB_MASK);
	h[1] += (uint32_t)(d[0] >> 26);
}

void poly1305_update(struct poly1305 *ctx, const uint8_t *msg, size_t len)
{
	while (len) {
		size_t n = 16 - ctx->buf_len;

		if (n > len)
			n = len;
		for (size_t i = 0; i < n; i++)
			ctx->buf[ctx->buf_len + i] = msg[i];
		ctx->buf_len += n;
		msg += n;
		len -= n;
		if (ctx->buf_len == 16) {
			poly1305_block(ctx, ctx->buf, 1);
			ctx->buf_len = 0;
		}
	}
}

/* Carry every limb through, so that h < 2^130 + small. */
static void poly1305_carry(uint64_t h[5])
{
	uint64_t c = 0;

	for (int i = 1; i < 5; i++) {
		h[i] += h[i - 1] >> 26;
		h[i - 1] &= LIMB_MASK;
	}
	c = h[4] >> 26;
	h[4] &= LIMB_MASK;
	h[0] += c * 5;
	h[1] += h[0] >> 26;
	h[0] &= LIMB_MASK;
}

/* h mod p: h - p if that is not negative, chosen without a branch. */
static void poly1305_reduce(uint64_t h[5])
{
	uint64_t g[5], c = 5, mask;

	for (int i = 0; i < 5; i++) {
		g[i] = h[i] + c;
		c = g[i] >> 26;
		g[i] &= LIMB_MASK;
	}
	/* g = h + 5 - 2^130: negative iff the 2^130 carry did not happen. */
	mask = (c & 1) - 1; /* all ones: keep h */
	for (int i = 0; i < 5; i++)
		h[i] = (h[i] & mask) | (g[i] & ~mask);
}

void poly1305_final(struct poly1305 *ctx, uint8_t tag[POLY1305_TAG_SIZE])
{
	uint64_t h[5], f;

	if (ctx->buf_len) {
		/* A short last block: append 0x01, zero-fill, no 2^128. */
		ctx->buf[ctx->buf_len] = 1;
		for (size_t i = ctx->buf_len + 1; i < 16; i++)
			ctx->buf[i] = 0;
		poly1305_block(ctx, ctx->buf, 0);
	}
	for (int i = 0; i < 5; i++)
		h[i] = ctx->h[i];
	poly1305_carry(h);
	poly1305_reduce(h);

	/* tag = (h + s) mod 2^128, added word by word with carries. */
	f = h[0] + (h[1] << 26) + ctx->s[0];
	store32(tag, (uint32_t)f);
	f = (f >> 32) + (h[2] << 20) + ctx->s[1];
	store32(tag + 4, (uint32_t)f);
	f = (f >> 32) + (h[3] << 14) + ctx->s[2];
	store32(tag + 8, (uint32_t)f);
	f = (f >> 32) + (h[4] << 8) + ctx->s[3];
	store32(tag + 12, (uint32_t)f);
	wipe(h, sizeof(h));
	wipe(ctx, sizeof(*ctx));
}

void poly1305_mac(const uint8_t key[POLY1305_KEY_SIZE], const uint8_t *msg,
		  size_t len, uint8_t tag[POLY1305_TAG_SIZE])
{
	struct poly1305 ctx;

	poly1305_init(&ctx, key);
	poly1305_update(&ctx, msg, len);
	poly1305_final(&ctx, tag);
}

/* 2.6: the first 32 bytes of block 0. */
void poly1305_key_gen(const uint8_t key[CHACHA20_KEY_SIZE],
		      const uint8_t nonce[CHACHA20_NONCE_SIZE],
		      uint8_t otk[POLY1305_KEY_SIZE])
{
	uint8_t block[CHACHA20_BLOCK_SIZE];

	chacha20_block(key, 0, nonce, block);
	for (int i = 0; i < POLY1305_KEY_SIZE; i++)
		otk[i] = block[i];
	wipe(block, sizeof(block));
}

/* 2.8: aad | pad16 | ciphertext | pad16 | le64(aad_len) | le64(len). */
static void aead_tag(const uint8_t otk[POLY1305_KEY_SIZE], const uint8_t *aad,
		     size_t aad_len, const uint8_t *ct, size_t len,
		     uint8_t tag[POLY1305_TAG_SIZE])
{
	static const uint8_t zeros[16];
	uint8_t lengths[16];
	struct poly1305 ctx;

	poly1305_init(&ctx, otk);
	poly1305_update(&ctx, aad, aad_len);
	poly1305_update(&ctx, zeros, (16 - aad_len % 16) % 16);
	poly1305_update(&ctx, ct, len);
	poly1305_update(&ctx, zeros, (16 - len % 16) % 16);
	store64(lengths, aad_len);
	store64(lengths + 8, len);
	poly1305_update(&ctx, lengths, sizeof(lengths));
	poly1305_final(&ctx, tag);
}

void aead_chacha20_poly1305_seal(const uint8_t key[CHACHA20_KEY_SIZE],
				 const uint8_t nonce[CHACHA20_NONCE_SIZE],
				 const uint8_t *aad, size_t aad_len,
				 const uint8_t *pt, size_t len, uint8_t *ct,
				 uint8_t tag[POLY1305_TAG_SIZE])
{
	uint8_t otk[POLY1305_KEY_SIZE];

	poly1305_key_gen(key, nonce, otk);
	chacha20_xor(key, 1, nonce, pt, ct, len);
	aead_tag(otk, aad, aad_len, ct, len, tag);
	wipe(otk, sizeof(otk));
}

int aead_chacha20_poly1305_open(const uint8_t key[CHACHA20_KEY_SIZE],
				const uint8_t nonce[CHACHA20_NONCE_SIZE],
				const uint8_t *aad, size_t aad_len,
				const uint8_t *ct, size_t len,
				const uint8_t tag[POLY1305_TAG_SIZE],
				uint8_t *pt)
{
	uint8_t otk[POLY1305_KEY_SIZE], want[POLY1305_TAG_SIZE], diff = 0;

	poly1305_key_gen(key, nonce, otk);
	aead_tag(otk, aad, aad_len, ct, len, want);
	wipe(otk, sizeof(otk));
	/* Constant time: where the tags differ must not show in timing. */
	for (int i = 0; i < POLY1305_TAG_SIZE; i++)
		diff |= want[i] ^ tag[i];
	if (diff)
		return -1;
	chacha20_xor(key, 1, nonce, ct, pt, len);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * The seal enclave: seals a message to itself and unseals it again, in this
 * process or a later one (seal.h has the interface and the blob format).
 *
 * The key is EGETKEY(SEAL) with the policy the host asks for (MRENCLAVE by
 * default, see README.md), the ISVSVN and CPUSVN this enclave runs with (read
 * from its own REPORT, as SGX SDKs do) and a random KEYID, so every blob has
 * its own key. The cipher is ChaCha20-Poly1305 (example code, see
 * chacha20poly1305.h); the blob header is its associated data.
 */
#include <softsgx/enclave_layout.h>

#include "chacha20poly1305.h"
#include "../common/enclave_sgx.h"
#include "seal.h"

/* One thread: the big buffers below live on its stack. */
SOFTSGX_ENCLAVE_LAYOUT(.nr_threads = 1, .nssa = 2, .ssa_frame_size = 1,
		       .stack_size = 0x10000);

/* version1.c or version2.c: the only difference between the two builds. */
extern const uint64_t seal_enclave_version
	__attribute__((visibility("hidden")));

/*
 * Attributes bound into the key beyond policy, SVNs and KEYID. DEBUG is the
 * one that matters: a debug enclave, whose memory the host can read, must
 * never get the keys of its production twin. (EGETKEY binds INIT and DEBUG
 * whatever the mask says; naming them states the intent.) Other attributes
 * and MISCSELECT are left out so that the data survives them changing.
 */
#define SEAL_FLAGS_MASK (EX_ATTR_INIT | EX_ATTR_DEBUG)

/* The blob key: 256 bits for ChaCha20 from two 128-bit EGETKEY results. */
#define SEAL_KEY_SIZE CHACHA20_KEY_SIZE
#define KEYID_HALF_BYTE 31 /* keyid[31] is 0 in the blob, 0/1 in requests */

uint64_t enclave_main(uint64_t host_args);

/*
 * The two halves differ in the last KEYID byte only, so they are
 * independent keys for the same identity and TCB.
 */
static uint64_t seal_key(const struct seal_header *h,
			 uint8_t key[SEAL_KEY_SIZE], struct seal_args *a)
{
	struct ex_keyrequest req __attribute__((aligned(512)));
	uint8_t half[16] __attribute__((aligned(16)));

	memset(&req, 0, sizeof(req));
	req.keyname = EX_KEYNAME_SEAL;
	req.keypolicy = h->keypolicy;
	req.isv_svn = h->isv_svn;
	memcpy(req.cpusvn, h->cpusvn, sizeof(req.cpusvn));
	req.attribute_mask.flags = SEAL_FLAGS_MASK;
	memcpy(req.keyid, h->keyid, sizeof(req.keyid));
	for (uint8_t i = 0; i < 2; i++) {
		req.keyid[KEYID_HALF_BYTE] = i;
		a->egetkey_status = ex_egetkey(&req, half);
		if (a->egetkey_status) {
			ex_wipe(key, SEAL_KEY_SIZE);
			return SEAL_ERR_KEY;
		}
		memcpy(key + 16 * i, half, sizeof(half));
	}
	ex_wipe(half, sizeof(half));
	return SEAL_OK;
}

/*
 * The key request of a new blob. ISVSVN and CPUSVN are this enclave's and
 * this platform's current ones: a later version of the enclave or a TCB
 * upgrade can still ask for that (older) key, but an older enclave or a
 * platform rolled back to an older TCB cannot (EGETKEY refuses an SVN above
 * its own), so sealed data never flows back to a version known to be weaker.
 */
static uint64_t new_header(struct seal_header *h, uint16_t policy, uint32_t len)
{
	struct ex_report self __attribute__((aligned(512)));

	memset(h, 0, sizeof(*h));
	memcpy(h->magic, SEAL_MAGIC, sizeof(h->magic));
	h->format = SEAL_FORMAT;
	h->keypolicy = policy;
	h->length = len;
	ex_self_report(&self);
	h->isv_svn = self.body.isv_svn;
	memcpy(h->cpusvn, self.body.cpusvn, sizeof(h->cpusvn));
	if (!ex_random(h->keyid, KEYID_HALF_BYTE) ||
	    !ex_random(h->nonce, sizeof(h->nonce)))
		return SEAL_ERR_RANDOM;
	return SEAL_OK;
}

static bool policy_allowed(uint64_t policy)
{
	/*
	 * A blob bound to neither identity could have been made by any
	 * enclave on the platform: never accept one, never make one.
	 */
	return policy == SEAL_POLICY_MRENCLAVE ||
	       policy == SEAL_POLICY_MRSIGNER;
}

static uint64_t op_seal(struct seal_args *a)
{
	uint8_t msg[SEAL_MAX_MESSAGE], blob[SEAL_BLOB_SIZE(SEAL_MAX_MESSAGE)];
	uint8_t key[SEAL_KEY_SIZE];
	struct seal_header h;
	uint64_t status, len = a->in_len;

	if (!policy_allowed(a->policy))
		return SEAL_ERR_POLICY;
	if (len > SEAL_MAX_MESSAGE || a->out_size < SEAL_BLOB_SIZE(len))
		return SEAL_ERR_SIZE;
	/* Copied in first: the host must not change it while it is read. */
	if (!ex_copy_from_host(msg, a->in, len))
		return SEAL_ERR_ARGS;
	status = new_header(&h, (uint16_t)a->policy, (uint32_t)len);
	if (status == SEAL_OK)
		status = seal_key(&h, key, a);
	if (status == SEAL_OK) {
		aead_chacha20_poly1305_seal(
			key, h.nonce, (const uint8_t *)&h, sizeof(h), msg, len,
			blob + sizeof(h), blob + sizeof(h) + len);
		memcpy(blob, &h, sizeof(h));
		a->out_len = SEAL_BLOB_SIZE(len);
		if (!ex_copy_to_host(a->out, blob, a->out_len))
			status = SEAL_ERR_ARGS;
	}
	ex_wipe(key, sizeof(key));
	ex_wipe(msg, sizeof(msg));
	return status;
}

static bool header_valid(const struct seal_header *h, uint64_t blob_len)
{
	static const char magic[8] = SEAL_MAGIC;

	return !memcmp(h->magic, magic, sizeof(magic)) &&
	       h->format == SEAL_FORMAT && policy_allowed(h->keypolicy) &&
	       !h->reserved && !h->keyid[KEYID_HALF_BYTE] &&
	       h->length <= SEAL_MAX_MESSAGE &&
	       blob_len == SEAL_BLOB_SIZE(h->length);
}

static uint64_t op_unseal(struct seal_args *a)
{
	uint8_t blob[SEAL_BLOB_SIZE(SEAL_MAX_MESSAGE)], msg[SEAL_MAX_MESSAGE];
	uint8_t key[SEAL_KEY_SIZE];
	struct seal_header h;
	const uint8_t *ct = blob + sizeof(h);
	uint64_t status;

	if (a->in_len < SEAL_BLOB_SIZE(0) || a->in_len > sizeof(blob))
		return SEAL_ERR_FORMAT;
	/* Checked and decrypted from enclave memory, never from the host's. */
	if (!ex_copy_from_host(blob, a->in, a->in_len))
		return SEAL_ERR_ARGS;
	memcpy(&h, blob, sizeof(h));
	if (!header_valid(&h, a->in_len))
		return SEAL_ERR_FORMAT;
	if (a->out_size < h.length)
		return SEAL_ERR_SIZE;
	status = seal_key(&h, key, a);
	if (status == SEAL_OK &&
	    aead_chacha20_poly1305_open(key, h.nonce, blob, sizeof(h), ct,
					h.length, ct + h.length, msg))
		status = SEAL_ERR_AUTH;
	if (status == SEAL_OK) {
		a->out_len = h.length;
		if (!ex_copy_to_host(a->out, msg, h.length))
			status = SEAL_ERR_ARGS;
	}
	ex_wipe(key, sizeof(key));
	ex_wipe(msg, sizeof(msg));
	return status;
}

static uint64_t op_info(struct seal_args *a)
{
	struct ex_report self __attribute__((aligned(512)));

	ex_self_report(&self);
	a->version = seal_enclave_version;
	a->isv_svn = self.body.isv_svn;
	memcpy(a->mrenclave, self.body.mrenclave, sizeof(a->mrenclave));
	memcpy(a->mrsigner, self.body.mrsigner, sizeof(a->mrsigner));
	return SEAL_OK;
}

uint64_t enclave_main(uint64_t host_args)
{
	const size_t out = offsetof(struct seal_args, status);
	struct seal_args a;

	/* Read the arguments once; from here on only the copy is used. */
	if (!ex_copy_from_host(&a, host_args, sizeof(a)))
		return SEAL_ERR_ARGS;
	memset((uint8_t *)&a + out, 0, sizeof(a) - out);
	switch (a.op) {
	case SEAL_OP_INFO:
		a.status = op_info(&a);
		break;
	case SEAL_OP_SEAL:
		a.status = op_seal(&a);
		break;
	case SEAL_OP_UNSEAL:
		a.status = op_unseal(&a);
		break;
	default:
		a.status = SEAL_ERR_ARGS;
		break;
	}
	ex_copy_to_host(host_args + out, (uint8_t *)&a + out, sizeof(a) - out);
	return a.status;
}

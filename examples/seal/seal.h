/* SPDX-License-Identifier: MIT */
/*
 * The seal enclave's call interface and blob format, shared by the enclave
 * and its host.
 *
 * EENTER with RDI = address of a struct seal_args in untrusted memory. The
 * enclave reads it once, does op, writes status (and out_len, or the info
 * fields) back and EEXITs.
 *
 * A sealed blob is struct seal_header, the ciphertext (header.length bytes)
 * and a 16-byte Poly1305 tag. The header is the AEAD's associated data: it
 * is not secret, but any change to it makes the blob fail to open.
 */
#ifndef SOFTSGX_EXAMPLE_SEAL_H
#define SOFTSGX_EXAMPLE_SEAL_H

#include <stdint.h>

enum seal_op {
	SEAL_OP_INFO = 1, /* identity of the enclave: the info fields */
	SEAL_OP_SEAL = 2, /* in = message, policy; out = blob */
	SEAL_OP_UNSEAL = 3, /* in = blob; out = message */
};

enum seal_status {
	SEAL_OK = 0,
	SEAL_ERR_ARGS = 1, /* bad op, or a buffer overlapping the enclave */
	SEAL_ERR_SIZE = 2, /* message too long, or output buffer too small */
	SEAL_ERR_POLICY = 3, /* neither MRENCLAVE nor MRSIGNER */
	SEAL_ERR_FORMAT = 4, /* not a blob of this format */
	SEAL_ERR_KEY = 5, /* EGETKEY refused: see egetkey_status */
	SEAL_ERR_AUTH = 6, /* the tag does not match */
	SEAL_ERR_RANDOM = 7, /* RDRAND failed */
};

/* Policies, as KEYREQUEST.KEYPOLICY bits (spec 2.14). */
#define SEAL_POLICY_MRENCLAVE 0x0001
#define SEAL_POLICY_MRSIGNER 0x0002

#define SEAL_MAX_MESSAGE 4096
#define SEAL_TAG_SIZE 16
#define SEAL_MAGIC "SGXSEAL"
#define SEAL_FORMAT 1

struct seal_header {
	char magic[8]; /* SEAL_MAGIC with its NUL */
	uint16_t format; /* SEAL_FORMAT */
	uint16_t keypolicy; /* SEAL_POLICY_* */
	uint16_t isv_svn; /* the sealing enclave's ISVSVN */
	uint16_t reserved; /* 0 */
	uint8_t cpusvn[16]; /* the platform's CPUSVN when sealed */
	uint8_t keyid[32]; /* random per blob: every blob has its own key */
	uint8_t nonce[12]; /* ChaCha20 nonce, random */
	uint32_t length; /* ciphertext bytes */
};

_Static_assert(sizeof(struct seal_header) == 80, "seal header");

#define SEAL_BLOB_SIZE(len) (sizeof(struct seal_header) + (len) + SEAL_TAG_SIZE)

struct seal_args {
	uint64_t op; /* enum seal_op */
	uint64_t policy; /* SEAL: SEAL_POLICY_* */
	uint64_t in; /* untrusted input buffer ... */
	uint64_t in_len; /* ... and its length */
	uint64_t out; /* untrusted output buffer ... */
	uint64_t out_size; /* ... and its size */
	/* Written by the enclave. */
	uint64_t status; /* enum seal_status */
	uint64_t out_len; /* bytes written to out */
	uint64_t egetkey_status; /* SEAL_ERR_KEY: EGETKEY's RAX */
	/* SEAL_OP_INFO */
	uint64_t version; /* the enclave's build: 1 or 2 */
	uint64_t isv_svn;
	uint8_t mrenclave[32];
	uint8_t mrsigner[32];
};

#endif /* SOFTSGX_EXAMPLE_SEAL_H */

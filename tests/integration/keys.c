// SPDX-License-Identifier: MIT
/*
 * EREPORT and EGETKEY executed by enclave code.
 *
 * The REPORT the enclave makes about itself must describe it: MRENCLAVE =
 * the SIGSTRUCT's ENCLAVEHASH, MRSIGNER = SHA-256 of the signer's modulus,
 * the attributes and MISCSELECT it was created with, the REPORTDATA it was
 * given; and its MAC must verify (AES-128-CMAC over the body) under the
 * REPORT key the same enclave gets from EGETKEY.
 *
 * Then it prints its SEAL keys (MRENCLAVE and MRSIGNER policies) for
 * integration/seal_keys.sh, which compares them across runs and enclaves.
 *
 * Usage: it_keys ENCLAVE ENCLAVE.sig
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include "testhost.h"

#define SIGSTRUCT_MODULUS 128
#define SIGSTRUCT_ENCLAVEHASH 960
#define SIGSTRUCT_ISVPRODID 1024
#define SIGSTRUCT_ISVSVN 1026
#define EXINFO 1U

static uint8_t sigstruct[1808];

static void read_sigstruct(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (!f ||
	    fread(sigstruct, 1, sizeof(sigstruct), f) != sizeof(sigstruct))
		TH_FAIL("cannot read %s", path);
	fclose(f);
}

static void cmac(const uint8_t key[16], const uint8_t *data, size_t len,
		 uint8_t out[16])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string("cipher", "AES-128-CBC", 0),
		OSSL_PARAM_construct_end(),
	};
	size_t n = 0;

	if (!ctx || !EVP_MAC_init(ctx, key, 16, params) ||
	    !EVP_MAC_update(ctx, data, len) ||
	    !EVP_MAC_final(ctx, out, &n, 16) || n != 16)
		TH_FAIL("AES-CMAC with OpenSSL failed");
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
}

static uint64_t field64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void check_report(const struct th_enclave *e)
{
	struct te_args args = { 0 };
	const uint8_t *body = args.report;
	uint8_t mrsigner[32], mac[16];
	uint32_t misc;
	uint16_t prodid, svn;

	for (int i = 0; i < 64; i++)
		args.report_data[i] = (uint8_t)(i * 7 + 1);
	th_ecall_ok(e, 0, TE_OP_REPORT, &args);
	CHECK(!memcmp(body + TE_REPORT_MRENCLAVE,
		      sigstruct + SIGSTRUCT_ENCLAVEHASH, 32));
	SHA256(sigstruct + SIGSTRUCT_MODULUS, 384, mrsigner);
	CHECK(!memcmp(body + TE_REPORT_MRSIGNER, mrsigner, 32));
	/* INIT | DEBUG | MODE64BIT, XFRM 3: as created. */
	CHECK_EQ(field64(body + TE_REPORT_ATTRIBUTES), 0x7);
	CHECK_EQ(field64(body + TE_REPORT_ATTRIBUTES + 8), 0x3);
	memcpy(&misc, body + TE_REPORT_MISCSELECT, 4);
	CHECK_EQ(misc, e->miscselect);
	memcpy(&prodid, body + TE_REPORT_ISVPRODID, 2);
	memcpy(&svn, body + TE_REPORT_ISVSVN, 2);
	CHECK(!memcmp(&prodid, sigstruct + SIGSTRUCT_ISVPRODID, 2));
	CHECK(!memcmp(&svn, sigstruct + SIGSTRUCT_ISVSVN, 2));
	CHECK(!memcmp(body + TE_REPORT_DATA, args.report_data, 64));
	CHECK_EQ(args.key_status, 0);
	cmac(args.key, body, TE_REPORT_BODY_SIZE, mac);
	CHECK(!memcmp(mac, args.report + TE_REPORT_MAC, 16));
	/* A tampered body no longer verifies. */
	args.report[TE_REPORT_DATA] ^= 1;
	cmac(args.key, body, TE_REPORT_BODY_SIZE, mac);
	CHECK(memcmp(mac, args.report + TE_REPORT_MAC, 16));
	printf("  ok  REPORT (MISCSELECT %u): identity, attributes, data; "
	       "MAC verifies under EGETKEY's REPORT key\n",
	       e->miscselect);
}

static void get_key(const struct th_enclave *e, uint64_t name, uint64_t policy,
		    uint8_t key[16])
{
	struct te_args args = { .keyname = name, .keypolicy = policy };

	th_ecall_ok(e, 1, TE_OP_GETKEY, &args);
	CHECK_EQ(args.key_status, 0);
	memcpy(key, args.key, 16);
}

static void print_key(const char *name, const uint8_t key[16])
{
	printf("%s ", name);
	for (int i = 0; i < 16; i++)
		printf("%02x", key[i]);
	printf("\n");
}

static void seal_keys(const struct th_enclave *e)
{
	uint8_t by_enclave[16], by_signer[16], again[16], zero[16] = { 0 };

	get_key(e, TE_KEY_SEAL, TE_KEYPOLICY_MRENCLAVE, by_enclave);
	get_key(e, TE_KEY_SEAL, TE_KEYPOLICY_MRSIGNER, by_signer);
	get_key(e, TE_KEY_SEAL, TE_KEYPOLICY_MRENCLAVE, again);
	CHECK(!memcmp(by_enclave, again, 16));
	CHECK(memcmp(by_enclave, by_signer, 16));
	CHECK(memcmp(by_enclave, zero, 16));
	print_key("seal-mrenclave", by_enclave);
	print_key("seal-mrsigner", by_signer);
}

int main(int argc, char **argv)
{
	struct th_enclave e, x;
	uint8_t k0[16], k1[16];

	th_init(argc, argv, 3, NULL);
	read_sigstruct(argv[2]);
	th_load(&e, argv[1], argv[2], 0);
	th_load(&x, argv[1], argv[2], EXINFO);
	check_report(&e);
	check_report(&x);
	/* The SDK's key request masks MISCSELECT bit 0 out: same key. */
	get_key(&e, TE_KEY_SEAL, TE_KEYPOLICY_MRENCLAVE, k0);
	get_key(&x, TE_KEY_SEAL, TE_KEYPOLICY_MRENCLAVE, k1);
	CHECK(!memcmp(k0, k1, 16));
	seal_keys(&e);
	th_unload(&x);
	th_unload(&e);
	return th_exit();
}

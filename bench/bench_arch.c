// SPDX-License-Identifier: MIT
/*
 * The software CPU: measured-build throughput (EADD + 16 x EEXTEND per page)
 * against SHA-256, and EINIT latency against one RSA-3072 verification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "arch/cpu.h"
#include "arch/encls.h"
#include "arch/epc.h"
#include "arch/secs.h"
#include "arch/sigstruct.h"
#include "bench.h"
#include "sign.h"

#define BUILD_PAGES 16384 /* 64 MiB of enclave */
#define ENCL_BASE 0x200000000ULL
#define ENCL_SIZE (1ULL << 27)
/* Bytes SHA-256 digests per measured page: one EADD + 16 x (64 + 256). */
#define HASHED_PER_PAGE (64 + 16 * 320)

struct bench_cpu {
	struct sgx_cpu cpu;
	struct sgx_lp lp;
	void *epc;
	size_t nr_pages;
};

static void die(const char *what)
{
	fprintf(stderr, "bench: %s failed\n", what);
	exit(1);
}

static void bench_cpu_init(struct bench_cpu *b, size_t nr_pages)
{
	struct sgx_platform platform;

	memset(&platform, 0x42, sizeof(platform));
	if (sgx_cpu_init(&b->cpu, NULL, &platform))
		die("sgx_cpu_init");
	sgx_lp_init(&b->lp, &b->cpu);
	b->nr_pages = nr_pages;
	b->epc = aligned_alloc(SGX_PAGE_SIZE, nr_pages * SGX_PAGE_SIZE);
	if (!b->epc || !sgx_epc_add_section(&b->cpu, b->epc, nr_pages))
		die("EPC allocation");
}

static void bench_cpu_free(struct bench_cpu *b)
{
	for (size_t i = b->nr_pages; i-- > 0;)
		sgx_eremove(&b->lp, (char *)b->epc + i * SGX_PAGE_SIZE);
	sgx_cpu_destroy(&b->cpu);
	free(b->epc);
}

static void *epc_page(struct bench_cpu *b, size_t i)
{
	return (char *)b->epc + i * SGX_PAGE_SIZE;
}

static struct sgx_secs *ecreate(struct bench_cpu *b)
{
	static struct sgx_secs src __attribute__((aligned(4096)));
	struct sgx_secinfo secinfo = { .flags = SGX_SECINFO_SECS };
	struct sgx_pageinfo pginfo = { .contents = (uintptr_t)&src,
				       .metadata = (uintptr_t)&secinfo };

	memset(&src, 0, sizeof(src));
	src.base = ENCL_BASE;
	src.size = ENCL_SIZE;
	src.ssa_frame_size = 1;
	src.attributes.flags = SGX_ATTR_MODE64BIT;
	src.attributes.xfrm = SGX_XFRM_LEGACY;
	if (sgx_ecreate(&b->lp, &pginfo, epc_page(b, 0)))
		die("ECREATE");
	return epc_page(b, 0);
}

/* EADD + 16 x EEXTEND of nr pages at enclave offset 0. */
static void build_measured(struct bench_cpu *b, struct sgx_secs *secs,
			   const void *src, size_t nr)
{
	struct sgx_secinfo secinfo = { .flags = SGX_SECINFO_REG |
						SGX_SECINFO_R | SGX_SECINFO_W };
	struct sgx_pageinfo pginfo = { .contents = (uintptr_t)src,
				       .metadata = (uintptr_t)&secinfo,
				       .secs = (uintptr_t)secs };

	for (size_t i = 0; i < nr; i++) {
		char *page = epc_page(b, i + 1);

		pginfo.addr = ENCL_BASE + i * SGX_PAGE_SIZE;
		if (sgx_eadd(&b->lp, &pginfo, page))
			die("EADD");
		for (int c = 0; c < 16; c++)
			if (sgx_eextend(&b->lp, secs, page + c * 256))
				die("EEXTEND");
	}
}

/* SHA-256 throughput in MB/s over a large buffer: the measurement limit. */
static double sha256_mbps(const void *buf, size_t len)
{
	uint8_t digest[32];
	double t0 = bench_now(), t;

	if (!EVP_Digest(buf, len, digest, NULL, EVP_sha256(), NULL))
		die("SHA-256");
	t = bench_now() - t0;
	return (double)len / t / 1e6;
}

static void bench_measured_build(void)
{
	struct bench_cpu b;
	size_t len = BUILD_PAGES * SGX_PAGE_SIZE;
	uint8_t *data = aligned_alloc(SGX_PAGE_SIZE, len);
	struct sgx_secs *secs;
	uint8_t mr[SGX_HASH_SIZE];
	double t0, t, limit;

	if (!data)
		die("malloc");
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 131);
	bench_cpu_init(&b, BUILD_PAGES + 1);
	secs = ecreate(&b);
	t0 = bench_now();
	build_measured(&b, secs, data, BUILD_PAGES);
	if (sgx_secs_measurement(secs, mr))
		die("measurement");
	t = bench_now() - t0;
	limit = sha256_mbps(data, len) * SGX_PAGE_SIZE / HASHED_PER_PAGE;
	bench_report("measured_build", (double)len / t / 1e6, "MB/s", limit);
	bench_cpu_free(&b);
	free(data);
}

/* One RSA-3072 e=3 PKCS#1 v1.5 verification with OpenSSL: EINIT's floor. */
static double rsa_verify_us(EVP_PKEY *key)
{
	uint8_t msg[256] = { 1 }, sig[384];
	size_t sig_len = sizeof(sig);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const int rounds = 200;
	double t0;

	if (!ctx || !EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) ||
	    !EVP_DigestSign(ctx, sig, &sig_len, msg, sizeof(msg)))
		die("RSA sign");
	t0 = bench_now();
	for (int i = 0; i < rounds; i++) {
		if (!EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) ||
		    EVP_DigestVerify(ctx, sig, sig_len, msg, sizeof(msg)) != 1)
			die("RSA verify");
	}
	EVP_MD_CTX_free(ctx);
	return (bench_now() - t0) / rounds * 1e6;
}

static void bench_einit(void)
{
	struct softsgx_sign_params params;
	static struct sgx_sigstruct sig __attribute__((aligned(4096)));
	static struct sgx_einittoken token __attribute__((aligned(512)));
	EVP_PKEY *key = softsgx_keygen();
	const int rounds = 200;
	uint8_t page[SGX_PAGE_SIZE] __attribute__((aligned(4096))) = { 0 };
	uint8_t mr[SGX_HASH_SIZE];
	double total = 0;

	if (!key)
		die("keygen");
	softsgx_sign_params_default(&params);
	for (int i = 0; i < rounds; i++) {
		struct bench_cpu b;
		struct sgx_secs *secs;
		double t0;

		bench_cpu_init(&b, 2);
		secs = ecreate(&b);
		build_measured(&b, secs, page, 1);
		if (sgx_secs_measurement(secs, mr) ||
		    softsgx_sign(key, &params, mr, &sig))
			die("sign");
		sgx_sigstruct_mrsigner(&sig, mr);
		sgx_lp_set_lepubkeyhash(&b.lp, mr);
		t0 = bench_now();
		if (sgx_einit(&b.lp, &sig, &token, secs))
			die("EINIT");
		total += bench_now() - t0;
		bench_cpu_free(&b);
	}
	bench_report("einit_latency", total / rounds * 1e6, "us",
		     rsa_verify_us(key));
	EVP_PKEY_free(key);
}

void bench_arch(void)
{
	bench_measured_build();
	bench_einit();
}

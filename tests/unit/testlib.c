// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "arch/sgx_arch.h"

void *test_alloc_page(size_t nr_pages)
{
	void *p = aligned_alloc(SGX_PAGE_SIZE, nr_pages * SGX_PAGE_SIZE);

	assert_non_null(p);
	memset(p, 0, nr_pages * SGX_PAGE_SIZE);
	return p;
}

void test_platform_fill(struct sgx_platform *platform, uint8_t seed)
{
	uint8_t *bytes = (uint8_t *)platform;

	for (size_t i = 0; i < sizeof(*platform); i++)
		bytes[i] = (uint8_t)(seed * 31 + i * 7);
	memset(platform->cpusvn, 0x10, sizeof(platform->cpusvn));
}

struct test_env *test_env_new(size_t nr_pages)
{
	struct test_env *env = calloc(1, sizeof(*env));
	struct sgx_platform platform;

	assert_non_null(env);
	test_platform_fill(&platform, 1);
	assert_int_equal(sgx_cpu_init(&env->cpu, NULL, &platform), 0);
	sgx_lp_init(&env->lp, &env->cpu);
	env->nr_pages = nr_pages;
	env->epc = test_alloc_page(nr_pages);
	env->section = sgx_epc_add_section(&env->cpu, env->epc, nr_pages);
	assert_non_null(env->section);
	return env;
}

void test_env_free(struct test_env *env)
{
	sgx_cpu_destroy(&env->cpu);
	free(env->epc);
	free(env);
}

void *test_epc_page(struct test_env *env, size_t index)
{
	assert_true(index < env->nr_pages);
	return (char *)env->epc + index * SGX_PAGE_SIZE;
}

struct sgx_gprsgx *test_ssa_gpr(struct test_env *env, size_t index, int frame)
{
	char *page = test_epc_page(env, index + (size_t)frame);

	return (struct sgx_gprsgx *)(page + SGX_PAGE_SIZE -
				     sizeof(struct sgx_gprsgx));
}

struct sgx_secs *test_ecreate(struct test_env *env, size_t secs_index,
			      uint64_t base, uint64_t size,
			      uint32_t ssa_frame_size, uint64_t flags)
{
	struct sgx_secs *src = test_alloc_page(1);
	struct sgx_secinfo secinfo = { .flags = SGX_SECINFO_SECS };
	struct sgx_pageinfo pginfo = {
		.contents = (uintptr_t)src,
		.metadata = (uintptr_t)&secinfo,
	};
	void *secs = test_epc_page(env, secs_index);

	src->base = base;
	src->size = size;
	src->ssa_frame_size = ssa_frame_size;
	src->attributes.flags = flags;
	src->attributes.xfrm = SGX_XFRM_LEGACY;
	assert_int_equal(sgx_ecreate(&env->lp, &pginfo, secs), 0);
	free(src);
	return secs;
}

int test_eadd(struct test_env *env, struct sgx_secs *secs, size_t index,
	      uint64_t offset, uint64_t secinfo_flags, const void *src,
	      int measure)
{
	struct sgx_secinfo secinfo = { .flags = secinfo_flags };
	struct sgx_pageinfo pginfo = {
		.addr = secs->base + offset,
		.contents = (uintptr_t)src,
		.metadata = (uintptr_t)&secinfo,
		.secs = (uintptr_t)secs,
	};
	char *page = test_epc_page(env, index);
	int ret = sgx_eadd(&env->lp, &pginfo, page);

	for (uint64_t off = 0; !ret && measure && off < SGX_PAGE_SIZE;
	     off += SGX_EEXTEND_CHUNK)
		ret = sgx_eextend(&env->lp, secs, page + off);
	return ret;
}

void *test_read_vector(const char *name, size_t *len)
{
	const char *dir = getenv("SOFTSGX_VECTORS");
	char path[4096];
	FILE *f;
	void *buf;
	long size;

	if (!dir || !*dir)
		dir = "../shared/vectors";
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "SKIP: public test vector %s not found\n",
			path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = aligned_alloc(SGX_PAGE_SIZE, ((size_t)size + SGX_PAGE_SIZE) &
						   ~(SGX_PAGE_SIZE - 1));
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

void test_hex(const uint8_t *data, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", data[i]);
}

int test_unhex(const char *hex, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned int v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

void assert_hex_equal(const uint8_t *data, size_t len, const char *hex)
{
	char buf[2 * 4096 + 1];

	assert_true(len <= 4096);
	test_hex(data, len, buf);
	assert_string_equal(buf, hex);
}

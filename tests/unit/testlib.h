/* SPDX-License-Identifier: MIT */
/* Shared fixtures of the unit tests: a CPU with an EPC, vectors, hex. */
#ifndef SOFTSGX_TESTLIB_H
#define SOFTSGX_TESTLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/cpu.h"
#include "arch/epc.h"
#include "arch/encls.h"

struct test_env {
	struct sgx_cpu cpu;
	struct sgx_lp lp;
	void *epc;
	size_t nr_pages;
	struct sgx_epc_section *section;
};

/* A CPU with default features, a fixed test platform and nr_pages of EPC. */
struct test_env *test_env_new(size_t nr_pages);
void test_env_free(struct test_env *env);
void *test_epc_page(struct test_env *env, size_t index);
/* The GPRSGX area of one-page SSA frame `frame`, frame 0 at EPC page index. */
struct sgx_gprsgx *test_ssa_gpr(struct test_env *env, size_t index, int frame);

/* Deterministic platform secrets derived from seed. */
void test_platform_fill(struct sgx_platform *platform, uint8_t seed);

/*
 * ECREATE a 64-bit enclave (XFRM 3, MISCSELECT 0) into EPC page secs_index
 * and return the SECS, failing the test if ECREATE does not succeed.
 */
struct sgx_secs *test_ecreate(struct test_env *env, size_t secs_index,
			      uint64_t base, uint64_t size,
			      uint32_t ssa_frame_size, uint64_t flags);

/* EADD src at base+offset into EPC page index, optionally EEXTENDed. */
int test_eadd(struct test_env *env, struct sgx_secs *secs, size_t index,
	      uint64_t offset, uint64_t secinfo_flags, const void *src,
	      int measure);

/*
 * Contents of a file in the public vector directory, or NULL when the
 * directory is absent (as in a user's clone): the caller then skips.
 */
void *test_read_vector(const char *name, size_t *len);

void test_hex(const uint8_t *data, size_t len, char *out);
int test_unhex(const char *hex, uint8_t *out, size_t len);
void assert_hex_equal(const uint8_t *data, size_t len, const char *hex);

/* A page-aligned, zeroed buffer (free with free()). */
void *test_alloc_page(size_t nr_pages);

#endif

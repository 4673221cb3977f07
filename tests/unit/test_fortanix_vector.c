// SPDX-License-Identifier: MIT
/*
 * The public Fortanix test enclave: its SGXS stream replayed through
 * ECREATE/EADD/EEXTEND must give the published MRENCLAVE, and EINIT must
 * accept its SIGSTRUCT — and reject every single-bit corruption of it.
 */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "arch/secs.h"
#include "arch/sigstruct.h"

#define MRENCLAVE_HEX \
	"784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc"
#define MRSIGNER_HEX \
	"fb4bab3d6036ac1d730fa83d7366df1dd2dfeac194ef335d6854d8a6c6475542"

#define ENCL_BASE 0x7f0000000000ULL
#define ENCL_BASE_32 0x80000000ULL
#define SECS_PAGE 0

struct vector_state {
	uint8_t *sgxs;
	size_t sgxs_len;
	struct sgx_sigstruct *sig; /* page aligned, as EINIT requires */
	struct test_env *env;
	struct sgx_secs *secs;
	struct sgx_einittoken *token;
};

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/*
 * Replays the stream: each EADD record names the page offset and SECINFO;
 * the page content is what the following EEXTEND records carry. The EEXTEND
 * record with index drop_record (if any) is left out.
 */
static void replay(struct vector_state *st, uint64_t flags, size_t drop_record)
{
	const uint8_t *p = st->sgxs, *end = st->sgxs + st->sgxs_len;
	uint8_t *page = test_alloc_page(1);
	uint64_t page_off = UINT64_MAX, page_flags = 0;
	size_t next_epc = 1, record = 0;
	char *epc = NULL;

	assert_memory_equal(p, "ECREATE", 8);
	/* A 32-bit enclave must live below 4 GiB. */
	st->secs = test_ecreate(
		st->env, SECS_PAGE,
		(flags & SGX_ATTR_MODE64BIT) ? ENCL_BASE : ENCL_BASE_32,
		le64(p + 12), *(const uint32_t *)(p + 8), flags);
	for (p += 64; p < end; record++) {
		if (!memcmp(p, "EADD\0\0\0", 8)) {
			page_off = le64(p + 8);
			page_flags = le64(p + 16);
			/* Content is only known from the EEXTENDs that follow;
			 * a TCS or data page is added after we have gathered it. */
			memset(page, 0, SGX_PAGE_SIZE);
			const uint8_t *q = p + 64;
			while (q < end && !memcmp(q, "EEXTEND", 8)) {
				memcpy(page + (le64(q + 8) - page_off), q + 64,
				       256);
				q += 320;
			}
			assert_int_equal(test_eadd(st->env, st->secs, next_epc,
						   page_off, page_flags, page,
						   0),
					 0);
			epc = test_epc_page(st->env, next_epc++);
			p += 64;
		} else {
			assert_memory_equal(p, "EEXTEND", 8);
			if (record != drop_record)
				assert_int_equal(
					sgx_eextend(
						&st->env->lp, st->secs,
						epc + (le64(p + 8) - page_off)),
					0);
			p += 320;
		}
	}
	free(page);
}

static int setup(void **state)
{
	struct vector_state *st = calloc(1, sizeof(*st));
	size_t sig_len;

	st->sgxs =
		test_read_vector("fortanix-test_enclave.sgxs", &st->sgxs_len);
	st->sig = test_read_vector("fortanix-test_enclave.sig", &sig_len);
	if (!st->sgxs || !st->sig) {
		free(st->sgxs);
		free(st->sig);
		free(st);
		*state = NULL;
		return 0;
	}
	assert_int_equal(sig_len, sizeof(struct sgx_sigstruct));
	st->token = aligned_alloc(512, 512);
	memset(st->token, 0, 512);
	st->env = test_env_new(16);
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	struct vector_state *st = *state;

	if (!st)
		return 0;
	test_env_free(st->env);
	free(st->sgxs);
	free(st->sig);
	free(st->token);
	free(st);
	return 0;
}

#define SKIP_WITHOUT_VECTORS(st) \
	do {                     \
		if (!(st))       \
			skip();  \
	} while (0)

static void set_lehash_to_signer(struct vector_state *st)
{
	uint8_t mrsigner[SGX_HASH_SIZE];

	sgx_sigstruct_mrsigner(st->sig, mrsigner);
	sgx_lp_set_lepubkeyhash(&st->env->lp, mrsigner);
}

static void test_replay_measures_mrenclave(void **state)
{
	struct vector_state *st = *state;
	uint8_t mr[SGX_HASH_SIZE];

	SKIP_WITHOUT_VECTORS(st);
	replay(st, SGX_ATTR_MODE64BIT, SIZE_MAX);
	assert_int_equal(sgx_secs_measurement(st->secs, mr), 0);
	assert_hex_equal(mr, sizeof(mr), MRENCLAVE_HEX);
}

static void test_einit_accepts_sigstruct(void **state)
{
	struct vector_state *st = *state;

	SKIP_WITHOUT_VECTORS(st);
	replay(st, SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG, SIZE_MAX);
	set_lehash_to_signer(st);
	assert_int_equal(sgx_einit(&st->env->lp, st->sig, st->token, st->secs),
			 0);
	assert_hex_equal(st->secs->mrenclave, SGX_HASH_SIZE, MRENCLAVE_HEX);
	assert_hex_equal(st->secs->mrsigner, SGX_HASH_SIZE, MRSIGNER_HEX);
	assert_int_equal(st->secs->isv_prod_id, 0xFFFF);
	assert_int_equal(st->secs->isv_svn, 0);
	assert_true(st->secs->attributes.flags & SGX_ATTR_INIT);
	/* A second EINIT of an initialised enclave is a #GP. */
	assert_int_equal(sgx_einit(&st->env->lp, st->sig, st->token, st->secs),
			 ENCLS_FAULT_FLAG | X86_TRAP_GP);
}

static bool in(size_t off, size_t lo, size_t hi)
{
	return off >= lo && off < hi;
}

/*
 * Which error a corrupted bit at byte offset off must produce: the format
 * check (header constants, vendor, exponent, reserved and CET bytes) comes
 * before the signature, which covers everything else.
 */
static int expected_error(size_t off)
{
	if (in(off, 0, 20) || in(off, 24, 40) || in(off, 44, 128) ||
	    in(off, 512, 516) || in(off, 908, 912) || in(off, 992, 1008) ||
	    in(off, 1028, 1040))
		return SGX_INVALID_SIG_STRUCT;
	return SGX_INVALID_SIGNATURE;
}

static void test_every_bit_flip_rejected(void **state)
{
	struct vector_state *st = *state;
	uint8_t *raw;
	uint8_t before[SGX_PAGE_SIZE];
	size_t flips = 0;

	SKIP_WITHOUT_VECTORS(st);
	replay(st, SGX_ATTR_MODE64BIT, SIZE_MAX);
	set_lehash_to_signer(st);
	raw = (uint8_t *)st->sig;
	memcpy(before, st->secs, sizeof(before));
	for (size_t off = 0; off < sizeof(struct sgx_sigstruct); off++) {
		for (int bit = 0; bit < 8; bit++) {
			int ret;

			raw[off] ^= (uint8_t)(1U << bit);
			ret = sgx_einit(&st->env->lp, st->sig, st->token,
					st->secs);
			raw[off] ^= (uint8_t)(1U << bit);
			if (ret != expected_error(off))
				fail_msg(
					"bit %d of byte %zu: EINIT returned %d",
					bit, off, ret);
			flips++;
		}
	}
	assert_int_equal(flips, 8 * sizeof(struct sgx_sigstruct));
	/* Failed EINITs leave the SECS as it was; the intact one passes. */
	assert_memory_equal(before, st->secs, sizeof(before));
	assert_int_equal(sgx_einit(&st->env->lp, st->sig, st->token, st->secs),
			 0);
}

static void test_einit_policy_errors(void **state)
{
	struct vector_state *st = *state;
	static const struct {
		uint64_t flags;
		size_t drop;
		bool set_lehash;
		int expect;
	} cases[] = {
		/* FLC: the LE hash MSRs must hold the signer's hash. */
		{ SGX_ATTR_MODE64BIT, SIZE_MAX, false, SGX_INVALID_EINITTOKEN },
		/* One EEXTEND fewer: a different measurement. */
		{ SGX_ATTR_MODE64BIT, 5, true, SGX_INVALID_MEASUREMENT },
		/* MODE64BIT is enforced by the ATTRIBUTEMASK. */
		{ 0, SIZE_MAX, true, SGX_INVALID_ATTRIBUTE },
		/* PROVISIONKEY is not in the signed attributes. */
		{ SGX_ATTR_MODE64BIT | SGX_ATTR_PROVISIONKEY, SIZE_MAX, true,
		  SGX_INVALID_ATTRIBUTE },
		/* EINITTOKENKEY needs the signer to be the LE-hash key: it is
		 * here, so the ATTRIBUTEMASK check is the one that fails. */
		{ SGX_ATTR_MODE64BIT | SGX_ATTR_EINITTOKENKEY, SIZE_MAX, true,
		  SGX_INVALID_ATTRIBUTE },
		{ SGX_ATTR_MODE64BIT | SGX_ATTR_EINITTOKENKEY, SIZE_MAX, false,
		  SGX_INVALID_ATTRIBUTE },
	};

	SKIP_WITHOUT_VECTORS(st);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_env_free(st->env);
		st->env = test_env_new(16);
		replay(st, cases[i].flags, cases[i].drop);
		if (cases[i].set_lehash)
			set_lehash_to_signer(st);
		assert_int_equal(
			sgx_einit(&st->env->lp, st->sig, st->token, st->secs),
			cases[i].expect);
		assert_false(st->secs->attributes.flags & SGX_ATTR_INIT);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replay_measures_mrenclave,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_einit_accepts_sigstruct,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_bit_flip_rejected,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_einit_policy_errors, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

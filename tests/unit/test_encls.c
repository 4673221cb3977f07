// SPDX-License-Identifier: MIT
/*
 * ENCLS operand checking: every class of bad operand gets its architectural
 * outcome (#GP, #PF with the right address, or an SGX error code) and leaves
 * the EPC — EPCM entries, page contents, measurement — exactly as it was.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "arch/secs.h"
#include "arch/util.h"

#define BASE 0x100000000ULL
#define SIZE 0x10000ULL
#define NR_EPC 16

#define GP (ENCLS_FAULT_FLAG | X86_TRAP_GP)
#define PF (ENCLS_FAULT_FLAG | X86_TRAP_PF)

struct snapshot {
	struct sgx_epcm_entry epcm[NR_EPC];
	uint8_t *mem;
	uint8_t mr[SGX_HASH_SIZE];
};

struct fixture {
	struct test_env *env;
	struct sgx_secs *secs; /* EPC page 0 */
	struct sgx_secs *src; /* a valid ECREATE source */
	uint8_t *page; /* a source page */
	struct sgx_secinfo secinfo;
	struct sgx_pageinfo pginfo;
	struct snapshot snap;
};

static int setup(void **state)
{
	/* The fixture holds PAGEINFO and SECINFO: keep their alignment. */
	struct fixture *f = aligned_alloc(64, (sizeof(*f) + 63) & ~63UL);

	memset(f, 0, sizeof(*f));

	f->env = test_env_new(NR_EPC);
	f->secs = test_ecreate(f->env, 0, BASE, SIZE, 1, SGX_ATTR_MODE64BIT);
	f->src = test_alloc_page(1);
	f->src->base = BASE;
	f->src->size = SIZE;
	f->src->ssa_frame_size = 1;
	f->src->attributes.flags = SGX_ATTR_MODE64BIT;
	f->src->attributes.xfrm = SGX_XFRM_LEGACY;
	f->page = test_alloc_page(1);
	memset(f->page, 0x5A, SGX_PAGE_SIZE);
	f->snap.mem = malloc(NR_EPC * SGX_PAGE_SIZE);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_env_free(f->env);
	free(f->src);
	free(f->page);
	free(f->snap.mem);
	free(f);
	return 0;
}

static void *epc(struct fixture *f, size_t i)
{
	return test_epc_page(f->env, i);
}

static void take_snapshot(struct fixture *f)
{
	memcpy(f->snap.epcm, f->env->section->epcm, sizeof(f->snap.epcm));
	memcpy(f->snap.mem, f->env->epc, NR_EPC * SGX_PAGE_SIZE);
	if (!sgx_secs_initialized(f->secs))
		assert_int_equal(sgx_secs_measurement(f->secs, f->snap.mr), 0);
}

static void assert_unchanged(struct fixture *f)
{
	uint8_t mr[SGX_HASH_SIZE];

	for (size_t i = 0; i < NR_EPC; i++) {
		struct sgx_epcm_entry *now = &f->env->section->epcm[i];

		assert_false(atomic_load(&now->busy));
		assert_int_equal(now->valid, f->snap.epcm[i].valid);
		assert_int_equal(now->page_type, f->snap.epcm[i].page_type);
		assert_int_equal(now->perm, f->snap.epcm[i].perm);
		assert_int_equal(now->enclave_addr,
				 f->snap.epcm[i].enclave_addr);
		assert_int_equal(now->secs, f->snap.epcm[i].secs);
		if (now->valid)
			assert_memory_equal(epc(f, i),
					    f->snap.mem + i * SGX_PAGE_SIZE,
					    SGX_PAGE_SIZE);
	}
	if (!sgx_secs_initialized(f->secs)) {
		assert_int_equal(sgx_secs_measurement(f->secs, mr), 0);
		assert_memory_equal(mr, f->snap.mr, sizeof(mr));
	}
}

/* Runs a leaf that must fail with want; checks fault details and state. */
#define EXPECT_FAIL(f, call, want, want_addr)                     \
	do {                                                      \
		take_snapshot(f);                                 \
		assert_int_equal((call), (want));                 \
		if ((want) == PF)                                 \
			assert_int_equal((f)->env->lp.fault.addr, \
					 (uintptr_t)(want_addr)); \
		assert_unchanged(f);                              \
	} while (0)

static struct sgx_pageinfo *ecreate_pginfo(struct fixture *f)
{
	f->secinfo = (struct sgx_secinfo){ .flags = SGX_SECINFO_SECS };
	f->pginfo = (struct sgx_pageinfo){
		.contents = (uintptr_t)f->src,
		.metadata = (uintptr_t)&f->secinfo,
	};
	return &f->pginfo;
}

static struct sgx_pageinfo *eadd_pginfo(struct fixture *f, uint64_t offset,
					uint64_t flags)
{
	f->secinfo = (struct sgx_secinfo){ .flags = flags };
	f->pginfo = (struct sgx_pageinfo){
		.addr = BASE + offset,
		.contents = (uintptr_t)f->page,
		.metadata = (uintptr_t)&f->secinfo,
		.secs = (uintptr_t)f->secs,
	};
	return &f->pginfo;
}

static void test_ecreate_operands(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	uint8_t outside[2 * SGX_PAGE_SIZE] __attribute__((aligned(4096)));
	struct sgx_pageinfo *pg;

	/* Misaligned PAGEINFO and EPC page: #GP before anything else. */
	pg = ecreate_pginfo(f);
	EXPECT_FAIL(f, sgx_ecreate(lp, (void *)((char *)pg + 8), epc(f, 1)), GP,
		    0);
	EXPECT_FAIL(f, sgx_ecreate(lp, pg, (char *)epc(f, 1) + 64), GP, 0);
	/* Not in EPC: #PF at that address. */
	EXPECT_FAIL(f, sgx_ecreate(lp, pg, outside), PF, outside);
	/* Source page and SECINFO alignment, LINADDR and SECS MBZ. */
	pg->contents += 8;
	EXPECT_FAIL(f, sgx_ecreate(lp, pg, epc(f, 1)), GP, 0);
	pg = ecreate_pginfo(f);
	pg->metadata += 8;
	EXPECT_FAIL(f, sgx_ecreate(lp, pg, epc(f, 1)), GP, 0);
	pg = ecreate_pginfo(f);
	pg->addr = BASE;
	EXPECT_FAIL(f, sgx_ecreate(lp, pg, epc(f, 1)), GP, 0);
	pg = ecreate_pginfo(f);
	pg->secs = (uintptr_t)f->secs;
	EXPECT_FAIL(f, sgx_ecreate(lp, pg, epc(f, 1)), GP, 0);
	/* SECINFO: wrong page type, reserved flag bits, reserved bytes. */
	pg = ecreate_pginfo(f);
	f->secinfo.flags = SGX_SECINFO_REG;
	EXPECT_FAIL(f, sgx_ecreate(lp, pg, epc(f, 1)), GP, 0);
	f->secinfo.flags = SGX_SECINFO_SECS | SGX_SECINFO_PENDING;
	EXPECT_FAIL(f, sgx_ecreate(lp, pg, epc(f, 1)), GP, 0);
	f->secinfo.flags = SGX_SECINFO_SECS;
	f->secinfo.reserved[55] = 1;
	EXPECT_FAIL(f, sgx_ecreate(lp, pg, epc(f, 1)), GP, 0);
	/* EPC page already valid: #PF with the SGX bit. */
	pg = ecreate_pginfo(f);
	EXPECT_FAIL(f, sgx_ecreate(lp, pg, f->secs), PF, f->secs);
	assert_int_equal(lp->fault.error_code, X86_PF_SGX);
	/* The valid source does work on a free page. */
	assert_int_equal(sgx_ecreate(lp, pg, epc(f, 1)), 0);
	assert_int_equal(sgx_eremove(lp, epc(f, 1)), 0);
}

/* Each mutation of an otherwise valid SECS that ECREATE must refuse. */
static const char *const bad_secs_cases[] = {
	"xfrm without SSE",
	"xfrm beyond CPU",
	"avx512 without avx",
	"size not power of 2",
	"size below 8 KiB",
	"size too big",
	"base not size-aligned",
	"non-canonical base",
	"32-bit base above 4 GiB",
	"SSA frame size 0",
	"SSA too small for AVX",
	"miscselect unsupported",
	"INIT set",
	"reserved attribute",
	"CET attribute",
	"CET bytes without CET",
	"reserved1",
	"reserved2",
	"reserved3",
	"reserved4",
	"CONFIGID without KSS",
	"CONFIGSVN without KSS",
};

static void bad_secs_mutate(struct sgx_secs *s, size_t i)
{
	switch (i) {
	case 0:
		s->attributes.xfrm = 1;
		break;
	case 1:
		s->attributes.xfrm = 0x3 | 0x200;
		break;
	case 2:
		s->attributes.xfrm = 0x3 | 0xE0;
		break;
	case 3:
		s->size = 0x3000;
		break;
	case 4:
		s->size = 0x1000;
		break;
	case 5:
		s->size = 1ULL << 36;
		break;
	case 6:
		s->base = BASE + 0x1000;
		break;
	case 7:
		s->base = 0x0000800000000000ULL;
		break;
	case 8:
		s->attributes.flags &= ~SGX_ATTR_MODE64BIT;
		break;
	case 9:
		s->ssa_frame_size = 0;
		break;
	case 10:
		s->attributes.xfrm = 0x7;
		s->ssa_frame_size = 0;
		break;
	case 11:
		s->miscselect = 4;
		break;
	case 12:
		s->attributes.flags |= SGX_ATTR_INIT;
		break;
	case 13:
		s->attributes.flags |= 1ULL << 3;
		break;
	case 14:
		s->attributes.flags |= SGX_ATTR_CET;
		break;
	case 15:
		s->cet_attributes = 1;
		break;
	case 16:
		s->reserved1[3] = 1;
		break;
	case 17:
		s->reserved2[0] = 1;
		break;
	case 18:
		s->reserved3[31] = 1;
		break;
	case 19:
		s->reserved4[3000] = 1;
		break;
	case 20:
		s->config_id[0] = 1;
		break;
	case 21:
		s->config_svn = 1;
		break;
	}
}

static void test_ecreate_bad_secs(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	struct sgx_secs good = *f->src;

	for (size_t i = 0; i < sizeof(bad_secs_cases) / sizeof(char *); i++) {
		*f->src = good;
		bad_secs_mutate(f->src, i);
		take_snapshot(f);
		if (sgx_ecreate(lp, ecreate_pginfo(f), epc(f, 1)) != GP)
			fail_msg("ECREATE accepted: %s", bad_secs_cases[i]);
		assert_unchanged(f);
	}
	/* Valid variants: KSS with CONFIGID, EXINFO, AVX with room. */
	*f->src = good;
	f->src->attributes.flags |= SGX_ATTR_KSS;
	f->src->config_id[0] = 1;
	f->src->miscselect = SGX_MISC_EXINFO;
	f->src->attributes.xfrm = 0x7;
	assert_int_equal(sgx_ecreate(lp, ecreate_pginfo(f), epc(f, 1)), 0);
	assert_int_equal(sgx_eremove(lp, epc(f, 1)), 0);
}

static void test_eadd_operands(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	uint8_t outside[SGX_PAGE_SIZE] __attribute__((aligned(4096)));
	struct sgx_pageinfo *pg;
	const uint64_t r = SGX_SECINFO_REG | SGX_SECINFO_R;

	pg = eadd_pginfo(f, 0, r);
	EXPECT_FAIL(f, sgx_eadd(lp, (void *)((char *)pg + 16), epc(f, 1)), GP,
		    0);
	EXPECT_FAIL(f, sgx_eadd(lp, pg, (char *)epc(f, 1) + 8), GP, 0);
	EXPECT_FAIL(f, sgx_eadd(lp, pg, outside), PF, outside);
	pg->contents += 1;
	EXPECT_FAIL(f, sgx_eadd(lp, pg, epc(f, 1)), GP, 0);
	pg = eadd_pginfo(f, 0, r);
	pg->addr += 0x800;
	EXPECT_FAIL(f, sgx_eadd(lp, pg, epc(f, 1)), GP, 0);
	pg = eadd_pginfo(f, 0, r);
	pg->metadata += 32;
	EXPECT_FAIL(f, sgx_eadd(lp, pg, epc(f, 1)), GP, 0);
	/* SECS operand: not in EPC, not a SECS page. */
	pg = eadd_pginfo(f, 0, r);
	pg->secs = (uintptr_t)outside;
	EXPECT_FAIL(f, sgx_eadd(lp, pg, epc(f, 1)), PF, outside);
	pg = eadd_pginfo(f, 0, r);
	pg->secs = (uintptr_t)epc(f, 5);
	EXPECT_FAIL(f, sgx_eadd(lp, pg, epc(f, 1)), PF, epc(f, 5));
	/* SECINFO: page types EADD cannot add, reserved bits, W without R. */
	EXPECT_FAIL(
		f, sgx_eadd(lp, eadd_pginfo(f, 0, SGX_SECINFO_SECS), epc(f, 1)),
		GP, 0);
	EXPECT_FAIL(
		f, sgx_eadd(lp, eadd_pginfo(f, 0, SGX_SECINFO_TRIM), epc(f, 1)),
		GP, 0);
	EXPECT_FAIL(f, sgx_eadd(lp, eadd_pginfo(f, 0, 3ULL << 8), epc(f, 1)),
		    GP, 0);
	EXPECT_FAIL(f,
		    sgx_eadd(lp, eadd_pginfo(f, 0, r | SGX_SECINFO_PENDING),
			     epc(f, 1)),
		    GP, 0);
	EXPECT_FAIL(
		f, sgx_eadd(lp, eadd_pginfo(f, 0, r | (1ULL << 16)), epc(f, 1)),
		GP, 0);
	EXPECT_FAIL(f,
		    sgx_eadd(lp,
			     eadd_pginfo(f, 0, SGX_SECINFO_REG | SGX_SECINFO_W),
			     epc(f, 1)),
		    GP, 0);
	pg = eadd_pginfo(f, 0, r);
	f->secinfo.reserved[0] = 1;
	EXPECT_FAIL(f, sgx_eadd(lp, pg, epc(f, 1)), GP, 0);
	/* Outside ELRANGE on either side. */
	EXPECT_FAIL(f, sgx_eadd(lp, eadd_pginfo(f, SIZE, r), epc(f, 1)), GP, 0);
	pg = eadd_pginfo(f, 0, r);
	pg->addr = BASE - SGX_PAGE_SIZE;
	EXPECT_FAIL(f, sgx_eadd(lp, pg, epc(f, 1)), GP, 0);
	/* Destination already valid (the SECS itself, then a REG page). */
	EXPECT_FAIL(f, sgx_eadd(lp, eadd_pginfo(f, 0, r), f->secs), PF,
		    f->secs);
	assert_int_equal(sgx_eadd(lp, eadd_pginfo(f, 0, r), epc(f, 1)), 0);
	EXPECT_FAIL(f, sgx_eadd(lp, eadd_pginfo(f, 0x1000, r), epc(f, 1)), PF,
		    epc(f, 1));
	assert_int_equal(lp->fault.error_code, X86_PF_SGX);
}

static void test_eadd_tcs(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	struct sgx_tcs *tcs = (struct sgx_tcs *)f->page;
	struct sgx_tcs *added = epc(f, 2);

	memset(f->page, 0, SGX_PAGE_SIZE);
	tcs->reserved[100] = 1;
	EXPECT_FAIL(f,
		    sgx_eadd(lp, eadd_pginfo(f, 0, SGX_SECINFO_TCS), epc(f, 2)),
		    GP, 0);
	tcs->reserved[100] = 0;
	tcs->flags = 1ULL << 2;
	EXPECT_FAIL(f,
		    sgx_eadd(lp, eadd_pginfo(f, 0, SGX_SECINFO_TCS), epc(f, 2)),
		    GP, 0);

	/* EADD zeroes STATE, CSSA and AEP, clears DBGOPTIN, drops RWX. */
	tcs->flags = SGX_TCS_DBGOPTIN;
	tcs->state = 1;
	tcs->ssa_index = 3;
	tcs->exit_addr = 0x1234;
	tcs->nr_ssa_frames = 2;
	assert_int_equal(
		sgx_eadd(lp,
			 eadd_pginfo(f, 0,
				     SGX_SECINFO_TCS |
					     SGX_SECINFO_PERMISSION_MASK),
			 epc(f, 2)),
		0);
	assert_int_equal(added->flags, 0);
	assert_int_equal(added->state, 0);
	assert_int_equal(added->ssa_index, 0);
	assert_int_equal(added->exit_addr, 0);
	assert_int_equal(added->nr_ssa_frames, 2);
	assert_int_equal(f->env->section->epcm[2].perm, 0);
	assert_int_equal(f->env->section->epcm[2].page_type, SGX_PAGE_TYPE_TCS);
}

static void test_eextend_operands(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	uint8_t outside[SGX_PAGE_SIZE] __attribute__((aligned(4096)));
	struct sgx_secs *other;
	char *page = epc(f, 1);

	assert_int_equal(
		sgx_eadd(lp, eadd_pginfo(f, 0, SGX_SECINFO_REG | SGX_SECINFO_R),
			 page),
		0);
	EXPECT_FAIL(f, sgx_eextend(lp, f->secs, page + 128), GP, 0);
	EXPECT_FAIL(f, sgx_eextend(lp, (char *)f->secs + 256, page), GP, 0);
	EXPECT_FAIL(f, sgx_eextend(lp, outside, page), PF, outside);
	EXPECT_FAIL(f, sgx_eextend(lp, f->secs, outside), PF, outside);
	/* A free page, and the SECS page itself, are not measurable. */
	EXPECT_FAIL(f, sgx_eextend(lp, f->secs, epc(f, 3)), PF, epc(f, 3));
	EXPECT_FAIL(f, sgx_eextend(lp, f->secs, f->secs), PF, f->secs);
	/* The page belongs to another enclave's SECS. */
	other = test_ecreate(f->env, 4, BASE + SIZE, SIZE, 1,
			     SGX_ATTR_MODE64BIT);
	EXPECT_FAIL(f, sgx_eextend(lp, other, page), GP, 0);
	assert_int_equal(sgx_eextend(lp, f->secs, page + 256), 0);
	assert_int_equal(sgx_eremove(lp, other), 0);
}

static void test_after_einit(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	char *page = epc(f, 1);

	assert_int_equal(
		sgx_eadd(lp, eadd_pginfo(f, 0, SGX_SECINFO_REG | SGX_SECINFO_R),
			 page),
		0);
	/* Mark the SECS initialised, as a successful EINIT does. */
	f->secs->attributes.flags |= SGX_ATTR_INIT;
	EXPECT_FAIL(f,
		    sgx_eadd(lp,
			     eadd_pginfo(f, 0x1000,
					 SGX_SECINFO_REG | SGX_SECINFO_R),
			     epc(f, 2)),
		    GP, 0);
	EXPECT_FAIL(f, sgx_eextend(lp, f->secs, page), GP, 0);
}

static void test_einit_operands(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	uint8_t *buf = test_alloc_page(2);
	uint8_t outside[SGX_PAGE_SIZE] __attribute__((aligned(4096)));

	EXPECT_FAIL(f, sgx_einit(lp, buf + 64, buf + 4096, f->secs), GP, 0);
	EXPECT_FAIL(f, sgx_einit(lp, buf, buf + 4096 + 256, f->secs), GP, 0);
	EXPECT_FAIL(f, sgx_einit(lp, buf, buf + 4096, (char *)f->secs + 8), GP,
		    0);
	EXPECT_FAIL(f, sgx_einit(lp, buf, buf + 4096, outside), PF, outside);
	/* An all-zero SIGSTRUCT fails its format check first. */
	EXPECT_FAIL(f, sgx_einit(lp, buf, buf + 4096, f->secs),
		    SGX_INVALID_SIG_STRUCT, 0);
	free(buf);
}

static void test_eremove(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	uint8_t outside[SGX_PAGE_SIZE] __attribute__((aligned(4096)));
	struct sgx_secs_hidden *hidden = sgx_secs_hidden(f->secs);

	EXPECT_FAIL(f, sgx_eremove(lp, (char *)epc(f, 1) + 8), GP, 0);
	EXPECT_FAIL(f, sgx_eremove(lp, outside), PF, outside);
	/* A free page: nothing to do, success. */
	assert_int_equal(sgx_eremove(lp, epc(f, 1)), 0);

	assert_int_equal(
		sgx_eadd(lp, eadd_pginfo(f, 0, SGX_SECINFO_REG | SGX_SECINFO_R),
			 epc(f, 1)),
		0);
	assert_int_equal(atomic_load(&hidden->nr_children), 1);
	EXPECT_FAIL(f, sgx_eremove(lp, f->secs), SGX_CHILD_PRESENT, 0);
	/* A logical processor inside the enclave blocks child removal. */
	atomic_store(&hidden->nr_active, 1);
	EXPECT_FAIL(f, sgx_eremove(lp, epc(f, 1)), SGX_ENCLAVE_ACT, 0);
	atomic_store(&hidden->nr_active, 0);
	assert_int_equal(sgx_eremove(lp, epc(f, 1)), 0);
	assert_false(f->env->section->epcm[1].valid);
	assert_int_equal(atomic_load(&hidden->nr_children), 0);
	assert_int_equal(sgx_eremove(lp, f->secs), 0);
	assert_false(f->env->section->epcm[0].valid);
	/* The EPC slot is reusable. */
	f->secs = test_ecreate(f->env, 0, BASE, SIZE, 1, SGX_ATTR_MODE64BIT);
}

struct race {
	struct fixture *f;
	struct sgx_lp lp;
	pthread_barrier_t *barrier;
	int ret;
	struct sgx_pageinfo pginfo;
};

static void *race_eadd(void *arg)
{
	struct race *r = arg;

	pthread_barrier_wait(r->barrier);
	r->ret = sgx_eadd(&r->lp, &r->pginfo, epc(r->f, 6));
	return NULL;
}

/* Two logical processors EADD into one EPC page: exactly one wins. */
static void test_eadd_race(void **state)
{
	struct fixture *f = *state;
	struct sgx_secinfo secinfo = { .flags = SGX_SECINFO_REG |
						SGX_SECINFO_R };
	pthread_barrier_t barrier;

	for (int round = 0; round < 200; round++) {
		struct race r[2];
		pthread_t t[2];
		int wins = 0;

		pthread_barrier_init(&barrier, NULL, 2);
		for (int i = 0; i < 2; i++) {
			r[i].f = f;
			r[i].barrier = &barrier;
			sgx_lp_init(&r[i].lp, &f->env->cpu);
			r[i].pginfo = (struct sgx_pageinfo){
				.addr = BASE + (uint64_t)i * SGX_PAGE_SIZE,
				.contents = (uintptr_t)f->page,
				.metadata = (uintptr_t)&secinfo,
				.secs = (uintptr_t)f->secs,
			};
			pthread_create(&t[i], NULL, race_eadd, &r[i]);
		}
		for (int i = 0; i < 2; i++) {
			pthread_join(t[i], NULL);
			if (r[i].ret == 0)
				wins++;
			else
				assert_true(r[i].ret == GP || r[i].ret == PF);
		}
		pthread_barrier_destroy(&barrier);
		assert_int_equal(wins, 1);
		assert_int_equal(sgx_eremove(&f->env->lp, epc(f, 6)), 0);
	}
	assert_int_equal(atomic_load(&sgx_secs_hidden(f->secs)->nr_children),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ecreate_operands, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ecreate_bad_secs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eadd_operands, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eadd_tcs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eextend_operands, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_after_einit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_einit_operands, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eremove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eadd_race, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

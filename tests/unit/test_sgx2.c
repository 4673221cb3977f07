// SPDX-License-Identifier: MIT
/*
 * SGX2 leaves and their ordering rules (spec 9.1-9.3): EAUG + EACCEPT,
 * EMODPR + ETRACK + EACCEPT, EMODT to TCS and to TRIM, EMODPE and
 * EACCEPTCOPY, with the architectural error for each wrong order.
 */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "arch/enclu.h"
#include "arch/secs.h"

#define BASE 0x7e0000000000ULL
#define SIZE 0x20000ULL
#define NR_ENCL_PAGES (SIZE / SGX_PAGE_SIZE)

#define CODE 0x0000
#define DATA 0x1000 /* RW: SECINFO operands live here */
#define TCS 0x2000
#define SSA 0x3000
#define TLS 0x5000
#define DYN 0x8000 /* pages added at run time */

#define GP (ENCLS_FAULT_FLAG | X86_TRAP_GP)
#define PF (ENCLS_FAULT_FLAG | X86_TRAP_PF)

#define RW (SGX_SECINFO_R | SGX_SECINFO_W)

struct fixture {
	struct test_env *env;
	struct sgx_secs *secs;
	uint8_t *src;
	struct sgx_regs regs; /* enclave state while inside */
};

static uintptr_t translate(void *ctx, uint64_t linaddr)
{
	struct test_env *env = ctx;

	if (linaddr < BASE || linaddr - BASE >= SIZE)
		return 0;
	return (uintptr_t)test_epc_page(env, 1 + (linaddr - BASE) / 4096);
}

static void *epc(struct fixture *f, uint64_t off)
{
	return test_epc_page(f->env, 1 + off / SGX_PAGE_SIZE);
}

static struct sgx_epcm_entry *epcm(struct fixture *f, uint64_t off)
{
	return &f->env->section->epcm[1 + off / SGX_PAGE_SIZE];
}

static void add(struct fixture *f, uint64_t off, uint64_t flags)
{
	assert_int_equal(test_eadd(f->env, f->secs, 1 + off / SGX_PAGE_SIZE,
				   off, flags, f->src, 0),
			 0);
}

static void enter(struct fixture *f)
{
	struct sgx_regs r = { .rbx = BASE + TCS,
			      .rcx = 0x401000,
			      .rip = 0x400000 };

	assert_int_equal(sgx_eenter(&f->env->lp, &r), 0);
	f->regs = r;
}

static void leave(struct fixture *f)
{
	f->regs.rbx = 0x400003;
	assert_int_equal(sgx_eexit(&f->env->lp, &f->regs), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sgx_tcs *tcs;

	f->env = test_env_new(1 + NR_ENCL_PAGES);
	f->env->lp.translate = translate;
	f->env->lp.translate_ctx = f->env;
	f->secs = test_ecreate(f->env, 0, BASE, SIZE, 1, SGX_ATTR_MODE64BIT);
	f->src = test_alloc_page(1);
	add(f, CODE, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X);
	add(f, DATA, SGX_SECINFO_REG | RW);
	add(f, SSA, SGX_SECINFO_REG | RW);
	add(f, SSA + 0x1000, SGX_SECINFO_REG | RW);
	add(f, TLS, SGX_SECINFO_REG | RW);
	tcs = (struct sgx_tcs *)f->src;
	tcs->ssa_offset = SSA;
	tcs->nr_ssa_frames = 2;
	tcs->fs_offset = TLS;
	tcs->gs_offset = TLS;
	add(f, TCS, SGX_SECINFO_TCS);
	memset(f->src, 0, SGX_PAGE_SIZE);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->env->lp.encl.active)
		leave(f);
	test_env_free(f->env);
	free(f->src);
	free(f);
	return 0;
}

static void init(struct fixture *f)
{
	f->secs->attributes.flags |= SGX_ATTR_INIT; /* as EINIT does */
}

static int eaug(struct fixture *f, uint64_t off)
{
	struct sgx_pageinfo pginfo = { .addr = BASE + off,
				       .secs = (uintptr_t)f->secs };

	return sgx_eaug(&f->env->lp, &pginfo, epc(f, off));
}

/* A SECINFO in the enclave's DATA page, at slot i (64 bytes each). */
static uint64_t secinfo(struct fixture *f, int i, uint64_t flags)
{
	struct sgx_secinfo *s =
		(struct sgx_secinfo *)((char *)epc(f, DATA) + 64 * i);

	memset(s, 0, sizeof(*s));
	s->flags = flags;
	return BASE + DATA + 64 * (uint64_t)i;
}

static int eaccept(struct fixture *f, uint64_t flags, uint64_t off)
{
	f->regs.rbx = secinfo(f, 0, flags);
	f->regs.rcx = BASE + off;
	return sgx_enclu_eaccept(&f->env->lp, &f->regs);
}

static void test_eaug_eaccept(void **state)
{
	struct fixture *f = *state;
	struct sgx_pageinfo bad = { .addr = BASE + DYN,
				    .secs = (uintptr_t)f->secs };
	struct sgx_secinfo si = { .flags = SGX_SECINFO_REG | RW };

	/* EAUG needs an initialised enclave (and EADD an uninitialised). */
	assert_int_equal(eaug(f, DYN), GP);
	init(f);
	bad.metadata = (uintptr_t)&si;
	assert_int_equal(sgx_eaug(&f->env->lp, &bad, epc(f, DYN)), GP);
	bad.metadata = 0;
	bad.contents = (uintptr_t)f->src;
	assert_int_equal(sgx_eaug(&f->env->lp, &bad, epc(f, DYN)), GP);
	bad.contents = 0;
	bad.addr = BASE + SIZE;
	assert_int_equal(sgx_eaug(&f->env->lp, &bad, epc(f, DYN)), GP);
	assert_int_equal(eaug(f, DATA), PF); /* EPC page already valid */

	memset(epc(f, DYN), 0xAA, SGX_PAGE_SIZE);
	assert_int_equal(eaug(f, DYN), 0);
	assert_true(epcm(f, DYN)->pending);
	assert_int_equal(epcm(f, DYN)->perm, RW);
	assert_int_equal(*(uint8_t *)epc(f, DYN), 0); /* zeroed */

	enter(f);
	/* The enclave cannot touch a pending page: EPCM #PF. */
	assert_true(sgx_epcm_denies(&f->env->lp, BASE + DYN, false, false));
	/* Wrong SECINFO: mismatch, or an illegal combination. */
	assert_int_equal(
		eaccept(f,
			SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_PENDING,
			DYN),
		0);
	assert_int_equal(f->regs.rax, SGX_PAGE_ATTRIBUTES_MISMATCH);
	assert_true(f->regs.rflags & X86_EFLAGS_ZF);
	assert_int_equal(eaccept(f, SGX_SECINFO_REG | RW, DYN), GP);
	assert_int_equal(eaccept(f,
				 SGX_SECINFO_REG | RW | SGX_SECINFO_PENDING |
					 SGX_SECINFO_MODIFIED,
				 DYN),
			 GP);
	assert_int_equal(eaccept(f,
				 SGX_SECINFO_REG | RW | SGX_SECINFO_PENDING |
					 (1ULL << 7),
				 DYN),
			 GP);
	/* The right one: 0x20B. */
	assert_int_equal(eaccept(f, 0x20B, DYN), 0);
	assert_int_equal(f->regs.rax, 0);
	assert_false(f->regs.rflags & X86_EFLAGS_ZF);
	assert_false(epcm(f, DYN)->pending);
	assert_false(sgx_epcm_denies(&f->env->lp, BASE + DYN, true, false));
	/* Accepting twice: the page is no longer pending. */
	assert_int_equal(eaccept(f, 0x20B, DYN), 0);
	assert_int_equal(f->regs.rax, SGX_PAGE_ATTRIBUTES_MISMATCH);
}

static void test_emodpr_tracking(void **state)
{
	struct fixture *f = *state;
	struct sgx_secinfo ro = { .flags = SGX_SECINFO_R };
	struct sgx_secinfo wonly = { .flags = SGX_SECINFO_W };

	init(f);
	assert_int_equal(eaug(f, DYN), 0);
	/* A pending page cannot be modified: accept it first. */
	assert_int_equal(sgx_emodpr(&f->env->lp, &ro, epc(f, DYN)),
			 SGX_PAGE_NOT_MODIFIABLE);
	enter(f);
	assert_int_equal(eaccept(f, 0x20B, DYN), 0);
	leave(f);

	assert_int_equal(sgx_emodpr(&f->env->lp, &wonly, epc(f, DYN)), GP);
	assert_int_equal(sgx_emodpr(&f->env->lp, &ro, epc(f, TCS)), PF);
	assert_int_equal(sgx_emodpr(&f->env->lp, &ro, epc(f, DYN)), 0);
	assert_true(epcm(f, DYN)->pr);
	assert_int_equal(epcm(f, DYN)->perm, SGX_SECINFO_R);

	/* No ETRACK yet: EACCEPT {PT_REG, R, PR} is not tracked. */
	enter(f);
	assert_int_equal(eaccept(f, 0x221, DYN), 0);
	assert_int_equal(f->regs.rax, SGX_NOT_TRACKED);
	/* ETRACK while this processor is inside: still not tracked... */
	assert_int_equal(sgx_etrack(&f->env->lp, f->secs), 0);
	assert_int_equal(eaccept(f, 0x221, DYN), 0);
	assert_int_equal(f->regs.rax, SGX_NOT_TRACKED);
	/* ...and another ETRACK must wait for this cycle. */
	assert_int_equal(sgx_etrack(&f->env->lp, f->secs), SGX_PREV_TRK_INCMPL);
	/* Once it has left and re-entered, the cycle is complete. */
	leave(f);
	enter(f);
	assert_int_equal(eaccept(f, 0x221, DYN), 0);
	assert_int_equal(f->regs.rax, 0);
	assert_false(epcm(f, DYN)->pr);
	assert_true(sgx_epcm_denies(&f->env->lp, BASE + DYN, true, false));
	assert_false(sgx_epcm_denies(&f->env->lp, BASE + DYN, false, false));
}

static void test_emodt_tcs(void **state)
{
	struct fixture *f = *state;
	struct sgx_secinfo to_tcs = { .flags = SGX_SECINFO_TCS };
	struct sgx_secinfo to_reg = { .flags = SGX_SECINFO_REG };
	struct sgx_secinfo to_trim = { .flags = SGX_SECINFO_TRIM };
	struct sgx_tcs *tcs;

	init(f);
	assert_int_equal(eaug(f, DYN), 0);
	enter(f);
	assert_int_equal(eaccept(f, 0x20B, DYN), 0);
	leave(f);
	/* The enclave writes the new TCS into the page, then asks. */
	tcs = epc(f, DYN);
	tcs->ssa_offset = SSA;
	tcs->nr_ssa_frames = 1;
	tcs->fs_offset = TLS;
	tcs->gs_offset = TLS;
	tcs->state = 1; /* not a fresh TCS: EACCEPT will refuse it */
	assert_int_equal(sgx_emodt(&f->env->lp, &to_reg, epc(f, DYN)), GP);
	assert_int_equal(sgx_emodt(&f->env->lp, &to_tcs, epc(f, DYN)), 0);
	assert_true(epcm(f, DYN)->modified);
	assert_int_equal(epcm(f, DYN)->perm, 0);
	/* Modified and not accepted: no further change (TCS->TRIM would
	 * be allowed otherwise; TCS->TCS is not a transition at all). */
	assert_int_equal(sgx_emodt(&f->env->lp, &to_trim, epc(f, DYN)),
			 SGX_PAGE_NOT_MODIFIABLE);
	assert_int_equal(sgx_emodt(&f->env->lp, &to_tcs, epc(f, DYN)), PF);
	assert_int_equal(sgx_etrack(&f->env->lp, f->secs), 0);
	enter(f);
	assert_int_equal(eaccept(f, 0x110, DYN), GP);
	tcs->state = 0;
	assert_int_equal(eaccept(f, 0x110, DYN), 0);
	assert_int_equal(f->regs.rax, 0);
	leave(f);
	/* The new TCS is an entry point. */
	{
		struct sgx_regs r = { .rbx = BASE + DYN, .rcx = 0x401000 };

		assert_int_equal(sgx_eenter(&f->env->lp, &r), 0);
		assert_int_equal(r.rip, BASE);
		f->regs = r;
	}
}

static void test_trim_and_remove(void **state)
{
	struct fixture *f = *state;
	struct sgx_secinfo trim = { .flags = SGX_SECINFO_TRIM };

	init(f);
	assert_int_equal(eaug(f, DYN), 0);
	enter(f);
	assert_int_equal(eaccept(f, 0x20B, DYN), 0);
	leave(f);
	assert_int_equal(sgx_emodt(&f->env->lp, &trim, epc(f, DYN)), 0);
	assert_int_equal(sgx_etrack(&f->env->lp, f->secs), 0);
	enter(f);
	/* Trim not accepted: EREMOVE refused while a processor is inside. */
	assert_int_equal(sgx_eremove(&f->env->lp, epc(f, DYN)),
			 SGX_ENCLAVE_ACT);
	assert_int_equal(eaccept(f, 0x410, DYN), 0);
	assert_int_equal(f->regs.rax, 0);
	/* Accepted trim: removable even while the enclave runs. */
	assert_int_equal(sgx_eremove(&f->env->lp, epc(f, DYN)), 0);
	assert_false(epcm(f, DYN)->valid);
	/* The slot can be EAUG'd again. */
	assert_int_equal(eaug(f, DYN), 0);
}

static void test_emodpe(void **state)
{
	struct fixture *f = *state;

	init(f);
	assert_int_equal(eaug(f, DYN), 0);
	enter(f);
	/* Pending: EMODPE faults. */
	f->regs.rbx = secinfo(f, 1, SGX_SECINFO_X);
	f->regs.rcx = BASE + DYN;
	assert_int_equal(sgx_enclu_emodpe(&f->env->lp, &f->regs), PF);
	assert_int_equal(eaccept(f, 0x20B, DYN), 0);
	f->regs.rbx = secinfo(f, 1, SGX_SECINFO_X);
	f->regs.rcx = BASE + DYN;
	assert_int_equal(sgx_enclu_emodpe(&f->env->lp, &f->regs), 0);
	assert_int_equal(epcm(f, DYN)->perm, RW | SGX_SECINFO_X);
	assert_false(sgx_epcm_denies(&f->env->lp, BASE + DYN, false, true));
	/* Misaligned or outside ELRANGE: #GP. */
	f->regs.rcx = BASE + DYN + 8;
	assert_int_equal(sgx_enclu_emodpe(&f->env->lp, &f->regs), GP);
	f->regs.rcx = BASE + SIZE;
	assert_int_equal(sgx_enclu_emodpe(&f->env->lp, &f->regs), GP);
}

static void test_eacceptcopy(void **state)
{
	struct fixture *f = *state;
	uint8_t *code = epc(f, CODE);

	init(f);
	memset(code, 0xC3, 64);
	assert_int_equal(eaug(f, DYN), 0);
	enter(f);
	/* Copy the code page into the new page and make it R+X. */
	f->regs.rbx =
		secinfo(f, 2, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X);
	f->regs.rcx = BASE + DYN;
	f->regs.rdx = BASE + CODE;
	assert_int_equal(sgx_enclu_eacceptcopy(&f->env->lp, &f->regs), 0);
	assert_int_equal(f->regs.rax, 0);
	assert_memory_equal(epc(f, DYN), code, SGX_PAGE_SIZE);
	assert_int_equal(epcm(f, DYN)->perm, SGX_SECINFO_R | SGX_SECINFO_X);
	assert_false(epcm(f, DYN)->pending);
	/* Not pending any more: a second copy is a mismatch. */
	assert_int_equal(sgx_enclu_eacceptcopy(&f->env->lp, &f->regs), 0);
	assert_int_equal(f->regs.rax, SGX_PAGE_ATTRIBUTES_MISMATCH);
	/* Write-only permissions are refused. */
	f->regs.rbx = secinfo(f, 2, SGX_SECINFO_REG | SGX_SECINFO_W);
	assert_int_equal(sgx_enclu_eacceptcopy(&f->env->lp, &f->regs), GP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_eaug_eaccept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_emodpr_tracking, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_emodt_tcs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_trim_and_remove, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_emodpe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eacceptcopy, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

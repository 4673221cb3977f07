// SPDX-License-Identifier: MIT
/*
 * ENCLU and AEX as register-file transitions: entry checks, the TCS state
 * machine, SSA save/restore with EXITINFO/EXINFO, the synthetic AEX state,
 * and operand checks of EREPORT/EGETKEY executed inside the enclave.
 */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "arch/enclu.h"
#include "arch/keys.h"
#include "arch/secs.h"

#define BASE 0x7f0000000000ULL
#define SIZE 0x10000ULL
#define NR_ENCL_PAGES (SIZE / SGX_PAGE_SIZE)

/* Enclave layout: page offsets. */
#define CODE 0x0000
#define DATA 0x1000
#define TCS 0x2000
#define SSA 0x3000 /* two frames of one page */
#define TLS 0x5000
#define RONLY 0x6000

#define AEP 0x401000ULL
#define HOST_RIP 0x400800ULL
#define HOST_FS 0x7ff000001000ULL

#define GP (ENCLS_FAULT_FLAG | X86_TRAP_GP)
#define PF (ENCLS_FAULT_FLAG | X86_TRAP_PF)

struct fixture {
	struct test_env *env;
	struct sgx_secs *secs;
	uint8_t *src;
};

/* EPC page 0 holds the SECS; enclave page i lives in EPC page i + 1. */
static uintptr_t translate(void *ctx, uint64_t linaddr)
{
	struct test_env *env = ctx;

	if (linaddr < BASE || linaddr - BASE >= SIZE)
		return 0;
	return (uintptr_t)test_epc_page(env, 1 + (linaddr - BASE) / 4096);
}

static void add(struct fixture *f, uint64_t off, uint64_t flags)
{
	assert_int_equal(test_eadd(f->env, f->secs, 1 + off / SGX_PAGE_SIZE,
				   off, flags, f->src, 0),
			 0);
}

static struct sgx_tcs *tcs_epc(struct fixture *f)
{
	return test_epc_page(f->env, 1 + TCS / SGX_PAGE_SIZE);
}

static struct sgx_gprsgx *ssa_gpr(struct fixture *f, int frame)
{
	return test_ssa_gpr(f->env, 1 + SSA / SGX_PAGE_SIZE, frame);
}

static int setup_misc(void **state, uint32_t miscselect)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sgx_tcs *tcs;
	const uint64_t rw = SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W;

	f->env = test_env_new(1 + NR_ENCL_PAGES);
	f->env->lp.translate = translate;
	f->env->lp.translate_ctx = f->env;
	f->secs = test_ecreate(f->env, 0, BASE, SIZE, 1, SGX_ATTR_MODE64BIT);
	f->secs->miscselect = miscselect; /* as if ECREATEd with it */
	f->src = test_alloc_page(1);
	add(f, CODE, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X);
	add(f, DATA, rw);
	add(f, SSA, rw);
	add(f, SSA + 0x1000, rw);
	add(f, TLS, rw);
	add(f, RONLY, SGX_SECINFO_REG | SGX_SECINFO_R);
	tcs = (struct sgx_tcs *)f->src;
	tcs->ssa_offset = SSA;
	tcs->nr_ssa_frames = 2;
	tcs->entry_offset = CODE + 0x10;
	tcs->fs_offset = TLS;
	tcs->gs_offset = TLS;
	add(f, TCS, SGX_SECINFO_TCS);
	/* Stand-in for a successful EINIT. */
	f->secs->attributes.flags |= SGX_ATTR_INIT;
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_misc(state, SGX_MISC_EXINFO);
}

static int setup_no_exinfo(void **state)
{
	return setup_misc(state, 0);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct sgx_regs r = { .rbx = HOST_RIP };

	/* Leave the enclave so that its pages can be removed. */
	if (f->env->lp.encl.active)
		assert_int_equal(sgx_eexit(&f->env->lp, &r), 0);
	test_env_free(f->env);
	free(f->src);
	free(f);
	return 0;
}

static struct sgx_regs host_regs(void)
{
	struct sgx_regs r = {
		.rax = EENTER,
		.rbx = BASE + TCS,
		.rcx = AEP,
		.rdx = 0xd1,
		.rsi = 0x51,
		.rdi = 0xd0,
		.r8 = 0x8,
		.rsp = 0x7ffd0000,
		.rbp = 0x7ffd0100,
		.rip = HOST_RIP,
		.rflags = 0x246,
		.fsbase = HOST_FS,
		.gsbase = 0,
	};
	return r;
}

static void test_eenter_eexit(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	struct sgx_regs r = host_regs();

	assert_int_equal(sgx_eenter(lp, &r), 0);
	assert_true(lp->encl.active);
	assert_int_equal(r.rip, BASE + CODE + 0x10);
	assert_int_equal(r.rcx, HOST_RIP + SGX_ENCLU_LEN);
	assert_int_equal(r.rax, 0); /* CSSA */
	assert_int_equal(r.rbx, BASE + TCS);
	assert_int_equal(r.fsbase, BASE + TLS);
	assert_int_equal(r.gsbase, BASE + TLS);
	/* Arguments pass through; RSP/RBP are untouched but saved. */
	assert_int_equal(r.rdi, 0xd0);
	assert_int_equal(r.r8, 0x8);
	assert_int_equal(r.rsp, 0x7ffd0000);
	assert_int_equal(ssa_gpr(f, 0)->ursp, 0x7ffd0000);
	assert_int_equal(ssa_gpr(f, 0)->urbp, 0x7ffd0100);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_ACTIVE);
	assert_int_equal(tcs_epc(f)->exit_addr, AEP);
	assert_int_equal(atomic_load(&sgx_secs_hidden(f->secs)->nr_active), 1);
	/* No removal of pages while a processor is inside. */
	assert_int_equal(sgx_eremove(lp, test_epc_page(f->env, 2)),
			 SGX_ENCLAVE_ACT);

	r.rbx = HOST_RIP + SGX_ENCLU_LEN;
	r.rax = 0x1234;
	assert_int_equal(sgx_eexit(lp, &r), 0);
	assert_false(lp->encl.active);
	assert_int_equal(r.rip, HOST_RIP + SGX_ENCLU_LEN);
	assert_int_equal(r.rcx, AEP);
	assert_int_equal(r.rax, 0x1234);
	assert_int_equal(r.fsbase, HOST_FS);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_INACTIVE);
	assert_int_equal(atomic_load(&sgx_secs_hidden(f->secs)->nr_active), 0);
	/* EEXIT outside enclave mode is a #GP. */
	assert_int_equal(sgx_eexit(lp, &r), GP);
}

static void expect_entry_fault(struct fixture *f, struct sgx_regs r, int want,
			       uint64_t addr, uint32_t errcd)
{
	struct sgx_regs before = r;

	assert_int_equal(sgx_eenter(&f->env->lp, &r), want);
	assert_memory_equal(&r, &before, sizeof(r));
	assert_false(f->env->lp.encl.active);
	if (want == PF) {
		assert_int_equal(f->env->lp.fault.addr, addr);
		assert_int_equal(f->env->lp.fault.error_code & X86_PF_SGX,
				 errcd & X86_PF_SGX);
	}
}

static void test_eenter_faults(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp, lp2;
	struct sgx_regs r = host_regs();

	r.rbx = BASE + TCS + 8;
	expect_entry_fault(f, r, GP, 0, 0);
	r.rbx = BASE + SIZE; /* not mapped: plain #PF */
	expect_entry_fault(f, r, PF, BASE + SIZE, 0);
	r.rbx = BASE + DATA; /* not a TCS: EPCM #PF */
	expect_entry_fault(f, r, PF, BASE + DATA, X86_PF_SGX);
	r = host_regs();
	r.rcx = 0x0000900000000000ULL; /* non-canonical AEP */
	expect_entry_fault(f, r, GP, 0, 0);

	/* Uninitialised enclave. */
	r = host_regs();
	f->secs->attributes.flags &= ~SGX_ATTR_INIT;
	expect_entry_fault(f, r, GP, 0, 0);
	f->secs->attributes.flags |= SGX_ATTR_INIT;

	/* A TCS busy on another logical processor. */
	assert_int_equal(sgx_eenter(lp, &r), 0);
	sgx_lp_init(&lp2, &f->env->cpu);
	lp2.translate = translate;
	lp2.translate_ctx = f->env;
	{
		struct sgx_regs r2 = host_regs();

		assert_int_equal(sgx_eenter(&lp2, &r2), GP);
		/* EENTER from inside enclave mode is a #GP too. */
		r2 = host_regs();
		assert_int_equal(sgx_eenter(lp, &r2), GP);
	}
	r.rbx = HOST_RIP;
	assert_int_equal(sgx_eexit(lp, &r), 0);

	/* No free SSA frame. */
	r = host_regs();
	tcs_epc(f)->ssa_index = 2;
	expect_entry_fault(f, r, GP, 0, 0);
	tcs_epc(f)->ssa_index = 0;

	/* An SSA frame page that is not writable. */
	tcs_epc(f)->ssa_offset = RONLY;
	expect_entry_fault(f, r, PF, BASE + RONLY, X86_PF_SGX);
	tcs_epc(f)->ssa_offset = SSA;

	/* Misaligned FS offset and reserved TCS flags. */
	tcs_epc(f)->fs_offset = TLS + 8;
	expect_entry_fault(f, r, GP, 0, 0);
	tcs_epc(f)->fs_offset = TLS;
	tcs_epc(f)->flags = 4;
	expect_entry_fault(f, r, GP, 0, 0);
	tcs_epc(f)->flags = 0;
	assert_int_equal(sgx_eenter(lp, &r), 0);
}

/* Enclave state at the moment of an exception. */
static struct sgx_regs enclave_regs(void)
{
	struct sgx_regs r;
	uint64_t *q = (uint64_t *)&r;

	for (size_t i = 0; i < sizeof(r) / 8; i++)
		q[i] = 0x1000 + i;
	r.rip = BASE + CODE + 0x40;
	r.rflags = 0x2c7; /* CF PF ZF SF set, IF */
	r.fsbase = BASE + TLS;
	r.gsbase = BASE + TLS;
	return r;
}

static void test_aex_eresume(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	struct sgx_regs r = host_regs(), inside = enclave_regs();
	struct sgx_aex_event pf = { .exception = true,
				    .vector = X86_TRAP_PF,
				    .error_code = 0x8007,
				    .addr = BASE + RONLY + 0x123 };
	uint8_t xsave[1024];
	const void *restore;
	size_t restore_len;
	struct sgx_gprsgx *gpr = ssa_gpr(f, 0);
	struct sgx_exinfo *exinfo = (struct sgx_exinfo *)gpr - 1;

	memset(xsave, 0, sizeof(xsave));
	xsave[0] = 0x7f; /* FCW */
	xsave[512] = 3; /* XSTATE_BV: x87 | SSE */
	assert_int_equal(sgx_eenter(lp, &r), 0);
	r = inside;
	sgx_aex(lp, &r, &pf, xsave, sizeof(xsave));

	/* Synthetic state: ERESUME leaf, TCS, AEP, outside stack. */
	assert_false(lp->encl.active);
	assert_int_equal(r.rax, ERESUME);
	assert_int_equal(r.rbx, BASE + TCS);
	assert_int_equal(r.rcx, AEP);
	assert_int_equal(r.rip, AEP);
	assert_int_equal(r.rdx, 0);
	assert_int_equal(r.rsi, 0);
	assert_int_equal(r.rdi, 0);
	assert_int_equal(r.r8, 0);
	assert_int_equal(r.r15, 0);
	assert_int_equal(r.rsp, 0x7ffd0000);
	assert_int_equal(r.rbp, 0x7ffd0100);
	assert_int_equal(r.rflags, 0x202);
	assert_int_equal(r.fsbase, HOST_FS);
	assert_int_equal(tcs_epc(f)->ssa_index, 1);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_INACTIVE);

	/* The SSA frame holds the enclave state and the exit reason. */
	assert_int_equal(gpr->rax, inside.rax);
	assert_int_equal(gpr->r15, inside.r15);
	assert_int_equal(gpr->rip, inside.rip);
	assert_int_equal(gpr->rflags, inside.rflags);
	assert_int_equal(gpr->fsbase, BASE + TLS);
	assert_int_equal(gpr->exitinfo, SGX_EXITINFO_VALID | (3U << 8) | 14);
	assert_int_equal(exinfo->maddr, BASE + RONLY + 0x123);
	assert_int_equal(exinfo->errcd, 0x8007);
	assert_memory_equal(test_epc_page(f->env, 1 + SSA / 4096), xsave,
			    sizeof(xsave));

	/* The host may enter the handler frame: RAX = CSSA = 1. */
	r = host_regs();
	assert_int_equal(sgx_eenter(lp, &r), 0);
	assert_int_equal(r.rax, 1);
	assert_int_equal(ssa_gpr(f, 1)->ursp, 0x7ffd0000);
	r.rbx = HOST_RIP + SGX_ENCLU_LEN;
	assert_int_equal(sgx_eexit(lp, &r), 0);

	/* ERESUME restores the interrupted state and pops the frame. */
	r = host_regs();
	r.rax = ERESUME;
	assert_int_equal(sgx_eresume(lp, &r, &restore, &restore_len), 0);
	assert_true(lp->encl.active);
	assert_memory_equal(&r, &inside, sizeof(r));
	assert_int_equal(tcs_epc(f)->ssa_index, 0);
	assert_ptr_equal(restore, test_epc_page(f->env, 1 + SSA / 4096));
	assert_int_equal(restore_len, 576);

	/* Nothing left to resume. */
	r.rbx = HOST_RIP;
	assert_int_equal(sgx_eexit(lp, &r), 0);
	r = host_regs();
	assert_int_equal(sgx_eresume(lp, &r, &restore, &restore_len), GP);
}

static void test_eresume_bad_xsave(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	struct sgx_regs r = host_regs(), inside = enclave_regs();
	struct sgx_aex_event irq = { .exception = false };
	uint8_t xsave[576] = { 0 };
	const void *restore;
	size_t len;

	assert_int_equal(sgx_eenter(lp, &r), 0);
	r = inside;
	xsave[512] = 0x4; /* AVX state, but XFRM is x87|SSE: not saved */
	sgx_aex(lp, &r, &irq, xsave, sizeof(xsave));
	assert_int_equal(ssa_gpr(f, 0)->exitinfo, 0);
	assert_int_equal(
		((uint8_t *)test_epc_page(f->env, 1 + SSA / 4096))[512], 0);
	/* Enclave software may still corrupt its SSA. */
	((uint8_t *)test_epc_page(f->env, 1 + SSA / 4096))[512] = 0x4;
	r = host_regs();
	assert_int_equal(sgx_eresume(lp, &r, &restore, &len), GP);
	assert_int_equal(tcs_epc(f)->ssa_index, 1);
	assert_int_equal(tcs_epc(f)->state, SGX_TCS_INACTIVE);
}

static void aex_with(struct fixture *f, struct sgx_aex_event ev)
{
	struct sgx_regs r = host_regs();
	uint8_t xsave[576] = { 0 };

	tcs_epc(f)->ssa_index = 0;
	assert_int_equal(sgx_eenter(&f->env->lp, &r), 0);
	r = enclave_regs();
	sgx_aex(&f->env->lp, &r, &ev, xsave, sizeof(xsave));
}

/* Without MISCSELECT.EXINFO, #PF and #GP are not reported; #UD is. */
static void test_exitinfo_without_exinfo(void **state)
{
	struct fixture *f = *state;
	struct sgx_exinfo *exinfo = (struct sgx_exinfo *)ssa_gpr(f, 0) - 1;

	exinfo->maddr = 0x55;
	aex_with(f, (struct sgx_aex_event){ .exception = true,
					    .vector = X86_TRAP_PF,
					    .addr = BASE });
	assert_int_equal(ssa_gpr(f, 0)->exitinfo, 0);
	assert_int_equal(exinfo->maddr, 0x55);
	aex_with(f, (struct sgx_aex_event){ .exception = true,
					    .vector = X86_TRAP_UD });
	assert_int_equal(ssa_gpr(f, 0)->exitinfo,
			 SGX_EXITINFO_VALID | (3U << 8) | X86_TRAP_UD);
	aex_with(f, (struct sgx_aex_event){ .exception = true,
					    .software = true,
					    .vector = X86_TRAP_BP });
	assert_int_equal(ssa_gpr(f, 0)->exitinfo,
			 SGX_EXITINFO_VALID | (6U << 8) | X86_TRAP_BP);
}

static void test_inside_ereport_egetkey(void **state)
{
	struct fixture *f = *state;
	struct sgx_lp *lp = &f->env->lp;
	struct sgx_regs r = host_regs();
	char *data = test_epc_page(f->env, 1 + DATA / 4096);
	struct sgx_report *report = (struct sgx_report *)(data + 0x800);
	struct sgx_keyrequest *req = (struct sgx_keyrequest *)(data + 0x400);

	/* Outside enclave mode, in-enclave leaves #GP. */
	assert_int_equal(sgx_enclu_ereport(lp, &r), GP);
	assert_int_equal(sgx_eenter(lp, &r), 0);

	r.rbx = BASE + DATA; /* TARGETINFO: zero = self */
	r.rcx = BASE + DATA + 0x200; /* REPORTDATA */
	r.rdx = BASE + DATA + 0x800; /* output */
	data[0x200] = 0x42;
	assert_int_equal(sgx_enclu_ereport(lp, &r), 0);
	assert_int_equal(report->body.report_data[0], 0x42);
	assert_true(report->body.attributes.flags & SGX_ATTR_INIT);

	/* Misaligned, outside ELRANGE, output to a read-only page, TCS. */
	r.rdx = BASE + DATA + 0x810;
	assert_int_equal(sgx_enclu_ereport(lp, &r), GP);
	r.rdx = BASE + SIZE;
	assert_int_equal(sgx_enclu_ereport(lp, &r), GP);
	r.rdx = BASE + RONLY;
	assert_int_equal(sgx_enclu_ereport(lp, &r), PF);
	assert_int_equal(lp->fault.error_code, X86_PF_SGX | 0x7);
	r.rbx = BASE + TCS;
	r.rdx = BASE + DATA + 0x800;
	assert_int_equal(sgx_enclu_ereport(lp, &r), PF);
	assert_int_equal(lp->fault.addr, BASE + TCS);

	/* EGETKEY: errors come back in RAX with ZF set. */
	memset(req, 0, sizeof(*req));
	req->keyname = 9;
	r.rbx = BASE + DATA + 0x400;
	r.rcx = BASE + DATA + 0x100;
	r.rflags = 0x8c5;
	assert_int_equal(sgx_enclu_egetkey(lp, &r), 0);
	assert_int_equal(r.rax, SGX_INVALID_KEYNAME);
	assert_int_equal(r.rflags, (0x8c5 & ~X86_EFLAGS_ARITH) | X86_EFLAGS_ZF);
	req->keyname = SGX_KEYSELECT_SEAL;
	req->keypolicy = SGX_KEYPOLICY_MRSIGNER;
	assert_int_equal(sgx_enclu_egetkey(lp, &r), 0);
	assert_int_equal(r.rax, 0);
	assert_false(r.rflags & X86_EFLAGS_ZF);
	{
		uint8_t key[16];

		assert_int_equal(
			sgx_egetkey(&f->env->cpu.platform, f->secs, req, key),
			0);
		assert_memory_equal(data + 0x100, key, 16);
	}
	r.rcx = BASE + DATA + 0x108;
	assert_int_equal(sgx_enclu_egetkey(lp, &r), GP);

	/* A #GP from the key request itself is recorded as a #GP. */
	r.rbx = BASE + TCS;
	r.rcx = BASE + DATA + 0x200;
	r.rdx = BASE + DATA + 0x800;
	assert_int_equal(sgx_enclu_ereport(lp, &r), PF);
	req->keypolicy = 0x40;
	r.rbx = BASE + DATA + 0x400;
	r.rcx = BASE + DATA + 0x100;
	assert_int_equal(sgx_enclu_egetkey(lp, &r), GP);
	assert_int_equal(lp->fault.vector, X86_TRAP_GP);
	assert_int_equal(lp->fault.addr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_eenter_eexit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eenter_faults, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_aex_eresume, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eresume_bad_xsave, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exitinfo_without_exinfo,
						setup_no_exinfo, teardown),
		cmocka_unit_test_setup_teardown(test_inside_ereport_egetkey,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

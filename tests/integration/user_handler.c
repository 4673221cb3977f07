// SPDX-License-Identifier: MIT
/*
 * run->user_handler (linux-sgx-uapi spec 4.7): called after every EEXIT and
 * every reported exception with (rdi, rsi, rdx, ursp, r8, r9, run): the
 * enclave's exit registers after EEXIT; trap number, error code and
 * address (r8 = r9 = 0, the AEX's synthetic values) after an exception.
 * A return value <= 0 is what the vDSO returns; > 0 is the next ENCLU
 * leaf, in the same vDSO frame, which is how the SDK handles exceptions
 * inside the enclave (EENTER the handler, then ERESUME) and OCALLs.
 *
 * Usage: it_user_handler ENCLAVE ENCLAVE.sig
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "testhost.h"

#define MAX_CALLS 256

struct hcall {
	long rdi, rsi, rdx, ursp, r8, r9;
	struct sgx_enclave_run *run;
	uint32_t function;
	uintptr_t stack; /* an address on the handler's stack */
};

struct scenario;
typedef int (*decide_fn)(struct scenario *s, const struct hcall *c);

/* run->user_data: what the handler should do, and what it saw. */
struct scenario {
	decide_fn decide;
	struct te_args *args;
	uint64_t page; /* #PF scenario: the page to repair */
	int calls;
	struct hcall log[MAX_CALLS];
};

static int handler(long rdi, long rsi, long rdx, long ursp, long r8, long r9,
		   struct sgx_enclave_run *run)
{
	struct scenario *s = (struct scenario *)(uintptr_t)run->user_data;
	struct hcall *c;
	volatile char here = 0;

	if (s->calls >= MAX_CALLS)
		TH_FAIL("the user handler was called too often");
	c = &s->log[s->calls++];
	*c = (struct hcall){ rdi,
			     rsi,
			     rdx,
			     ursp,
			     r8,
			     r9,
			     run,
			     run->function,
			     (uintptr_t)&here };
	return s->decide(s, c);
}

static struct th_enclave encl;
static uint64_t rw_page;

/* One vDSO call with the handler installed and r8/r9 set. */
static int call(struct scenario *s, unsigned int leaf, uint64_t op,
		struct sgx_enclave_run *run)
{
	struct th_call c = {
		.fn = th_vdso(),
		.rdi = op,
		.rsi = (unsigned long)(uintptr_t)s->args,
		.r8 = 0x8888,
		.r9 = 0x9999,
		.function = leaf,
	};

	memset(run, 0, sizeof(*run));
	run->tcs = encl.tcs[0];
	run->user_handler = (uint64_t)(uintptr_t)handler;
	run->user_data = (uint64_t)(uintptr_t)s;
	return th_vdso_call(&c, run);
}

/* The handler runs below the exit RSP (data the enclave left is above). */
static void check_frame(const struct scenario *s, const struct hcall *c,
			const struct sgx_enclave_run *run)
{
	CHECK((uint64_t)c->ursp == s->args->info.host_rsp);
	CHECK(c->stack < (uintptr_t)c->ursp);
	CHECK(c->run == run);
}

/* --- EEXIT ------------------------------------------------------------- */

static int ret_value;

static int decide_return(struct scenario *s, const struct hcall *c)
{
	(void)s;
	(void)c;
	return ret_value;
}

static void test_eexit_args(void)
{
	struct te_args args = { .a = 0x1000 };
	struct scenario s = { .decide = decide_return, .args = &args };
	struct sgx_enclave_run run;
	const struct hcall *c = &s.log[0];

	ret_value = 0;
	CHECK_EQ(call(&s, TH_EENTER, TE_OP_EXIT_REGS, &run), 0);
	CHECK_EQ(s.calls, 1);
	CHECK_EQ(c->function, TH_EEXIT);
	CHECK_EQ(c->rdi, TE_STATUS_OK);
	CHECK_EQ(c->rsi, 0x1000);
	CHECK_EQ(c->rdx, 0x1001);
	CHECK_EQ(c->r8, 0x1002);
	CHECK_EQ(c->r9, 0x1003);
	check_frame(&s, c, &run);
	printf("  ok  EEXIT: rdi/rsi/rdx/r8/r9 as the enclave left them, "
	       "ursp, run\n");
}

/* <= 0 is returned as is; > 0 that is no ENCLU leaf gives -EINVAL. */
static void test_return_values(void)
{
	static const int values[] = { 0, -1234, -EFAULT, 1, 4, 5 };
	struct te_args args = { .a = 1, .b = 2 };
	struct scenario s = { .decide = decide_return, .args = &args };
	struct sgx_enclave_run run;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		int want = values[i] <= 0 ? values[i] : -EINVAL;

		s.calls = 0;
		ret_value = values[i];
		CHECK_EQ(call(&s, TH_EENTER, TE_OP_ADD, &run), want);
		CHECK_EQ(s.calls, 1);
		CHECK_EQ(args.result, 3);
		CHECK_EQ(run.function, TH_EEXIT);
	}
	printf("  ok  return <= 0 passed through; 1, 4, 5 give -EINVAL\n");
}

/* Input errors never reach the handler, and leave run alone. */
static void test_einval(void)
{
	struct te_args args = { 0 };
	struct scenario s = { .decide = decide_return, .args = &args };
	struct sgx_enclave_run run;
	struct th_call c = { .fn = th_vdso(), .function = 1 };

	memset(&run, 0, sizeof(run));
	run.tcs = encl.tcs[0];
	run.function = 0x77;
	run.user_handler = (uint64_t)(uintptr_t)handler;
	run.user_data = (uint64_t)(uintptr_t)&s;
	CHECK_EQ(th_vdso_call(&c, &run), -EINVAL);
	c.function = TH_EEXIT;
	CHECK_EQ(th_vdso_call(&c, &run), -EINVAL);
	c.function = TH_EENTER;
	run.reserved[215] = 1;
	CHECK_EQ(th_vdso_call(&c, &run), -EINVAL);
	CHECK_EQ(run.function, 0x77);
	CHECK_EQ(s.calls, 0);
	printf("  ok  bad leaf / reserved bytes: -EINVAL, no handler call\n");
}

/* --- The SDK's flows, all inside one vDSO call -------------------------- */

/*
 * Exception: EENTER the enclave's handler (CSSA 1), which skips the
 * instruction and EEXITs; then ERESUME. A #PF on a page the host
 * protected: repair it and ERESUME. An OCALL: answer it and EENTER.
 */
static int decide_sdk(struct scenario *s, const struct hcall *c)
{
	if (c->function == TH_ERESUME) {
		if (c->rdi == 13)
			return 0; /* the enclave raises none: ENCLU faulted */
		if (c->rdi == 14 && s->page) {
			CHECK(!mprotect((void *)(uintptr_t)s->page, 4096,
					PROT_READ | PROT_WRITE));
			return TH_ERESUME;
		}
		return TH_EENTER;
	}
	if (c->rdi == TE_STATUS_HANDLED)
		return TH_ERESUME;
	if (c->rdi == TE_STATUS_OCALL) {
		CHECK_EQ(s->args->ocall_code, TE_OCALL_MIX);
		s->args->ocall_ret = te_ocall_mix(s->args->ocall_arg);
		return TH_EENTER;
	}
	return 0;
}

/* After an exception: (trapnr, error code, address), r8 = r9 = 0. */
static void check_exception_call(const struct hcall *c, long vector,
				 long error_code, long addr)
{
	CHECK_EQ(c->function, TH_ERESUME);
	CHECK_EQ(c->rdi, vector);
	CHECK_EQ(c->rsi, error_code);
	CHECK_EQ(c->rdx, addr);
	CHECK_EQ(c->r8, 0);
	CHECK_EQ(c->r9, 0);
}

static void test_exception_in_frame(void)
{
	struct te_args args = { .kind = TE_FAULT_UD, .skip = 1 };
	struct scenario s = { .decide = decide_sdk, .args = &args };
	struct sgx_enclave_run run;

	CHECK_EQ(call(&s, TH_EENTER, TE_OP_FAULT, &run), 0);
	check_exception_call(&s.log[0], 6, 0, 0);
	check_frame(&s, &s.log[0], &run);
	CHECK_EQ(s.log[1].function, TH_EEXIT);
	CHECK_EQ(s.log[1].rdi, TE_STATUS_HANDLED);
	CHECK_EQ(args.exc.count, 1);
	CHECK_EQ(args.exc.exitinfo, TE_EXITINFO_VALID | 3U << 8 | 6);
	CHECK_EQ(args.exc.skipped, 1);
	CHECK_EQ(s.calls, 3);
	CHECK_EQ(s.log[2].function, TH_EEXIT);
	CHECK_EQ(s.log[2].rdi, TE_STATUS_OK);
	CHECK_EQ(args.status, TE_STATUS_OK);
	printf("  ok  #UD: handler(6, 0, 0, r8=r9=0) -> EENTER -> enclave "
	       "handler -> ERESUME -> EEXIT\n");
}

static void test_page_fault_in_frame(void)
{
	struct te_args args = { .kind = TE_FAULT_READ, .addr = rw_page + 8 };
	struct scenario s = { .decide = decide_sdk,
			      .args = &args,
			      .page = rw_page };
	struct sgx_enclave_run run;

	CHECK(!mprotect((void *)(uintptr_t)rw_page, 4096, PROT_NONE));
	CHECK_EQ(call(&s, TH_EENTER, TE_OP_FAULT, &run), 0);
	check_exception_call(&s.log[0], 14, 0x4, (long)rw_page);
	CHECK_EQ(s.calls, 2);
	CHECK_EQ(s.log[1].function, TH_EEXIT);
	CHECK_EQ(args.result, TE_RW_PATTERN);
	printf("  ok  #PF: handler(14, 0x4, page) repairs mprotect -> "
	       "ERESUME -> the read succeeds\n");
}

static void test_ocalls_in_frame(void)
{
	struct te_args args = { .n = 100, .seed = 0x5eed };
	struct scenario s = { .decide = decide_sdk, .args = &args };
	struct sgx_enclave_run run;

	CHECK_EQ(call(&s, TH_EENTER, TE_OP_OCALL, &run), 0);
	CHECK_EQ(s.calls, 101);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(s.log[i].rdi, TE_STATUS_OCALL);
	CHECK_EQ(s.log[100].rdi, TE_STATUS_OK);
	CHECK_EQ(args.ocalls, 100);
	CHECK_EQ(args.result, te_ocall_ref(0x5eed, 100));
	printf("  ok  100 OCALLs: handler answers, returns EENTER, the "
	       "enclave continues\n");
}

int main(int argc, char **argv)
{
	struct te_info info;

	th_init(argc, argv, 3, NULL);
	th_load(&encl, argv[1], argv[2], 0);
	th_info(&encl, 0, &info);
	rw_page = th_addr(&encl, info.rw_page);
	test_eexit_args();
	test_return_values();
	test_einval();
	test_ocalls_in_frame();
	test_exception_in_frame();
	test_page_fault_in_frame();
	th_unload(&encl);
	return th_exit();
}

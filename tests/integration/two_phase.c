// SPDX-License-Identifier: MIT
/*
 * The two-phase exception flow of the SDK, with separate vDSO calls:
 *   1. EENTER: the enclave works, then raises #UD (or #DE) mid-way; the
 *      vDSO reports function 3 / vector 6;
 *   2. ERESUME without handling it: the faulting instruction runs again
 *      and faults again (a fault's saved RIP is the instruction itself);
 *   3. EENTER again: CSSA = 1, so the enclave's handler runs. It reads
 *      SSA[0]: EXITINFO = valid, type 3 (hardware exception), vector 6,
 *      the saved RIP at the faulting instruction; it skips it and EEXITs;
 *   4. ERESUME: the enclave's registers and stack come back and it
 *      finishes its work, whose result depends on the state before the
 *      fault: exact.
 * With MISCSELECT 0 and EXINFO (#UD/#DE are reported either way).
 *
 * Usage: it_two_phase ENCLAVE ENCLAVE.sig
 */
#include <string.h>

#include "testhost.h"

#define N 100000
#define EXINFO 1U

static struct th_enclave encl;
static struct te_info info;

struct steps {
	size_t tcs;
	struct sgx_enclave_run run[4];
	int ret[4];
};

/*
 * The enclave leaves through the host stack of its first EENTER, so every
 * call that may end its work comes from this one frame.
 */
static __attribute__((noinline)) void flow(struct te_args *args,
					   struct steps *s)
{
	size_t t = s->tcs;

	memset(s, 0, sizeof(*s));
	s->tcs = t;
	s->ret[0] = th_enter(&encl, t, TH_EENTER, TE_OP_WORK, args, &s->run[0]);
	s->ret[1] = th_enter(&encl, t, TH_ERESUME, 0, NULL, &s->run[1]);
	s->ret[2] = th_enter(&encl, t, TH_EENTER, TE_OP_NOP, NULL, &s->run[2]);
	s->ret[3] = th_enter(&encl, t, TH_ERESUME, 0, NULL, &s->run[3]);
}

static void check_fault(const struct sgx_enclave_run *run, int ret,
			uint16_t vector)
{
	CHECK_EQ(ret, 0);
	CHECK_EQ(run->function, TH_ERESUME);
	CHECK_EQ(run->exception_vector, vector);
	CHECK_EQ(run->exception_error_code, 0);
}

static void two_phase(size_t tcs, uint64_t kind, uint16_t vector,
		      uint64_t site_offset, const char *name)
{
	struct te_args args = {
		.n = N, .seed = 0x77 + kind, .kind = kind, .skip = 1
	};
	struct steps s = { .tcs = tcs };

	flow(&args, &s);
	check_fault(&s.run[0], s.ret[0], vector);
	CHECK_EQ(args.partial, te_busy_ref(args.seed, N));
	/* Phase 2 first: EENTER is the handler only while CSSA = 1. */
	check_fault(&s.run[1], s.ret[1], vector);
	CHECK_EQ(s.ret[2], 0);
	CHECK_EQ(s.run[2].function, TH_EEXIT);
	CHECK_EQ(args.exc.count, 1);
	CHECK_EQ(args.exc.cssa, 1);
	CHECK_EQ(args.exc.exitinfo, TE_EXITINFO_VALID | 3U << 8 | vector);
	CHECK_EQ(args.exc.rip, site_offset);
	CHECK_EQ(args.exc.skipped, 1);
	CHECK_EQ(s.ret[3], 0);
	CHECK_EQ(s.run[3].function, TH_EEXIT);
	CHECK_EQ(args.status, TE_STATUS_OK);
	CHECK_EQ(args.result, te_work_ref(args.seed, N));
	printf("  ok  %s mid-work: reported, re-raised by a bare ERESUME, "
	       "handled at CSSA 1 (EXITINFO valid/3/%u), resumed, exact\n",
	       name, vector);
}

int main(int argc, char **argv)
{
	th_init(argc, argv, 3, NULL);
	for (uint32_t misc = 0; misc <= EXINFO; misc++) {
		th_load(&encl, argv[1], argv[2], misc);
		th_info(&encl, 0, &info);
		printf("MISCSELECT 0x%x:\n", misc);
		two_phase(0, TE_FAULT_UD, 6, info.site_ud, "#UD");
		two_phase(1, TE_FAULT_DE, 0, info.site_de, "#DE");
		th_unload(&encl);
	}
	return th_exit();
}

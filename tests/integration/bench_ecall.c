// SPDX-License-Identifier: MIT
/*
 * Micro-benchmark (not a test): the cost of crossing the enclave boundary,
 * each figure beside the cost of one signal round trip (raise(SIGUSR1)
 * into an empty handler and back) measured in the same run — the physical
 * unit of an emulator that traps ENCLU:
 *   ecall_vdso    empty ECALL (EENTER + EEXIT) through __vdso_sgx_enter_enclave
 *   ecall_raw     the same with the program's own ENCLU
 *   ocall         an enclave-initiated exit and re-entry (EEXIT + EENTER)
 * Prints "BENCH name value us limit=.. ratio=..". Timings are reported,
 * never asserted.
 *
 * Usage: bench_ecall [ENCLAVE ENCLAVE.sig] (default: the build's test
 * enclave A), under softsgx run.
 */
#include <signal.h>
#include <time.h>

#include "testhost.h"

#define BATCHES 5
#define MIN_BATCH_S 0.05

static struct th_enclave encl;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef void (*op_fn)(long n);

/* Microseconds per operation: the best of BATCHES batches. */
static double measure(op_fn op)
{
	long n = 64;
	double best = 1e30;

	/* Grow the batch until it lasts long enough to time. */
	for (;;) {
		double t = now();

		op(n);
		if (now() - t >= MIN_BATCH_S)
			break;
		n *= 2;
	}
	for (int b = 0; b < BATCHES; b++) {
		double t = now(), us;

		op(n);
		us = (now() - t) * 1e6 / (double)n;
		if (us < best)
			best = us;
	}
	return best;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void signals(long n)
{
	for (long i = 0; i < n; i++)
		raise(SIGUSR1);
}

static void ecalls_vdso(long n)
{
	struct th_call call = { .fn = th_vdso(), .function = TH_EENTER };
	struct sgx_enclave_run run = { .tcs = encl.tcs[0] };

	for (long i = 0; i < n; i++)
		if (th_vdso_call(&call, &run) || run.function != TH_EEXIT)
			TH_FAIL("ECALL failed");
}

static void ecalls_raw(long n)
{
	for (long i = 0; i < n; i++)
		if (th_raw_eenter(encl.tcs[1], TE_OP_NOP, 0) != TE_STATUS_OK)
			TH_FAIL("raw ECALL failed");
}

/* One ECALL making n OCALLs, each answered by re-entering. */
static void ocalls(long n)
{
	struct te_args args = { .n = (uint64_t)n, .seed = 1 };
	uint64_t st = th_raw_eenter(encl.tcs[2], TE_OP_OCALL, (uintptr_t)&args);

	while (st == TE_STATUS_OCALL) {
		args.ocall_ret = te_ocall_mix(args.ocall_arg);
		st = th_raw_eenter(encl.tcs[2], TE_OP_NOP, 0);
	}
	if (st != TE_STATUS_OK || args.result != te_ocall_ref(1, (uint64_t)n))
		TH_FAIL("OCALLs failed");
}

static void report(const char *name, double value, double limit)
{
	printf("BENCH %s %.3f us limit=%.3f ratio=%.3f\n", name, value, limit,
	       value / limit);
}

int main(int argc, char **argv)
{
	const char *image = argc > 2 ? argv[1] : TESTENC_IMAGE;
	const char *sig = argc > 2 ? argv[2] : TESTENC_SIG;
	double signal_us;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGUSR1, on_usr1);
	th_load(&encl, image, sig, 0);
	signal_us = measure(signals);
	printf("# one signal round trip (raise(SIGUSR1), empty handler): "
	       "%.3f us\n",
	       signal_us);
	report("ecall_vdso", measure(ecalls_vdso), signal_us);
	report("ecall_raw", measure(ecalls_raw), signal_us);
	report("ocall", measure(ocalls), signal_us);
	th_unload(&encl);
	return 0;
}

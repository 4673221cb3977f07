// SPDX-License-Identifier: MIT
/*
 * Micro-benchmark (not a test): the cost of crossing the enclave boundary,
 * each figure beside the cost of one signal round trip (raise(SIGUSR1)
 * into an empty handler and back) measured in the same run — the physical
 * unit of an emulator that traps ENCLU:
 *   ecall_vdso    empty ECALL (EENTER + EEXIT) through __vdso_sgx_enter_enclave
 *   ecall_raw     the same with the program's own ENCLU
 *   ocall         an enclave-initiated exit and re-entry (EEXIT + EENTER)
 *   interrupt     a signal into running enclave code (AEX, the program's
 *                 handler at the AEP, ERESUME), sent by another thread and
 *                 seen handled by it; its limit is the same into a thread
 *                 spinning in host code
 * Prints "BENCH name value us limit=.. ratio=..". Timings are reported,
 * never asserted.
 *
 * Usage: bench_ecall [ENCLAVE ENCLAVE.sig] (default: the build's test
 * enclave A), under softsgx run.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

/* --- interrupts: another thread, spinning, gets SIGUSR2 ------------------ */

static volatile long interrupts;
static pid_t spinner_tid;
static volatile int spinner_stop;

static void on_usr2(int sig)
{
	(void)sig;
	interrupts++;
}

static void *spin_host(void *arg)
{
	(void)arg;
	__atomic_store_n(&spinner_tid, gettid(), __ATOMIC_RELEASE);
	while (!spinner_stop)
		__builtin_ia32_pause();
	return NULL;
}

static struct te_stop enclave_stop;

static void *spin_enclave(void *arg)
{
	struct te_args args = { .n = UINT64_MAX, .seed = 3 };
	struct sgx_enclave_run run = { 0 };

	(void)arg;
	args.stop = (uint64_t)(uintptr_t)&enclave_stop;
	__atomic_store_n(&spinner_tid, gettid(), __ATOMIC_RELEASE);
	if (th_enter(&encl, 3, TH_EENTER, TE_OP_BUSY, &args, &run) ||
	    run.function != TH_EEXIT || args.status != TE_STATUS_OK ||
	    args.result != te_busy_ref(args.seed, args.iters))
		TH_FAIL("the interrupted enclave loop is not exact");
	return NULL;
}

static void interrupt(long n)
{
	pid_t tid = __atomic_load_n(&spinner_tid, __ATOMIC_ACQUIRE);

	for (long i = 0; i < n; i++) {
		long seen = interrupts;

		syscall(SYS_tgkill, getpid(), tid, SIGUSR2);
		while (interrupts == seen)
			__builtin_ia32_pause();
	}
}

/* Microseconds per interrupt of a thread running spin. */
static double measure_interrupts(void *(*spin)(void *))
{
	pthread_t t;
	double us;

	spinner_tid = 0;
	spinner_stop = 0;
	enclave_stop.stop = 0;
	if (pthread_create(&t, NULL, spin, NULL))
		TH_FAIL("pthread_create");
	while (!__atomic_load_n(&spinner_tid, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	us = measure(interrupt);
	spinner_stop = 1;
	enclave_stop.stop = 1;
	pthread_join(t, NULL);
	return us;
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
	signal(SIGUSR2, on_usr2);
	th_load(&encl, image, sig, 0);
	signal_us = measure(signals);
	printf("# one signal round trip (raise(SIGUSR1), empty handler): "
	       "%.3f us\n",
	       signal_us);
	report("ecall_vdso", measure(ecalls_vdso), signal_us);
	report("ecall_raw", measure(ecalls_raw), signal_us);
	report("ocall", measure(ocalls), signal_us);
	signal_us = measure_interrupts(spin_host);
	printf("# one signal into a thread spinning in host code: %.3f us\n",
	       signal_us);
	report("interrupt", measure_interrupts(spin_enclave), signal_us);
	th_unload(&encl);
	return 0;
}

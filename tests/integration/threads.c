// SPDX-License-Identifier: MIT
/*
 * Threads and TCSs. Eight threads run in the enclave at once, each on its
 * own TCS (the enclave sees its own thread index), each checksum exact.
 * A TCS is used by one logical processor at a time: EENTER on a TCS that
 * another thread is inside of faults with #GP, which the vDSO reports with
 * function = EENTER (the leaf that faulted), vector 13, no error code and
 * no address; other TCSs are unaffected, and the busy one works again once
 * its thread has left.
 *
 * Usage: it_threads ENCLAVE ENCLAVE.sig
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include "testhost.h"

#define NR_THREADS 8
#define CALLS 20
#define ITERS 1000000

static struct th_enclave encl;
static pthread_barrier_t start;

static void *worker(void *arg)
{
	size_t i = (size_t)(uintptr_t)arg;
	struct te_info info;

	pthread_barrier_wait(&start);
	th_info(&encl, i, &info);
	CHECK_EQ(info.thread_index, i);
	CHECK_EQ(encl.base + info.tcs, encl.tcs[i]);
	for (uint64_t k = 0; k < CALLS; k++) {
		struct te_args args = { .n = ITERS, .seed = i << 32 | k };

		th_ecall_ok(&encl, i, TE_OP_BUSY, &args);
		CHECK_EQ(args.iters, ITERS);
		CHECK_EQ(args.result, te_busy_ref(args.seed, ITERS));
	}
	return NULL;
}

static void parallel(void)
{
	pthread_t t[NR_THREADS];
	struct te_args count = { 0 };

	CHECK(encl.nr_tcs >= NR_THREADS);
	CHECK(!pthread_barrier_init(&start, NULL, NR_THREADS));
	for (size_t i = 0; i < NR_THREADS; i++)
		CHECK(!pthread_create(&t[i], NULL, worker,
				      (void *)(uintptr_t)i));
	for (size_t i = 0; i < NR_THREADS; i++)
		CHECK(!pthread_join(t[i], NULL));
	pthread_barrier_destroy(&start);
	/* INFO + CALLS per thread, and this one. */
	th_ecall_ok(&encl, 0, TE_OP_COUNT, &count);
	CHECK_EQ(count.result, NR_THREADS * (1 + CALLS) + 1);
	printf("  ok  %d threads x %d checksums on %d TCSs in parallel, "
	       "every one exact\n",
	       NR_THREADS, CALLS, NR_THREADS);
}

struct busy {
	struct te_args args;
	struct te_stop stop;
	struct sgx_enclave_run run;
	int ret;
};

static void *occupy(void *arg)
{
	struct busy *b = arg;

	b->ret = th_enter(&encl, 0, TH_EENTER, TE_OP_BUSY, &b->args, &b->run);
	return NULL;
}

static void busy_tcs(void)
{
	struct busy b = { .args = { .n = UINT64_MAX, .seed = 99 } };
	struct sgx_enclave_run run = { 0 };
	struct te_args args = { .a = 1, .b = 2 };
	pthread_t t;

	b.args.stop = (uint64_t)(uintptr_t)&b.stop;
	CHECK(!pthread_create(&t, NULL, occupy, &b));
	while (!__atomic_load_n(&b.args.started, __ATOMIC_ACQUIRE))
		sched_yield();
	/* TCS 0 is busy: EENTER faults on the ENCLU itself. */
	CHECK_EQ(th_enter(&encl, 0, TH_EENTER, TE_OP_ADD, &args, &run), 0);
	CHECK_EQ(run.function, TH_EENTER);
	CHECK_EQ(run.exception_vector, 13);
	CHECK_EQ(run.exception_error_code, 0);
	CHECK_EQ(run.exception_addr, 0);
	CHECK_EQ(args.status, 0); /* the enclave never ran */
	/* Another TCS works meanwhile. */
	th_ecall_ok(&encl, 1, TE_OP_ADD, &args);
	CHECK_EQ(args.result, 3);
	__atomic_store_n(&b.stop.stop, 1, __ATOMIC_RELEASE);
	CHECK(!pthread_join(t, NULL));
	CHECK_EQ(b.ret, 0);
	CHECK_EQ(b.run.function, TH_EEXIT);
	CHECK_EQ(b.args.result, te_busy_ref(99, b.args.iters));
	/* Free again. */
	args.result = 0;
	th_ecall_ok(&encl, 0, TE_OP_ADD, &args);
	CHECK_EQ(args.result, 3);
	printf("  ok  EENTER on a busy TCS: function 2, #GP (13), error 0, "
	       "addr 0; the owner finishes exact\n");
}

/*
 * Runtimes often start their worker threads with every signal blocked.
 * ENCLU is an instruction: entering works all the same. In a child,
 * because the known bug enclu_masked ends the process.
 */
static void *blocked_worker(void *arg)
{
	struct te_args args = { .n = 1000, .seed = 4 };

	(void)arg;
	th_ecall_ok(&encl, 2, TE_OP_BUSY, &args);
	CHECK_EQ(args.result, te_busy_ref(4, 1000));
	return NULL;
}

static void signals_blocked(void)
{
	sigset_t all;
	pthread_t t;
	pid_t pid;
	int status;

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, NULL);
		CHECK(!pthread_create(&t, NULL, blocked_worker, NULL));
		CHECK(!pthread_join(t, NULL));
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	if (th_child_crashed(status)) {
		th_known_bug(TH_BUG_ENCLU_MASKED,
			     "ECALL from a thread with all signals blocked: "
			     "the child crashed (wait status 0x%x)",
			     status);
		return;
	}
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	printf("  ok  ECALL from a thread that blocks every signal\n");
}

int main(int argc, char **argv)
{
	th_init(argc, argv, 3, NULL);
	th_load(&encl, argv[1], argv[2], 0);
	parallel();
	busy_tcs();
	signals_blocked();
	th_unload(&encl);
	return th_exit();
}

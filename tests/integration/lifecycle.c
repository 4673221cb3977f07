// SPDX-License-Identifier: MIT
/*
 * The enclave's life in a process (linux-sgx-uapi spec 3.8, 3.9):
 * - close() of the enclave fd while it is mapped: the mappings keep the
 *   enclave alive and it keeps working;
 * - fork(): the child's mappings are the same enclave (same pages: a
 *   counter the child advances is seen by the parent), and the child can
 *   call into it; the parent's enclave outlives the child;
 * - a program that ends while one of its threads is inside the enclave
 *   (exit() from another thread, main() returning) ends cleanly, with its
 *   own exit status. Those run as re-executions of this program;
 * - a process killed while inside leaves its TCS free, after the AEX the
 *   kill would have been on hardware, for EENTER and for ETRACK cycles.
 *
 * Usage: it_lifecycle ENCLAVE ENCLAVE.sig [exit-main | exit-thread]
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testhost.h"

#define EXIT_MAIN 43
#define EXIT_THREAD 44
#define DEADLINE_S 30
#define PAGE 4096UL

static struct th_enclave encl;

static uint64_t add(size_t tcs, uint64_t a, uint64_t b)
{
	struct te_args args = { .a = a, .b = b };

	th_ecall_ok(&encl, tcs, TE_OP_ADD, &args);
	return args.result;
}

static uint64_t calls_served(void)
{
	struct te_args args = { 0 };

	th_ecall_ok(&encl, 0, TE_OP_COUNT, &args);
	return args.result;
}

static void busy_ok(size_t tcs, uint64_t seed)
{
	struct te_args args = { .n = 100000, .seed = seed };

	th_ecall_ok(&encl, tcs, TE_OP_BUSY, &args);
	CHECK_EQ(args.result, te_busy_ref(seed, 100000));
}

static void closed_fd(void)
{
	uint64_t before = calls_served();

	CHECK(!close(encl.fd));
	encl.fd = -1;
	CHECK_EQ(add(0, 40, 2), 42);
	busy_ok(1, 7);
	CHECK_EQ(calls_served(), before + 3);
	printf("  ok  close(fd) while mapped: the enclave keeps working\n");
}

/* Waits for pid, failing after DEADLINE_S; returns its wait status. */
static int wait_child(pid_t pid)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	int status;

	for (int i = 0; i < DEADLINE_S * 100; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		CHECK(r >= 0);
		if (r == pid)
			return status;
		nanosleep(&nap, NULL);
	}
	kill(pid, SIGKILL);
	TH_FAIL("child %d did not end within %d s", (int)pid, DEADLINE_S);
}

static void forked(void)
{
	uint64_t before = calls_served();
	pid_t pid = fork();
	int status;

	CHECK(pid >= 0);
	if (pid == 0) {
		/* The child: same enclave, both TCSs; exact or exit 1. */
		for (uint64_t i = 0; i < 10; i++)
			if (add(i & 1, i, 100) != i + 100)
				_exit(1);
		busy_ok(2, 11);
		_exit(0);
	}
	status = wait_child(pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	/* The counter lives in enclave memory both processes map. */
	CHECK_EQ(calls_served(), before + 11 + 1);
	CHECK_EQ(add(0, 1, 1), 2);
	busy_ok(3, 12);
	printf("  ok  fork: the child calls into the shared enclave; the "
	       "parent sees its calls and goes on\n");
}

/* --- A thread inside the enclave while others fork or end -------------- */

static struct te_args spin_args = { .n = UINT64_MAX, .seed = 5 };
static struct te_stop never;

/* Spins in the enclave on TCS 0 until arg (a struct te_stop) says stop. */
static void *spin_until(void *arg)
{
	struct sgx_enclave_run run = { 0 };

	spin_args.stop = (uint64_t)(uintptr_t)arg;
	CHECK_EQ(th_enter(&encl, 0, TH_EENTER, TE_OP_BUSY, &spin_args, &run),
		 0);
	CHECK_EQ(run.function, TH_EEXIT);
	return NULL;
}

static void *spin(void *arg)
{
	(void)arg;
	spin_until(&never);
	TH_FAIL("the spinning thread left the enclave");
}

/*
 * fork() while a thread of the parent is inside on TCS 0: that TCS is busy
 * for the child too (it is the same TCS), TCS 1 is not.
 */
static void fork_while_inside(void)
{
	struct te_args stop_args = { .n = UINT64_MAX, .seed = 6 };
	struct te_stop stop = { 0 };
	struct sgx_enclave_run run = { 0 };
	pthread_t t;
	pid_t pid;
	int status;

	spin_args = stop_args;
	CHECK(!pthread_create(&t, NULL, spin_until, &stop));
	while (!__atomic_load_n(&spin_args.started, __ATOMIC_ACQUIRE))
		sched_yield();
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct te_args args = { .a = 2, .b = 3 };

		th_enter(&encl, 0, TH_EENTER, TE_OP_ADD, &args, &run);
		if (run.function != TH_EENTER || run.exception_vector != 13)
			_exit(2);
		_exit(add(1, 2, 3) == 5 ? 0 : 1);
	}
	status = wait_child(pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	__atomic_store_n(&stop.stop, 1, __ATOMIC_RELEASE);
	CHECK(!pthread_join(t, NULL));
	CHECK_EQ(spin_args.status, TE_STATUS_OK);
	CHECK_EQ(spin_args.result, te_busy_ref(6, spin_args.iters));
	printf("  ok  fork with a thread inside: its TCS is busy (#GP) in "
	       "the child, another TCS works\n");
}

/*
 * A process killed (SIGKILL) while its thread runs enclave code. On
 * hardware the interrupt that ends it is an AEX: the TCS is left inactive,
 * with CSSA 1, for the other processes that share the enclave, where an
 * EENTER runs the enclave's exception handler.
 */
static void killed_inside(void)
{
	struct te_args *args =
		mmap(NULL, sizeof(*args) + sizeof(struct te_stop),
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct sgx_enclave_run run = { 0 };
	pid_t pid;
	int status;

	CHECK(args != MAP_FAILED);
	*args = (struct te_args){ .n = UINT64_MAX, .seed = 9 };
	args->stop = (uint64_t)(uintptr_t)(args + 1);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		th_enter(&encl, 5, TH_EENTER, TE_OP_BUSY, args, &run);
		_exit(1);
	}
	while (!__atomic_load_n(&args->started, __ATOMIC_ACQUIRE))
		sched_yield();
	CHECK(!kill(pid, SIGKILL));
	status = wait_child(pid);
	CHECK(th_child_crashed(status)); /* and th_unload() knows it */
	/* The handler reports into the shared te_args of the dead thread. */
	th_enter(&encl, 5, TH_EENTER, TE_OP_NOP, NULL, &run);
	CHECK_EQ(run.function, TH_EEXIT);
	CHECK_EQ(args->exc.cssa, 1);
	printf("  ok  a process killed inside: its TCS is free (CSSA 1) for "
	       "the others\n");
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * The same death seen by the driver first: an ETRACK cycle (for an EMODPR)
 * waits for every processor that was inside the enclave to leave. The
 * dead one leaves by its AEX, instead of the wait running out (2 s).
 */
static void killed_inside_tracked(char **argv)
{
	struct te_args *args =
		mmap(NULL, sizeof(*args) + sizeof(struct te_stop),
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct sgx_enclave_run run = { 0 };
	struct sgx_enclave_restrict_permissions rp = {
		.length = PAGE,
		.permissions = SGX_SECINFO_R,
	};
	struct th_enclave e2;
	struct te_info info;
	struct timespec t0;
	double waited;
	pid_t pid;
	int status;

	CHECK(args != MAP_FAILED);
	th_load(&e2, argv[1], argv[2], 0);
	th_info(&e2, 0, &info);
	*args = (struct te_args){ .n = UINT64_MAX, .seed = 10 };
	args->stop = (uint64_t)(uintptr_t)(args + 1);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		th_enter(&e2, 1, TH_EENTER, TE_OP_BUSY, args, &run);
		_exit(1);
	}
	while (!__atomic_load_n(&args->started, __ATOMIC_ACQUIRE))
		sched_yield();
	CHECK(!kill(pid, SIGKILL));
	status = wait_child(pid);
	CHECK(th_child_crashed(status));

	rp.offset = info.rw_page;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ioctl(e2.fd, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp)) {
		CHECK(errno == ENOTTY || errno == ENODEV);
		printf("  --  no SGX2: ETRACK with a dead processor not "
		       "tried\n");
	} else {
		waited = seconds_since(&t0);
		CHECK_EQ(rp.result, 0);
		CHECK_EQ(rp.count, PAGE);
		if (waited >= 1.0)
			TH_FAIL("ETRACK waited %.2f s for a dead processor",
				waited);
		printf("  ok  ETRACK with a processor killed inside: the "
		       "cycle completes (%.0f ms)\n",
		       waited * 1e3);
	}
	th_enter(&e2, 1, TH_EENTER, TE_OP_NOP, NULL, &run);
	CHECK_EQ(run.function, TH_EEXIT);
	CHECK_EQ(args->exc.cssa, 1);
	th_unload(&e2);
	munmap(args, sizeof(*args) + sizeof(struct te_stop));
}

static void *exit_from_thread(void *arg)
{
	(void)arg;
	exit(EXIT_THREAD);
}

static void start_spinning(pthread_t *t)
{
	CHECK(!pthread_create(t, NULL, spin, NULL));
	while (!__atomic_load_n(&spin_args.started, __ATOMIC_ACQUIRE))
		sched_yield();
}

/* Child modes: the process ends while a thread spins in the enclave. */
static int child_mode(const char *mode)
{
	pthread_t t, e;

	start_spinning(&t);
	if (!strcmp(mode, "exit-main"))
		return EXIT_MAIN; /* main returns */
	CHECK(!strcmp(mode, "exit-thread"));
	CHECK(!pthread_create(&e, NULL, exit_from_thread, NULL));
	pthread_join(t, NULL); /* never returns: exit() ends us first */
	TH_FAIL("pthread_join returned");
}

static void ending(char **argv, const char *mode, int want)
{
	char *args[] = { argv[0], argv[1], argv[2], (char *)mode, NULL };
	pid_t pid = fork();
	int status;

	CHECK(pid >= 0);
	if (pid == 0) {
		execv("/proc/self/exe", args);
		_exit(127);
	}
	status = wait_child(pid);
	if (!WIFEXITED(status))
		TH_FAIL("%s: the child ended with wait status 0x%x", mode,
			status);
	CHECK_EQ(WEXITSTATUS(status), want);
	printf("  ok  %s with a thread inside the enclave: exit status %d\n",
	       mode, want);
}

int main(int argc, char **argv)
{
	th_init(argc, argv, 3, "[exit-main | exit-thread]");
	th_load(&encl, argv[1], argv[2], 0);
	if (argc > 3)
		return child_mode(argv[3]);
	closed_fd();
	forked();
	fork_while_inside();
	killed_inside();
	killed_inside_tracked(argv);
	ending(argv, "exit-main", EXIT_MAIN);
	ending(argv, "exit-thread", EXIT_THREAD);
	th_unload(&encl);
	return th_exit();
}

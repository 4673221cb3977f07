// SPDX-License-Identifier: MIT
/*
 * Asynchronous signals into an enclave busy loop. Every SIGALRM that
 * arrives while the thread is inside the enclave is an AEX: the program's
 * handler runs at the AEP (RIP = AEP, RAX = ERESUME, RBX = TCS, RCX = AEP),
 * and when it returns the vDSO's ENCLU resumes the enclave, invisibly to
 * the caller. The loop's checksum (general and XMM registers) must come
 * out exact.
 *
 * 1. 10,000 SIGALRMs sent with tgkill by another thread, each one only
 *    after the handler has counted the previous one and the enclave has
 *    made progress again: each one interrupts enclave code.
 * 2. 10,000 more, each as soon as the last was handled: they also land
 *    while softsgx emulates the ENCLU that resumes the enclave, which must
 *    be atomic as an instruction is (the handler sees the AEP or the
 *    enclave's AEX, never the emulator's own context).
 * 3. setitimer(ITIMER_REAL) firing every 200 us during a fixed loop: the
 *    number of signals varies, the result must not.
 *
 * Usage: it_sigalrm ENCLAVE ENCLAVE.sig [SIGNALS]
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "testhost.h"

#define DEADLINE_S 60 /* a guard against hangs, not a timing assumption */
#define SPIN_S 200e-6 /* >> one round trip (~35 us), << a tick (4 ms) */

static struct th_enclave encl;
static sem_t handled_sem; /* posted by every handler run */
static struct te_stop *watch; /* the busy loop's progress */
static volatile uint64_t progress_seen; /* by the last handler run */
static volatile sig_atomic_t handled, at_aep, elsewhere;
static volatile greg_t elsewhere_rip; /* the first one */
static pid_t main_tid;

static void on_sigalrm(int sig, siginfo_t *si, void *ctx)
{
	const greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;

	(void)sig;
	(void)si;
	if (g[REG_RAX] == TH_ERESUME && (uint64_t)g[REG_RBX] == encl.tcs[0] &&
	    g[REG_RCX] == g[REG_RIP])
		at_aep++;
	else if (!elsewhere++)
		elsewhere_rip = g[REG_RIP];
	/* Dirty the vector registers: the enclave's must come back anyway. */
	__asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n\tpcmpeqd %%xmm1, %%xmm1"
			 :
			 :
			 : "xmm0", "xmm1");
	if (watch)
		progress_seen =
			__atomic_load_n(&watch->progress, __ATOMIC_RELAXED);
	handled++;
	sem_post(&handled_sem);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Between phases, with no signal pending. */
static void reset_counts(void)
{
	handled = at_aep = elsewhere = 0;
	while (!sem_trywait(&handled_sem))
		;
}

/*
 * While the thread is inside the ECALL, a handler can only see the AEP: it
 * is in enclave code (AEX) or at the AEP. Anything else is the context of
 * softsgx's own signal handler, interrupted in the middle of emulating an
 * ENCLU: known bug async_nest.
 */
static bool contexts_ok(void)
{
	if (!elsewhere)
		return true;
	th_known_bug(TH_BUG_ASYNC_NEST,
		     "a SIGALRM handler ran at RIP 0x%llx, not at the AEP",
		     (unsigned long long)elsewhere_rip);
	return false;
}

struct sender {
	struct te_args *args;
	long signals;
	bool follow; /* wait for the enclave to run between signals */
	struct te_stop stop;
};

/*
 * Blocks (no spinning: the enclave thread needs the CPU) until signal
 * target was handled, and then until the enclave has run again: every
 * signal interrupts enclave code, none lands at the AEP on the way back.
 */
static void wait_handled(long target, const struct timespec *deadline,
			 double mono_deadline, const struct te_stop *loop)
{
	static bool spun = true; /* the last spin saw the handler */
	struct timespec nap = { 0, 20 * 1000 };

	/*
	 * Spin: the next signal should follow as fast as it can, while
	 * softsgx still emulates the ERESUME. But briefly, and never with
	 * sched_yield(): on a busy machine a sender that stays runnable
	 * lets the (always runnable) enclave thread take the signal only
	 * at a scheduler tick, one signal per tick. After a failed spin,
	 * sleep until the handler's sem_post() instead, retrying the spin
	 * now and then.
	 */
	if (!loop && (spun || !(target % 32))) {
		double spin_end = now() + SPIN_S;

		while (handled < target && now() < spin_end)
			__builtin_ia32_pause();
		spun = handled >= target;
	}
	while (handled < target)
		if (sem_timedwait(&handled_sem, deadline) && errno != EINTR)
			TH_FAIL("waited %d s for the handler of signal %ld",
				DEADLINE_S, target);
	if (!loop)
		return;
	while (__atomic_load_n(&loop->progress, __ATOMIC_RELAXED) <=
	       progress_seen) {
		if (now() > mono_deadline)
			TH_FAIL("the enclave did not resume after signal %ld",
				target);
		nanosleep(&nap, NULL);
	}
}

static void *send_signals(void *arg)
{
	struct sender *s = arg;
	double deadline = now() + DEADLINE_S;
	struct timespec until;

	while (!__atomic_load_n(&s->args->started, __ATOMIC_ACQUIRE)) {
		if (now() > deadline)
			TH_FAIL("the enclave never started");
		sched_yield();
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += DEADLINE_S;
	/* Stop at the first handler off the AEP: its stack may be torn. */
	for (long i = 1; i <= s->signals && !elsewhere; i++) {
		CHECK(!syscall(SYS_tgkill, getpid(), main_tid, SIGALRM));
		wait_handled(i, &until, deadline, s->follow ? &s->stop : NULL);
	}
	__atomic_store_n(&s->stop.stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

static sigset_t alrm_set;

/* Signals are invisible to the ECALL: it ends with EEXIT. */
static void check_exit(int ret, const struct sgx_enclave_run *run)
{
	if (ret || run->function != TH_EEXIT)
		TH_FAIL("the busy ECALL ended with %d, function %u, vector %u",
			ret, run->function, run->exception_vector);
}

static void tgkill_phase(long signals, bool follow)
{
	struct te_args args = { .n = UINT64_MAX, .seed = 0x1234 + follow };
	struct sender s = { .args = &args,
			    .signals = signals,
			    .follow = follow };
	struct sgx_enclave_run run = { 0 };
	pthread_t t;

	args.stop = (uint64_t)(uintptr_t)&s.stop;
	watch = &s.stop;
	/* The sender must not take the signals itself. */
	reset_counts();
	pthread_sigmask(SIG_BLOCK, &alrm_set, NULL);
	CHECK(!pthread_create(&t, NULL, send_signals, &s));
	pthread_sigmask(SIG_UNBLOCK, &alrm_set, NULL);
	check_exit(th_enter(&encl, 0, TH_EENTER, TE_OP_BUSY, &args, &run),
		   &run);
	CHECK(!pthread_join(t, NULL));
	watch = NULL;
	CHECK_EQ(args.status, TE_STATUS_OK);
	CHECK_EQ(args.result, te_busy_ref(args.seed, args.iters));
	if (!contexts_ok())
		return;
	CHECK_EQ(handled, signals);
	CHECK_EQ(at_aep, signals);
	if (follow) /* the enclave ran between any two signals */
		CHECK(args.iters >= (uint64_t)signals);
	printf("  ok  %ld x tgkill(SIGALRM)%s: %ld handler runs at the AEP, "
	       "%llu iterations, checksum exact\n",
	       signals,
	       follow ? ", each into running enclave code" : " back to back",
	       (long)at_aep, (unsigned long long)args.iters);
}

static void itimer_phase(void)
{
	struct itimerval on = { { 0, 200 }, { 0, 200 } }, off = { 0 };
	struct te_args args = { .n = 20000000, .seed = 0xabcdef };
	struct sgx_enclave_run run = { 0 };
	reset_counts();
	CHECK(!setitimer(ITIMER_REAL, &on, NULL));
	check_exit(th_enter(&encl, 0, TH_EENTER, TE_OP_BUSY, &args, &run),
		   &run);
	CHECK(!setitimer(ITIMER_REAL, &off, NULL));
	CHECK_EQ(args.iters, args.n);
	CHECK_EQ(args.result, te_busy_ref(0xabcdef, args.n));
	printf("  ok  setitimer(200 us): %ld SIGALRMs (%ld at the AEP) during "
	       "%llu iterations, checksum exact\n",
	       (long)handled, (long)at_aep, (unsigned long long)args.n);
}

/*
 * Queued signals racing short ECALLs: many arrive while a thread is
 * between enclave and host, in EENTER or EEXIT (which softsgx runs without
 * a trap). Every ECALL must end in EEXIT, every signal must run its
 * handler exactly once (queued real-time signals are never merged).
 */
static volatile long rt_handled;
static volatile int rt_stop;

static void on_rt(int sig)
{
	(void)sig;
	rt_handled++;
}

static void *queue_signals(void *arg)
{
	long n = *(long *)arg;
	siginfo_t info = { .si_signo = SIGRTMIN, .si_code = SI_QUEUE };

	info.si_pid = getpid();
	info.si_uid = getuid();
	for (long i = 0; i < n; i++) {
		/* A bounded backlog: the queue has a per-user limit. */
		while (i - rt_handled > 64 && !rt_stop)
			__builtin_ia32_pause();
		syscall(SYS_rt_tgsigqueueinfo, getpid(), main_tid, SIGRTMIN,
			&info);
	}
	return NULL;
}

static void ecall_race_phase(long signals)
{
	struct sgx_enclave_run run;
	double deadline = now() + DEADLINE_S;
	long ecalls = 0;
	pthread_t t;

	CHECK(signal(SIGRTMIN, on_rt) != SIG_ERR);
	rt_handled = 0;
	CHECK(!pthread_create(&t, NULL, queue_signals, &signals));
	while (rt_handled < signals) {
		memset(&run, 0, sizeof(run));
		CHECK_EQ(th_enter(&encl, 1, TH_EENTER, TE_OP_NOP, NULL, &run),
			 0);
		CHECK_EQ(run.function, TH_EEXIT);
		ecalls++;
		if (now() > deadline) {
			rt_stop = 1;
			TH_FAIL("%ld of %ld queued signals handled", rt_handled,
				signals);
		}
	}
	CHECK(!pthread_join(t, NULL));
	CHECK_EQ(rt_handled, signals);
	printf("  ok  %ld queued signals racing %ld ECALLs: each handled once, "
	       "every ECALL ended in EEXIT\n",
	       signals, ecalls);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigalrm,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	long signals = argc > 3 ? atol(argv[3]) : 10000;

	th_init(argc, argv, 3, "[SIGNALS]");
	main_tid = (pid_t)syscall(SYS_gettid);
	sigemptyset(&alrm_set);
	sigaddset(&alrm_set, SIGALRM);
	sigemptyset(&sa.sa_mask);
	CHECK(!sigaction(SIGALRM, &sa, NULL));
	CHECK(!sem_init(&handled_sem, 0, 0));
	th_load(&encl, argv[1], argv[2], 0);
	tgkill_phase(signals, true);
	tgkill_phase(signals, false);
	itimer_phase();
	ecall_race_phase(signals);
	th_unload(&encl);
	return th_exit();
}

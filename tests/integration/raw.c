// SPDX-License-Identifier: MIT
/*
 * An SGX runtime without the vDSO, as Intel's did before Linux 5.11: the
 * host executes ENCLU itself (enter.S: th_raw_eenter) with an AEP of its
 * own (th_raw_aep, an ENCLU that does ERESUME). An exception inside the
 * enclave then arrives as an ordinary signal to the program's handler,
 * with the context the AEX left (RIP = AEP, RAX = ERESUME, RBX = TCS,
 * RCX = AEP) and, for #PF, si_addr = the page. The handler either repairs
 * the cause and returns (the AEP resumes the enclave), or first EENTERs
 * the enclave's exception handler (CSSA = 1) from inside the signal
 * handler, as the SDK's did, and then returns.
 *
 * Usage: it_raw ENCLAVE ENCLAVE.sig
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "testhost.h"

#define PAGE 4096UL

static struct th_enclave encl;
static struct te_info info;
static uint64_t tcs;

enum action { REPAIR, ENTER_HANDLER };

/* What the last signal looked like, and what the handler did. */
static struct {
	enum action action;
	int sig, code, count;
	uint64_t addr, trapno, err, rip, rax, rbx, rcx;
	uint64_t handler_status;
	uint64_t repair; /* page to make RW again */
} seen;

static uint64_t aep(void)
{
	return (uint64_t)(uintptr_t)th_raw_aep;
}

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	const greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;

	seen.count++;
	seen.sig = sig;
	seen.code = si->si_code;
	seen.addr = (uint64_t)(uintptr_t)si->si_addr;
	seen.trapno = (uint64_t)g[REG_TRAPNO];
	seen.err = (uint64_t)g[REG_ERR];
	seen.rip = (uint64_t)g[REG_RIP];
	seen.rax = (uint64_t)g[REG_RAX];
	seen.rbx = (uint64_t)g[REG_RBX];
	seen.rcx = (uint64_t)g[REG_RCX];
	if (seen.action == ENTER_HANDLER)
		seen.handler_status = th_raw_eenter(tcs, TE_OP_NOP, 0);
	else if (seen.repair)
		mprotect((void *)(uintptr_t)seen.repair, PAGE,
			 PROT_READ | PROT_WRITE);
}

static void install(int sig)
{
	struct sigaction sa = { .sa_sigaction = on_signal,
				.sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	CHECK(!sigaction(sig, &sa, NULL));
}

/* The AEX's context, as the kernel would deliver it at the AEP. */
static void check_aep_context(int sig, uint64_t trapno)
{
	CHECK_EQ(seen.count, 1);
	CHECK_EQ(seen.sig, sig);
	CHECK_EQ(seen.trapno, trapno);
	CHECK_EQ(seen.rip, aep());
	CHECK_EQ(seen.rax, TH_ERESUME);
	CHECK_EQ(seen.rbx, tcs);
	CHECK_EQ(seen.rcx, aep());
}

/* si_addr of SIGILL/SIGFPE/SIGTRAP is the RIP the kernel saw: the AEP. */
static void check_rip_addr(const char *what)
{
	if (seen.addr != aep())
		th_known_bug(TH_BUG_EXC_ADDR,
			     "%s: si_addr 0x%llx, not the AEP 0x%llx", what,
			     (unsigned long long)seen.addr,
			     (unsigned long long)aep());
}

static void raw_ecalls(void)
{
	struct te_args args = { .a = 40, .b = 2 };

	CHECK_EQ(th_raw_eenter(tcs, TE_OP_ADD, (uintptr_t)&args), TE_STATUS_OK);
	CHECK_EQ(args.result, 42);
	printf("  ok  raw EENTER/EEXIT with the program's own ENCLU\n");
}

static void raw_ocalls(void)
{
	struct te_args args = { .n = 50, .seed = 3 };
	uint64_t st = th_raw_eenter(tcs, TE_OP_OCALL, (uintptr_t)&args);
	int n = 0;

	while (st == TE_STATUS_OCALL && n++ < 50) {
		args.ocall_ret = te_ocall_mix(args.ocall_arg);
		/* Any host frame will do: the enclave kept its context. */
		st = th_raw_eenter(tcs, TE_OP_NOP, 0);
	}
	CHECK_EQ(st, TE_STATUS_OK);
	CHECK_EQ(n, 50);
	CHECK_EQ(args.result, te_ocall_ref(3, 50));
	printf("  ok  50 OCALLs: EEXIT mid-computation, EENTER resumes it\n");
}

/* A fault the enclave's handler skips, entered from the signal handler. */
static void fault_with_handler(int sig, uint64_t kind, uint64_t vector,
			       const char *name)
{
	struct te_args args = { .kind = kind, .a = 9, .skip = 1 };

	memset(&seen, 0, sizeof(seen));
	seen.action = ENTER_HANDLER;
	CHECK_EQ(th_raw_eenter(tcs, TE_OP_FAULT, (uintptr_t)&args),
		 TE_STATUS_OK);
	check_aep_context(sig, vector);
	check_rip_addr(name);
	CHECK_EQ(seen.handler_status, TE_STATUS_HANDLED);
	CHECK_EQ(args.exc.exitinfo, TE_EXITINFO_VALID | 3U << 8 | vector);
	CHECK_EQ(args.exc.skipped, 1);
	printf("  ok  %s: signal %d at the AEP, EENTER handler from it, "
	       "ERESUME\n",
	       name, sig);
}

/* #PF on a page the host protected: repair it in the handler, resume. */
static void page_fault_repair(void)
{
	uint64_t page = th_addr(&encl, info.rw_page);
	struct te_args args = { .kind = TE_FAULT_READ, .addr = page + 0x40 };

	memset(&seen, 0, sizeof(seen));
	seen.action = REPAIR;
	seen.repair = page;
	CHECK(!mprotect((void *)(uintptr_t)page, PAGE, PROT_NONE));
	CHECK_EQ(th_raw_eenter(tcs, TE_OP_FAULT, (uintptr_t)&args),
		 TE_STATUS_OK);
	check_aep_context(SIGSEGV, 14);
	CHECK_EQ(seen.addr, page); /* page-aligned: the offset is hidden */
	CHECK_EQ(seen.code, SEGV_ACCERR);
	CHECK_EQ(seen.err, 0x4);
	CHECK_EQ(args.result, TE_RW_PATTERN);
	printf("  ok  #PF: SIGSEGV at the AEP, si_addr = page, repaired, "
	       "ERESUME\n");
}

/* int3: SIGTRAP at the AEP; returning resumes after the int3. */
static void breakpoint(void)
{
	struct te_args args = { .kind = TE_FAULT_BP };

	memset(&seen, 0, sizeof(seen));
	seen.action = REPAIR;
	CHECK_EQ(th_raw_eenter(tcs, TE_OP_FAULT, (uintptr_t)&args),
		 TE_STATUS_OK);
	check_aep_context(SIGTRAP, 3);
	check_rip_addr("#BP");
	printf("  ok  #BP: SIGTRAP at the AEP, returning resumes\n");
}

/*
 * An EPCM #PF (write to the TCS) whose SIGSEGV handler EENTERs the
 * enclave's handler: an ENCLU inside a SIGSEGV handler, as the SDK does.
 */
static void epcm_fault_with_handler(void)
{
	struct te_args args = { .kind = TE_FAULT_WRITE_ONLY,
				.addr = tcs + 0x80,
				.skip = 1 };

	memset(&seen, 0, sizeof(seen));
	seen.action = ENTER_HANDLER;
	CHECK_EQ(th_raw_eenter(tcs, TE_OP_FAULT, (uintptr_t)&args),
		 TE_STATUS_OK);
	check_aep_context(SIGSEGV, 14);
	CHECK_EQ(seen.addr, tcs);
	CHECK_EQ(seen.handler_status, TE_STATUS_HANDLED);
	CHECK_EQ(args.exc.skipped, 1);
	printf("  ok  EPCM #PF: SIGSEGV at the AEP, EENTER handler from the "
	       "SIGSEGV handler, ERESUME\n");
}

/* Asynchronous signals into a raw-entered busy loop: AEX to our AEP. */
#define ASYNC_SIGNALS 100

static struct te_stop stop;
static volatile sig_atomic_t async_seen, async_at_aep;
static pid_t busy_tid;

static void on_async(int sig, siginfo_t *si, void *ctx)
{
	const greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;

	(void)sig;
	(void)si;
	if ((uint64_t)g[REG_RIP] == aep() && g[REG_RAX] == TH_ERESUME &&
	    (uint64_t)g[REG_RBX] == tcs)
		async_at_aep++;
	async_seen++;
}

/* One signal at a time, each after the last was handled. */
static void *send_async(void *arg)
{
	struct te_args *args = arg;

	while (!__atomic_load_n(&args->started, __ATOMIC_ACQUIRE))
		sched_yield();
	for (int i = 1; i <= ASYNC_SIGNALS; i++) {
		CHECK(!syscall(SYS_tgkill, getpid(), busy_tid, SIGUSR2));
		while (async_seen < i)
			sched_yield();
	}
	__atomic_store_n(&stop.stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void async_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_async,
				.sa_flags = SA_SIGINFO };
	struct te_args args = { .n = UINT64_MAX, .seed = 8 };
	sigset_t usr2;
	pthread_t t;

	sigemptyset(&sa.sa_mask);
	CHECK(!sigaction(SIGUSR2, &sa, NULL));
	args.stop = (uint64_t)(uintptr_t)&stop;
	busy_tid = (pid_t)syscall(SYS_gettid);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	CHECK(!pthread_create(&t, NULL, send_async, &args));
	pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
	CHECK_EQ(th_raw_eenter(tcs, TE_OP_BUSY, (uintptr_t)&args),
		 TE_STATUS_OK);
	CHECK(!pthread_join(t, NULL));
	CHECK_EQ(args.result, te_busy_ref(8, args.iters));
	CHECK_EQ(async_seen, ASYNC_SIGNALS);
	if (async_at_aep != ASYNC_SIGNALS)
		th_known_bug(TH_BUG_ASYNC_NEST,
			     "%d of %d signal handlers ran elsewhere than at "
			     "the AEP",
			     ASYNC_SIGNALS - (int)async_at_aep, ASYNC_SIGNALS);
	printf("  ok  %d signals while raw-entered: handler at our AEP, "
	       "checksum exact\n",
	       ASYNC_SIGNALS);
}

typedef void (*scenario_fn)(void);

/*
 * Each scenario runs in a child: a known bug may end it (ERESUME #GP, an
 * ENCLU in a SIGSEGV handler killed by the kernel) without ending the rest.
 */
static void isolated(scenario_fn fn, const char *name, enum th_bug killer)
{
	static size_t next = 1;
	pid_t pid;
	int status;

	/* A TCS of its own: the enclave is shared, CSSA state included. */
	CHECK(next < encl.nr_tcs);
	tcs = encl.tcs[next++];
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		install(SIGILL);
		install(SIGFPE);
		install(SIGSEGV);
		install(SIGTRAP);
		fn();
		exit(th_bugs_mask() ? TH_BUGS_EXIT + (int)th_bugs_mask() : 0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) >= TH_BUGS_EXIT)
		th_bugs_merge((unsigned int)WEXITSTATUS(status) - TH_BUGS_EXIT);
	else if (th_child_crashed(status) && (int)killer < TH_NR_BUGS)
		th_known_bug(killer, "%s: the child crashed (wait status 0x%x)",
			     name, status);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		TH_FAIL("%s: child wait status 0x%x", name, status);
}

static void ud(void)
{
	fault_with_handler(SIGILL, TE_FAULT_UD, 6, "#UD");
}

static void de(void)
{
	fault_with_handler(SIGFPE, TE_FAULT_DE, 0, "#DE");
}

int main(int argc, char **argv)
{
	th_init(argc, argv, 3, NULL);
	th_load(&encl, argv[1], argv[2], 0);
	th_info(&encl, 0, &info);
	tcs = encl.tcs[0];
	raw_ecalls();
	raw_ocalls();
	/* Killed by SIGSEGV: the known bug each scenario would show first. */
	isolated(ud, "#UD", TH_BUG_NESTED_ENTRY);
	isolated(de, "#DE", TH_BUG_NESTED_ENTRY);
	isolated(page_fault_repair, "#PF repair", TH_NR_BUGS);
	isolated(breakpoint, "#BP", TH_NR_BUGS);
	isolated(epcm_fault_with_handler, "EPCM #PF",
		 th_bugs_mask() & 1U << TH_BUG_NESTED_ENTRY ?
			 TH_BUG_NESTED_ENTRY :
			 TH_BUG_ENCLU_MASKED);
	isolated(async_signals, "async", TH_BUG_ASYNC_NEST);
	th_unload(&encl);
	return th_exit();
}

// SPDX-License-Identifier: MIT
/*
 * A program's own signal handling is unchanged by the preloaded library:
 * its SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP handlers run for its own
 * faults (a null dereference, a write to a read-only page, a truncated
 * file mapping, ud2, a division by zero, int3) with the siginfo and
 * ucontext the kernel gives, can siglongjmp out or resume by editing the
 * context; sigaction() reports what the program installed, signal() and
 * SA_RESETHAND behave, the handler mask is applied, the default action
 * still kills. Runs the same with and without `softsgx run`; the tests
 * compare both transcripts line by line.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "uapi.h"

/* Not in glibc's public headers: the kernel's sa_flags bit (x86). */
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

/*
 * The faulting instructions, in assembly so that the compiler (and UBSan)
 * neither removes nor instruments them, each behind a label that gives
 * the address the kernel reports.
 */
void uapi_load(const volatile void *addr);
void uapi_store(volatile void *addr);
void uapi_ud2(void);
void uapi_div0(void);
void uapi_int3(void);
extern const char uapi_load_insn[], uapi_store_insn[], uapi_ud2_insn[],
	uapi_div0_insn[], uapi_int3_insn[];

__asm__(".text\n"
	".globl uapi_load, uapi_load_insn\n"
	".type uapi_load, @function\n"
	"uapi_load:\n"
	"uapi_load_insn: movl (%rdi), %eax\n"
	"	ret\n"
	".globl uapi_store, uapi_store_insn\n"
	".type uapi_store, @function\n"
	"uapi_store:\n"
	"uapi_store_insn: movb $1, (%rdi)\n"
	"	ret\n"
	".globl uapi_ud2, uapi_ud2_insn\n"
	".type uapi_ud2, @function\n"
	"uapi_ud2:\n"
	"uapi_ud2_insn: ud2\n"
	"	ret\n"
	".globl uapi_div0, uapi_div0_insn\n"
	".type uapi_div0, @function\n"
	"uapi_div0:\n"
	"	xorl %ecx, %ecx\n"
	"	movl $1, %eax\n"
	"	cltd\n"
	"uapi_div0_insn: idivl %ecx\n"
	"	ret\n"
	".globl uapi_int3, uapi_int3_insn\n"
	".type uapi_int3, @function\n"
	"uapi_int3:\n"
	"uapi_int3_insn: int3\n"
	"	ret\n");

/* What the last handler saw. */
static struct {
	int sig, code;
	void *addr;
	uintptr_t rip;
	bool mask_has_usr2, mask_has_sig;
	bool on_altstack;
} seen;

static sigjmp_buf jump;
static stack_t altstack;

static bool on_altstack(const void *p)
{
	return (uintptr_t)p >= (uintptr_t)altstack.ss_sp &&
	       (uintptr_t)p < (uintptr_t)altstack.ss_sp + altstack.ss_size;
}

static void record(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	sigset_t now;
	int local;

	seen.sig = sig;
	seen.code = si->si_code;
	seen.addr = si->si_addr;
	seen.rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	sigprocmask(SIG_BLOCK, NULL, &now);
	seen.mask_has_usr2 = sigismember(&now, SIGUSR2);
	seen.mask_has_sig = sigismember(&now, sig);
	seen.on_altstack = on_altstack(&local);
}

static void jump_handler(int sig, siginfo_t *si, void *ctx)
{
	record(sig, si, ctx);
	siglongjmp(jump, 1);
}

static void record_handler(int sig, siginfo_t *si, void *ctx)
{
	record(sig, si, ctx);
}

/* Handlers that resume after the faulting instruction instead. */
static void skip_handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	record(sig, si, ctx);
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* ud2, idiv %ecx */
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = fn,
				.sa_flags = SA_SIGINFO | flags };

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	if (sigaction(sig, &sa, NULL)) {
		perror("sigaction");
		exit(2);
	}
}

/* Run fn(arg); true if a handler jumped out of it. */
static bool run_jump(void (*fn)(void *), void *arg)
{
	memset(&seen, 0, sizeof(seen));
	if (sigsetjmp(jump, 1))
		return true;
	fn(arg);
	return false;
}

static void do_load(void *p)
{
	uapi_load(p);
}

static void do_store(void *p)
{
	uapi_store(p);
}

static void do_ud2(void *p)
{
	(void)p;
	uapi_ud2();
}

static void do_div0(void *p)
{
	(void)p;
	uapi_div0();
}

static void do_int3(void *p)
{
	(void)p;
	uapi_int3();
}

static void expect_seen(bool jumped, int sig, int code, const void *addr,
			const char *rip, const char *what)
{
	uapi_check(jumped && seen.sig == sig,
		   "%s: handler ran for signal %d and jumped out (got %d)",
		   what, sig, seen.sig);
	uapi_check(seen.code == code, "%s: si_code %d (got %d)", what, code,
		   seen.code);
	if (addr != (void *)-1)
		uapi_check(seen.addr == addr, "%s: si_addr is the %s", what,
			   addr == rip ? "instruction" : "data address");
	uapi_check(seen.rip == (uintptr_t)rip,
		   "%s: ucontext RIP at the "
		   "faulting instruction",
		   what);
	uapi_check(seen.mask_has_usr2, "%s: sa_mask blocked in the handler",
		   what);
	/* ENCLU traps are SIGSEGV/SIGILL: softsgx keeps them deliverable. */
	if (sig == SIGSEGV || sig == SIGILL)
		uapi_known_bug(
			seen.mask_has_sig,
			"SIGSEGV and SIGILL are not blocked inside their "
			"handlers (an enclave may be entered from one)",
			"%s: the signal blocked in the handler", what);
	else
		uapi_check(seen.mask_has_sig,
			   "%s: the signal blocked in the handler", what);
}

/* --- faults -------------------------------------------------------------- */

static void test_segv(void)
{
	void *volatile null = NULL;
	uint8_t *ro = mmap(NULL, UAPI_PAGE, PROT_READ,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	install(SIGSEGV, jump_handler, 0);
	expect_seen(run_jump(do_load, null), SIGSEGV, SEGV_MAPERR, NULL,
		    uapi_load_insn, "null dereference");
	expect_seen(run_jump(do_store, ro), SIGSEGV, SEGV_ACCERR, ro,
		    uapi_store_insn, "write to a read-only page");
	munmap(ro, UAPI_PAGE);
}

/* A shared mapping of two pages of a file now one page long. */
static void test_bus(void)
{
	char path[] = "uapi-signals-XXXXXX";
	int fd = mkstemp(path);
	uint8_t *map;

	if (fd < 0 || ftruncate(fd, 2 * UAPI_PAGE)) {
		perror("temporary file");
		exit(2);
	}
	map = mmap(NULL, 2 * UAPI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	unlink(path);
	if (map == MAP_FAILED || ftruncate(fd, UAPI_PAGE)) {
		perror("mmap");
		exit(2);
	}
	install(SIGBUS, jump_handler, 0);
	expect_seen(run_jump(do_load, map + UAPI_PAGE), SIGBUS, BUS_ADRERR,
		    map + UAPI_PAGE, uapi_load_insn,
		    "read beyond a truncated file");
	munmap(map, 2 * UAPI_PAGE);
	close(fd);
}

static void test_ill_fpe_trap(void)
{
	install(SIGILL, jump_handler, 0);
	expect_seen(run_jump(do_ud2, NULL), SIGILL, ILL_ILLOPN, uapi_ud2_insn,
		    uapi_ud2_insn, "ud2");
	install(SIGFPE, jump_handler, 0);
	expect_seen(run_jump(do_div0, NULL), SIGFPE, FPE_INTDIV, uapi_div0_insn,
		    uapi_div0_insn, "integer division by zero");
	/* int3 is a trap: RIP is past it, and there is no address. */
	install(SIGTRAP, jump_handler, 0);
	expect_seen(run_jump(do_int3, NULL), SIGTRAP, SI_KERNEL, (void *)-1,
		    uapi_int3_insn + 1, "int3");
}

/* The context the handler edits is the one execution resumes with. */
static void test_resume(void)
{
	install(SIGILL, skip_handler, 0);
	memset(&seen, 0, sizeof(seen));
	uapi_ud2();
	uapi_check(seen.sig == SIGILL, "ud2: handler stepped over it by "
				       "editing RIP, execution went on");
	install(SIGFPE, skip_handler, 0);
	memset(&seen, 0, sizeof(seen));
	uapi_div0();
	uapi_check(seen.sig == SIGFPE, "division by zero: stepped over");
}

/* raise() of a fault signal: si_code SI_TKILL, and returning is fine. */
static void test_raise(void)
{
	install(SIGSEGV, record_handler, 0);
	memset(&seen, 0, sizeof(seen));
	raise(SIGSEGV);
	uapi_check(seen.sig == SIGSEGV && seen.code == SI_TKILL,
		   "raise(SIGSEGV): handler ran, si_code SI_TKILL (got %d)",
		   seen.code);
}

/* --- sigaction, signal ------------------------------------------------------ */

static void test_sigaction_reports(void)
{
	const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
	struct sigaction sa = { .sa_sigaction = jump_handler,
				.sa_flags = SA_SIGINFO | SA_NODEFER },
			 old;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		signal(sigs[i], SIG_DFL);
		sigaction(sigs[i], NULL, &old);
		uapi_check(old.sa_handler == SIG_DFL,
			   "sigaction(%d) after SIG_DFL reports SIG_DFL",
			   sigs[i]);
	}
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGSEGV, NULL, &old);
	uapi_check(old.sa_sigaction == jump_handler,
		   "sigaction reports the program's handler");
	uapi_check((old.sa_flags & (SA_SIGINFO | SA_NODEFER | SA_ONSTACK |
				    SA_RESTART | SA_RESETHAND)) ==
			   (SA_SIGINFO | SA_NODEFER),
		   "sigaction reports the program's flags");
	uapi_check(sigismember(&old.sa_mask, SIGUSR2) &&
			   !sigismember(&old.sa_mask, SIGUSR1),
		   "sigaction reports the program's mask");
	/* glibc always installs with SA_RESTORER; the kernel reports it. */
	uapi_known_bug(old.sa_flags & SA_RESTORER,
		       "sigaction() reports sa_flags without SA_RESTORER",
		       "sigaction reports SA_RESTORER as the kernel does");
	signal(SIGFPE, SIG_IGN);
	sigaction(SIGFPE, NULL, &old);
	uapi_check(old.sa_handler == SIG_IGN, "SIG_IGN is reported");
	signal(SIGFPE, SIG_DFL);
}

static volatile sig_atomic_t usr1_count;

static void usr1_handler(int sig)
{
	(void)sig;
	usr1_count++;
}

static void fpe_plain_handler(int sig)
{
	seen.sig = sig;
	siglongjmp(jump, 1);
}

static void test_signal(void)
{
	uapi_check(signal(SIGUSR1, usr1_handler) == SIG_DFL,
		   "signal() returns the previous handler (SIG_DFL)");
	raise(SIGUSR1);
	raise(SIGUSR1);
	uapi_check(usr1_count == 2,
		   "signal() handler ran for each raise (BSD semantics)");
	uapi_check(signal(SIGUSR1, SIG_DFL) == usr1_handler,
		   "signal() returns the previous handler (ours)");
	signal(SIGFPE, fpe_plain_handler);
	memset(&seen, 0, sizeof(seen));
	if (!sigsetjmp(jump, 1))
		uapi_div0();
	uapi_check(seen.sig == SIGFPE,
		   "signal(SIGFPE) handler runs for a division by zero");
	signal(SIGFPE, SIG_DFL);
}

static void test_resethand(void)
{
	struct sigaction old;

	install(SIGILL, jump_handler, SA_RESETHAND);
	run_jump(do_ud2, NULL);
	sigaction(SIGILL, NULL, &old);
	uapi_check(seen.sig == SIGILL && old.sa_handler == SIG_DFL,
		   "SA_RESETHAND: handler ran once, disposition now SIG_DFL");
}

/* --- alternate stack --------------------------------------------------------- */

static void test_altstack(void)
{
	altstack.ss_size = 64 * 1024;
	altstack.ss_sp = malloc(altstack.ss_size);
	sigaltstack(&altstack, NULL);
	install(SIGILL, jump_handler, SA_ONSTACK);
	run_jump(do_ud2, NULL);
	uapi_check(seen.on_altstack, "SA_ONSTACK: handler on the alternate "
				     "stack");
	install(SIGFPE, jump_handler, 0);
	run_jump(do_div0, NULL);
	uapi_known_bug(!seen.on_altstack,
		       "handlers installed without SA_ONSTACK run on the "
		       "alternate stack",
		       "no SA_ONSTACK: handler on the normal stack");
	signal(SIGILL, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
}

/* --- default actions ------------------------------------------------------ */

static int die_by_null(void *arg)
{
	signal(SIGSEGV, arg ? SIG_IGN : SIG_DFL);
	uapi_load(NULL);
	return 0;
}

static void expect_killed(void *arg, const char *what)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(die_by_null(arg));
	waitpid(pid, &status, 0);
	uapi_check(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
		   "%s: killed by SIGSEGV (status 0x%x)", what, status);
}

int main(void)
{
	test_segv();
	test_bus();
	test_ill_fpe_trap();
	test_resume();
	test_raise();
	test_sigaction_reports();
	test_signal();
	test_resethand();
	test_altstack();
	expect_killed(NULL, "null dereference under SIG_DFL");
	expect_killed("ignore", "null dereference under SIG_IGN");
	return uapi_finish("uapi_signals");
}

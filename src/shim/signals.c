// SPDX-License-Identifier: MIT
/*
 * Signal ownership. softsgx keeps its own handler for the signals that carry
 * SGX events (ENCLU traps, faults inside enclaves) and wraps every handler
 * the program installs, so that a signal taken in enclave mode first does an
 * AEX and the program's handler then sees the AEP context, as on hardware.
 * The program always sees its own dispositions through sigaction().
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "shim/fsgs.h"
#include "shim/eexit.h"
#include "shim/shim.h"
#include "shim/sud.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

/* Set by libc on every handler it installs; not in glibc's headers. */
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);

static sigaction_fn real_sigaction;
static struct sigaction prog_act[NSIG]; /* what the program asked for */

static int owned_signals
	[] = { SIGILL,	SIGSEGV, SIGBUS, SIGFPE,
	       SIGTRAP, SIGSYS,	 0 /* SHIM_SIGKICK, set at init */ };

struct shim_fault_hooks shim_fault_hooks;

static bool owned(int sig)
{
	for (size_t i = 0; i < sizeof(owned_signals) / sizeof(int); i++)
		if (owned_signals[i] == sig)
			return true;
	return false;
}

static void shim_signal_dispatch(int sig, siginfo_t *si, ucontext_t *uc,
				 struct shim_thread *t, struct shim_bases *b)
{
	if (sig == SHIM_SIGKICK && si->si_code == SI_QUEUE &&
	    si->si_pid == getpid() &&
	    si->si_value.sival_int == SHIM_KICK_MAGIC) {
		if (shim_in_enclave(t, uc))
			shim_aex_interrupt(t, uc, b);
		return;
	}
	if (sig == SHIM_SIGKICK && si->si_code == SI_QUEUE &&
	    si->si_value.sival_int == SHIM_KICK_REMOTE) {
		if (shim_in_enclave(t, uc))
			shim_aex_interrupt(t, uc, b);
		shim_kick_enclave(NULL);
		return;
	}
	if (shim_eexit_defer(t, sig, si, uc))
		return;
	if (sig == SIGSYS && shim_sud_sigsys(t, si, uc, b))
		return;
	if (shim_enclu_signal(t, sig, si, uc, b))
		return;
	if (shim_in_enclave(t, uc)) {
		shim_aex_signal(t, sig, si, uc, b);
		return;
	}
	if (sig == SIGILL && shim_fault_hooks.sigill &&
	    shim_fault_hooks.sigill(si, uc))
		return;
	if (sig == SIGSEGV && shim_fault_hooks.sigsegv &&
	    shim_fault_hooks.sigsegv(si, uc))
		return;
	shim_deliver(sig, si, uc);
}

/*
 * Every handled signal enters here, possibly with FS/GS still holding an
 * enclave's bases: nothing before the switch may touch TLS.
 */
SHIM_SIGNAL_SAFE static void shim_signal_entry(int sig, siginfo_t *si,
					       void *ctx)
{
	struct shim_thread *t = shim_thread_find();
	struct shim_bases bases;
	int saved_errno;

	/* Before any other system call (rdfsbase may be arch_prctl). */
	if (t)
		shim_sud_allow(t);
	bases.fs = shim_rdfsbase();
	bases.gs = shim_rdgsbase();
	if (t && bases.fs != t->host_fsbase)
		shim_wrfsbase(t->host_fsbase);
	if (t && bases.gs != t->host_gsbase)
		shim_wrgsbase(t->host_gsbase);
	saved_errno = errno;
	shim_signal_dispatch(sig, si, ctx, t, &bases);
	errno = saved_errno;
	if (bases.fs != shim_rdfsbase())
		shim_wrfsbase(bases.fs);
	if (bases.gs != shim_rdgsbase())
		shim_wrgsbase(bases.gs);
	/* The thread that was found before, or was made by an EENTER. */
	t = t ? t : shim_thread_find();
	if (t)
		shim_sud_leave_handler(t);
}

static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGCONT;
}

/* The default action: the signal is re-raised once the handler returns. */
static void default_action(int sig, ucontext_t *uc)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	if (default_ignored(sig))
		return;
	real_sigaction(sig, &dfl, NULL);
	sigdelset(&uc->uc_sigmask, sig);
	syscall(SYS_tgkill, getpid(), (pid_t)shim_raw_gettid(), sig);
}

void shim_call_on_stack(void (*fn)(int, siginfo_t *, void *), int sig,
			siginfo_t *si, void *uc, void *stack_top);

/* Whether this handler runs on the alternate stack in effect at delivery. */
static bool on_altstack(const ucontext_t *uc, const struct shim_thread *t)
{
	uintptr_t here = (uintptr_t)&here;
	uintptr_t lo = (uintptr_t)uc->uc_stack.ss_sp;

	/* softsgx's enclave-mode stack is never the program's. */
	if (t && t->altstack &&
	    here - (uintptr_t)t->altstack < t->altstack_size)
		return true;
	return !(uc->uc_stack.ss_flags & SS_DISABLE) && here >= lo &&
	       here - lo < uc->uc_stack.ss_size;
}

/*
 * A handler moved off the alternate stack leaves live frames on it: while
 * it runs, the armed stack must end below them, or the next signal (an
 * ENCLU trap) would be written over them. Runs on the interrupted stack,
 * where sigaltstack() may change it.
 */
static __thread void (*off_fn)(int, siginfo_t *, void *);
static __thread uintptr_t off_live;

static void off_altstack(int sig, siginfo_t *si, void *uc)
{
	void (*fn)(int, siginfo_t *, void *) = off_fn;
	uintptr_t live = off_live;
	stack_t cur, shrunk;
	bool armed = !sigaltstack(NULL, &cur) && !(cur.ss_flags & SS_DISABLE) &&
		     live - (uintptr_t)cur.ss_sp < cur.ss_size;

	if (armed) {
		shrunk = cur;
		shrunk.ss_size =
			((live - 512) & ~(uintptr_t)15) - (uintptr_t)cur.ss_sp;
		sigaltstack(&shrunk, NULL);
	}
	fn(sig, si, uc);
	if (armed)
		sigaltstack(&cur, NULL);
}

static void call_handler(const struct sigaction *act, int sig, siginfo_t *si,
			 ucontext_t *uc)
{
	/* The kernel's frame goes below the red zone of the interrupted RSP. */
	uintptr_t top =
		((uintptr_t)uc->uc_mcontext.gregs[REG_RSP] - 128 - 1024) &
		~(uintptr_t)15;

	struct shim_thread *t = shim_thread_find();

	if (!(act->sa_flags & SA_ONSTACK) && on_altstack(uc, t)) {
		/* A one-argument handler ignores the other two (x86-64 ABI). */
		void (*fn)(int, siginfo_t *, void *) =
			act->sa_flags & SA_SIGINFO ?
				act->sa_sigaction :
				(void (*)(int, siginfo_t *, void *))(
					void (*)(void))act->sa_handler;

		uintptr_t live = t ? t->altstack_live : 0;
		void (*outer_fn)(int, siginfo_t *, void *) = off_fn;
		uintptr_t outer_live = off_live;

		/* Keep ENCLUs in the handler from re-arming over this frame. */
		if (t)
			t->altstack_live = (uintptr_t)&live;
		off_fn = fn;
		off_live = (uintptr_t)&live;
		shim_call_on_stack(off_altstack, sig, si, uc, (void *)top);
		off_fn = outer_fn;
		off_live = outer_live;
		if (t)
			t->altstack_live = live;
		return;
	}
	if (act->sa_flags & SA_SIGINFO)
		act->sa_sigaction(sig, si, uc);
	else
		act->sa_handler(sig);
}

static void call_program_handler(int sig, siginfo_t *si, ucontext_t *uc,
				 const struct sigaction *act)
{
	sigset_t mask, old;

	/* As the kernel blocks: the interrupted mask, sa_mask, sig... */
	sigorset(&mask, &uc->uc_sigmask, &act->sa_mask);
	if (!(act->sa_flags & SA_NODEFER))
		sigaddset(&mask, sig);
	/* ...but ENCLU traps stay deliverable: EENTER in a handler works. */
	sigdelset(&mask, SIGSEGV);
	sigdelset(&mask, SIGILL);
	if (shim_sud_enabled())
		sigdelset(&mask, SIGSYS);
	pthread_sigmask(SIG_SETMASK, &mask, &old);
	call_handler(act, sig, si, uc);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void shim_deliver(int sig, siginfo_t *si, ucontext_t *uc)
{
	struct sigaction act = prog_act[sig];
	bool synchronous = si && si->si_code > 0;

	if (act.sa_handler == SIG_IGN) {
		/* The kernel forces faults through an ignored disposition. */
		if (synchronous && owned(sig))
			default_action(sig, uc);
		return;
	}
	if (act.sa_handler == SIG_DFL) {
		default_action(sig, uc);
		return;
	}
	if (act.sa_flags & SA_RESETHAND) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		prog_act[sig] = dfl;
		if (!owned(sig))
			real_sigaction(sig, &dfl, NULL);
	}
	call_program_handler(sig, si, uc, &act);
}

static int install_wrapper(int sig, const struct sigaction *act)
{
	struct sigaction w = *act;

	w.sa_sigaction = shim_signal_entry;
	w.sa_flags |= SA_SIGINFO | SA_ONSTACK;
	w.sa_flags &= ~SA_RESETHAND; /* emulated in shim_deliver */
	return real_sigaction(sig, &w, NULL);
}

SHIM_EXPORT int sigaction(int sig, const struct sigaction *act,
			  struct sigaction *old)
{
	sigset_t all, saved;
	int ret = 0;

	if (!real_sigaction || sig <= 0 || sig >= NSIG || sig == SIGKILL ||
	    sig == SIGSTOP)
		return real_sigaction ? real_sigaction(sig, act, old) :
					(errno = EINVAL, -1);
	/* sigaction is async-signal-safe: no lock, just no interruption. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &saved);
	if (old) {
		struct sigaction real;

		*old = prog_act[sig];
		/* glibc's restorer, as the kernel reports it to the program. */
		if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN &&
		    !real_sigaction(sig, NULL, &real)) {
			old->sa_restorer = real.sa_restorer;
			old->sa_flags |= real.sa_flags & SA_RESTORER;
		}
	}
	if (act) {
		if (owned(sig))
			ret = 0;
		else if (act->sa_handler == SIG_DFL ||
			 act->sa_handler == SIG_IGN)
			ret = real_sigaction(sig, act, NULL);
		else
			ret = install_wrapper(sig, act);
		if (!ret)
			prog_act[sig] = *act;
	}
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	return ret;
}

static sighandler_t install_simple(int sig, sighandler_t handler, int flags)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = flags }, old;

	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

/* glibc's signal() has BSD semantics and calls an internal sigaction. */
SHIM_EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	return install_simple(sig, handler, SA_RESTART);
}

SHIM_EXPORT sighandler_t bsd_signal(int sig, sighandler_t handler)
{
	return install_simple(sig, handler, SA_RESTART);
}

SHIM_EXPORT sighandler_t sysv_signal(int sig, sighandler_t handler)
{
	return install_simple(sig, handler, SA_RESETHAND | SA_NODEFER);
}

int shim_signals_init(void)
{
	struct sigaction ours = { .sa_sigaction = shim_signal_entry,
				  .sa_flags = SA_SIGINFO | SA_ONSTACK |
					      SA_RESTART };

	owned_signals[sizeof(owned_signals) / sizeof(int) - 1] = SHIM_SIGKICK;
	real_sigaction = (sigaction_fn)dlsym(RTLD_NEXT, "sigaction");
	if (!real_sigaction)
		return -ENOSYS;
	/* Inherited dispositions (e.g. SIG_IGN from the parent) stay. */
	for (int sig = 1; sig < NSIG; sig++)
		real_sigaction(sig, NULL, &prog_act[sig]);
	/* ENCLU emulation is one instruction: nothing lands in its middle. */
	sigfillset(&ours.sa_mask);
	for (size_t i = 0; i < sizeof(owned_signals) / sizeof(int); i++)
		if (real_sigaction(owned_signals[i], &ours, NULL))
			return -errno;
	return 0;
}

/*
 * EXPERIMENT (enclu_masked): ENCLU is an instruction, and its emulation a
 * SIGSEGV/SIGILL the kernel kills the process for when it is blocked. The
 * program may block every other signal; these two never really are.
 */
static int strip_enclu_traps(int how, const sigset_t *set, sigset_t *copy)
{
	if (!set || how == SIG_UNBLOCK)
		return 0;
	*copy = *set;
	sigdelset(copy, SIGSEGV);
	sigdelset(copy, SIGILL);
	/* A system call in enclave mode (#UD) arrives as SIGSYS. */
	if (shim_sud_enabled())
		sigdelset(copy, SIGSYS);
	return 1;
}

SHIM_EXPORT int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	static int (*real)(int, const sigset_t *, sigset_t *);
	sigset_t copy;

	if (!real)
		real = (int (*)(int, const sigset_t *, sigset_t *))dlsym(
			RTLD_NEXT, "pthread_sigmask");
	if (strip_enclu_traps(how, set, &copy))
		set = &copy;
	return real(how, set, old);
}

SHIM_EXPORT int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return pthread_sigmask(how, set, old) ? (errno = EINVAL, -1) : 0;
}

// SPDX-License-Identifier: MIT
/*
 * Enclave execution in the signal path: ENCLU traps with SIGILL (the host
 * CPU has no SGX), and every signal taken in enclave mode is an AEX.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arch/enclu.h"
#include "arch/sgx_arch.h"
#include "shim/eexit.h"
#include "shim/fpstate.h"
#include "shim/fsgs.h"
#include "shim/mm.h"
#include "shim/shim.h"
#include "shim/sud.h"

/* Linux 4.7+; glibc's headers may lack it. */
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static const uint8_t enclu_insn[SGX_ENCLU_LEN] = { 0x0f, 0x01, 0xd7 };

static void regs_from_uc(struct sgx_regs *r, const ucontext_t *uc,
			 const struct shim_bases *bases)
{
	const greg_t *g = uc->uc_mcontext.gregs;

	r->rax = g[REG_RAX];
	r->rcx = g[REG_RCX];
	r->rdx = g[REG_RDX];
	r->rbx = g[REG_RBX];
	r->rsp = g[REG_RSP];
	r->rbp = g[REG_RBP];
	r->rsi = g[REG_RSI];
	r->rdi = g[REG_RDI];
	r->r8 = g[REG_R8];
	r->r9 = g[REG_R9];
	r->r10 = g[REG_R10];
	r->r11 = g[REG_R11];
	r->r12 = g[REG_R12];
	r->r13 = g[REG_R13];
	r->r14 = g[REG_R14];
	r->r15 = g[REG_R15];
	r->rflags = g[REG_EFL];
	r->rip = g[REG_RIP];
	r->fsbase = bases->fs;
	r->gsbase = bases->gs;
}

static void regs_to_uc(ucontext_t *uc, const struct sgx_regs *r,
		       struct shim_bases *bases)
{
	greg_t *g = uc->uc_mcontext.gregs;

	g[REG_RAX] = (greg_t)r->rax;
	g[REG_RCX] = (greg_t)r->rcx;
	g[REG_RDX] = (greg_t)r->rdx;
	g[REG_RBX] = (greg_t)r->rbx;
	g[REG_RSP] = (greg_t)r->rsp;
	g[REG_RBP] = (greg_t)r->rbp;
	g[REG_RSI] = (greg_t)r->rsi;
	g[REG_RDI] = (greg_t)r->rdi;
	g[REG_R8] = (greg_t)r->r8;
	g[REG_R9] = (greg_t)r->r9;
	g[REG_R10] = (greg_t)r->r10;
	g[REG_R11] = (greg_t)r->r11;
	g[REG_R12] = (greg_t)r->r12;
	g[REG_R13] = (greg_t)r->r13;
	g[REG_R14] = (greg_t)r->r14;
	g[REG_R15] = (greg_t)r->r15;
	g[REG_EFL] = (greg_t)r->rflags;
	g[REG_RIP] = (greg_t)r->rip;
	bases->fs = r->fsbase;
	bases->gs = r->gsbase;
}

/*
 * The alternate stack of the context being returned to. sigreturn
 * restores uc_stack, so entering enclave mode gives the thread softsgx's
 * stack (disarmed while a handler runs on it, so that it can be changed
 * again) and leaving gives back the program's.
 */
static void altstack_enter(struct shim_thread *t, ucontext_t *uc)
{
	if (!t->altstack || uc->uc_stack.ss_sp == t->altstack)
		return;
	t->prog_altstack = uc->uc_stack;
	uc->uc_stack.ss_sp = t->altstack;
	uc->uc_stack.ss_size = t->altstack_size;
	/* A handler still runs on it (an ENCLU from a signal handler). */
	if (t->altstack_live > (uintptr_t)t->altstack &&
	    t->altstack_live - (uintptr_t)t->altstack < t->altstack_size)
		uc->uc_stack.ss_size = (t->altstack_live & ~(uintptr_t)15) -
				       256 - (uintptr_t)t->altstack;
	uc->uc_stack.ss_flags = SS_AUTODISARM;
}

/* altstack_enter() outside a signal handler: set it directly. */
static void fast_altstack_enter(struct shim_thread *t)
{
	stack_t cur, ours = { .ss_sp = t->altstack,
			      .ss_size = t->altstack_size,
			      .ss_flags = SS_AUTODISARM };

	if (!t->altstack || sigaltstack(NULL, &cur) || cur.ss_sp == t->altstack)
		return;
	/* A handler still runs on it (EENTER from a signal handler). */
	if (t->altstack_live > (uintptr_t)t->altstack &&
	    t->altstack_live - (uintptr_t)t->altstack < t->altstack_size)
		ours.ss_size = (t->altstack_live & ~(uintptr_t)15) - 256 -
			       (uintptr_t)t->altstack;
	t->prog_altstack = cur;
	sigaltstack(&ours, NULL);
}

static void altstack_leave(struct shim_thread *t, ucontext_t *uc)
{
	if (t->altstack && uc->uc_stack.ss_sp == t->altstack)
		uc->uc_stack = t->prog_altstack;
}

static uint64_t uc_rip(const ucontext_t *uc)
{
	return (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
}

bool shim_in_enclave(const struct shim_thread *t, const ucontext_t *uc)
{
	const struct sgx_secs *secs;
	uint64_t rip = uc_rip(uc);

	/*
	 * Enclave mode and an instruction pointer inside ELRANGE: code in
	 * enclave mode can only run from there, and the check keeps a signal
	 * that interrupts softsgx's own handler from being taken for an AEX.
	 */
	if (!t || !t->lp.encl.active)
		return false;
	/* An EEXIT the fast path declined (eexit.c) traps there. */
	if (rip == (uintptr_t)shim_eexit_slow)
		return true;
	secs = t->lp.encl.secs;
	return rip >= secs->base && rip - secs->base < secs->size;
}

static bool at_enclu(const ucontext_t *uc)
{
	return !memcmp((const void *)uc_rip(uc), enclu_insn,
		       sizeof(enclu_insn));
}

/* The signal an exception vector is delivered with outside SGX. */
static int vector_signal(uint8_t vector)
{
	switch (vector) {
	case X86_TRAP_DE:
	case 16: /* #MF */
	case 19: /* #XM */
		return SIGFPE;
	case X86_TRAP_DB:
	case X86_TRAP_BP:
		return SIGTRAP;
	case X86_TRAP_UD:
		return SIGILL;
	case 17: /* #AC */
		return SIGBUS;
	default:
		return SIGSEGV;
	}
}

/*
 * After an exception at the vDSO's ENCLU (its AEP), the kernel's fixup
 * resumes at the vDSO's exception label instead of signalling; #DB and #BP
 * are never fixed up.
 */
static bool vdso_fixup(ucontext_t *uc, uint8_t vector, uint32_t error_code,
		       uint64_t addr)
{
	greg_t *g = uc->uc_mcontext.gregs;

	if (!shim_vdso.enclu || uc_rip(uc) != shim_vdso.enclu ||
	    vector == X86_TRAP_DB || vector == X86_TRAP_BP)
		return false;
	g[REG_RIP] = (greg_t)shim_vdso.fixup;
	g[REG_RDI] = vector;
	g[REG_RSI] = error_code;
	g[REG_RDX] = (greg_t)addr;
	return true;
}

/* Reports an exception at the current RIP as the kernel would. */
static void report_exception(int sig, siginfo_t *si, ucontext_t *uc,
			     uint8_t vector, uint32_t error_code, uint64_t addr)
{
	siginfo_t info;

	if (vdso_fixup(uc, vector, error_code, addr))
		return;
	if (si && si->si_signo == sig) {
		info = *si;
	} else {
		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = sig == SIGSEGV ? SEGV_ACCERR : SI_KERNEL;
	}
	if (sig == SIGSEGV || sig == SIGBUS)
		info.si_addr = (void *)addr;
	else /* SIGILL, SIGFPE, SIGTRAP: the faulting RIP, now the AEP */
		info.si_addr = (void *)uc_rip(uc);
	uc->uc_mcontext.gregs[REG_TRAPNO] = vector;
	uc->uc_mcontext.gregs[REG_ERR] = error_code;
	shim_deliver(sig, &info, uc);
}

/* An ENCLU leaf that faulted outside enclave mode: the fault is at it. */
static void enclu_fault(struct shim_thread *t, siginfo_t *si, ucontext_t *uc)
{
	struct sgx_fault *f = &t->lp.fault;

	report_exception(SIGSEGV, si, uc, f->vector, f->error_code,
			 f->vector == X86_TRAP_PF ? f->addr : 0);
}

static void enclu_outside(struct shim_thread *t, siginfo_t *si, ucontext_t *uc,
			  struct shim_bases *bases)
{
	struct sgx_regs regs;
	const void *xsave;
	size_t len;
	int ret;

	regs_from_uc(&regs, uc, bases);
	shim_mm_sync(regs.rbx);
	switch ((uint32_t)regs.rax) {
	case EENTER:
		ret = sgx_eenter(&t->lp, &regs);
		break;
	case ERESUME:
		ret = sgx_eresume(&t->lp, &regs, &xsave, &len);
		if (!ret)
			shim_fpstate_restore(uc, xsave, len);
		break;
	default: /* in-enclave leaves and unknown leaves */
		ret = sgx_fault_gp(&t->lp);
		break;
	}
	if (ret) {
		enclu_fault(t, si, uc);
		return;
	}
	regs_to_uc(uc, &regs, bases);
	altstack_enter(t, uc);
}

/* An exception inside the enclave: AEX, then report it. */
static void enclave_exception(struct shim_thread *t, int sig, siginfo_t *si,
			      ucontext_t *uc, struct shim_bases *bases,
			      const struct sgx_aex_event *ev)
{
	struct sgx_regs regs;
	uint64_t addr = ev->addr;

	regs_from_uc(&regs, uc, bases);
	sgx_aex(&t->lp, &regs, ev, shim_fpstate(uc), shim_fpstate_len(uc));
	regs_to_uc(uc, &regs, bases);
	shim_fpstate_init(uc);
	altstack_leave(t, uc);
	/*
	 * The AEX hides the page offset of a #PF from everything outside;
	 * other vectors have no address (the enclave's RIP stays hidden).
	 */
	if (ev->vector == X86_TRAP_PF)
		addr &= ~(SGX_PAGE_SIZE - 1);
	else
		addr = 0;
	report_exception(sig, si, uc, ev->vector, ev->error_code, addr);
}

static void enclu_inside(struct shim_thread *t, siginfo_t *si, ucontext_t *uc,
			 struct shim_bases *bases)
{
	struct sgx_aex_event ev = { .exception = true };
	struct sgx_regs regs;
	int ret;

	/* An EACCEPT or EMODPE may justify a new page-table fix-up. */
	t->last_fixup = 0;
	regs_from_uc(&regs, uc, bases);
	switch ((uint32_t)regs.rax) {
	case EEXIT:
		ret = sgx_eexit(&t->lp, &regs);
		break;
	case EREPORT:
		ret = sgx_enclu_ereport(&t->lp, &regs);
		regs.rip += SGX_ENCLU_LEN;
		break;
	case EGETKEY:
		ret = sgx_enclu_egetkey(&t->lp, &regs);
		regs.rip += SGX_ENCLU_LEN;
		break;
	case EACCEPT:
		ret = sgx_enclu_eaccept(&t->lp, &regs);
		regs.rip += SGX_ENCLU_LEN;
		break;
	case EMODPE:
		ret = sgx_enclu_emodpe(&t->lp, &regs);
		if (!ret)
			shim_mm_modpe(regs.rbx, regs.rcx);
		regs.rip += SGX_ENCLU_LEN;
		break;
	case EACCEPTCOPY:
		ret = sgx_enclu_eacceptcopy(&t->lp, &regs);
		regs.rip += SGX_ENCLU_LEN;
		break;
	default: /* EENTER/ERESUME inside, or a leaf this CPU lacks */
		ret = sgx_fault_gp(&t->lp);
		break;
	}
	if (!ret) {
		regs_to_uc(uc, &regs, bases);
		if (!t->lp.encl.active) /* EEXIT */
			altstack_leave(t, uc);
		return;
	}
	/* EACCEPT on an unbacked address: EAUG, then the leaf runs again. */
	if (t->lp.fault.vector == X86_TRAP_PF &&
	    !(t->lp.fault.error_code & X86_PF_SGX) &&
	    shim_mm_aug(t->lp.fault.addr))
		return;
	ev.vector = t->lp.fault.vector;
	ev.error_code = t->lp.fault.error_code;
	ev.addr = t->lp.fault.addr;
	enclave_exception(t, SIGSEGV, si, uc, bases, &ev);
}

/*
 * Whether the signal was raised by executing the ENCLU at RIP: #UD on CPUs
 * without SGX (SIGILL), #GP or #PF on CPUs whose SGX is hidden (SIGSEGV).
 * A fault fetching the instruction itself is not an execution of it.
 */
static bool enclu_trap(int sig, const siginfo_t *si, const ucontext_t *uc)
{
	uint64_t rip = uc_rip(uc), addr = (uint64_t)si->si_addr;

	if (sig == SIGSEGV && (uc->uc_mcontext.gregs[REG_ERR] & 16) &&
	    addr >= rip && addr < rip + SGX_ENCLU_LEN)
		return false;
	return (sig == SIGILL || sig == SIGSEGV) && at_enclu(uc);
}

bool shim_enclu_signal(struct shim_thread *t, int sig, siginfo_t *si,
		       ucontext_t *uc, struct shim_bases *bases)
{
	if (!enclu_trap(sig, si, uc))
		return false;
	if (shim_in_enclave(t, uc)) {
		enclu_inside(t, si, uc, bases);
		return true;
	}
	if (!t)
		t = shim_thread_get();
	if (!t)
		return false; /* no memory: the program gets the signal */
	enclu_outside(t, si, uc, bases);
	return true;
}

/* The exception behind a synchronous signal taken in enclave mode. */
static void exception_of(struct shim_thread *t, int sig, const siginfo_t *si,
			 const ucontext_t *uc, struct sgx_aex_event *ev)
{
	const greg_t *g = uc->uc_mcontext.gregs;

	ev->exception = si->si_code > 0; /* sent by the kernel, not kill() */
	ev->vector = (uint8_t)g[REG_TRAPNO];
	ev->error_code = (uint32_t)g[REG_ERR];
	ev->addr = (uint64_t)si->si_addr;
	if (sig == SIGSEGV && si->si_code == SI_KERNEL) {
		/* #GP (or a CPUID fault, which is #UD in an enclave). */
		static const uint8_t cpuid[2] = { 0x0f, 0xa2 };

		ev->exception = true;
		ev->addr = 0;
		if (!memcmp((const void *)uc_rip(uc), cpuid, sizeof(cpuid))) {
			ev->vector = X86_TRAP_UD;
			ev->error_code = 0;
		}
	}
	if (sig == SIGTRAP && ev->vector == X86_TRAP_BP)
		ev->software = true;
	/* Paging first: a mapping that refuses the access is a plain #PF. */
	if (ev->exception && ev->vector == X86_TRAP_PF &&
	    shim_mm_vma_allows(ev->addr, ev->error_code & 2,
			       ev->error_code & 16) &&
	    sgx_epcm_denies(&t->lp, ev->addr, ev->error_code & 2,
			    ev->error_code & 16))
		/* An EPCM check follows a successful page walk: P is set. */
		ev->error_code |= X86_PF_SGX | 1; /* P */
	if (sig == SIGBUS && ev->vector != 17) {
		/* A page the enclave cannot reach through its mapping. */
		ev->exception = true;
		ev->vector = X86_TRAP_PF;
	}
}

void shim_aex_signal(struct shim_thread *t, int sig, siginfo_t *si,
		     ucontext_t *uc, struct shim_bases *bases)
{
	struct sgx_aex_event ev = { 0 };
	uint64_t seq;

	if (sig == SIGSEGV && shim_eexit_site_fault(si, uc)) {
		uc->uc_mcontext.gregs[REG_RAX] = EEXIT;
		enclu_inside(t, si, uc, bases);
		return;
	}
	/*
	 * A page whose EPCM now allows the access (EACCEPT, EMODPE): fix the
	 * page tables and retry — once: a second fault at the same place has
	 * another cause.
	 */
	if ((sig == SIGSEGV || sig == SIGBUS) && si->si_code > 0 &&
	    shim_mm_aug((uint64_t)si->si_addr))
		return; /* retried: the new page is pending (EPCM #PF) */
	seq = shim_mm_seq();
	if (sig == SIGSEGV && si->si_code > 0 &&
	    uc->uc_mcontext.gregs[REG_TRAPNO] == X86_TRAP_PF &&
	    ((uint64_t)si->si_addr != t->last_fixup || (seq & 1) ||
	     seq != t->last_fixup_seq) &&
	    shim_mm_fixup((uint64_t)si->si_addr,
			  uc->uc_mcontext.gregs[REG_ERR] & 2,
			  uc->uc_mcontext.gregs[REG_ERR] & 16)) {
		t->last_fixup = (uint64_t)si->si_addr;
		t->last_fixup_seq = seq;
		return;
	}
	t->last_fixup = 0;
	if (sig == SIGILL) {
		/* An instruction illegal in enclave mode. */
		ev.exception = true;
		ev.vector = X86_TRAP_UD;
	} else if (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE ||
		   sig == SIGTRAP) {
		exception_of(t, sig, si, uc, &ev);
	}
	if (ev.exception) {
		enclave_exception(t, vector_signal(ev.vector), si, uc, bases,
				  &ev);
		return;
	}
	/* An interrupt: AEX, then the program's handler runs at the AEP. */
	shim_aex_interrupt(t, uc, bases);
	shim_deliver(sig, si, uc);
}

void shim_aex_interrupt(struct shim_thread *t, ucontext_t *uc,
			struct shim_bases *bases)
{
	struct sgx_aex_event ev = { .exception = false };
	struct sgx_regs regs;

	regs_from_uc(&regs, uc, bases);
	sgx_aex(&t->lp, &regs, &ev, shim_fpstate(uc), shim_fpstate_len(uc));
	regs_to_uc(uc, &regs, bases);
	shim_fpstate_init(uc);
	altstack_leave(t, uc);
}

struct kick {
	const struct sgx_secs *secs;
	pid_t pid;
};

static void kick_thread(struct shim_thread *t, void *arg)
{
	const struct kick *k = arg;
	siginfo_t info = { .si_signo = SHIM_SIGKICK, .si_code = SI_QUEUE };

	if (!t->lp.encl.active || (k->secs && t->lp.encl.secs != k->secs))
		return;
	info.si_pid = k->pid;
	info.si_uid = getuid();
	info.si_value.sival_int = SHIM_KICK_MAGIC;
	syscall(SYS_rt_tgsigqueueinfo, k->pid, t->tid, SHIM_SIGKICK, &info);
}

void shim_kick_enclave(const struct sgx_secs *secs)
{
	struct kick k = { .secs = secs, .pid = getpid() };

	shim_thread_foreach(kick_thread, &k);
}

/* SigCgt of /proc/PID/status: does pid handle sig? */
static bool catches(pid_t pid, int sig)
{
	char path[64], buf[4096], *p;
	unsigned long long mask;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	/* Raw: the kick may run with an enclave's lock held. */
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	len = read(fd, buf, sizeof(buf) - 1);
	syscall(SYS_close, fd);
	if (len <= 0)
		return false;
	buf[len] = '\0';
	p = strstr(buf, "\nSigCgt:");
	if (!p || sscanf(p + 8, "%llx", &mask) != 1)
		return false;
	return mask & (1ULL << (sig - 1));
}

void shim_kick_process(pid_t pid)
{
	union sigval v = { .sival_int = SHIM_KICK_REMOTE };

	if (catches(pid, SHIM_SIGKICK))
		sigqueue(pid, SHIM_SIGKICK, v);
}

/*
 * ERESUME's extended state, loaded last: nothing between here and the
 * enclave touches x87/SSE/AVX state (fastpath.S uses general registers
 * only). sgx_eresume() checked the image as XRSTOR will (header, MXCSR),
 * and it lies 64-byte aligned at the start of an SSA frame.
 */
static inline void fast_xrstor(const void *xsave, uint64_t xfrm)
{
	asm volatile("xrstor64 (%0)"
		     :
		     : "r"(xsave), "a"((uint32_t)xfrm),
		       "d"((uint32_t)(xfrm >> 32))
		     : "memory");
}

/* The C half of fastpath.S: EENTER and ERESUME from the vDSO, no signal. */
int shim_fast_enter(struct sgx_regs *regs);

int shim_fast_enter(struct sgx_regs *regs)
{
	uint32_t leaf = (uint32_t)regs->rax;
	const void *xsave = NULL;
	struct shim_thread *t;
	struct sgx_fault *f;
	size_t len;
	int ret;

	if (leaf != EENTER && leaf != ERESUME)
		return 1;
	t = shim_thread_get();
	if (!t)
		return 1;
	regs->fsbase = shim_rdfsbase();
	regs->gsbase = shim_rdgsbase();
	shim_mm_sync(regs->rbx);
	ret = leaf == EENTER ? sgx_eenter(&t->lp, regs) :
			       sgx_eresume(&t->lp, regs, &xsave, &len);
	if (ret) {
		/* The fault is at the vDSO's ENCLU: its fixup reports it. */
		f = &t->lp.fault;
		regs->rip = shim_vdso.fixup;
		regs->rdi = f->vector;
		regs->rsi = f->error_code;
		regs->rdx = f->vector == X86_TRAP_PF ? f->addr : 0;
		return 2;
	}
	fast_altstack_enter(t);
	/*
	 * fastpath.S makes no system call before the enclave runs, except
	 * arch_prctl for FS/GS on CPUs without FSGSBASE: there this entry
	 * goes in with system calls allowed (the next one through a handler
	 * will not).
	 */
	if (shim_have_fsgsbase)
		shim_sud_enter(t);
	if (!xsave)
		return 0;
	fast_xrstor(xsave, t->lp.encl.secs->attributes.xfrm);
	return 3;
}

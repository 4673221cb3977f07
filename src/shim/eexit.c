// SPDX-License-Identifier: MIT
/*
 * EEXIT without a trap (DESIGN section 4). Every ENCLU of enclave code traps
 * (the host CPU has no SGX), so an ECALL costs a signal round trip for its
 * EEXIT. After INIT, the enclave's `mov $EEXIT, %eax; ENCLU` sites are
 * rewritten into `jmp *SLOT`: SLOT is a word at a fixed address below
 * 2 GiB, in a page every softsgx process maps privately at start-up, that
 * holds the address of eexit_tramp.S in this process. The enclave's code is
 * shared by every process that holds the enclave (and outlives an
 * execve), its trampoline address is not; the fixed slot is what they share.
 *
 * EEXIT needs nothing from its site: RBX is the target, RCX gets the AEP.
 * The rewrite changes enclave code after its measurement, which the
 * enclave can see if it reads its own code; SOFTSGX_FASTPATH=0 leaves the
 * code alone.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <ucontext.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arch/enclu.h"
#include "arch/epc.h"
#include "driver/driver.h"
#include "driver/encl.h"
#include "shim/eexit.h"
#include "shim/fsgs.h"
#include "shim/shim.h"
#include "shim/sud.h"
#include "shim/thread.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define EEXIT_SLOT_PAGE 0x7fff0000UL
#define PAGE 4096UL

void shim_eexit_trampoline(void);

static bool eexit_slot_ready, eexit_rewrite_on;

/*
 * The slot is mapped even with SOFTSGX_FASTPATH=0: another process may
 * have rewritten an enclave this one runs. Where the address is taken,
 * a rewritten site faults on the slot instead, and that fault is taken
 * as the EEXIT it stands for (shim_eexit_site_fault).
 */
void shim_eexit_init(void)
{
	const char *fast = getenv("SOFTSGX_FASTPATH");
	void *page;

	page = mmap((void *)EEXIT_SLOT_PAGE, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (page == MAP_FAILED)
		return;
	if (page != (void *)EEXIT_SLOT_PAGE) { /* kernel without NOREPLACE */
		munmap(page, PAGE);
		return;
	}
	*(void **)page = (void *)shim_eexit_trampoline;
	mprotect(page, PAGE, PROT_READ);
	eexit_slot_ready = true;
	eexit_rewrite_on = !fast || strcmp(fast, "0");
}

static const uint8_t site_jump[] = { 0xff, 0x24, 0x25, 0x00, 0x00, 0xff, 0x7f };

bool shim_eexit_site_fault(const siginfo_t *si, const ucontext_t *uc)
{
	const uint8_t *rip = (const uint8_t *)uc->uc_mcontext.gregs[REG_RIP];

	return si->si_code > 0 &&
	       ((uintptr_t)si->si_addr & ~(PAGE - 1)) == EEXIT_SLOT_PAGE &&
	       !memcmp(rip, site_jump, sizeof(site_jump));
}

/* `mov $4, %eax; enclu` and its REX.W form `mov $4, %rax; enclu`. */
static const uint8_t site_short[] = { 0xb8, 0x04, 0x00, 0x00,
				      0x00, 0x0f, 0x01, 0xd7 };
static const uint8_t site_long[] = { 0x48, 0xc7, 0xc0, 0x04, 0x00,
				     0x00, 0x00, 0x0f, 0x01, 0xd7 };

size_t shim_eexit_site_len(const uint8_t *p, size_t avail)
{
	if (avail >= sizeof(site_short) &&
	    !memcmp(p, site_short, sizeof(site_short)))
		return sizeof(site_short);
	if (avail >= sizeof(site_long) &&
	    !memcmp(p, site_long, sizeof(site_long)))
		return sizeof(site_long);
	return 0;
}

/* jmp *SLOT (ff 24 25 disp32), then NOPs to the end of the site. */
void shim_eexit_site_rewrite(uint8_t *p, size_t len)
{
	memcpy(p, site_jump, sizeof(site_jump));
	memset(p + sizeof(site_jump), 0x90, len - sizeof(site_jump));
}

static bool page_executable(struct sgx_encl *encl, size_t i)
{
	const struct sgx_epcm_entry *e;

	if (i >= encl->nr_pages ||
	    !(encl->pages[i].flags & SGX_ENCL_PAGE_PRESENT))
		return false;
	e = sgx_epcm_lookup(sgx_driver_cpu(),
			    (uintptr_t)sgx_encl_epc_page(encl, i * PAGE));
	return e && e->valid && e->page_type == SGX_PAGE_TYPE_REG &&
	       (e->perm & SGX_SECINFO_X) && !e->pending && !e->modified;
}

/*
 * Runs of executable pages are contiguous in the alias, so a site may
 * straddle two of them. Nothing runs the enclave yet: INIT just ended.
 */
size_t shim_eexit_rewrite(struct sgx_encl *encl)
{
	size_t sites = 0;

	if (!eexit_slot_ready || !eexit_rewrite_on || !encl->nr_pages)
		return 0;
	/* An ELRANGE mapped over the slot would take its place. */
	if (encl->base < EEXIT_SLOT_PAGE + PAGE &&
	    EEXIT_SLOT_PAGE < encl->base + encl->size)
		return 0;
	for (size_t i = 0; i < encl->nr_pages; i++) {
		uint8_t *p;
		size_t run;

		if (!page_executable(encl, i))
			continue;
		for (run = 1; page_executable(encl, i + run); run++)
			;
		p = sgx_encl_epc_page(encl, i * PAGE);
		for (size_t off = 0; off < run * PAGE; off++) {
			size_t len =
				shim_eexit_site_len(p + off, run * PAGE - off);

			if (!len)
				continue;
			shim_eexit_site_rewrite(p + off, len);
			sites++;
			off += len - 1;
		}
		i += run - 1;
	}
	return sites;
}

static void fast_altstack_leave(struct shim_thread *t)
{
	stack_t cur;

	if (t->altstack && !sigaltstack(NULL, &cur) && cur.ss_sp == t->altstack)
		sigaltstack(&t->prog_altstack, NULL);
}

void shim_eexit_called(void);

static bool synchronous(int sig, const siginfo_t *si)
{
	return si->si_code > 0 &&
	       (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
		sig == SIGFPE || sig == SIGTRAP || sig == SIGSYS);
}

/*
 * EEXIT is one instruction; its trap-free emulation is not. A signal that
 * arrives before it is done would find the thread half out: still in
 * enclave mode, at an address outside the enclave. Take it as arriving
 * just after the EEXIT instead: keep it, and raise it again then. A kick
 * (ETRACK) is dropped: the thread is leaving the enclave anyway.
 */
bool shim_eexit_defer(struct shim_thread *t, int sig, const siginfo_t *si,
		      ucontext_t *uc)
{
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];

	if (!t || !t->lp.encl.active || synchronous(sig, si))
		return false;
	if (!t->fast_exit && !(rip >= (uintptr_t)shim_eexit_trampoline &&
			       rip < (uintptr_t)shim_eexit_called))
		return false;
	if (sig == SHIM_SIGKICK && si->si_code == SI_QUEUE)
		return true;
	/*
	 * The rest wait in the kernel, blocked until the EEXIT is done, so
	 * that none is lost (queued ones are never merged).
	 */
	if (!t->nr_deferred) {
		t->deferred_mask = uc->uc_sigmask;
		sigfillset(&uc->uc_sigmask);
		for (int s = 1; s < NSIG; s++)
			if (s == SIGSEGV || s == SIGBUS || s == SIGILL ||
			    s == SIGFPE || s == SIGTRAP || s == SIGSYS)
				sigdelset(&uc->uc_sigmask, s);
	}
	if (t->nr_deferred <
	    (int)(sizeof(t->deferred) / sizeof(t->deferred[0]))) {
		t->deferred[t->nr_deferred].sig = sig;
		t->deferred[t->nr_deferred].info = *si;
		t->nr_deferred++;
	}
	return true;
}

/* Queued again in arrival order, then the mask that was in force. */
static void raise_deferred(struct shim_thread *t)
{
	int n = t->nr_deferred;

	if (!n)
		return;
	for (int i = 0; i < n; i++)
		syscall(SYS_rt_tgsigqueueinfo, getpid(), t->tid,
			t->deferred[i].sig, &t->deferred[i].info);
	t->nr_deferred = 0;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &t->deferred_mask, NULL,
		_NSIG / 8);
}

/* The C half of eexit_tramp.S. */
int shim_fast_eexit(struct sgx_regs *regs);

int shim_fast_eexit(struct sgx_regs *regs)
{
	/* The C library's syscall(): allowed while the enclave ran. */
	struct shim_thread *t = shim_thread_find();

	if (!t)
		return 1;
	__atomic_store_n(&t->fast_exit, true, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	shim_sud_allow(t);
	/* TLS is the host's from here on. */
	regs->fsbase = shim_rdfsbase();
	regs->gsbase = shim_rdgsbase();
	if (regs->fsbase != t->host_fsbase)
		shim_wrfsbase(t->host_fsbase);
	if (sgx_eexit(&t->lp, regs)) {
		/* The trap path raises the #GP: its registers as they were. */
		if (regs->fsbase != t->host_fsbase)
			shim_wrfsbase(regs->fsbase);
		__atomic_store_n(&t->fast_exit, false, __ATOMIC_RELAXED);
		raise_deferred(t);
		if (t->lp.encl.active)
			shim_sud_enter(t);
		return 1;
	}
	fast_altstack_leave(t);
	__atomic_store_n(&t->fast_exit, false, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	raise_deferred(t);
	return 0;
}

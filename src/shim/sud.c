// SPDX-License-Identifier: MIT
/*
 * SYSCALL in enclave mode is #UD on hardware; enclave code that makes a
 * system call is a bug the developer must see, not a call that works. The
 * kernel's Syscall User Dispatch (Linux 5.11) makes the calling thread's
 * system calls raise SIGSYS, without running them, while a selector byte
 * of ours says BLOCK, except those made from one allowed range of code.
 *
 * The selector is BLOCK exactly while the thread runs enclave code: set on
 * the way into the enclave (leaving softsgx's signal handler, or the vDSO
 * fast path), ALLOW first thing in every signal handler. The allowed range
 * is the C library's code, where the kernel's signal frames return through
 * (rt_sigreturn in glibc's restorer) and where the handler's first system
 * call (gettid, to find the thread's state) is made.
 */
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "arch/sgx_arch.h"
#include "shim/shim.h"
#include "shim/sud.h"
#include "shim/thread.h"

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#define PR_SYS_DISPATCH_ON 1
#define SYSCALL_DISPATCH_FILTER_ALLOW 0
#define SYSCALL_DISPATCH_FILTER_BLOCK 1
#endif
#ifndef SYS_USER_DISPATCH
#define SYS_USER_DISPATCH 2 /* si_code of a dispatched system call */
#endif

#define SYSCALL_INSN_LEN 2 /* 0f 05 */

static uintptr_t libc_text;
static size_t libc_text_len;

/* The executable segment of the object that holds want. */
static int find_text(struct dl_phdr_info *info, size_t size, void *want)
{
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) &&
		    (uintptr_t)want - start < ph->p_memsz) {
			libc_text = start;
			libc_text_len = ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

void shim_sud_init(void)
{
	const char *env = getenv("SOFTSGX_SYSCALL_UD");

	if (env && !strcmp(env, "0"))
		return;
	dl_iterate_phdr(find_text, (void *)(uintptr_t)&syscall);
}

bool shim_sud_enabled(void)
{
	return libc_text_len != 0;
}

void shim_sud_thread_init(struct shim_thread *t)
{
	t->sud_selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	t->sud_on = shim_sud_enabled() &&
		    !prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON,
			   libc_text, libc_text_len, &t->sud_selector);
}

void shim_sud_thread_exit(struct shim_thread *t)
{
	/* The kernel would read the selector from freed memory. */
	if (t->sud_on)
		prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0,
		      0);
	t->sud_on = false;
}

void shim_sud_enter(struct shim_thread *t)
{
	if (t->sud_on)
		__atomic_store_n(&t->sud_selector,
				 SYSCALL_DISPATCH_FILTER_BLOCK,
				 __ATOMIC_RELAXED);
}

void shim_sud_allow(struct shim_thread *t)
{
	__atomic_store_n(&t->sud_selector, SYSCALL_DISPATCH_FILTER_ALLOW,
			 __ATOMIC_RELAXED);
}

void shim_sud_leave_handler(struct shim_thread *t)
{
	if (t->sud_keep_allow)
		t->sud_keep_allow = false;
	else if (t->lp.encl.active)
		shim_sud_enter(t);
}

bool shim_sud_sigsys(struct shim_thread *t, siginfo_t *si, ucontext_t *uc,
		     struct shim_bases *bases)
{
	siginfo_t ud = { .si_signo = SIGILL, .si_code = ILL_ILLOPN };
	greg_t *g = uc->uc_mcontext.gregs;

	if (!t || si->si_code != SYS_USER_DISPATCH)
		return false;
	/* The kernel rolled RAX back; RIP is past the instruction. */
	g[REG_RIP] -= SYSCALL_INSN_LEN;
	if (!shim_in_enclave(t, uc)) {
		/*
		 * Host code ran with the selector at BLOCK (a handler
		 * nested in softsgx's own): run the call again, allowed.
		 */
		t->sud_keep_allow = true;
		return true;
	}
	ud.si_addr = (void *)g[REG_RIP];
	g[REG_TRAPNO] = X86_TRAP_UD;
	shim_aex_signal(t, SIGILL, &ud, uc, bases);
	return true;
}

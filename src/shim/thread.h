/* SPDX-License-Identifier: MIT */
/*
 * Per-thread state of the threads that use enclaves. Signal handlers find it
 * by thread id, not through TLS, because FS may hold an enclave's base when
 * they run.
 */
#ifndef SOFTSGX_SHIM_THREAD_H
#define SOFTSGX_SHIM_THREAD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/cpu.h"

struct shim_thread {
	pid_t tid;
	struct sgx_lp lp; /* this thread's logical processor */
	uint64_t host_fsbase; /* the thread's own TLS: FS/GS outside enclaves */
	uint64_t host_gsbase;
	uint64_t last_fixup; /* address of the last page-table fix-up */
	uint64_t last_fixup_seq; /* shim_mm_seq() when it was made */
	void *altstack; /* signal stack: frames never land in the enclave */
	size_t altstack_size;
	stack_t prog_altstack; /* the program's own, outside enclave mode */
	uintptr_t altstack_live; /* lowest live frame on altstack, or 0 */
	/* Syscall User Dispatch (sud.c): the kernel reads the selector. */
	char sud_selector;
	bool sud_on;
	bool sud_keep_allow; /* a host system call to run again, allowed */
	/* Signals taken during a trap-free EEXIT, raised after it (eexit.c). */
	bool fast_exit;
	int nr_deferred;
	struct {
		int sig;
		siginfo_t info;
	} deferred[4];
	sigset_t deferred_mask; /* the mask the first one interrupted */
};

/*
 * The calling thread's state, created on first use. Async-signal-safe (it
 * allocates with mmap); returns NULL only when memory is exhausted.
 */
struct shim_thread *shim_thread_get(void);

/* The calling thread's state if it exists; async-signal-safe, no TLS. */
struct shim_thread *shim_thread_find(void);

/* Calls fn for every thread that has state (it may be exiting). */
void shim_thread_foreach(void (*fn)(struct shim_thread *t, void *arg),
			 void *arg);

#endif /* SOFTSGX_SHIM_THREAD_H */

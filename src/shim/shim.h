/* SPDX-License-Identifier: MIT */
/* Internal interfaces of libsoftsgx.so, the process boundary. */
#ifndef SOFTSGX_SHIM_SHIM_H
#define SOFTSGX_SHIM_SHIM_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <ucontext.h>

#include "arch/cpu.h"
#include "shim/thread.h"
#include "shim/vdso.h"

/* Signal handlers must not touch TLS until FS is the host's again. */
#define SHIM_SIGNAL_SAFE \
	__attribute__((no_stack_protector, no_sanitize_address))

extern struct softsgx_vdso shim_vdso;

/* Sets up a logical processor on the process's emulated CPU. */
void shim_lp_init(struct sgx_lp *lp);

/*
 * FS/GS bases the interrupted context gets back when the handler returns.
 * A handler runs with the host's; dispatch code changes these when the
 * context moves into or out of enclave mode.
 */
struct shim_bases {
	uint64_t fs, gs;
};

/* Whether the interrupted context was executing enclave code. */
bool shim_in_enclave(const struct shim_thread *t, const ucontext_t *uc);

/*
 * A signal raised by an ENCLU instruction: emulate the leaf (in or out of
 * enclave mode). False when the signal has another cause.
 */
bool shim_enclu_signal(struct shim_thread *t, int sig, siginfo_t *si,
		       ucontext_t *uc, struct shim_bases *bases);

/*
 * Asynchronous exit for a signal taken in enclave mode: the enclave state
 * goes to the SSA, the context becomes the AEP's, and the event is
 * reported (vDSO fixup) or delivered to the program's handler.
 */
void shim_aex_signal(struct shim_thread *t, int sig, siginfo_t *si,
		     ucontext_t *uc, struct shim_bases *bases);

/* An AEX for an interrupt: nothing reported, the context becomes the AEP's. */
void shim_aex_interrupt(struct shim_thread *t, ucontext_t *uc,
			struct shim_bases *bases);

/*
 * The kernel's IPIs after ETRACK: every thread inside the enclave takes an
 * interrupt (a queued SHIM_SIGKICK carrying SHIM_KICK_MAGIC), does an AEX
 * and resumes through its AEP. The program never sees these signals.
 */
#define SHIM_SIGKICK SIGRTMAX
#define SHIM_KICK_MAGIC 0x5358474b /* "KGXS" */
/* From another process sharing an enclave: kick every thread inside. */
#define SHIM_KICK_REMOTE 0x5258474b /* "KGXR" */
void shim_kick_enclave(const struct sgx_secs *secs);
/*
 * The same for the threads of another process (SHIM_KICK_REMOTE), if it
 * is one that catches the kick signal: a program that holds the enclave
 * without softsgx would be killed by it.
 */
void shim_kick_process(pid_t pid);

/* Hands a signal to the program's own disposition for it. */
void shim_deliver(int sig, siginfo_t *si, ucontext_t *uc);

/* Other modules' claims on host-mode faults (CPUID emulation, mappings). */
struct shim_fault_hooks {
	bool (*sigill)(siginfo_t *si, ucontext_t *uc);
	bool (*sigsegv)(siginfo_t *si, ucontext_t *uc);
};

extern struct shim_fault_hooks shim_fault_hooks;

/* Installs softsgx's handlers for the signals it owns. */
int shim_signals_init(void);

#endif /* SOFTSGX_SHIM_SHIM_H */

/* SPDX-License-Identifier: MIT */
/*
 * A system call made by enclave code is #UD, as on hardware (Syscall User
 * Dispatch; see sud.c). SOFTSGX_SYSCALL_UD=0 turns it off.
 */
#ifndef SOFTSGX_SHIM_SUD_H
#define SOFTSGX_SHIM_SUD_H

#include <signal.h>
#include <stdbool.h>
#include <ucontext.h>

struct shim_thread;
struct shim_bases;

/* Finds the C library's code, the range whose system calls always run. */
void shim_sud_init(void);
bool shim_sud_enabled(void);

/* Per thread, on the thread itself: turn dispatch on / off. */
void shim_sud_thread_init(struct shim_thread *t);
void shim_sud_thread_exit(struct shim_thread *t);

/* The thread is about to run enclave code: system calls are #UD now. */
void shim_sud_enter(struct shim_thread *t);
/* First thing in every signal handler: system calls run again. */
void shim_sud_allow(struct shim_thread *t);
/* Last thing in softsgx's signal handler: BLOCK if in enclave mode. */
void shim_sud_leave_handler(struct shim_thread *t);

/*
 * A SIGSYS: if dispatched by the kernel, the system call was made in enclave
 * mode (an exception: AEX with #UD, reported as any #UD) or by host code
 * that found the selector at BLOCK (run again). False: not ours.
 */
bool shim_sud_sigsys(struct shim_thread *t, siginfo_t *si, ucontext_t *uc,
		     struct shim_bases *bases);

#endif /* SOFTSGX_SHIM_SUD_H */

/* SPDX-License-Identifier: MIT */
/*
 * EEXIT without a trap: the enclave's EEXIT sites jump to softsgx through a
 * slot every softsgx process maps at the same address (eexit.c).
 */
#ifndef SOFTSGX_SHIM_EEXIT_H
#define SOFTSGX_SHIM_EEXIT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

struct sgx_encl;

/* Map this process's slot (not with SOFTSGX_FASTPATH=0). */
void shim_eexit_init(void);

/* After INIT: rewrite the enclave's EEXIT sites; how many there were. */
size_t shim_eexit_rewrite(struct sgx_encl *encl);

/* The length of the EEXIT site at p (avail bytes readable), or 0. */
size_t shim_eexit_site_len(const uint8_t *p, size_t avail);
void shim_eexit_site_rewrite(uint8_t *p, size_t len);

/*
 * A fault on the slot at a rewritten site (a process without the slot
 * page): the EEXIT the site stands for, to emulate as if trapped there.
 */
bool shim_eexit_site_fault(const siginfo_t *si, const ucontext_t *uc);

/*
 * A signal that arrived while a trap-free EEXIT was under way, kept to be
 * raised again when it is done (true: the caller is finished with it).
 */
struct shim_thread;
bool shim_eexit_defer(struct shim_thread *t, int sig, const siginfo_t *si,
		      ucontext_t *uc);

/* The ENCLU the trampoline falls back to: in enclave mode, as at the site. */
void shim_eexit_slow(void);

#endif /* SOFTSGX_SHIM_EEXIT_H */

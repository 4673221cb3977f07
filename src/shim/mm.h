/* SPDX-License-Identifier: MIT */
/*
 * Mappings of the enclave device (spec linux-sgx-uapi section 3). Each
 * enclave VMA is recorded with the protection the program asked for; what
 * the page tables really get, page by page, is that protection narrowed by
 * the page's state: a page not added, a TCS, or one whose EPCM permissions
 * forbid an access is mapped so that the access faults, and softsgx then
 * reports the fault as the kernel and CPU would (SIGBUS, or an EPCM #PF).
 */
#ifndef SOFTSGX_SHIM_MM_H
#define SOFTSGX_SHIM_MM_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <ucontext.h>

struct sgx_encl;

/* Re-derive the page protections of every mapping of encl. */
void shim_mm_refresh(struct sgx_encl *encl);

/*
 * Counts page-table rebuilds of enclave mappings: odd while one is under
 * way. A fault at an address already fixed up is a new one if a rebuild
 * happened (or is happening) since.
 */
uint64_t shim_mm_seq(void);

/*
 * Before an entry through the TCS at addr: if another process changed the
 * enclave's pages since this one last looked (sgx_encl_shared.mm_epoch),
 * re-derive this process's page tables of it, as a TLB flush would.
 */
void shim_mm_sync(uint64_t addr);

/*
 * The logical processors' page-table walk: the EPC page backing linaddr
 * when an enclave page is present and mapped there, else 0.
 */
uintptr_t shim_translate(void *ctx, uint64_t linaddr);

/*
 * An enclave-mode page fault the page tables caused but the page's state
 * no longer justifies (the enclave extended or accepted permissions since
 * they were set): the page gets its current protection and the access is
 * retried, invisibly, as after a kernel fault-in. Async-signal-safe.
 */
bool shim_mm_fixup(uint64_t addr, bool write, bool fetch);

/*
 * The SGX2 fault path: an access to an unbacked address inside the ELRANGE
 * of an initialised, mapped enclave gets a new pending page (EAUG). True
 * when a page was added (or raced in) and the access should be retried.
 */
bool shim_mm_aug(uint64_t addr);

/*
 * The enclave extended a page's EPCM permissions with EMODPE (SECINFO at
 * secinfo_addr, page at page_addr): the policy records it, and decides
 * when the page's new protection is first used (shim_mm_fixup).
 */
void shim_mm_modpe(uint64_t secinfo_addr, uint64_t page_addr);

/* Whether the program's mapping at addr allows the access (the PTE would). */
bool shim_mm_vma_allows(uint64_t addr, bool write, bool fetch);

/* Host-mode SIGSEGV on an enclave mapping that the kernel reports as SIGBUS. */
bool shim_mm_sigsegv(siginfo_t *si, ucontext_t *uc);

#endif /* SOFTSGX_SHIM_MM_H */

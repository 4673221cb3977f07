/* SPDX-License-Identifier: MIT */
/*
 * The extended (x87/SSE/AVX...) state in a signal frame: the XSAVE image the
 * kernel restores at sigreturn. AEX saves the enclave's into the SSA and
 * leaves INIT state behind; ERESUME puts the SSA's back.
 */
#ifndef SOFTSGX_SHIM_FPSTATE_H
#define SOFTSGX_SHIM_FPSTATE_H

#include <stddef.h>
#include <ucontext.h>

const void *shim_fpstate(const ucontext_t *uc);
size_t shim_fpstate_len(const ucontext_t *uc);
void shim_fpstate_init(ucontext_t *uc);
void shim_fpstate_restore(ucontext_t *uc, const void *xsave, size_t len);

#endif /* SOFTSGX_SHIM_FPSTATE_H */

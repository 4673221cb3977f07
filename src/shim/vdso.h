/* SPDX-License-Identifier: MIT */
/*
 * The synthetic vDSO. The host kernel's vDSO has no __vdso_sgx_enter_enclave
 * (or one that drives real hardware), so the shim builds a small ELF image
 * that re-exports every defined symbol of the real vDSO through trampolines,
 * adds its own __vdso_sgx_enter_enclave (version LINUX_2.6), and points the
 * process's AT_SYSINFO_EHDR at it.
 */
#ifndef SOFTSGX_SHIM_VDSO_H
#define SOFTSGX_SHIM_VDSO_H

#include <stddef.h>
#include <stdint.h>

struct softsgx_vdso {
	void *base; /* ELF header of the image: the new AT_SYSINFO_EHDR */
	size_t size; /* bytes mapped at base (a page multiple) */
	uintptr_t enter; /* __vdso_sgx_enter_enclave */
	uintptr_t enclu; /* its ENCLU: EENTER/ERESUME and the AEP */
	uintptr_t fixup; /* resumes a reported exception (RDI, RSI, RDX) */
	const void *real; /* the vDSO it re-exports, or NULL */
	unsigned long *auxv_slot; /* patched a_val, NULL when not installed */
	unsigned long prev_ehdr; /* the value it replaced */
};

/*
 * Entry of a fast path for the ENCLU of __vdso_sgx_enter_enclave, called
 * (with the ENCLU's registers) just before it; NULL keeps every ENCLU a
 * trap. Read when an image is built.
 */
extern void *softsgx_vdso_fast_enclu;

/*
 * Build the image from the real vDSO's dynamic symbols (real_vdso may be NULL:
 * the image then exports __vdso_sgx_enter_enclave alone). The real image is
 * read through its program headers and PT_DYNAMIC only; anything inconsistent
 * gives -ENOEXEC without touching memory outside it. Returns 0 or -errno.
 */
int softsgx_vdso_build(const void *real_vdso, struct softsgx_vdso *out);

/*
 * Make AT_SYSINFO_EHDR point at the image, in the auxiliary vector that the
 * kernel placed on the initial stack: the array glibc's getauxval() reads and
 * that programs find by walking past envp. The vector is located by its
 * content (/proc/self/auxv) in the [stack] mapping and the patch is kept only
 * if getauxval() then agrees. /proc/self/auxv itself keeps the kernel's
 * value. Call it while the process is single-threaded (constructor).
 * Returns 0, -EINVAL if already installed, -ENOENT when the process has no
 * AT_SYSINFO_EHDR entry or the vector cannot be located, or another -errno.
 */
int softsgx_vdso_install(struct softsgx_vdso *v);

/* Put the replaced AT_SYSINFO_EHDR value back. */
int softsgx_vdso_uninstall(struct softsgx_vdso *v);

/* Unmap the image, first putting AT_SYSINFO_EHDR back if installed. */
void softsgx_vdso_destroy(struct softsgx_vdso *v);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * What every ordinary Linux SGX host needs, whatever its enclave: the
 * vDSO's __vdso_sgx_enter_enclave, a SIGSTRUCT read for INIT, and an
 * address range for ELRANGE. Nothing here knows about softsgx.
 */
#ifndef SOFTSGX_EXAMPLE_HOST_UTIL_H
#define SOFTSGX_EXAMPLE_HOST_UTIL_H

#include <stdint.h>

/*
 * A vDSO symbol, found as a program does on a real kernel: the image at
 * getauxval(AT_SYSINFO_EHDR), its dynamic segment and DT_HASH. NULL if
 * there is none.
 */
void *host_vdso_sym(const char *name);

/* The 1808-byte SIGSTRUCT in path, page-aligned for INIT; NULL if unread. */
void *host_read_sigstruct(const char *path);

/*
 * An ELRANGE of size bytes (a power of two), aligned to its size and
 * reserved PROT_NONE: its base, or 0.
 */
uint64_t host_reserve_elrange(uint64_t size);

#endif /* SOFTSGX_EXAMPLE_HOST_UTIL_H */

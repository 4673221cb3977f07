/* SPDX-License-Identifier: MIT */
/*
 * FS/GS base access usable in a signal handler while FS still holds an
 * enclave's base: no libc, no errno, no TLS. WRFSBASE and friends are used
 * when the kernel enables them (HWCAP2_FSGSBASE), else arch_prctl.
 */
#ifndef SOFTSGX_SHIM_FSGS_H
#define SOFTSGX_SHIM_FSGS_H

#include <asm/prctl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

extern bool shim_have_fsgsbase;

static inline long shim_raw_syscall2(long nr, long a1, long a2)
{
	long ret;

	asm volatile("syscall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a1), "S"(a2)
		     : "rcx", "r11", "memory");
	return ret;
}

/*
 * Through the C library's syscall(): the first system call of a signal
 * handler may find Syscall User Dispatch still blocking, and the C
 * library's code is the range it lets through (sud.c). gettid cannot fail,
 * so errno (TLS, maybe not ours yet) is never written.
 */
static inline long shim_raw_gettid(void)
{
	return syscall(SYS_gettid);
}

static inline uint64_t shim_rdfsbase(void)
{
	uint64_t v = 0;

	if (shim_have_fsgsbase)
		asm volatile("rdfsbase %0" : "=r"(v));
	else
		shim_raw_syscall2(SYS_arch_prctl, ARCH_GET_FS, (long)&v);
	return v;
}

static inline uint64_t shim_rdgsbase(void)
{
	uint64_t v = 0;

	if (shim_have_fsgsbase)
		asm volatile("rdgsbase %0" : "=r"(v));
	else
		shim_raw_syscall2(SYS_arch_prctl, ARCH_GET_GS, (long)&v);
	return v;
}

static inline void shim_wrfsbase(uint64_t v)
{
	if (shim_have_fsgsbase)
		asm volatile("wrfsbase %0" ::"r"(v) : "memory");
	else
		shim_raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)v);
}

static inline void shim_wrgsbase(uint64_t v)
{
	if (shim_have_fsgsbase)
		asm volatile("wrgsbase %0" ::"r"(v) : "memory");
	else
		shim_raw_syscall2(SYS_arch_prctl, ARCH_SET_GS, (long)v);
}

void shim_fsgs_init(void);

#endif /* SOFTSGX_SHIM_FSGS_H */

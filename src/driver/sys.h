/* SPDX-License-Identifier: MIT */
/*
 * The driver's own descriptors and mappings go straight to the kernel.
 * Inside libsoftsgx.so, open/close/fstat/mmap/... name the shim's
 * interposers, which may find a descriptor number the program closed
 * behind the shim's back and release the enclave it stood for — taking
 * locks the driver may be holding (or running in a signal handler).
 * syscall() keeps the C library's errno convention.
 */
#ifndef SOFTSGX_DRIVER_SYS_H
#define SOFTSGX_DRIVER_SYS_H

#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static inline int sgx_sys_open(const char *path, int flags)
{
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, 0);
}

static inline int sgx_sys_close(int fd)
{
	return (int)syscall(SYS_close, fd);
}

static inline int sgx_sys_fstat(int fd, struct stat *st)
{
	return (int)syscall(SYS_fstat, fd, st);
}

static inline int sgx_sys_dupfd_cloexec(int fd)
{
	return (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 0);
}

static inline void *sgx_sys_mmap(void *addr, size_t len, int prot, int flags,
				 int fd, off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static inline int sgx_sys_munmap(void *addr, size_t len)
{
	return (int)syscall(SYS_munmap, addr, len);
}

#endif /* SOFTSGX_DRIVER_SYS_H */

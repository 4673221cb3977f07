/* SPDX-License-Identifier: MIT */
/*
 * System calls made directly, for the libc functions softsgx replaces:
 * SYS() gives the kernel's result (-errno on failure), whatever symbol the
 * program used to reach us.
 */
#ifndef SOFTSGX_SHIM_SYS_H
#define SOFTSGX_SHIM_SYS_H

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SYS(...)                                    \
	({                                          \
		long __ret = syscall(__VA_ARGS__);  \
		__ret == -1 ? -(long)errno : __ret; \
	})

/* A kernel result as libc returns it: -1 with errno, or the value. */
static inline long shim_sys_result(long ret)
{
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

#endif /* SOFTSGX_SHIM_SYS_H */

// SPDX-License-Identifier: MIT
/*
 * fork(): the child holds the parent's enclaves, as its descriptors are
 * the same files upstream. The driver must reserve the child's place before
 * the process splits (see sgx_encl_fork_prepare), which pthread_atfork
 * cannot do: its parent handler does not learn whether fork() failed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <unistd.h>

#include "driver/encl.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

typedef pid_t (*fork_fn)(void);

SHIM_EXPORT pid_t fork(void)
{
	static fork_fn _Atomic real_fork;
	fork_fn f = real_fork;
	pid_t pid;
	int e;

	if (!f) {
		f = (fork_fn)dlsym(RTLD_NEXT, "fork");
		if (!f) {
			errno = ENOSYS;
			return -1;
		}
		real_fork = f;
	}
	if (sgx_encl_fork_prepare()) {
		errno = EAGAIN; /* as for a process limit */
		return -1;
	}
	pid = f();
	e = errno;
	if (pid == 0)
		sgx_encl_fork_child();
	else
		sgx_encl_fork_parent(pid);
	errno = e;
	return pid;
}

// SPDX-License-Identifier: MIT
/*
 * Built with -O2 -D_FORTIFY_SOURCE=2: with flags that are not a constant
 * and no mode, glibc's <fcntl.h> turns open() into __open_2() and openat()
 * into __openat_2(), the entry points a fortified program really calls.
 * (tests/uapi.cmake checks the binary imports them.)
 */
#include <fcntl.h>

#include "uapi_files.h"

int uapi_fortified_open(const char *path, int flags)
{
	return open(path, flags);
}

int uapi_fortified_openat(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

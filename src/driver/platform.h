/* SPDX-License-Identifier: MIT */
/*
 * The persisted emulated platform (docs/platform.md): the "fused" secrets
 * and firmware settings live in a small text file owned by the user, so
 * that sealed data survives restarts; the per-boot values are drawn fresh
 * on every load. Not a secret store: see DESIGN section 7.
 */
#ifndef SOFTSGX_DRIVER_PLATFORM_H
#define SOFTSGX_DRIVER_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#include "arch/cpu.h"

/* First line of a platform file: format name and version. */
#define SGX_PLATFORM_MAGIC "softsgx-platform 1"

/* CPUSVN of a new platform: every component at SVN 2 (docs/platform.md). */
#define SGX_PLATFORM_DEFAULT_CPUSVN_BYTE 0x02

/*
 * Where the platform file lives: $SOFTSGX_PLATFORM if set, else
 * $XDG_STATE_HOME/softsgx/platform (absolute XDG_STATE_HOME only, as the
 * XDG spec says), else $HOME/.local/state/softsgx/platform. Returns buf, or
 * NULL when no location is known or it does not fit in len bytes.
 */
const char *sgx_platform_path(char *buf, size_t len);

/*
 * Load the platform from sgx_platform_path(), creating it (directory 0700,
 * file 0600, fresh random secrets) when absent. A file that is malformed,
 * truncated, not owned by the user or accessible by group/other is an error,
 * never replaced: replacing it would make all sealed data unreadable.
 * report_keyid and paging_key are fresh random values every call.
 * Returns 0, or -errno with a message in err (errlen bytes, may be 0).
 */
int sgx_platform_load(struct sgx_platform *p, char *err, size_t errlen);

/* sgx_platform_load() from an explicit path. */
int sgx_platform_load_path(struct sgx_platform *p, const char *path, char *err,
			   size_t errlen);

/*
 * Write the persisted fields of p to path atomically (a complete file or
 * none, mode 0600). Without replace an existing file is left alone and
 * -EEXIST returned, so that processes racing to create a platform end up
 * sharing one. Returns 0 or -errno with a message in err.
 */
int sgx_platform_save(const struct sgx_platform *p, const char *path,
		      bool replace, char *err, size_t errlen);

#endif /* SOFTSGX_DRIVER_PLATFORM_H */

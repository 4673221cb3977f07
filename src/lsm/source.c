// SPDX-License-Identifier: MIT
/*
 * What kind of memory an added page came from. "Anonymous" for the policy
 * means content that no file vouches for: private or shared anonymous
 * memory, the heap and stacks, memfds and SysV segments (files of the
 * kernel's internal shm mount), and a page of a private file mapping that
 * was written after it was mapped (copy-on-write made it anonymous).
 *
 * The last case is read from /proc/self/pagemap after the driver copied
 * the page: bit 61 ("file page or shared anonymous") is clear for a
 * copy-on-write page, bit 62 is set for one in swap. The answer is taken
 * after the copy, so a page written before the copy is always caught; a
 * page that is written, copied, then dropped with MADV_DONTNEED before the
 * check could pass as unmodified. softsgx is not a security boundary
 * (DESIGN 7); the in-kernel proposals held mmap_lock across the copy.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lsm/lsm.h"

#define PM_SWAPPED (1ULL << 62)
#define PM_PRESENT (1ULL << 63)
#define PM_FILE (1ULL << 61)

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* A path in /proc/self/maps that names a real file. */
static bool path_is_file(const char *path)
{
	if (!path || path[0] != '/')
		return false; /* "", "[heap]", "[stack]", ... */
	return !starts_with(path, "/memfd:") && !starts_with(path, "/SYSV") &&
	       !starts_with(path, "/[") && strcmp(path, "/dev/zero");
}

/* Was the page at addr of a file mapping written since it was mapped? */
static bool page_modified(unsigned long addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t entry = 0;
	ssize_t n;

	if (fd < 0)
		return true; /* cannot tell: assume the worst */
	n = pread(fd, &entry, sizeof(entry),
		  (off_t)(addr / (unsigned long)getpagesize()) *
			  (off_t)sizeof(entry));
	close(fd);
	if (n != (ssize_t)sizeof(entry))
		return true;
	if (entry & PM_SWAPPED)
		return true;
	return (entry & PM_PRESENT) && !(entry & PM_FILE);
}

void sgx_lsm_source_init(struct sgx_lsm_source *src, unsigned long prot,
			 bool may_exec, const char *path, unsigned long addr,
			 bool want_exec)
{
	src->prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
	src->may_exec = may_exec;
	src->file = path_is_file(path);
	src->modified = false;
	if (src->file && want_exec && sgx_lsm_active())
		src->modified = page_modified(addr);
}

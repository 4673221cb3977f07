// SPDX-License-Identifier: MIT
/*
 * copy_from_user/copy_to_user and the source-VMA query of ADD_PAGES.
 *
 * Copies go through the kernel so that it, not a signal handler, detects a
 * bad address: process_vm_readv/writev on our own pid honour the mapping's
 * current protection exactly (a PROT_NONE or read-only page gives EFAULT)
 * and need no privilege, since a process may always access itself. Where a
 * seccomp filter refuses them (EPERM or ENOSYS), /proc/self/mem is used.
 * That file is a debugger's view: it reads PROT_NONE pages and writes
 * read-only ones (FOLL_FORCE), so before using it the protection of every
 * VMA in the range is checked in /proc/self/maps. The check and the copy
 * are not atomic against a concurrent mprotect; this is only the fallback.
 * It also needs a dumpable process: after a credential change (setuid and
 * the like) /proc/self/mem belongs to root, and every copy is -EFAULT.
 *
 * VM_MAYEXEC, which ADD_PAGES requires of the source VMA, is cleared by the
 * kernel for exactly one kind of mapping: a file opened through a mount
 * with the noexec flag (do_mmap -> path_noexec). The "noexec" of the mount
 * the file was opened through is therefore the answer. /proc/self/maps
 * names that file by device, inode and path; the mount is the entry of
 * /proc/self/mountinfo with the same device whose mount point is the
 * longest prefix of the path. This is preferred over statvfs(path) because
 * it also works for unlinked files ("(deleted)"), whose path no longer
 * resolves, and it does not follow a path that now names something else.
 * statvfs is used only when mountinfo has no match and stat(path) shows the
 * same device and inode. Shared anonymous memory, memfds and SysV segments
 * live on the kernel's internal shm mount, which is never noexec: they show
 * up with a path ("/memfd:x (deleted)") on a device no visible mount has,
 * and are treated as exec-capable. The vvar pages are the one anonymous
 * mapping without VM_MAYEXEC.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "driver/uaccess.h"

#define PAGE_MASK_LOW 4095UL

static _Atomic int uaccess_mode = SGX_UACCESS_AUTO;
/* Set once process_vm_* were refused: a seccomp filter does not go away. */
static atomic_bool pvm_refused;

void sgx_uaccess_set_mode(enum sgx_uaccess_mode mode)
{
	atomic_store(&uaccess_mode, mode);
}

/* A parsed /proc/self/maps line; path points into the line buffer. */
struct maps_entry {
	unsigned long start, end;
	char perms[5];
	unsigned int major, minor;
	unsigned long inode;
	char *path;
};

static bool maps_parse(char *line, struct maps_entry *m)
{
	unsigned long offset;
	char *end;
	int n = 0;

	if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &m->start, &m->end,
		   m->perms, &offset, &m->major, &m->minor, &m->inode,
		   &n) < 7 ||
	    n == 0 || strlen(m->perms) != 4)
		return false;
	m->path = line + n;
	end = m->path + strlen(m->path);
	if (end > m->path && end[-1] == '\n')
		*--end = '\0';
	/* The vsyscall page is listed, but it is no VMA (a "gate area"). */
	return strcmp(m->path, "[vsyscall]") != 0;
}

/*
 * Call fn for each line of /proc/self/maps until it returns nonzero; the
 * result is that value, 0 at the end, or -errno if the file is unreadable.
 */
static int maps_walk(int (*fn)(struct maps_entry *m, void *arg), void *arg)
{
	FILE *f = fopen("/proc/self/maps", "re");
	struct maps_entry m;
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	if (!f)
		return -errno;
	while (!ret && getline(&line, &cap, f) > 0)
		if (maps_parse(line, &m))
			ret = fn(&m, arg);
	free(line);
	fclose(f);
	return ret;
}

/* Every byte of [addr, addr+len) lies in VMAs that allow perm. */
struct range_check {
	unsigned long cur, end;
	int perm_index; /* 0 = 'r', 1 = 'w' */
};

static int range_check_fn(struct maps_entry *m, void *arg)
{
	struct range_check *rc = arg;

	if (m->end <= rc->cur)
		return 0;
	if (m->start > rc->cur || m->perms[rc->perm_index] == '-')
		return -EFAULT;
	rc->cur = m->end;
	return rc->cur >= rc->end ? 1 : 0;
}

static int maps_range_allows(unsigned long addr, size_t len, bool write)
{
	struct range_check rc = { addr, addr + len, write ? 1 : 0 };
	int ret = maps_walk(range_check_fn, &rc);

	return ret == 1 ? 0 : -EFAULT;
}

static int proc_mem_copy(void *local, unsigned long remote, size_t len,
			 bool write)
{
	size_t done = 0;
	int fd, ret;

	/* /proc/self/mem would ignore PROT_NONE and read-only: check first. */
	ret = maps_range_allows(remote, len, write);
	if (ret)
		return ret;
	/* Opened per call: the file is bound to the mm, a child has another. */
	fd = open("/proc/self/mem", (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -EFAULT;
	while (done < len) {
		char *p = (char *)local + done;
		off_t off = (off_t)(remote + done);
		ssize_t n = write ? pwrite(fd, p, len - done, off) :
				    pread(fd, p, len - done, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = -EFAULT; /* EIO: the page is not there */
			break;
		}
		done += (size_t)n;
	}
	close(fd);
	return ret;
}

/* 0, -EFAULT, or -ENOSYS when the caller should use the fallback. */
static int pvm_copy(void *local, unsigned long remote, size_t len, bool write)
{
	struct iovec liov = { local, len };
	struct iovec riov = { (void *)remote, len };
	ssize_t n;

	n = write ? process_vm_writev(getpid(), &liov, 1, &riov, 1, 0) :
		    process_vm_readv(getpid(), &liov, 1, &riov, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0 || errno == EFAULT)
		return -EFAULT; /* a partial copy stopped at a bad page */
	if (errno == EPERM || errno == ENOSYS)
		atomic_store(&pvm_refused, true);
	return -ENOSYS;
}

static int user_copy(void *local, unsigned long remote, size_t len, bool write)
{
	int ret;

	if (!len)
		return 0;
	/* Beyond the user half of the address space is never ours. */
	if (remote + len < remote || remote + len > (unsigned long)INT64_MAX)
		return -EFAULT;
	if (atomic_load(&uaccess_mode) == SGX_UACCESS_AUTO &&
	    !atomic_load(&pvm_refused)) {
		ret = pvm_copy(local, remote, len, write);
		if (ret != -ENOSYS)
			return ret;
	}
	return proc_mem_copy(local, remote, len, write);
}

int copy_from_user(void *dst, unsigned long src, size_t len)
{
	return user_copy(dst, src, len, false);
}

int copy_to_user(unsigned long dst, const void *src, size_t len)
{
	return user_copy((void *)src, dst, len, true);
}

/* --- VMA queries ------------------------------------------------------ */

/* Undo the octal escapes of mountinfo and maps ("\040" for a space). */
static void unescape_octal(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
					(s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

/* mnt is a path prefix of path ending at a component boundary. */
static size_t mount_prefix_len(const char *mnt, const char *path)
{
	size_t n = strlen(mnt);

	if (n == 1 && mnt[0] == '/')
		return 1;
	if (strncmp(mnt, path, n) || (path[n] != '/' && path[n] != '\0'))
		return 0;
	return n;
}

static bool options_have(const char *options, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = options; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == n && !strncmp(p, opt, n))
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

/* Split a mountinfo line into its first six space-separated fields. */
static bool mountinfo_fields(char *line, char *field[6])
{
	char *save = NULL, *tok = strtok_r(line, " \n", &save);
	int i;

	for (i = 0; i < 6 && tok; i++) {
		field[i] = tok;
		tok = strtok_r(NULL, " \n", &save);
	}
	return i == 6;
}

/*
 * 1 if the mount the file was opened through is noexec, 0 if it is not,
 * -1 if no visible mount matches (internal mounts, other namespaces).
 */
static int mount_noexec(unsigned int major, unsigned int minor,
			const char *path)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *field[6];
	size_t cap = 0, best = 0;
	int result = -1;

	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		unsigned int maj, min;
		size_t len;

		if (!mountinfo_fields(line, field) ||
		    sscanf(field[2], "%u:%u", &maj, &min) != 2 ||
		    maj != major || min != minor)
			continue;
		unescape_octal(field[4]);
		len = mount_prefix_len(field[4], path);
		/* Ties: the later entry is mounted on top, the one path lookup sees. */
		if (len && len >= best) {
			best = len;
			result = options_have(field[5], "noexec");
		}
	}
	free(line);
	fclose(f);
	return result;
}

static bool file_may_exec(const struct sgx_vma_info *info, const char *path)
{
	struct statvfs sv;
	struct stat st;
	int noexec;

	noexec = mount_noexec(info->dev_major, info->dev_minor, path);
	if (noexec >= 0)
		return !noexec;
	/* Only trust the path if it still names the mapped file. */
	if (!info->deleted && !stat(path, &st) &&
	    major(st.st_dev) == info->dev_major &&
	    minor(st.st_dev) == info->dev_minor && st.st_ino == info->inode &&
	    !statvfs(path, &sv))
		return !(sv.f_flag & ST_NOEXEC);
	return true;
}

static bool pseudo_may_exec(const char *name)
{
	/* Installed without VM_MAYEXEC by the kernel's vDSO code. */
	return strcmp(name, "[vvar]") && strcmp(name, "[vvar_vclock]");
}

static void vma_fill(struct sgx_vma_info *info, struct maps_entry *m)
{
	static const char deleted[] = " (deleted)";
	size_t len;

	memset(info, 0, sizeof(*info));
	info->start = m->start;
	info->end = m->end;
	info->prot = (m->perms[0] == 'r' ? PROT_READ : 0) |
		     (m->perms[1] == 'w' ? PROT_WRITE : 0) |
		     (m->perms[2] == 'x' ? PROT_EXEC : 0);
	info->shared = m->perms[3] == 's';
	info->dev_major = m->major;
	info->dev_minor = m->minor;
	info->inode = m->inode;
	info->file = m->path[0] == '/';

	len = strlen(m->path);
	if (info->file && len >= sizeof(deleted) &&
	    !strcmp(m->path + len - (sizeof(deleted) - 1), deleted)) {
		info->deleted = true;
		m->path[len - (sizeof(deleted) - 1)] = '\0';
	}
	/* maps escapes only the newline of a file name, as "\012". */
	if (info->file)
		unescape_octal(m->path);
	info->may_exec = info->file ? file_may_exec(info, m->path) :
				      pseudo_may_exec(m->path);
	snprintf(info->path, sizeof(info->path), "%s", m->path);
}

struct vma_query {
	unsigned long addr;
	struct sgx_vma_info *info;
};

static int vma_find_fn(struct maps_entry *m, void *arg)
{
	struct vma_query *q = arg;

	if (m->end <= q->addr)
		return 0;
	vma_fill(q->info, m);
	return 1;
}

/* Without /proc: whether the page is mapped at all (mincore: ENOMEM). */
static int vma_guess(unsigned long addr, struct sgx_vma_info *info)
{
	unsigned long page = addr & ~PAGE_MASK_LOW;
	unsigned char vec;

	if (mincore((void *)page, 1, &vec) && errno == ENOMEM)
		return -EFAULT;
	memset(info, 0, sizeof(*info));
	info->start = page;
	info->end = page + PAGE_MASK_LOW + 1;
	info->prot = PROT_READ | PROT_WRITE | PROT_EXEC;
	info->may_exec = true;
	return 0;
}

int sgx_vma_find(unsigned long addr, struct sgx_vma_info *info)
{
	struct vma_query q = { addr, info };
	int ret = maps_walk(vma_find_fn, &q);

	if (ret < 0)
		return vma_guess(addr, info);
	return ret == 1 ? 0 : -EFAULT;
}

int sgx_vma_lookup(unsigned long addr, struct sgx_vma_info *info)
{
	int ret = sgx_vma_find(addr, info);

	if (!ret && addr < info->start)
		ret = -EFAULT;
	return ret;
}

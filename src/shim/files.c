// SPDX-License-Identifier: MIT
/*
 * libc entry points for the SGX device files. Descriptors that are not
 * softsgx's go to the kernel unchanged (raw system calls, so that nothing
 * here depends on which libc symbol the program reached us through).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "driver/driver.h"
#include "driver/encl.h"
#include "shim/eexit.h"
#include "shim/files.h"
#include "shim/mm.h"
#include "shim/sys.h"

#define SHIM_EXPORT __attribute__((visibility("default")))
#define SHIM_MAX_FD 65536

/* Device numbers: misc devices (major 10) with a fixed, plausible minor. */
#define SGX_MISC_MAJOR 10
#define SGX_ENCLAVE_MINOR 125
#define SGX_PROVISION_MINOR 126

static struct shim_file *_Atomic fd_table[SHIM_MAX_FD];

static const struct {
	const char *path;
	enum shim_file_type type;
} device_paths[] = {
	{ "/dev/sgx_enclave", SHIM_FILE_ENCLAVE },
	{ "/dev/sgx/enclave", SHIM_FILE_ENCLAVE },
	{ "/dev/sgx_provision", SHIM_FILE_PROVISION },
	{ "/dev/sgx/provision", SHIM_FILE_PROVISION },
};

static long fail(long err)
{
	errno = (int)err;
	return -1;
}

static long sys_result(long ret)
{
	return shim_sys_result(ret);
}

/* Collapses "//" and "/./" so that equivalent spellings compare equal. */
static bool normalise(const char *path, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = path; *p; p++) {
		if (*p == '/' && p[1] == '/')
			continue;
		if (*p == '/' && p[1] == '.' && (p[2] == '/' || !p[2])) {
			p++; /* drop "/." */
			continue;
		}
		if (n + 1 >= len)
			return false;
		out[n++] = *p;
	}
	out[n] = '\0';
	return true;
}

static int device_of_absolute(const char *path)
{
	char norm[64];

	if (!normalise(path, norm, sizeof(norm)))
		return -1;
	for (size_t i = 0; i < sizeof(device_paths) / sizeof(device_paths[0]);
	     i++)
		if (!strcmp(norm, device_paths[i].path))
			return (int)device_paths[i].type;
	return -1;
}

int shim_device_of_path(const char *path)
{
	return path && path[0] == '/' ? device_of_absolute(path) : -1;
}

/*
 * A relative name is resolved against dirfd (or the working directory) —
 * only when its last component could name a device, so that ordinary
 * relative opens cost nothing.
 */
static int device_at(int dirfd, const char *path)
{
	static const char *const names[] = { "sgx_enclave", "sgx_provision",
					     "enclave", "provision" };
	char dir[512], full[640];
	const char *base;
	long n;

	if (!path)
		return -1;
	if (path[0] == '/')
		return device_of_absolute(path);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(base, names[i]))
			continue;
		if (dirfd == AT_FDCWD) {
			n = SYS(SYS_getcwd, dir, sizeof(dir));
			n = n > 0 ? n - 1 :
				    -1; /* the length includes the NUL */
		} else {
			char link[64];

			snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
			n = SYS(SYS_readlink, link, dir, sizeof(dir) - 1);
		}
		if (n <= 0)
			return -1;
		dir[n] = '\0';
		snprintf(full, sizeof(full), "%s/%s", dir, path);
		return device_of_absolute(full);
	}
	return -1;
}

static bool same_file(int fd, const struct shim_file *f)
{
	struct stat st;

	return SYS(SYS_fstat, fd, &st) == 0 && st.st_dev == f->dev &&
	       st.st_ino == f->ino;
}

/*
 * A descriptor can be closed where no preload sees it (glibc's fclose()
 * closes through its internal entry), and its number reused for another
 * file: an entry whose memfd is no longer behind fd is dropped.
 */
struct shim_file *shim_file_get(int fd)
{
	struct shim_file *f;

	if (fd < 0 || fd >= SHIM_MAX_FD)
		return NULL;
	f = atomic_load_explicit(&fd_table[fd], memory_order_acquire);
	if (!f || same_file(fd, f))
		return f;
	if (atomic_compare_exchange_strong(&fd_table[fd], &f, NULL))
		shim_file_unref(f);
	return NULL;
}

void shim_file_ref(struct shim_file *f)
{
	atomic_fetch_add(&f->refs, 1);
}

void shim_file_unref(struct shim_file *f)
{
	if (atomic_fetch_sub(&f->refs, 1) != 1)
		return;
	if (f->encl)
		sgx_encl_put(f->encl);
	free(f);
}

static void fd_install(int fd, struct shim_file *f)
{
	struct shim_file *old;

	shim_file_ref(f);
	old = atomic_exchange(&fd_table[fd], f);
	if (old)
		shim_file_unref(old);
}

static void fd_forget(int fd)
{
	struct shim_file *old;

	if (fd < 0 || fd >= SHIM_MAX_FD)
		return;
	old = atomic_exchange(&fd_table[fd], NULL);
	if (old)
		shim_file_unref(old);
}

static bool driver_ready(void)
{
	char err[256];

	return sgx_driver_init(err, sizeof(err)) == 0;
}

static void file_identify(struct shim_file *f, int fd)
{
	struct stat st;

	if (SYS(SYS_fstat, fd, &st) == 0) {
		f->dev = st.st_dev;
		f->ino = st.st_ino;
	}
}

/*
 * The program's descriptor of an enclave: the enclave object's memfd,
 * opened again read-only, so that a stray write() or ftruncate() on it
 * (EINVAL upstream) cannot damage the object every holder shares.
 */
static long enclave_fd(int memfd, int cloexec)
{
	char path[40];
	long fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	fd = SYS(SYS_openat, AT_FDCWD, path, O_RDONLY | cloexec);
	if (fd < 0) /* no /proc: the object's own descriptor */
		fd = SYS(SYS_fcntl, memfd, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD,
			 0);
	return fd;
}

/*
 * open() of a device: a memfd stands in for the file description. For
 * /dev/sgx_enclave it is the enclave object's own memfd (a dup of the
 * driver's), so that a child after fork() and a program after execve()
 * reach the same enclave through it.
 */
static int device_open(enum shim_file_type type, int flags)
{
	struct shim_file *f;
	long fd;

	if (flags & O_DIRECTORY)
		return (int)fail(ENOTDIR);
	if (!driver_ready())
		return (int)fail(ENODEV);
	f = calloc(1, sizeof(*f));
	if (!f)
		return (int)fail(ENOMEM);
	f->type = type;
	f->open_flags = flags;
	if (type == SHIM_FILE_ENCLAVE && !(f->encl = sgx_encl_alloc())) {
		free(f);
		return (int)fail(ENOMEM);
	}
	if (f->encl)
		fd = enclave_fd(f->encl->memfd, flags & O_CLOEXEC);
	else
		fd = SYS(SYS_memfd_create, "sgx_provision",
			 (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	if (fd < 0 || fd >= SHIM_MAX_FD) {
		if (fd >= 0)
			SYS(SYS_close, fd);
		if (f->encl)
			sgx_encl_put(f->encl);
		free(f);
		return (int)fail(fd < 0 ? -fd : EMFILE);
	}
	atomic_init(&f->refs, 0);
	file_identify(f, (int)fd);
	fd_install((int)fd, f);
	return (int)fd;
}

static int do_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	int type = device_at(dirfd, path);

	if (type >= 0)
		return device_open(type, flags);
	return (int)sys_result(SYS(SYS_openat, dirfd, path, flags, mode));
}

static mode_t open_mode(int flags, va_list ap)
{
	return (flags & (O_CREAT | __O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
}

SHIM_EXPORT int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return do_openat(AT_FDCWD, path, flags, mode);
}

/* On x86-64 the *64 variants are the same calls. */
SHIM_EXPORT int open64(const char *path, int flags, ...)
	__attribute__((alias("open")));

SHIM_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return do_openat(dirfd, path, flags, mode);
}

SHIM_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
	__attribute__((alias("openat")));

/* stdio opens through an internal function: answer the devices here. */
static FILE *device_fopen(int type, const char *mode)
{
	int flags = strchr(mode, '+') ? O_RDWR :
		    (*mode == 'r')    ? O_RDONLY :
					O_WRONLY;
	int fd = device_open(type, flags | (strchr(mode, 'e') ? O_CLOEXEC : 0));
	FILE *f;

	if (fd < 0)
		return NULL;
	/*
	 * An enclave's descriptor is read-only underneath (enclave_fd()),
	 * which the C library checks the mode against: there is nothing to
	 * write to a device without write() anyway.
	 */
	if (type == SHIM_FILE_ENCLAVE)
		mode = strchr(mode, 'e') ? "re" : "r";
	f = fdopen(fd, mode);
	if (!f)
		close(fd);
	return f;
}

SHIM_EXPORT FILE *fopen(const char *path, const char *mode)
{
	static FILE *(*real_fopen)(const char *, const char *);
	int type = device_at(AT_FDCWD, path);

	if (type >= 0)
		return device_fopen(type, mode);
	if (!real_fopen)
		real_fopen = (FILE * (*)(const char *, const char *))
			dlsym(RTLD_NEXT, "fopen");
	return real_fopen ? real_fopen(path, mode) : NULL;
}

SHIM_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	return fopen(path, mode);
}

/* The _FORTIFY_SOURCE entry points: no mode argument. */
SHIM_EXPORT int __open_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags, 0);
}

SHIM_EXPORT int __open64_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags, 0);
}

SHIM_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags, 0);
}

SHIM_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags, 0);
}

/* What stat() shows for a device: a character device, as udev makes it. */
static void device_stat(enum shim_file_type type, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR | 0666;
	st->st_nlink = 1;
	st->st_rdev = makedev(SGX_MISC_MAJOR, type == SHIM_FILE_ENCLAVE ?
						      SGX_ENCLAVE_MINOR :
						      SGX_PROVISION_MINOR);
	st->st_blksize = 4096;
	st->st_ino = 1000 + (ino_t)type;
	st->st_dev = makedev(0, 5);
}

static int do_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	struct shim_file *f;
	int type = device_at(dirfd, path);

	if (type >= 0) {
		device_stat(type, st);
		return 0;
	}
	if ((flags & AT_EMPTY_PATH) && path && !*path &&
	    (f = shim_file_get(dirfd))) {
		device_stat(f->type, st);
		return 0;
	}
	return (int)sys_result(SYS(SYS_newfstatat, dirfd, path, st, flags));
}

SHIM_EXPORT int stat(const char *path, struct stat *st)
{
	return do_fstatat(AT_FDCWD, path, st, 0);
}

SHIM_EXPORT int stat64(const char *path, struct stat64 *st)
{
	return do_fstatat(AT_FDCWD, path, (struct stat *)st, 0);
}

SHIM_EXPORT int lstat(const char *path, struct stat *st)
{
	return do_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

SHIM_EXPORT int lstat64(const char *path, struct stat64 *st)
{
	return do_fstatat(AT_FDCWD, path, (struct stat *)st,
			  AT_SYMLINK_NOFOLLOW);
}

SHIM_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return do_fstatat(dirfd, path, st, flags);
}

SHIM_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st,
			  int flags)
{
	return do_fstatat(dirfd, path, (struct stat *)st, flags);
}

SHIM_EXPORT int fstat(int fd, struct stat *st)
{
	struct shim_file *f = shim_file_get(fd);

	if (f) {
		device_stat(f->type, st);
		return 0;
	}
	return (int)sys_result(SYS(SYS_fstat, fd, st));
}

SHIM_EXPORT int fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

static void device_statx(enum shim_file_type type, struct statx *stx)
{
	struct stat st;

	device_stat(type, &st);
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_mode = (uint16_t)st.st_mode;
	stx->stx_nlink = 1;
	stx->stx_blksize = 4096;
	stx->stx_ino = st.st_ino;
	stx->stx_rdev_major = major(st.st_rdev);
	stx->stx_rdev_minor = minor(st.st_rdev);
	stx->stx_dev_minor = 5;
}

SHIM_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask,
		      struct statx *stx)
{
	struct shim_file *f;
	int type = device_at(dirfd, path);

	if (type >= 0) {
		device_statx(type, stx);
		return 0;
	}
	if ((flags & AT_EMPTY_PATH) && !*path && (f = shim_file_get(dirfd))) {
		device_statx(f->type, stx);
		return 0;
	}
	return (int)sys_result(SYS(SYS_statx, dirfd, path, flags, mask, stx));
}

SHIM_EXPORT int access(const char *path, int amode)
{
	if (device_at(AT_FDCWD, path) >= 0)
		return 0; /* mode 0666: readable and writable by everyone */
	return (int)sys_result(SYS(SYS_faccessat, AT_FDCWD, path, amode));
}

SHIM_EXPORT int faccessat(int dirfd, const char *path, int amode, int flags)
{
	long ret;

	if (device_at(dirfd, path) >= 0)
		return 0;
	ret = SYS(SYS_faccessat2, dirfd, path, amode, flags);
	if (ret == -ENOSYS && !flags) /* kernels before 5.8 */
		ret = SYS(SYS_faccessat, dirfd, path, amode);
	return (int)sys_result(ret);
}

/*
 * Programs built against glibc before 2.33 reach stat through these
 * versioned entry points instead.
 */
SHIM_EXPORT int __xstat(int ver, const char *path, struct stat *st)
{
	(void)ver;
	return do_fstatat(AT_FDCWD, path, st, 0);
}

SHIM_EXPORT int __xstat64(int ver, const char *path, struct stat64 *st)
{
	(void)ver;
	return do_fstatat(AT_FDCWD, path, (struct stat *)st, 0);
}

SHIM_EXPORT int __lxstat(int ver, const char *path, struct stat *st)
{
	(void)ver;
	return do_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

SHIM_EXPORT int __lxstat64(int ver, const char *path, struct stat64 *st)
{
	(void)ver;
	return do_fstatat(AT_FDCWD, path, (struct stat *)st,
			  AT_SYMLINK_NOFOLLOW);
}

SHIM_EXPORT int __fxstat(int ver, int fd, struct stat *st)
{
	(void)ver;
	return fstat(fd, st);
}

SHIM_EXPORT int __fxstat64(int ver, int fd, struct stat64 *st)
{
	(void)ver;
	return fstat(fd, (struct stat *)st);
}

SHIM_EXPORT int __fxstatat(int ver, int dirfd, const char *path,
			   struct stat *st, int flags)
{
	(void)ver;
	return do_fstatat(dirfd, path, st, flags);
}

SHIM_EXPORT int __fxstatat64(int ver, int dirfd, const char *path,
			     struct stat64 *st, int flags)
{
	(void)ver;
	return do_fstatat(dirfd, path, (struct stat *)st, flags);
}

SHIM_EXPORT int close(int fd)
{
	long ret = SYS(SYS_close, fd);

	/* Linux releases the descriptor even when close reports an error. */
	if (ret == 0 || ret == -EINTR || ret == -EIO)
		fd_forget(fd);
	return (int)sys_result(ret);
}

/*
 * The C library closes without its public close() in fclose() and
 * closefrom(): forget softsgx's descriptors there too, so that no stale
 * entry is left for the number's next file.
 */
SHIM_EXPORT int fclose(FILE *stream)
{
	static int (*real_fclose)(FILE *);
	int fd = stream ? fileno(stream) : -1;

	if (!real_fclose)
		real_fclose = (int (*)(FILE *))dlsym(RTLD_NEXT, "fclose");
	if (!real_fclose) {
		errno = ENOSYS;
		return EOF;
	}
	if (fd >= 0)
		fd_forget(fd);
	return real_fclose(stream);
}

static void forget_range(unsigned int first, unsigned int last)
{
	for (unsigned int fd = first; fd <= last && fd < SHIM_MAX_FD; fd++)
		fd_forget((int)fd);
}

SHIM_EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	long ret = SYS(SYS_close_range, first, last, flags);

	if (ret == 0 && !(flags & CLOSE_RANGE_CLOEXEC))
		forget_range(first, last);
	return (int)sys_result(ret);
}

SHIM_EXPORT void closefrom(int lowfd)
{
	static void (*real_closefrom)(int);

	if (!real_closefrom)
		real_closefrom = (void (*)(int))dlsym(RTLD_NEXT, "closefrom");
	if (real_closefrom)
		real_closefrom(lowfd);
	if (lowfd >= 0)
		forget_range((unsigned int)lowfd, SHIM_MAX_FD - 1);
}

/* A new descriptor for the same file description. */
static int dup_result(int oldfd, long newfd)
{
	struct shim_file *f = shim_file_get(oldfd);

	if (newfd < 0)
		return (int)sys_result(newfd);
	if (newfd >= SHIM_MAX_FD)
		return (int)newfd;
	if (f && (int)newfd != oldfd)
		fd_install((int)newfd, f);
	else if (!f)
		fd_forget((int)newfd);
	return (int)newfd;
}

SHIM_EXPORT int dup(int oldfd)
{
	return dup_result(oldfd, SYS(SYS_dup, oldfd));
}

SHIM_EXPORT int dup2(int oldfd, int newfd)
{
	return dup_result(oldfd, SYS(SYS_dup2, oldfd, newfd));
}

SHIM_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	return dup_result(oldfd, SYS(SYS_dup3, oldfd, newfd, flags));
}

static int do_fcntl(int fd, int cmd, unsigned long arg)
{
	long ret = SYS(SYS_fcntl, fd, cmd, arg);
	struct shim_file *f;

	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return dup_result(fd, ret);
	/* An enclave's stand-in is read-only (device_open): say how opened. */
	if (cmd == F_GETFL && ret >= 0 && (f = shim_file_get(fd)) &&
	    f->type == SHIM_FILE_ENCLAVE)
		ret = (ret & ~O_ACCMODE) | (f->open_flags & O_ACCMODE);
	return (int)sys_result(ret);
}

SHIM_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	unsigned long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return do_fcntl(fd, cmd, arg);
}

SHIM_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	unsigned long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return do_fcntl(fd, cmd, arg);
}

static int enclave_ioctl(struct shim_file *f, unsigned long request,
			 unsigned long arg)
{
	long ret = sgx_ioctl(f->encl, (unsigned int)request, arg);

	/* Before anything can enter it: EEXIT sites become jumps. */
	if (request == SGX_IOC_ENCLAVE_INIT && !ret)
		shim_eexit_rewrite(f->encl);
	/* Pages may have appeared under existing mappings. */
	if (request == SGX_IOC_ENCLAVE_ADD_PAGES ||
	    request == SGX_IOC_ENCLAVE_INIT ||
	    request == SGX_IOC_ENCLAVE_CREATE)
		shim_mm_refresh(f->encl);
	return ret < 0 ? (int)fail(-ret) : (int)ret;
}

SHIM_EXPORT int ioctl(int fd, unsigned long request, ...)
{
	struct shim_file *f = shim_file_get(fd);
	va_list ap;
	unsigned long arg;

	va_start(ap, request);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (!f)
		return (int)sys_result(SYS(SYS_ioctl, fd, request, arg));
	if (f->type != SHIM_FILE_ENCLAVE)
		return (int)fail(ENOTTY); /* sgx_provision has no ioctls */
	return enclave_ioctl(f, request, arg);
}

static bool is_provision_fd(int fd)
{
	struct shim_file *f = shim_file_get(fd);

	return f && f->type == SHIM_FILE_PROVISION;
}

static struct shim_file *inherited_file(int fd, const char *target)
{
	struct shim_file *f;

	if (!strncmp(target, "/memfd:sgx_provision", 20)) {
		f = calloc(1, sizeof(*f));
		if (f)
			f->type = SHIM_FILE_PROVISION;
	} else if (!strncmp(target, "/memfd:sgx_enclave", 18)) {
		struct sgx_encl *encl = sgx_encl_adopt(fd);

		if (!encl)
			return NULL;
		f = calloc(1, sizeof(*f));
		if (!f) {
			sgx_encl_put(encl);
			return NULL;
		}
		f->type = SHIM_FILE_ENCLAVE;
		f->encl = encl;
	} else {
		return NULL;
	}
	if (f) {
		f->open_flags = O_RDWR;
		atomic_init(&f->refs, 0);
	}
	return f;
}

/*
 * Device descriptors inherited across execve are still the same files:
 * a provision fd carries no state and is recognised by the memfd's name;
 * an enclave fd is the enclave object itself, adopted again.
 */
static void adopt_inherited(void)
{
	char link[64], target[64][64];
	int fds[64], nr = 0;

	/* First find them all: adopting opens descriptors of its own. */
	for (int fd = 0; fd < 1024 && nr < 64; fd++) {
		long n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = SYS(SYS_readlink, link, target[nr], sizeof(target[nr]) - 1);
		if (n <= 0)
			continue;
		target[nr][n] = '\0';
		if (!strncmp(target[nr], "/memfd:sgx_", 11))
			fds[nr++] = fd;
	}
	for (int i = 0; i < nr; i++) {
		struct shim_file *f = inherited_file(fds[i], target[i]);

		if (f) {
			file_identify(f, fds[i]);
			fd_install(fds[i], f);
		}
	}
}

void shim_files_init(void)
{
	sgx_driver_set_provision_check(is_provision_fd);
	adopt_inherited();
}

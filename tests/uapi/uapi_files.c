// SPDX-License-Identifier: MIT
/*
 * The SGX device files through libc, as programs reach them (spec
 * linux-sgx-uapi §1): every open entry point (open, open64, openat,
 * fortified __open_2/__openat_2) and the /dev/sgx/ compatibility names;
 * stat, lstat, fstat, fstatat, statx, access, faccessat report a character
 * device; dup, dup2, dup3 and fcntl(F_DUPFD[_CLOEXEC]) give descriptors of
 * the same enclave; O_CLOEXEC is honoured across execve; a forked child's
 * ioctl acts on the parent's enclave.
 *
 * Usage: uapi_files (the program re-executes itself for the execve check).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "uapi.h"
#include "uapi_files.h"

#define ENCLAVE "/dev/sgx_enclave"
#define PROVISION "/dev/sgx_provision"
#define SIZE 0x10000UL
#define MISC_MAJOR 10

static uint8_t *src_page;

/* A fresh enclave: INIT fails on state (EINVAL) before reading its arg. */
static int fresh_errno(int fd)
{
	return ioctl(fd, SGX_IOC_ENCLAVE_INIT, NULL) ? errno : 0;
}

static bool is_fresh_enclave(int fd)
{
	return fresh_errno(fd) == EINVAL;
}

/* PROVISION accepts only /dev/sgx_provision descriptors. */
static bool is_provision(int prov)
{
	struct sgx_enclave_provision p = { .fd = (uint64_t)prov };
	int fd = uapi_open_enclave();
	bool ok = ioctl(fd, SGX_IOC_ENCLAVE_PROVISION, &p) == 0;

	close(fd);
	return ok;
}

static int create(int fd)
{
	return uapi_create_raw(fd, SIZE, 1, uapi_reserve(SIZE, 0),
			       SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG);
}

/* ADD_PAGES of one RW page: 0, or EBUSY if the enclave already has it. */
static int add_page_errno(int fd, uint64_t offset)
{
	struct sgx_secinfo secinfo __attribute__((aligned(64))) = {
		.flags = SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W
	};
	struct sgx_enclave_add_pages a = {
		.src = (uint64_t)src_page,
		.offset = offset,
		.length = UAPI_PAGE,
		.secinfo = (uint64_t)&secinfo,
	};

	return ioctl(fd, SGX_IOC_ENCLAVE_ADD_PAGES, &a) ? errno : 0;
}

/* --- open ------------------------------------------------------------------ */

/*
 * fd must be a new enclave; it is closed. bug, if not NULL, names a known
 * bug that makes this case fail (reported as a skip).
 */
static void check_opened(int fd, int err, const char *what, const char *bug)
{
	bool ok = fd >= 0 && is_fresh_enclave(fd);
	const char *why = strerror(fd < 0 ? err : fresh_errno(fd));

	if (bug)
		uapi_known_bug(ok, bug, "%s -> a new enclave (%s)", what, why);
	else
		uapi_check(ok, "%s -> a new enclave (%s)", what, why);
	if (fd >= 0)
		close(fd);
}

#define CHECK_OPEN(expr, what, bug)                     \
	do {                                            \
		int fd_ = (expr), err_ = errno;         \
		check_opened(fd_, err_, (what), (bug)); \
	} while (0)

/* stdio opens through glibc's internal open, which a preload cannot see. */
static void test_fopen(void)
{
	FILE *f = fopen(ENCLAVE, "r+");

	CHECK_OPEN(f ? dup(fileno(f)) : -1, "fopen(/dev/sgx_enclave, r+)",
		   NULL);
	if (f)
		fclose(f);
}

static void test_open_entry_points(void)
{
	int dev = open("/dev", O_RDONLY | O_DIRECTORY);

	CHECK_OPEN(open(ENCLAVE, O_RDWR), "open(/dev/sgx_enclave)", NULL);
	CHECK_OPEN(open64(ENCLAVE, O_RDWR), "open64(/dev/sgx_enclave)", NULL);
	CHECK_OPEN(openat(AT_FDCWD, ENCLAVE, O_RDWR),
		   "openat(AT_FDCWD, /dev/sgx_enclave)", NULL);
	CHECK_OPEN(openat64(AT_FDCWD, ENCLAVE, O_RDWR),
		   "openat64(AT_FDCWD, /dev/sgx_enclave)", NULL);
	CHECK_OPEN(uapi_fortified_open(ENCLAVE, O_RDWR),
		   "__open_2(/dev/sgx_enclave) (fortified open)", NULL);
	CHECK_OPEN(uapi_fortified_openat(AT_FDCWD, ENCLAVE, O_RDWR),
		   "__openat_2(AT_FDCWD, /dev/sgx_enclave) (fortified openat)",
		   NULL);
	CHECK_OPEN(open("/dev/sgx/enclave", O_RDWR), "open(/dev/sgx/enclave)",
		   NULL);
	CHECK_OPEN(open("/dev//sgx_enclave", O_RDWR), "open(/dev//sgx_enclave)",
		   NULL);
	CHECK_OPEN(open("/dev/./sgx_enclave", O_RDWR),
		   "open(/dev/./sgx_enclave)", NULL);
	CHECK_OPEN(openat(dev, "sgx_enclave", O_RDWR),
		   "openat(fd of /dev, sgx_enclave)", NULL);
	close(dev);
	test_fopen();
}

static void test_open_flags(void)
{
	int fd = open(ENCLAVE, O_RDWR | O_CLOEXEC), p;

	uapi_check(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC,
		   "open(O_CLOEXEC): FD_CLOEXEC set");
	uapi_check(fd >= 0 && fcntl(fd, F_GETFL) >= 0 &&
			   (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR,
		   "open(O_RDWR): F_GETFL says O_RDWR");
	close(fd);
	fd = open(ENCLAVE, O_RDONLY);
	uapi_check(fd >= 0 && is_fresh_enclave(fd),
		   "open(O_RDONLY): the driver checks no open mode");
	/* MAP_SHARED + PROT_WRITE needs a writable fd (generic mm rule). */
	p = mmap(NULL, UAPI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
			    MAP_FAILED ?
		    errno :
		    0;
	uapi_check(p == EACCES, "mmap RW of an O_RDONLY fd -> EACCES (%s)",
		   strerror(p));
	close(fd);
	EXPECT_ERR(open(ENCLAVE, O_RDWR | O_DIRECTORY), ENOTDIR,
		   "open(O_DIRECTORY)");
	fd = open(PROVISION, O_RDWR);
	uapi_check(fd >= 0 && is_provision(fd), "open(/dev/sgx_provision)");
	close(fd);
	fd = open("/dev/sgx/provision", O_RDONLY);
	uapi_check(fd >= 0 && is_provision(fd), "open(/dev/sgx/provision)");
	close(fd);
}

/* Each open is a new enclave (§1.3). */
/*
 * The driver has no write: write() and ftruncate() on an enclave fd fail
 * (EINVAL upstream; softsgx's descriptor is read-only, EBADF/EINVAL) and
 * leave the enclave as it was.
 */
static void test_write_refused(void)
{
	int fd = uapi_open_enclave();
	char junk[64];

	memset(junk, 0xA5, sizeof(junk));
	uapi_check(write(fd, junk, sizeof(junk)) == -1,
		   "write() on an enclave fd fails (%s)", strerror(errno));
	uapi_check(ftruncate(fd, 0) == -1,
		   "ftruncate() on an enclave fd fails (%s)", strerror(errno));
	uapi_check(is_fresh_enclave(fd),
		   "the enclave is still a fresh enclave after them");
	close(fd);
}

static void test_open_new_enclave(void)
{
	int a = uapi_open_enclave(), b = uapi_open_enclave();

	EXPECT_OK(create(a), "CREATE on a first open");
	EXPECT_OK(create(b), "CREATE on a second open: another enclave");
	close(a);
	close(b);
}

/* --- stat --------------------------------------------------------------- */

static void check_stat(int ret, const struct stat *st, const char *what,
		       const char *path)
{
	uapi_check(ret == 0 && S_ISCHR(st->st_mode) &&
			   major(st->st_rdev) == MISC_MAJOR,
		   "%s(%s): character device, misc major %d (mode 0%o rdev "
		   "%u:%u)",
		   what, path, MISC_MAJOR, ret ? 0 : st->st_mode,
		   ret ? 0 : major(st->st_rdev), ret ? 0 : minor(st->st_rdev));
}

static void stat_path(const char *path)
{
	struct stat st;
	struct stat64 st64;
	struct statx stx;
	int ret;

	check_stat(stat(path, &st), &st, "stat", path);
	check_stat(lstat(path, &st), &st, "lstat", path);
	check_stat(fstatat(AT_FDCWD, path, &st, 0), &st, "fstatat", path);
	ret = stat64(path, &st64);
	uapi_check(ret == 0 && S_ISCHR(st64.st_mode),
		   "stat64(%s): character "
		   "device",
		   path);
	ret = statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx);
	uapi_check(ret == 0 && S_ISCHR(stx.stx_mode) &&
			   stx.stx_rdev_major == MISC_MAJOR,
		   "statx(%s): character device", path);
	ret = access(path, R_OK | W_OK);
	uapi_check(ret == 0, "access(%s, R_OK | W_OK) -> 0", path);
	ret = faccessat(AT_FDCWD, path, R_OK | W_OK, 0);
	uapi_check(ret == 0, "faccessat(%s, R_OK | W_OK) -> 0", path);
}

static void stat_fd(const char *path)
{
	int fd = open(path, O_RDWR);
	struct stat st, by_path;
	struct statx stx;
	int ret;

	check_stat(fstat(fd, &st), &st, "fstat", path);
	stat(path, &by_path);
	uapi_check(st.st_rdev == by_path.st_rdev,
		   "fstat(%s) and stat agree on the device", path);
	check_stat(fstatat(fd, "", &st, AT_EMPTY_PATH), &st,
		   "fstatat(AT_EMPTY_PATH)", path);
	ret = statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx);
	uapi_check(ret == 0 && S_ISCHR(stx.stx_mode),
		   "statx(AT_EMPTY_PATH) of %s: character device", path);
	close(fd);
}

static void test_stat(void)
{
	struct stat e, p;

	stat_path(ENCLAVE);
	stat_path(PROVISION);
	stat_path("/dev/sgx/enclave");
	stat_fd(ENCLAVE);
	stat_fd(PROVISION);
	stat(ENCLAVE, &e);
	stat(PROVISION, &p);
	uapi_check(e.st_rdev != p.st_rdev,
		   "sgx_enclave and sgx_provision are different devices");
}

/* --- dup ------------------------------------------------------------------ */

/* copy must refer to the enclave of orig: a page added through one is
 * already present for the other. */
static void check_same_enclave(int orig, int copy, uint64_t off,
			       const char *what)
{
	int e1 = add_page_errno(copy, off), e2 = add_page_errno(orig, off);

	uapi_check(copy >= 0 && e1 == 0 && e2 == EBUSY,
		   "%s: ADD_PAGES through it (%s), then the same page through "
		   "the original -> EBUSY (%s)",
		   what, strerror(e1), strerror(e2));
}

static void test_dup(void)
{
	int fd = uapi_open_enclave(), d[5];

	create(fd);
	d[0] = dup(fd);
	d[1] = dup2(fd, 100);
	d[2] = dup3(fd, 101, O_CLOEXEC);
	d[3] = fcntl(fd, F_DUPFD, 200);
	d[4] = fcntl(fd, F_DUPFD_CLOEXEC, 300);
	uapi_check(d[1] == 100 && d[2] == 101 && d[3] >= 200 && d[4] >= 300,
		   "dup2/dup3/F_DUPFD honour the requested numbers");
	uapi_check(fcntl(d[2], F_GETFD) == FD_CLOEXEC &&
			   fcntl(d[4], F_GETFD) == FD_CLOEXEC &&
			   fcntl(d[0], F_GETFD) == 0,
		   "dup3(O_CLOEXEC), F_DUPFD_CLOEXEC set FD_CLOEXEC, dup not");
	check_same_enclave(fd, d[0], 0x0000, "dup");
	check_same_enclave(fd, d[1], 0x1000, "dup2");
	check_same_enclave(fd, d[2], 0x2000, "dup3");
	check_same_enclave(fd, d[3], 0x3000, "fcntl(F_DUPFD)");
	check_same_enclave(fd, d[4], 0x4000, "fcntl(F_DUPFD_CLOEXEC)");
	close(fd);
	check_same_enclave(d[1], d[0], 0x5000,
			   "dup after closing the original");
	for (int i = 0; i < 5; i++)
		close(d[i]);
}

/* dup2 onto a descriptor replaces what it was, enclave or not. */
static void test_dup2_replace(void)
{
	int encl = uapi_open_enclave(), prov = open(PROVISION, O_RDWR);
	int null = open("/dev/null", O_RDWR), fd = uapi_open_enclave();

	uapi_check(dup2(prov, fd) == fd && is_provision(fd),
		   "dup2(provision fd, enclave fd): now a provision fd");
	EXPECT_ERR(ioctl(fd, SGX_IOC_ENCLAVE_INIT, NULL), ENOTTY,
		   "ioctl on it: provision fds have none");
	uapi_check(dup2(null, fd) == fd && fresh_errno(fd) == ENOTTY,
		   "dup2(/dev/null, it): ioctl -> ENOTTY (%s)",
		   strerror(fresh_errno(fd)));
	uapi_check(dup2(encl, fd) == fd && is_fresh_enclave(fd),
		   "dup2(enclave fd, it): an enclave again");
	uapi_check(dup2(fd, fd) == fd && is_fresh_enclave(fd),
		   "dup2(fd, fd): unchanged");
	close(fd);
	uapi_check(is_fresh_enclave(encl),
		   "the original enclave fd still works");
	close(encl);
	close(prov);
	close(null);
}

/* --- execve and O_CLOEXEC ------------------------------------------------ */

static void exec_check_gone(int fd, const char *what)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	uapi_check(access(path, F_OK) && errno == ENOENT &&
			   fcntl(fd, F_GETFD) == -1 && errno == EBADF,
		   "after execve: %s (fd %d) is closed", what, fd);
}

/* In the new image: what execve kept and closed. */
static int exec_check(char **argv)
{
	int keep = atoi(argv[0]), prov = atoi(argv[1]), err;
	const char *names[] = { "open(O_CLOEXEC)", "dup3(O_CLOEXEC)",
				"fcntl(F_DUPFD_CLOEXEC)" };
	char path[64];

	for (int i = 0; i < 3; i++)
		exec_check_gone(atoi(argv[2 + i]), names[i]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", keep);
	uapi_check(!access(path, F_OK),
		   "after execve: the enclave fd without "
		   "O_CLOEXEC (fd %d) is open",
		   keep);
	/* Still the same file description: a new, empty enclave. */
	err = fresh_errno(keep);
	uapi_known_bug(err == EINVAL,
		       "an enclave fd inherited across execve is no longer "
		       "an enclave",
		       "after execve: it is still the enclave (INIT: %s, want "
		       "EINVAL)",
		       strerror(err));
	uapi_known_bug(is_provision(prov),
		       "an inherited /dev/sgx_provision fd is not accepted "
		       "by PROVISION after execve",
		       "after execve: the provision fd still works");
	fflush(stdout);
	return 0;
}

static int exec_child(void *arg)
{
	char a[5][16], *args[9] = { (char *)arg, "--exec-check" };
	int fds[5];

	fds[0] = open(ENCLAVE, O_RDWR);
	fds[1] = open(PROVISION, O_RDWR);
	fds[2] = open(ENCLAVE, O_RDWR | O_CLOEXEC);
	fds[3] = dup3(fds[0], 150, O_CLOEXEC);
	fds[4] = fcntl(fds[0], F_DUPFD_CLOEXEC, 160);
	for (int i = 0; i < 5; i++) {
		snprintf(a[i], sizeof(a[i]), "%d", fds[i]);
		args[2 + i] = a[i];
	}
	args[7] = NULL;
	fflush(stdout);
	execv("/proc/self/exe", args);
	printf("FAIL: execve(/proc/self/exe): %s\n", strerror(errno));
	return 1;
}

/* --- fork ------------------------------------------------------------------ */

static int fork_child(void *arg)
{
	int fd = *(int *)arg, err;

	err = add_page_errno(fd, 0x1000);
	printf("%s: fork: child: page added by the parent before fork -> "
	       "EBUSY (%s)\n",
	       err == EBUSY ? "PASS" : "FAIL", strerror(err));
	err = add_page_errno(fd, 0x2000);
	printf("%s: fork: child: ADD_PAGES of a new page -> 0 (%s)\n",
	       err == 0 ? "PASS" : "FAIL", strerror(err));
	return 0;
}

/*
 * In a process of its own: while a child's ioctls reach a private copy of
 * the enclave (known bug), its EADD still counts in the SECS the parent
 * shares, so the parent's release cannot EREMOVE it and leaks.
 */
static int fork_parent(void *arg)
{
	int fd = uapi_open_enclave(), err;

	(void)arg;
	create(fd);
	add_page_errno(fd, 0x1000);
	uapi_run_child("fork", fork_child, &fd);
	/* The child added 0x2000 to the same enclave. */
	err = add_page_errno(fd, 0x2000);
	uapi_known_bug(err == EBUSY,
		       "a forked child's ioctls change a private copy of the "
		       "enclave (and the parent's release then fails to "
		       "EREMOVE its SECS)",
		       "fork: the child's page is in the parent's enclave "
		       "(ADD_PAGES: %s, want EBUSY)",
		       strerror(err));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	src_page = mmap(NULL, UAPI_PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (argc == 7 && !strcmp(argv[1], "--exec-check"))
		return exec_check(argv + 2);
	test_open_entry_points();
	test_open_flags();
	test_write_refused();
	test_open_new_enclave();
	test_stat();
	test_dup();
	test_dup2_replace();
	uapi_run_child("execve", exec_child, argv[0]);
	uapi_run_child("fork test", fork_parent, NULL);
	return uapi_finish("uapi_files");
}

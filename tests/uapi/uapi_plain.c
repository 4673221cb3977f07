// SPDX-License-Identifier: MIT
/*
 * Ordinary files and memory through the libc calls libsoftsgx.so
 * interposes (open, stat and friends, mmap, mprotect, munmap, mremap,
 * madvise, ioctl, dup, fcntl, close). The program prints what each call
 * returned, descriptor numbers and errno names included, but nothing that
 * changes from run to run (addresses, inode numbers, times); compare.sh
 * runs it with and without `softsgx run` and the transcripts must match.
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
#include <termios.h>
#include <unistd.h>

#include "uapi.h"

#define PAGE UAPI_PAGE

static const char *result(long ret, int err)
{
	static char buf[64];

	if (ret != -1)
		snprintf(buf, sizeof(buf), "%ld", ret);
	else
		snprintf(buf, sizeof(buf), "-1 %s", strerrorname_np(err));
	return buf;
}

/* One line: the call's name, its return value or errno name. */
#define SHOW(name, expr)                                      \
	do {                                                  \
		long r_ = (long)(expr);                       \
		int e_ = errno;                               \
		printf("%s -> %s\n", (name), result(r_, e_)); \
	} while (0)

/* For calls returning a pointer: 0 for success (addresses vary). */
#define SHOW_PTR(name, expr)                                   \
	do {                                                   \
		void *p_ = (expr);                             \
		int e_ = errno;                                \
		printf("%s -> %s\n", (name),                   \
		       result(p_ == MAP_FAILED ? -1 : 0, e_)); \
	} while (0)

static const char *fault_name(struct uapi_fault f)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s code %d",
		 f.sig ? strsignal(f.sig) : "no signal", f.code);
	return buf;
}

static void show_access(const char *name, void *addr, bool write)
{
	printf("%s %s -> %s\n", name, write ? "write" : "read",
	       fault_name(uapi_probe(addr, write)));
}

static void show_stat(const char *name, int ret, const struct stat *st)
{
	if (ret)
		printf("%s -> -1 %s\n", name, strerrorname_np(errno));
	else
		printf("%s -> 0 mode 0%o size %lld nlink %lu\n", name,
		       st->st_mode, (long long)st->st_size,
		       (unsigned long)st->st_nlink);
}

static int count_fds(void)
{
	char path[64];
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += !access(path, F_OK);
	}
	return n;
}

/* --- files ---------------------------------------------------------------- */

static int test_open(void)
{
	static char buf[3 * PAGE];
	int fd, other, dirfd = open(".", O_RDONLY | O_DIRECTORY);

	printf("open(.) -> fd %d\n", dirfd);
	unlink("plain-file");
	fd = open("plain-file", O_CREAT | O_RDWR | O_TRUNC, 0640);
	printf("open(O_CREAT) -> fd %d\n", fd);
	SHOW("write 3 pages",
	     write(fd, memset(buf, 'a', sizeof(buf)), sizeof(buf)));
	SHOW("open missing", open("plain-missing", O_RDONLY));
	SHOW("open O_DIRECTORY of a file",
	     open("plain-file", O_RDONLY | O_DIRECTORY));
	SHOW("open O_CREAT|O_EXCL existing",
	     open("plain-file", O_CREAT | O_EXCL | O_RDWR, 0600));
	SHOW("openat relative", other = openat(dirfd, "plain-file", O_RDONLY));
	SHOW("close", close(other));
	SHOW("close again", close(other));
	SHOW("open64", other = open64("plain-file", O_RDONLY));
	close(other);
	close(dirfd);
	symlink("plain-file", "plain-link");
	return fd;
}

static void test_stat(int fd)
{
	struct stat st, st2;
	struct statx stx;

	show_stat("stat", stat("plain-file", &st), &st);
	show_stat("lstat of a symlink", lstat("plain-link", &st), &st);
	show_stat("stat of a symlink", stat("plain-link", &st), &st);
	show_stat("fstat", fstat(fd, &st), &st);
	stat("plain-file", &st2);
	printf("fstat and stat: same inode %d\n", st.st_ino == st2.st_ino);
	show_stat("fstatat",
		  fstatat(AT_FDCWD, "plain-link", &st, AT_SYMLINK_NOFOLLOW),
		  &st);
	show_stat("fstatat AT_EMPTY_PATH", fstatat(fd, "", &st, AT_EMPTY_PATH),
		  &st);
	show_stat("stat missing", stat("plain-missing", &st), &st);
	show_stat("stat /dev/null", stat("/dev/null", &st), &st);
	printf("/dev/null rdev %u:%u\n", major(st.st_rdev), minor(st.st_rdev));
	SHOW("statx", statx(AT_FDCWD, "plain-file", 0, STATX_SIZE, &stx));
	printf("statx size %llu\n", (unsigned long long)stx.stx_size);
	SHOW("statx AT_EMPTY_PATH",
	     statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &stx));
	SHOW("access R_OK", access("plain-file", R_OK));
	SHOW("access missing", access("plain-missing", F_OK));
	SHOW("faccessat", faccessat(AT_FDCWD, "plain-file", W_OK, 0));
}

/* --- memory ------------------------------------------------------------- */

static void test_mmap(int fd)
{
	uint8_t *shared =
		mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	uint8_t *priv =
		mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PAGE);
	char c = 0;

	shared[10] = 's';
	priv[20] = 'p';
	SHOW("pread after a shared write", pread(fd, &c, 1, 10));
	printf("byte 10 of the file: %c\n", c);
	SHOW("pread after a private write", pread(fd, &c, 1, PAGE + 20));
	printf("byte 4116 of the file: %c\n", c);
	SHOW_PTR("mmap len 0", mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0));
	SHOW_PTR("mmap bad fd",
		 mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 999, 0));
	SHOW_PTR("mmap unaligned offset",
		 mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 100));
	SHOW_PTR("mmap MAP_FIXED_NOREPLACE over a mapping",
		 mmap(shared, PAGE, PROT_READ,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
		      0));
	SHOW("msync", msync(shared, 2 * PAGE, MS_SYNC));
	SHOW("munmap private", munmap(priv, PAGE));
	SHOW("munmap unaligned", munmap(shared + 1, PAGE));
	SHOW("munmap len 0", munmap(shared, 0));
	SHOW("munmap one page", munmap(shared + PAGE, PAGE));
	show_access("munmapped page", shared + PAGE, false);
	SHOW("munmap shared", munmap(shared, PAGE));
}

static void test_mprotect(void)
{
	uint8_t *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	SHOW("mprotect to R", mprotect(p + PAGE, PAGE, PROT_READ));
	show_access("R page", p + PAGE, true);
	show_access("RW neighbour", p, true);
	SHOW("mprotect unaligned", mprotect(p + 1, PAGE, PROT_READ));
	SHOW("mprotect bad prot", mprotect(p, PAGE, 0x1000));
	SHOW("mprotect to NONE", mprotect(p, PAGE, PROT_NONE));
	show_access("NONE page", p, false);
	munmap(p, 3 * PAGE);
	SHOW("mprotect unmapped", mprotect(p, PAGE, PROT_READ));
}

static void test_mremap(void)
{
	uint8_t *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		*q;

	p[0] = 'm';
	/* Page 2 and 3 are another mapping now: no room to grow. */
	mprotect(p + 2 * PAGE, 2 * PAGE, PROT_READ);
	SHOW_PTR("mremap grow in place, blocked",
		 mremap(p, 2 * PAGE, 3 * PAGE, 0));
	q = mremap(p, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
	printf("mremap grow, may move -> %s, content kept %d\n",
	       q == MAP_FAILED ? "failed" : "ok",
	       q != MAP_FAILED && q[0] == 'm');
	SHOW_PTR("mremap MREMAP_FIXED without MAYMOVE",
		 mremap(q, PAGE, PAGE, MREMAP_FIXED, p));
	printf("mremap shrink -> same address %d\n",
	       mremap(q, 8 * PAGE, PAGE, 0) == q);
	show_access("page cut off", q + PAGE, false);
	SHOW_PTR("mremap unmapped", mremap(q + 4 * PAGE, PAGE, 2 * PAGE, 0));
	munmap(q, PAGE);
	munmap(p + 2 * PAGE, 2 * PAGE);
}

static void test_madvise(int fd)
{
	uint8_t *anon = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *file = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);

	anon[0] = 'x';
	SHOW("madvise DONTNEED anonymous", madvise(anon, PAGE, MADV_DONTNEED));
	printf("anonymous page after DONTNEED: %d\n", anon[0]);
	SHOW("madvise DONTNEED file", madvise(file, PAGE, MADV_DONTNEED));
	printf("file page after DONTNEED: %c\n", file[10]);
	SHOW("madvise WILLNEED", madvise(file, PAGE, MADV_WILLNEED));
	SHOW("madvise bad advice", madvise(anon, PAGE, 9999));
	SHOW("madvise unaligned", madvise(anon + 1, PAGE, MADV_NORMAL));
	munmap(anon, PAGE);
	munmap(file, PAGE);
}

/* --- ioctl, dup, fcntl ------------------------------------------------------- */

static void test_ioctl(int fd)
{
	int pipefd[2], n = 0;
	struct termios t;

	SHOW("pipe", pipe(pipefd));
	printf("pipe fds %d %d\n", pipefd[0], pipefd[1]);
	SHOW("write to pipe", write(pipefd[1], "hello", 5));
	SHOW("ioctl FIONREAD", ioctl(pipefd[0], FIONREAD, &n));
	printf("FIONREAD says %d\n", n);
	n = 1;
	SHOW("ioctl FIONBIO", ioctl(pipefd[0], FIONBIO, &n));
	printf("O_NONBLOCK now %d\n",
	       !!(fcntl(pipefd[0], F_GETFL) & O_NONBLOCK));
	SHOW("ioctl FIOCLEX", ioctl(pipefd[0], FIOCLEX));
	printf("FD_CLOEXEC now %d\n", fcntl(pipefd[0], F_GETFD));
	SHOW("ioctl TCGETS on a file", ioctl(fd, TCGETS, &t));
	SHOW("ioctl on a bad fd", ioctl(999, FIONREAD, &n));
	close(pipefd[0]);
	close(pipefd[1]);
}

static void test_dup(int fd)
{
	int d;

	SHOW("dup", d = dup(fd));
	SHOW("dup2 to 50", dup2(fd, 50));
	SHOW("dup2 to itself", dup2(fd, fd));
	SHOW("dup3 to itself", dup3(fd, fd, 0));
	SHOW("dup3 bad flags", dup3(fd, 51, 12345));
	SHOW("dup3 O_CLOEXEC", dup3(fd, 52, O_CLOEXEC));
	printf("FD_CLOEXEC of 52: %d\n", fcntl(52, F_GETFD));
	SHOW("fcntl F_DUPFD 60", fcntl(fd, F_DUPFD, 60));
	SHOW("fcntl F_DUPFD_CLOEXEC 70", fcntl(fd, F_DUPFD_CLOEXEC, 70));
	SHOW("fcntl F_GETFL", fcntl(fd, F_GETFL) & O_ACCMODE);
	SHOW("dup of a bad fd", dup(999));
	SHOW("fcntl F_GETFD bad fd", fcntl(999, F_GETFD));
	for (int i = 50; i < 71; i++)
		close(i);
	close(d);
}

int main(void)
{
	int fd;

	printf("descriptors open at start: %d\n", count_fds());
	fd = test_open();
	test_stat(fd);
	test_mmap(fd);
	test_mprotect();
	test_mremap();
	test_madvise(fd);
	test_ioctl(fd);
	test_dup(fd);
	close(fd);
	unlink("plain-file");
	unlink("plain-link");
	printf("descriptors open at the end: %d\n", count_fds());
	return 0;
}

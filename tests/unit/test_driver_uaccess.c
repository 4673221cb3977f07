// SPDX-License-Identifier: MIT
/*
 * driver/uaccess: copies to and from addresses of our own process fail
 * with -EFAULT, never a crash, for unmapped, PROT_NONE, read-only (for
 * writes), straddling and non-user addresses; the same holds through the
 * /proc/self/mem fallback, forced and under a seccomp filter that refuses
 * process_vm_readv/writev. The VMA query reports protections, files
 * (names with spaces, unlinked files, memfds) and VM_MAYEXEC, which a
 * noexec mount clears.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "drvtest.h"
#include "testlib.h"
#include "driver/uaccess.h"

#define CHECK(n, cond)            \
	do {                      \
		if (!(cond)) {    \
			ret = n;  \
			goto out; \
		}                 \
	} while (0)

/*
 * Every copy case, numbered; returns 0 or the number of the first failing
 * case. No cmocka asserts: it also runs in forked children.
 */
static int check_copies(void)
{
	uint8_t *rw = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *none =
		mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static uint8_t buf[2 * PAGE];
	unsigned long r, o, n;
	int ret = 0;

	if (rw == MAP_FAILED || ro == MAP_FAILED || none == MAP_FAILED)
		return 100;
	r = (uintptr_t)rw;
	o = (uintptr_t)ro;
	n = (uintptr_t)none;
	for (size_t i = 0; i < PAGE; i++) {
		rw[i] = (uint8_t)(i * 7);
		ro[i] = 0x5a;
	}
	mprotect(ro, PAGE, PROT_READ);

	CHECK(1, !copy_from_user(buf, r, PAGE) && !memcmp(buf, rw, PAGE));
	CHECK(2, !copy_to_user(r + PAGE, buf, PAGE) &&
			 !memcmp(rw + PAGE, rw, PAGE));
	CHECK(3, !copy_from_user(buf, o, PAGE) && buf[0] == 0x5a);
	CHECK(4, copy_to_user(o, rw, 16) == -EFAULT);
	CHECK(5, ro[0] == 0x5a); /* /proc/self/mem could have written it */
	CHECK(6, copy_from_user(buf, n, 1) == -EFAULT);
	CHECK(7, copy_to_user(n, buf, 1) == -EFAULT);
	CHECK(8, copy_from_user(buf, drvtest_unmapped(), 8) == -EFAULT);
	CHECK(9, copy_to_user(drvtest_unmapped(), buf, 8) == -EFAULT);
	CHECK(10, copy_from_user(buf, 0, 8) == -EFAULT);
	CHECK(11, copy_from_user(buf, 0xffff800000000000UL, 8) == -EFAULT);
	CHECK(12, copy_from_user(buf, ULONG_MAX - 3, 8) == -EFAULT);
	CHECK(13, copy_to_user(ULONG_MAX - 3, buf, 8) == -EFAULT);
	CHECK(14, copy_from_user(buf, drvtest_unmapped(), 0) == 0);

	/* A range that runs from a good page into a bad one. */
	mprotect(rw + PAGE, PAGE, PROT_NONE);
	CHECK(15, copy_from_user(buf, r + PAGE - 100, 200) == -EFAULT);
	CHECK(16, copy_to_user(r + PAGE - 100, buf, 200) == -EFAULT);
	CHECK(17, !copy_from_user(buf, r + PAGE - 200, 200));
	mprotect(rw + PAGE, PAGE, PROT_READ);
	CHECK(18, copy_to_user(r + PAGE - 100, buf, 200) == -EFAULT);
	CHECK(19, !copy_from_user(buf, r, 2 * PAGE));
	munmap(rw + PAGE, PAGE);
	CHECK(20, copy_from_user(buf, r + PAGE - 1, 2) == -EFAULT);
	CHECK(21, copy_from_user(buf, r + PAGE, 1) == -EFAULT);
out:
	munmap(rw, 2 * PAGE);
	munmap(ro, PAGE);
	munmap(none, PAGE);
	return ret;
}

static void test_copy_process_vm(void **state)
{
	(void)state;
	sgx_uaccess_set_mode(SGX_UACCESS_AUTO);
	assert_int_equal(check_copies(), 0);
}

static void test_copy_proc_mem(void **state)
{
	(void)state;
	sgx_uaccess_set_mode(SGX_UACCESS_PROC_MEM);
	assert_int_equal(check_copies(), 0);
	sgx_uaccess_set_mode(SGX_UACCESS_AUTO);
}

/* Refuse process_vm_readv/writev with EPERM, as a container profile might. */
static int install_filter(void)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_readv, 2,
			 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_writev, 1,
			 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = { sizeof(filter) / sizeof(filter[0]), filter };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return -1;
	return 0;
}

static int seccomp_child(void)
{
	struct iovec a = { &a, 1 }, b = { &b, 1 };

	if (install_filter())
		return 77;
	/* The filter works: the direct path is refused. */
	if (process_vm_readv(getpid(), &a, 1, &b, 1, 0) != -1 || errno != EPERM)
		return 101;
	return check_copies();
}

static void test_copy_under_seccomp(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(seccomp_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		print_message("seccomp filters unavailable: skipping\n");
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_vma_anon(void **state)
{
	uint8_t *p = drvtest_map(3, PROT_READ | PROT_WRITE);
	struct sgx_vma_info info;

	(void)state;
	mprotect(p + PAGE, PAGE, PROT_NONE);
	assert_int_equal(sgx_vma_lookup((uintptr_t)p + 10, &info), 0);
	assert_int_equal(info.start, (uintptr_t)p);
	assert_int_equal(info.end, (uintptr_t)p + PAGE);
	assert_int_equal(info.prot, PROT_READ | PROT_WRITE);
	assert_false(info.shared);
	assert_false(info.file);
	assert_true(info.may_exec);
	assert_string_equal(info.path, "");

	assert_int_equal(sgx_vma_lookup((uintptr_t)p + PAGE, &info), 0);
	assert_int_equal(info.prot, 0);
	assert_true(info.may_exec);
	drvtest_unmap(p, 3);
}

/* A hole: lookup says "no VMA", find returns the VMA above it. */
static void test_vma_hole(void **state)
{
	uint8_t *p = drvtest_map(3, PROT_READ);
	struct sgx_vma_info info;

	(void)state;
	drvtest_unmap(p + PAGE, 1);
	assert_int_equal(sgx_vma_lookup((uintptr_t)p + PAGE, &info), -EFAULT);
	assert_int_equal(sgx_vma_find((uintptr_t)p + PAGE, &info), 0);
	assert_int_equal(info.start, (uintptr_t)p + 2 * PAGE);
	assert_int_equal(sgx_vma_lookup(drvtest_unmapped(), &info), -EFAULT);
	assert_int_equal(sgx_vma_lookup(0xffff800000000000UL, &info), -EFAULT);
	assert_int_equal(sgx_vma_find(0xffff800000000000UL, &info), -EFAULT);
	drvtest_unmap(p, 1);
	drvtest_unmap(p + 2 * PAGE, 1);
}

static void test_vma_shared_anon_and_memfd(void **state)
{
	struct sgx_vma_info info;
	void *shared, *mem;
	int fd;

	(void)state;
	shared = mmap(NULL, PAGE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(shared != MAP_FAILED);
	assert_int_equal(sgx_vma_lookup((uintptr_t)shared, &info), 0);
	assert_true(info.shared);
	assert_true(info.may_exec);
	munmap(shared, PAGE);

	fd = memfd_create("drv test", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, PAGE), 0);
	mem = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	assert_true(mem != MAP_FAILED);
	assert_int_equal(sgx_vma_lookup((uintptr_t)mem, &info), 0);
	assert_int_equal(info.prot, PROT_READ | PROT_EXEC);
	assert_true(info.file);
	assert_true(info.deleted);
	assert_string_equal(info.path, "/memfd:drv test");
	assert_true(info.may_exec);
	munmap(mem, PAGE);
	close(fd);
}

/* A file whose name has spaces; then the same mapping once unlinked. */
static void test_vma_file_spaces_deleted(void **state)
{
	char path[PATH_MAX];
	struct sgx_vma_info info;
	uint8_t page[PAGE] = { 1 };
	void *p;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/a file  with spaces (deleted) x",
		 drvtest_dir());
	mkdir(drvtest_dir(), 0700);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, page, PAGE), PAGE);
	p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	assert_true(p != MAP_FAILED);

	assert_int_equal(sgx_vma_lookup((uintptr_t)p, &info), 0);
	assert_true(info.file);
	assert_false(info.deleted);
	assert_string_equal(info.path, path);
	assert_true(info.inode != 0);
	assert_true(info.may_exec); /* the test directory allows exec */

	assert_int_equal(unlink(path), 0);
	assert_int_equal(sgx_vma_lookup((uintptr_t)p, &info), 0);
	assert_true(info.deleted);
	assert_string_equal(info.path, path);
	assert_true(info.may_exec);
	munmap(p, PAGE);
	close(fd);
}

static void test_vma_vvar(void **state)
{
	FILE *f = fopen("/proc/self/maps", "re");
	struct sgx_vma_info info;
	unsigned long start = 0;
	char line[512];

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[vvar]") && sscanf(line, "%lx-", &start) == 1)
			break;
	fclose(f);
	if (!start) {
		print_message("no [vvar] mapping: skipping\n");
		skip();
	}
	assert_int_equal(sgx_vma_lookup(start, &info), 0);
	assert_false(info.may_exec);
}

struct mount_expect {
	bool may_exec;
};

static int check_mount_page(void *page, void *arg)
{
	const struct mount_expect *want = arg;
	struct sgx_vma_info info;

	if (sgx_vma_lookup((uintptr_t)page, &info))
		return 1;
	if (!info.file || info.prot != PROT_READ)
		return 2;
	return info.may_exec == want->may_exec ? 0 : 3;
}

static void test_vma_noexec_mount(void **state)
{
	struct mount_expect noexec = { false }, exec = { true };
	int ret;

	(void)state;
	ret = drvtest_with_mount_page(true, check_mount_page, &noexec);
	if (ret == 77) {
		print_message("no noexec tmpfs and cannot mount one: "
			      "skipping\n");
		skip();
	}
	assert_int_equal(ret, 0);
	ret = drvtest_with_mount_page(false, check_mount_page, &exec);
	if (ret != 77)
		assert_int_equal(ret, 0);
}

static void test_parse_size(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(sgx_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(sgx_parse_size("64K", &v), 0);
	assert_int_equal(v, 64 << 10);
	assert_int_equal(sgx_parse_size("128m", &v), 0);
	assert_int_equal(v, 128ULL << 20);
	assert_int_equal(sgx_parse_size("2G", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(sgx_parse_size("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sgx_parse_size("", &v), -EINVAL);
	assert_int_equal(sgx_parse_size("-1", &v), -EINVAL);
	assert_int_equal(sgx_parse_size(" 1", &v), -EINVAL);
	assert_int_equal(sgx_parse_size("1T", &v), -EINVAL);
	assert_int_equal(sgx_parse_size("1KB", &v), -EINVAL);
	assert_int_equal(sgx_parse_size("12x", &v), -EINVAL);
	assert_int_equal(sgx_parse_size("99999999999999999999", &v), -EINVAL);
	assert_int_equal(sgx_parse_size("17179869184G", &v), -EINVAL);
	assert_int_equal(sgx_parse_size(NULL, &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_process_vm),
		cmocka_unit_test(test_copy_proc_mem),
		cmocka_unit_test(test_copy_under_seccomp),
		cmocka_unit_test(test_vma_anon),
		cmocka_unit_test(test_vma_hole),
		cmocka_unit_test(test_vma_shared_anon_and_memfd),
		cmocka_unit_test(test_vma_file_spaces_deleted),
		cmocka_unit_test(test_vma_vvar),
		cmocka_unit_test(test_vma_noexec_mount),
		cmocka_unit_test(test_parse_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * The driver needs no privilege. Run as root, this test drops to an
 * unprivileged user (nobody, no capabilities) in a child process before
 * the driver starts, and then loads a new platform, builds, signs,
 * initialises and releases an enclave, and copies through uaccess. Run as
 * an ordinary user it does the same in-process.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drvtest.h"
#include "testlib.h"
#include "driver/uaccess.h"

#define NOBODY 65534

/* CapEff from /proc/self/status; all ones if it cannot be read. */
static unsigned long long effective_caps(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	unsigned long long caps = ~0ULL;
	char line[256];

	if (!f)
		return caps;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return caps;
}

static void test_unprivileged(void **state)
{
	(void)state;
	assert_true(geteuid() != 0);
	assert_int_equal(effective_caps(), 0);
}

static void test_platform_and_driver(void **state)
{
	struct stat st;
	char path[4200];

	(void)state;
	drvtest_init();
	snprintf(path, sizeof(path), "%s/platform", drvtest_dir());
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, geteuid());
	assert_non_null(sgx_driver_lp());
}

static void test_enclave_lifecycle(void **state)
{
	int fds = drvtest_count_fds();
	struct sgx_encl *encl = sgx_encl_alloc();
	uint8_t mrenclave[SGX_HASH_SIZE], mrsigner[SGX_HASH_SIZE];
	struct sgx_sigstruct *sig = calloc(1, sizeof(*sig));

	(void)state;
	assert_non_null(encl);
	assert_non_null(sig);
	assert_int_equal(drvtest_build_small(encl, 0, mrenclave), 0);
	drvtest_sign(mrenclave, 0, sig, mrsigner);
	assert_int_equal(drvtest_init_encl(encl, sig), 0);
	assert_memory_equal(((struct sgx_secs *)encl->secs)->mrsigner, mrsigner,
			    SGX_HASH_SIZE);
	sgx_encl_put(encl);
	free(sig);
	assert_int_equal(sgx_epc_used_pages(), 0);
	assert_int_equal(drvtest_count_fds(), fds);
}

static void test_uaccess(void **state)
{
	uint8_t *p = drvtest_map(1, PROT_READ), buf[16];

	(void)state;
	assert_int_equal(copy_from_user(buf, (uintptr_t)p, sizeof(buf)), 0);
	assert_int_equal(copy_to_user((uintptr_t)p, buf, sizeof(buf)), -EFAULT);
	sgx_uaccess_set_mode(SGX_UACCESS_PROC_MEM);
	assert_int_equal(copy_from_user(buf, (uintptr_t)p, sizeof(buf)), 0);
	assert_int_equal(copy_to_user((uintptr_t)p, buf, sizeof(buf)), -EFAULT);
	sgx_uaccess_set_mode(SGX_UACCESS_AUTO);
	drvtest_unmap(p, 1);
}

static int run_all(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unprivileged),
		cmocka_unit_test(test_platform_and_driver),
		cmocka_unit_test(test_enclave_lifecycle),
		cmocka_unit_test(test_uaccess),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* As root: a directory nobody owns, and the tests as nobody in a child. */
static int run_as_nobody(void)
{
	const char *tmp = getenv("SOFTSGX_TEST_TMPDIR");
	char dir[4096], platform[4200];
	int status;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/unpriv-%d", tmp && *tmp ? tmp : "/tmp",
		 (int)getpid());
	if (mkdir(dir, 0700) || chown(dir, NOBODY, NOBODY)) {
		perror(dir);
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		/* Leaving uid 0 for good clears every capability. */
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY)) {
			perror("dropping privileges");
			_exit(1);
		}
		/*
		 * A credential change makes the process non-dumpable, and
		 * then /proc/self/mem belongs to root. A process started by
		 * that user would be dumpable.
		 */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		setenv("SOFTSGX_DRVTEST_DIR", dir, 1);
		_exit(run_all() ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	snprintf(platform, sizeof(platform), "%s/platform", dir);
	unlink(platform);
	rmdir(dir);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(void)
{
	return geteuid() == 0 ? run_as_nobody() : run_all();
}

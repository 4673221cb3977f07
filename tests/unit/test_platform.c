// SPDX-License-Identifier: MIT
/*
 * The persisted platform: creation, persistence across loads, per-boot
 * values, refusal of damaged or shared files, path fallbacks, and racing
 * creators. Every test works in its own directory under
 * SOFTSGX_TEST_TMPDIR and removes it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"
#include "arch/keys.h"
#include "arch/secs.h"
#include "driver/platform.h"

#define PATH_LEN 4096

/* snprintf into a PATH_LEN buffer that must not truncate. */
#define fmt(buf, ...) \
	assert_true(snprintf(buf, PATH_LEN, __VA_ARGS__) < PATH_LEN)

struct fixture {
	char dir[PATH_LEN]; /* removed afterwards */
	char path[PATH_LEN]; /* the platform file, in dir/state/ */
	char err[512];
};

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A fresh directory name per test: SOFTSGX_TEST_TMPDIR/platform-<n>-<pid>. */
static int setup(void **state)
{
	static int counter;
	const char *tmp = getenv("SOFTSGX_TEST_TMPDIR");
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	if (!tmp || !*tmp)
		tmp = "/tmp";
	fmt(f->dir, "%s/platform-%d-%d", tmp, ++counter, (int)getpid());
	fmt(f->path, "%s/state/platform", f->dir);
	nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	setenv("SOFTSGX_PLATFORM", f->path, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unsetenv("SOFTSGX_PLATFORM");
	nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void load_ok(struct fixture *f, struct sgx_platform *p)
{
	int ret = sgx_platform_load(p, f->err, sizeof(f->err));

	if (ret)
		fail_msg("sgx_platform_load: %d: %s", ret, f->err);
}

static unsigned int file_mode(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static size_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return (size_t)n;
}

static void write_file(const char *path, const char *buf, size_t len,
		       mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* Number of entries in the directory that holds path. */
static int count_entries(const char *path)
{
	char dir[PATH_LEN];
	struct dirent *de;
	DIR *d;
	int n = 0;

	fmt(dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* The seal key a fixed enclave gets on platform p. */
static void seal_key(const struct sgx_platform *p, uint8_t key[16])
{
	struct sgx_secs *secs = test_alloc_page(1);
	struct sgx_keyrequest req;

	secs->attributes.flags = SGX_ATTR_INIT | SGX_ATTR_MODE64BIT;
	secs->attributes.xfrm = SGX_XFRM_LEGACY;
	memset(secs->mrsigner, 0x5A, sizeof(secs->mrsigner));
	memcpy(sgx_secs_hidden(secs)->padding, sgx_hardcoded_pkcs1_5_padding,
	       SGX_PADDING_SIZE);
	memset(&req, 0, sizeof(req));
	req.keyname = SGX_KEYSELECT_SEAL;
	req.keypolicy = SGX_KEYPOLICY_MRSIGNER;
	assert_int_equal(sgx_egetkey(p, secs, &req, key), 0);
	free(secs);
}

static void test_first_load_creates(void **state)
{
	struct fixture *f = *state;
	struct sgx_platform p;
	uint8_t zero[16] = { 0 }, cpusvn[16];
	char dir[PATH_LEN], text[PATH_LEN];

	load_ok(f, &p);
	assert_int_equal(file_mode(f->path), 0600);
	fmt(dir, "%s/state", f->dir);
	assert_int_equal(file_mode(dir), 0700);
	assert_int_equal(file_mode(f->dir), 0700);

	/* Random fuses, owner epoch 0, the documented default CPUSVN. */
	assert_memory_not_equal(p.root_key, zero, 16);
	assert_memory_not_equal(p.seal_fuses, zero, 16);
	assert_memory_not_equal(p.root_key, p.seal_fuses, 16);
	assert_memory_equal(p.owner_epoch, zero, 16);
	memset(cpusvn, SGX_PLATFORM_DEFAULT_CPUSVN_BYTE, sizeof(cpusvn));
	assert_memory_equal(p.cpusvn, cpusvn, 16);

	read_file(f->path, text, sizeof(text));
	assert_int_equal(strncmp(text, SGX_PLATFORM_MAGIC "\n",
				 strlen(SGX_PLATFORM_MAGIC) + 1),
			 0);
	assert_non_null(strstr(text, "\nroot_key="));
}

static void test_second_load_persists(void **state)
{
	struct fixture *f = *state;
	struct sgx_platform a, b;
	uint8_t ka[16], kb[16];

	load_ok(f, &a);
	load_ok(f, &b);
	assert_memory_equal(a.root_key, b.root_key, 16);
	assert_memory_equal(a.seal_fuses, b.seal_fuses, 16);
	assert_memory_equal(a.owner_epoch, b.owner_epoch, 16);
	assert_memory_equal(a.cpusvn, b.cpusvn, 16);
	/* Per boot: new every load. */
	assert_memory_not_equal(a.report_keyid, b.report_keyid, SGX_KEYID_SIZE);
	assert_memory_not_equal(a.paging_key, b.paging_key, 16);
	/* So data sealed before a restart unseals after it. */
	seal_key(&a, ka);
	seal_key(&b, kb);
	assert_memory_equal(ka, kb, 16);
}

/* A damaged file is an error with a message and is left as it was. */
static void expect_refused(struct fixture *f, const char *content, size_t len,
			   mode_t mode, int want)
{
	struct sgx_platform p;
	char after[PATH_LEN];

	write_file(f->path, content, len, mode);
	f->err[0] = '\0';
	assert_int_equal(sgx_platform_load(&p, f->err, sizeof(f->err)), want);
	assert_true(strlen(f->err) > 0);
	assert_non_null(strstr(f->err, f->path));
	assert_int_equal(read_file(f->path, after, sizeof(after)), len);
	assert_memory_equal(after, content, len);
	assert_int_equal(file_mode(f->path), mode);
}

static void test_corrupt_file_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"hello\n",
		"softsgx-platform 2\n",
		"softsgx-platform 1\n",
		"softsgx-platform 1\nroot_key=zz\n",
	};
	struct fixture *f = *state;
	struct sgx_platform p;
	char good[PATH_LEN], edited[PATH_LEN], *line;
	size_t len;

	load_ok(f, &p);
	len = read_file(f->path, good, sizeof(good));

	/* Every truncation of a good file is detected. */
	for (size_t cut = 0; cut < len; cut++)
		expect_refused(f, good, cut, 0600, -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(f, bad[i], strlen(bad[i]), 0600, -EINVAL);

	/* A duplicated field, an unknown one, and a bad hex digit. */
	fmt(edited, "%scpusvn=%032d\n", good, 0);
	expect_refused(f, edited, strlen(edited), 0600, -EINVAL);
	fmt(edited, "%sroot-key=%032d\n", good, 0);
	expect_refused(f, edited, strlen(edited), 0600, -EINVAL);
	memcpy(edited, good, len + 1);
	line = strstr(edited, "seal_fuses=");
	assert_non_null(line);
	line[strlen("seal_fuses=") + 5] = 'g';
	expect_refused(f, edited, len, 0600, -EINVAL);
	/* One hex digit too many, and one field missing. */
	memcpy(edited, good, len + 1);
	line = strstr(edited, "cpusvn=");
	assert_non_null(line);
	memmove(line + 8, line + 7, strlen(line + 7) + 1);
	expect_refused(f, edited, strlen(edited), 0600, -EINVAL);
	memcpy(edited, good, len + 1);
	line = strstr(edited, "cpusvn=");
	memmove(line + 1, line, strlen(line) + 1);
	line[0] = '#'; /* a comment now */
	expect_refused(f, edited, strlen(edited), 0600, -EINVAL);

	/* Restored, the original platform is back: nothing regenerated. */
	write_file(f->path, good, len, 0600);
	{
		struct sgx_platform q;

		load_ok(f, &q);
		assert_memory_equal(p.root_key, q.root_key, 16);
		assert_memory_equal(p.seal_fuses, q.seal_fuses, 16);
	}
}

static void test_shared_file_refused(void **state)
{
	static const mode_t modes[] = { 0644, 0640, 0604, 0660, 0601 };
	struct fixture *f = *state;
	struct sgx_platform p, q;
	char good[PATH_LEN];
	size_t len;

	load_ok(f, &p);
	len = read_file(f->path, good, sizeof(good));
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		expect_refused(f, good, len, modes[i], -EACCES);
		assert_non_null(strstr(f->err, "mode"));
	}
	assert_int_equal(chmod(f->path, 0600), 0);
	load_ok(f, &q);
	assert_memory_equal(p.root_key, q.root_key, 16);
}

static void test_not_a_file_refused(void **state)
{
	struct fixture *f = *state;
	struct sgx_platform p;
	char dir[PATH_LEN];

	fmt(dir, "%s/state", f->dir);
	assert_int_equal(mkdir(f->dir, 0700), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_true(sgx_platform_load(&p, f->err, sizeof(f->err)) < 0);
	assert_non_null(strstr(f->err, "regular file"));
}

/* Saving never silently replaces a platform unless asked to. */
static void test_save(void **state)
{
	struct fixture *f = *state;
	struct sgx_platform p, q;

	load_ok(f, &p);
	p.cpusvn[0] = 9;
	assert_int_equal(
		sgx_platform_save(&p, f->path, false, f->err, sizeof(f->err)),
		-EEXIST);
	load_ok(f, &q);
	assert_int_equal(q.cpusvn[0], SGX_PLATFORM_DEFAULT_CPUSVN_BYTE);
	assert_int_equal(
		sgx_platform_save(&p, f->path, true, f->err, sizeof(f->err)),
		0);
	assert_int_equal(file_mode(f->path), 0600);
	load_ok(f, &q);
	assert_int_equal(q.cpusvn[0], 9);
	assert_memory_equal(p.root_key, q.root_key, 16);
}

/* Saved environment variables, restored by restore_env(). */
struct saved_env {
	char *xdg, *home;
};

static void save_env(struct saved_env *s)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	s->xdg = xdg ? strdup(xdg) : NULL;
	s->home = home ? strdup(home) : NULL;
}

static void restore_env(struct saved_env *s)
{
	if (s->xdg)
		setenv("XDG_STATE_HOME", s->xdg, 1);
	else
		unsetenv("XDG_STATE_HOME");
	if (s->home)
		setenv("HOME", s->home, 1);
	else
		unsetenv("HOME");
	free(s->xdg);
	free(s->home);
}

static void test_path_fallbacks(void **state)
{
	struct fixture *f = *state;
	struct saved_env env;
	struct sgx_platform p;
	char buf[PATH_LEN], want[PATH_LEN], xdg[PATH_LEN];

	save_env(&env);
	assert_string_equal(sgx_platform_path(buf, sizeof(buf)), f->path);
	assert_null(sgx_platform_path(buf, 4)); /* does not fit */

	unsetenv("SOFTSGX_PLATFORM");
	fmt(xdg, "%s/xdg", f->dir);
	setenv("XDG_STATE_HOME", xdg, 1);
	fmt(want, "%s/softsgx/platform", xdg);
	assert_string_equal(sgx_platform_path(buf, sizeof(buf)), want);
	load_ok(f, &p);
	assert_int_equal(file_mode(want), 0600);

	/* A relative XDG_STATE_HOME is invalid and ignored, as is unset. */
	setenv("XDG_STATE_HOME", "relative/dir", 1);
	setenv("HOME", f->dir, 1);
	fmt(want, "%s/.local/state/softsgx/platform", f->dir);
	assert_string_equal(sgx_platform_path(buf, sizeof(buf)), want);
	unsetenv("XDG_STATE_HOME");
	assert_string_equal(sgx_platform_path(buf, sizeof(buf)), want);
	load_ok(f, &p);
	assert_int_equal(file_mode(want), 0600);

	unsetenv("HOME");
	assert_null(sgx_platform_path(buf, sizeof(buf)));
	assert_int_equal(sgx_platform_load(&p, f->err, sizeof(f->err)),
			 -ENOENT);
	assert_non_null(strstr(f->err, "SOFTSGX_PLATFORM"));
	restore_env(&env);
}

/* Processes racing to create the platform all end up with the same one. */
static void test_racing_creators(void **state)
{
	enum { NR = 8 };
	struct fixture *f = *state;
	uint8_t keys[NR][16];
	int fds[NR][2];
	pid_t pids[NR];

	for (int i = 0; i < NR; i++) {
		assert_int_equal(pipe(fds[i]), 0);
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct sgx_platform p;
			char err[256];

			if (sgx_platform_load(&p, err, sizeof(err)) ||
			    write(fds[i][1], p.root_key, 16) != 16)
				_exit(1);
			_exit(0);
		}
		close(fds[i][1]);
	}
	for (int i = 0; i < NR; i++) {
		int status;

		assert_int_equal(read(fds[i][0], keys[i], 16), 16);
		close(fds[i][0]);
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_memory_equal(keys[i], keys[0], 16);
	}
	/* One file, no temporary files left behind. */
	assert_int_equal(file_mode(f->path), 0600);
	assert_int_equal(count_entries(f->path), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_load_creates, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_second_load_persists,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_file_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_file_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_a_file_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_fallbacks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_racing_creators, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

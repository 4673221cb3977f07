// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drvtest.h"
#include "testlib.h"
#include "arch/epc.h"
#include "arch/measure.h"

#ifdef SOFTSGX_HAVE_SIGN
#include "tools/sign.h"
#endif

static char drvtest_dirname[PATH_MAX];
static pid_t drvtest_owner; /* only the creating process cleans up */
static bool drvtest_own_dir;

static void drvtest_cleanup(void)
{
	char path[PATH_MAX + 16];

	if (getpid() != drvtest_owner)
		return;
	snprintf(path, sizeof(path), "%s/platform", drvtest_dirname);
	unlink(path);
	if (drvtest_own_dir)
		rmdir(drvtest_dirname);
}

/*
 * SOFTSGX_DRVTEST_DIR lets a parent hand a prepared directory (e.g. owned
 * by an unprivileged user) to a child; otherwise each process has its own.
 */
static void drvtest_setup_dir(void)
{
	const char *given = getenv("SOFTSGX_DRVTEST_DIR");
	const char *tmp = getenv("SOFTSGX_TEST_TMPDIR");
	char path[PATH_MAX + 16];

	if (given && *given) {
		snprintf(drvtest_dirname, sizeof(drvtest_dirname), "%s", given);
	} else {
		if (!tmp || !*tmp)
			tmp = "/tmp";
		snprintf(drvtest_dirname, sizeof(drvtest_dirname),
			 "%s/driver-%d", tmp, (int)getpid());
		drvtest_own_dir = true;
	}
	snprintf(path, sizeof(path), "%s/platform", drvtest_dirname);
	setenv("SOFTSGX_PLATFORM", path, 1);
	drvtest_owner = getpid();
	atexit(drvtest_cleanup);
}

void drvtest_init(void)
{
	char err[512];
	int ret;

	if (!drvtest_dirname[0])
		drvtest_setup_dir();
	ret = sgx_driver_init(err, sizeof(err));
	if (ret)
		fail_msg("sgx_driver_init: %d: %s", ret, err);
}

const char *drvtest_dir(void)
{
	if (!drvtest_dirname[0])
		drvtest_setup_dir();
	return drvtest_dirname;
}

void *drvtest_map(size_t nr_pages, int prot)
{
	void *p = mmap(NULL, nr_pages * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

void drvtest_unmap(void *addr, size_t nr_pages)
{
	assert_int_equal(munmap(addr, nr_pages * PAGE), 0);
}

/* Below mmap_min_addr: nothing is ever mapped there. */
unsigned long drvtest_unmapped(void)
{
	return 0x3000;
}

struct sgx_secs *drvtest_secs(uint64_t base, uint64_t size, uint64_t attrs)
{
	struct sgx_secs *secs = test_alloc_page(1);

	secs->base = base;
	secs->size = size;
	secs->ssa_frame_size = 1;
	secs->attributes.flags = attrs;
	secs->attributes.xfrm = SGX_XFRM_LEGACY;
	return secs;
}

long drvtest_create_secs(struct sgx_encl *encl, const struct sgx_secs *secs)
{
	struct sgx_enclave_create arg = { .src = (uintptr_t)secs };

	return sgx_ioctl(encl, SGX_IOC_ENCLAVE_CREATE, (uintptr_t)&arg);
}

long drvtest_create(struct sgx_encl *encl, uint64_t attrs)
{
	struct sgx_secs *secs = drvtest_secs(DRVTEST_BASE, DRVTEST_SIZE,
					     SGX_ATTR_MODE64BIT | attrs);
	long ret = drvtest_create_secs(encl, secs);

	free(secs);
	return ret;
}

long drvtest_add(struct sgx_encl *encl, const void *src, uint64_t offset,
		 uint64_t length, uint64_t secinfo_flags, uint64_t flags,
		 uint64_t *count)
{
	struct sgx_secinfo secinfo = { .flags = secinfo_flags };
	struct sgx_enclave_add_pages arg = {
		.src = (uintptr_t)src,
		.offset = offset,
		.length = length,
		.secinfo = (uintptr_t)&secinfo,
		.flags = flags,
		.count = 0xdeadbeef, /* input value must be ignored */
	};
	long ret = sgx_ioctl(encl, SGX_IOC_ENCLAVE_ADD_PAGES, (uintptr_t)&arg);

	if (count)
		*count = arg.count;
	return ret;
}

long drvtest_init_encl(struct sgx_encl *encl, const struct sgx_sigstruct *sig)
{
	struct sgx_enclave_init arg = { .sigstruct = (uintptr_t)sig };

	return sgx_ioctl(encl, SGX_IOC_ENCLAVE_INIT, (uintptr_t)&arg);
}

int drvtest_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

bool drvtest_maps_has(const char *s)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	assert_non_null(f);
	while (!found && getline(&line, &cap, f) > 0)
		found = strstr(line, s) != NULL;
	free(line);
	fclose(f);
	return found;
}

/* mov $4, %eax (EEXIT); enclu */
static const uint8_t drvtest_code[] = { 0xb8, 0x04, 0x00, 0x00,
					0x00, 0x0f, 0x01, 0xd7 };

static const struct {
	uint64_t offset, secinfo;
} drvtest_layout[] = {
	{ 0x0000, SGX_SECINFO_TCS },
	{ 0x1000, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X },
	{ 0x2000, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W },
	{ 0x3000, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W },
};

#define DRVTEST_NR_PAGES (sizeof(drvtest_layout) / sizeof(drvtest_layout[0]))

static void drvtest_measure(const uint8_t *src, uint8_t out[SGX_HASH_SIZE])
{
	struct sgx_mrenclave m;

	assert_int_equal(sgx_mrenclave_init(&m, 1, DRVTEST_SIZE), 0);
	for (size_t i = 0; i < DRVTEST_NR_PAGES; i++)
		assert_int_equal(
			sgx_mrenclave_add_page(&m, drvtest_layout[i].offset,
					       drvtest_layout[i].secinfo,
					       src + drvtest_layout[i].offset),
			0);
	assert_int_equal(sgx_mrenclave_final(&m, out), 0);
}

long drvtest_build_small(struct sgx_encl *encl, uint64_t attrs,
			 uint8_t mrenclave[SGX_HASH_SIZE])
{
	uint8_t *src = drvtest_map(DRVTEST_NR_PAGES, PROT_READ | PROT_WRITE);
	struct sgx_tcs *tcs = (struct sgx_tcs *)src;
	long ret;

	tcs->ssa_offset = 0x3000;
	tcs->nr_ssa_frames = 1;
	tcs->entry_offset = 0x1000;
	memcpy(src + 0x1000, drvtest_code, sizeof(drvtest_code));
	for (size_t i = 0; i < PAGE; i++)
		src[0x2000 + i] = (uint8_t)(i * 13 + 7);

	ret = drvtest_create(encl, attrs);
	for (size_t i = 0; !ret && i < DRVTEST_NR_PAGES; i++)
		ret = drvtest_add(encl, src + drvtest_layout[i].offset,
				  drvtest_layout[i].offset, PAGE,
				  drvtest_layout[i].secinfo, SGX_PAGE_MEASURE,
				  NULL);
	if (!ret && mrenclave)
		drvtest_measure(src, mrenclave);
	drvtest_unmap(src, DRVTEST_NR_PAGES);
	return ret;
}

#ifdef SOFTSGX_HAVE_SIGN
static EVP_PKEY *drvtest_key;

void drvtest_sign(const uint8_t mrenclave[SGX_HASH_SIZE], uint64_t attrs,
		  struct sgx_sigstruct *sig, uint8_t *mrsigner)
{
	struct softsgx_sign_params p;

	if (!drvtest_key)
		drvtest_key = softsgx_keygen(); /* slow: once per process */
	assert_non_null(drvtest_key);
	softsgx_sign_params_default(&p);
	p.attributes.flags |= attrs;
	if (softsgx_sign(drvtest_key, &p, mrenclave, sig))
		fail_msg("softsgx_sign: %s", softsgx_sign_error());
	if (mrsigner)
		assert_int_equal(softsgx_key_mrsigner(drvtest_key, mrsigner),
				 0);
}
#else
void drvtest_sign(const uint8_t mrenclave[SGX_HASH_SIZE], uint64_t attrs,
		  struct sgx_sigstruct *sig, uint8_t *mrsigner)
{
	(void)mrenclave;
	(void)attrs;
	(void)sig;
	(void)mrsigner;
	print_message("softsgx_sign is not built: skipping\n");
	skip();
}
#endif

static const char *drvtest_tmp(void)
{
	const char *tmp = getenv("SOFTSGX_TEST_TMPDIR");

	return tmp && *tmp ? tmp : "/tmp";
}

/* A writable tmpfs that is already mounted noexec (e.g. /dev/shm). */
static bool find_noexec_tmpfs(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, mnt[PATH_MAX], opts[1024];
	size_t cap = 0;
	bool found = false;

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - ");
		char fstype[64];

		if (!sep || strchr(line, '\\') ||
		    sscanf(line, "%*d %*d %*s %*s %4095s %1023s", mnt, opts) !=
			    2 ||
		    sscanf(sep, " - %63s", fstype) != 1)
			continue;
		found = !strcmp(fstype, "tmpfs") && strstr(opts, "noexec") &&
			strncmp(opts, "ro", 2) && !access(mnt, W_OK | X_OK) &&
			strlen(mnt) < len;
		if (found)
			strcpy(buf, mnt);
	}
	free(line);
	fclose(f);
	return found;
}

static int page_in_dir(const char *dir, int (*fn)(void *page, void *arg),
		       void *arg)
{
	char path[PATH_MAX + 32];
	uint8_t data[PAGE];
	void *page;
	int fd, ret = 77;

	snprintf(path, sizeof(path), "%s/softsgx-src-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		return 77;
	for (size_t i = 0; i < PAGE; i++)
		data[i] = (uint8_t)i;
	if (write(fd, data, PAGE) == (ssize_t)PAGE) {
		page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
		if (page != MAP_FAILED) {
			ret = fn(page, arg);
			munmap(page, PAGE);
		}
	}
	close(fd);
	unlink(path);
	return ret;
}

static int mount_child(bool noexec, const char *dir,
		       int (*fn)(void *page, void *arg), void *arg)
{
	char existing[PATH_MAX];

	if (noexec && find_noexec_tmpfs(existing, sizeof(existing)))
		return page_in_dir(existing, fn, arg);
	if (unshare(CLONE_NEWNS) && unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return 77;
	/* Keep our mount out of the parent's namespace. */
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (mount("softsgx-test", dir, "tmpfs",
		  (noexec ? MS_NOEXEC : 0) | MS_NOSUID | MS_NODEV, "size=64k"))
		return 77;
	return page_in_dir(dir, fn, arg);
}

int drvtest_with_mount_page(bool noexec, int (*fn)(void *page, void *arg),
			    void *arg)
{
	char dir[PATH_MAX];
	int status;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/mnt-XXXXXX", drvtest_tmp());
	assert_non_null(mkdtemp(dir));
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(mount_child(noexec, dir, fn, arg));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	rmdir(dir);
	if (!WIFEXITED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static struct sgx_epcm_entry *drvtest_secs_entry(struct sgx_encl *encl)
{
	struct sgx_epcm_entry *e =
		sgx_epcm_lookup(sgx_driver_cpu(), (uintptr_t)encl->secs);

	assert_non_null(e);
	return e;
}

bool drvtest_secs_trylock(struct sgx_encl *encl)
{
	return sgx_epcm_trylock(drvtest_secs_entry(encl));
}

void drvtest_secs_unlock(struct sgx_encl *encl)
{
	sgx_epcm_unlock(drvtest_secs_entry(encl));
}

int drvtest_group_setup(void **state)
{
	(void)state;
	drvtest_init();
	return 0;
}

int drvtest_check_released(void **state)
{
	(void)state;
	if (sgx_epc_used_pages()) {
		print_error("EPC still used: %zu pages\n",
			    sgx_epc_used_pages());
		return -1;
	}
	if (drvtest_maps_has("/memfd:sgx_enclave")) {
		print_error("an enclave memfd is still mapped\n");
		return -1;
	}
	return 0;
}

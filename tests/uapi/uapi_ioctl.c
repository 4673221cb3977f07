// SPDX-License-Identifier: MIT
/*
 * The enclave ioctls through ioctl(2) on the device fd, as any SGX host
 * issues them: the errno matrix of spec linux-sgx-uapi §2.11 for CREATE,
 * ADD_PAGES, INIT and PROVISION (§2.3-§2.5), ADD_PAGES's count progress,
 * EBUSY for an ioctl that overlaps another on the same enclave, EACCES for
 * a source mapping without VM_MAYEXEC (a file on a noexec mount), and
 * ENOTTY for unknown commands and for /dev/sgx_provision.
 *
 * Usage: uapi_ioctl ENCLAVE ENCLAVE.sig ENCLAVE-PROVISIONKEY.sig
 * (the last one signs the same image with ATTRIBUTES.PROVISIONKEY).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <ucontext.h>
#include <unistd.h>

#include <asm/sgx.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "uapi.h"

#define ATTR_DEFAULT (SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG)

static struct uapi_host host;
static void *prov_sig; /* the image signed with PROVISIONKEY */

/* Source pages for ADD_PAGES: ordinary anonymous memory, zero-filled. */
static uint8_t *src_pages;

static uint64_t elrange_size(void)
{
	return host.img.size;
}

/* A fresh enclave fd; with create, CREATEd at a reserved base. */
static int new_enclave(bool create)
{
	int fd = uapi_open_enclave();

	if (create && uapi_create(fd, &host, uapi_reserve(elrange_size(), 0),
				  ATTR_DEFAULT)) {
		perror("CREATE");
		exit(2);
	}
	return fd;
}

/* An address whose page is mapped and whose next page is not. */
static uint8_t *page_before_hole(void)
{
	uint8_t *p = mmap(NULL, 2 * UAPI_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	munmap(p + UAPI_PAGE, UAPI_PAGE);
	return p;
}

static void *unmapped_page(void)
{
	uint8_t *p = page_before_hole();

	munmap(p, UAPI_PAGE);
	return p;
}

/* --- CREATE (§2.3) ------------------------------------------------------ */

static struct sgx_secs *secs_at(void *where, uint64_t base)
{
	struct sgx_secs *s = where;

	memset(s, 0, sizeof(*s));
	s->size = elrange_size();
	s->base = base;
	s->ssa_frame_size = host.img.ssa_frame_size;
	s->attributes.flags = ATTR_DEFAULT;
	s->attributes.xfrm = 0x3;
	return s;
}

static long create(int fd, const void *secs)
{
	struct sgx_enclave_create c = { .src = (uint64_t)secs };

	return ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c);
}

static void create_bad_pointers(int fd, struct sgx_secs *s)
{
	uint8_t *edge = page_before_hole();

	EXPECT_ERR(ioctl(fd, SGX_IOC_ENCLAVE_CREATE, NULL), EFAULT,
		   "CREATE: argument pointer NULL");
	EXPECT_ERR(create(fd, NULL), EFAULT, "CREATE: src NULL");
	/* All 4096 bytes are copied: a SECS running off the end faults. */
	memcpy(edge + 8, s, UAPI_PAGE - 8);
	EXPECT_ERR(create(fd, edge + 8), EFAULT,
		   "CREATE: SECS runs into an unmapped page");
	munmap(edge, UAPI_PAGE);
}

static void create_bad_secs(int fd, struct sgx_secs *s, uint64_t base)
{
	s->size = 3 * UAPI_PAGE;
	EXPECT_ERR(create(fd, s), EINVAL, "CREATE: SIZE not a power of two");
	s->size = 0;
	EXPECT_ERR(create(fd, s), EINVAL, "CREATE: SIZE 0");
	s->size = elrange_size();
	s->base = base + UAPI_PAGE;
	EXPECT_ERR(create(fd, s), EIO,
		   "CREATE: BASE not aligned to SIZE (ECREATE faults)");
	s->base = base;
	s->ssa_frame_size = 0;
	EXPECT_ERR(create(fd, s), EIO,
		   "CREATE: SSAFRAMESIZE 0 (ECREATE faults)");
	s->ssa_frame_size = host.img.ssa_frame_size;
	s->attributes.flags |= 1ULL << 3;
	EXPECT_ERR(create(fd, s), EIO,
		   "CREATE: reserved ATTRIBUTES bit (ECREATE faults)");
	s->attributes.flags = ATTR_DEFAULT;
}

static void test_create(void)
{
	int fd = new_enclave(false);
	uint64_t base = uapi_reserve(elrange_size(), 0);
	uint8_t *buf = aligned_alloc(UAPI_PAGE, 2 * UAPI_PAGE);
	struct sgx_secs *s = secs_at(buf, base);

	create_bad_pointers(fd, s);
	create_bad_secs(fd, s, base);
	/* No alignment rule for src; failed CREATEs leave it retryable. */
	memmove(buf + 8, s, UAPI_PAGE);
	EXPECT_OK(create(fd, buf + 8),
		  "CREATE: after failures, SECS at an unaligned address");
	secs_at(buf, base);
	EXPECT_ERR(create(fd, buf), EINVAL, "CREATE: already created");
	free(buf);
	close(fd);
}

/* --- ADD_PAGES (§2.4) ---------------------------------------------------- */

/* SECINFO as ADD_PAGES reads it: 64 bytes, 64-byte aligned. */
static struct sgx_secinfo secinfo_buf __attribute__((aligned(64)));

static struct sgx_enclave_add_pages add_arg(const void *src, uint64_t offset,
					    uint64_t length,
					    uint64_t secinfo_flags)
{
	memset(&secinfo_buf, 0, sizeof(secinfo_buf));
	secinfo_buf.flags = secinfo_flags;
	return (struct sgx_enclave_add_pages){
		.src = (uint64_t)src,
		.offset = offset,
		.length = length,
		.secinfo = (uint64_t)&secinfo_buf,
		.flags = SGX_PAGE_MEASURE,
		.count = 0xdead000, /* input ignored */
	};
}

static long add(int fd, struct sgx_enclave_add_pages *a)
{
	return ioctl(fd, SGX_IOC_ENCLAVE_ADD_PAGES, a);
}

/* ADD_PAGES of REG RW pages from src_pages: result and count. */
static long add_rw(int fd, uint64_t offset, uint64_t length, uint64_t *count)
{
	struct sgx_enclave_add_pages a =
		add_arg(src_pages, offset, length, SGX_SECINFO_REG | 3);
	long ret = add(fd, &a);
	int err = errno;

	*count = a.count;
	errno = err;
	return ret;
}

static void add_bad_state(void)
{
	struct sgx_enclave_add_pages a =
		add_arg(src_pages, 0, UAPI_PAGE, SGX_SECINFO_REG | 3);
	int fd = new_enclave(false);

	EXPECT_ERR(add(fd, &a), EINVAL, "ADD_PAGES: before CREATE");
	/* The state is checked before the argument is read. */
	EXPECT_ERR(add(fd, NULL), EINVAL,
		   "ADD_PAGES: before CREATE, argument pointer NULL");
	close(fd);
}

static void add_bad_ranges(int fd)
{
	struct sgx_enclave_add_pages a;
	uint64_t size = elrange_size();
	const struct {
		uint64_t src_off, offset, length;
		const char *what;
	} cases[] = {
		{ 8, 0, UAPI_PAGE, "ADD_PAGES: src not page aligned" },
		{ 0, 0x10, UAPI_PAGE, "ADD_PAGES: offset not page aligned" },
		{ 0, 0, 0, "ADD_PAGES: length 0" },
		{ 0, 0, 0x800, "ADD_PAGES: length not a page multiple" },
		{ 0, ~0xfffULL, 2 * UAPI_PAGE,
		  "ADD_PAGES: offset + length overflows" },
		{ 0, size, UAPI_PAGE, "ADD_PAGES: offset at SIZE" },
		{ 0, size - UAPI_PAGE, 2 * UAPI_PAGE,
		  "ADD_PAGES: last page beyond SIZE" },
	};

	EXPECT_ERR(add(fd, NULL), EFAULT, "ADD_PAGES: argument pointer NULL");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = add_arg(src_pages + cases[i].src_off, cases[i].offset,
			    cases[i].length, SGX_SECINFO_REG | 3);
		EXPECT_ERR(add(fd, &a), EINVAL, cases[i].what);
	}
}

static void add_bad_secinfo(int fd)
{
	const struct {
		uint64_t flags;
		const char *what;
	} cases[] = {
		{ SGX_SECINFO_SECS | 1, "ADD_PAGES: SECINFO type SECS" },
		{ (3ULL << 8) | 1, "ADD_PAGES: SECINFO type VA" },
		{ SGX_SECINFO_TRIM, "ADD_PAGES: SECINFO type TRIM" },
		{ SGX_SECINFO_REG | SGX_SECINFO_W, "ADD_PAGES: W without R" },
		{ SGX_SECINFO_TCS | SGX_SECINFO_R, "ADD_PAGES: TCS with R" },
		{ SGX_SECINFO_REG | 3 | SGX_SECINFO_PENDING,
		  "ADD_PAGES: SECINFO PENDING" },
		{ SGX_SECINFO_REG | 3 | SGX_SECINFO_MODIFIED,
		  "ADD_PAGES: SECINFO MODIFIED" },
		{ SGX_SECINFO_REG | 3 | SGX_SECINFO_PR,
		  "ADD_PAGES: SECINFO PR" },
		{ SGX_SECINFO_REG | 3 | (1ULL << 16),
		  "ADD_PAGES: SECINFO FLAGS bit 16" },
	};
	struct sgx_enclave_add_pages a;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = add_arg(src_pages, 0, UAPI_PAGE, cases[i].flags);
		EXPECT_ERR(add(fd, &a), EINVAL, cases[i].what);
	}
	a = add_arg(src_pages, 0, UAPI_PAGE, SGX_SECINFO_REG | 3);
	secinfo_buf.reserved[63 - 8] = 1;
	EXPECT_ERR(add(fd, &a), EINVAL, "ADD_PAGES: SECINFO byte 63 nonzero");
	a.secinfo = 0;
	EXPECT_ERR(add(fd, &a), EFAULT, "ADD_PAGES: SECINFO pointer NULL");
}

static void add_bad_source(int fd)
{
	uint8_t *none = mmap(NULL, UAPI_PAGE, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct sgx_enclave_add_pages a;

	a = add_arg(unmapped_page(), 0, UAPI_PAGE, SGX_SECINFO_REG | 3);
	EXPECT_ERR(add(fd, &a), EFAULT, "ADD_PAGES: src not mapped");
	a = add_arg(none, 0, UAPI_PAGE, SGX_SECINFO_REG | 3);
	EXPECT_ERR(add(fd, &a), EFAULT, "ADD_PAGES: src PROT_NONE");
	uapi_check(a.count == 0,
		   "ADD_PAGES: count 0 after failing page 0 "
		   "(got 0x%llx)",
		   (unsigned long long)a.count);
	munmap(none, UAPI_PAGE);
}

/* count = bytes added before the failing page; those pages stay. */
static void add_progress(int fd)
{
	uint8_t *src = mmap(NULL, 3 * UAPI_PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct sgx_enclave_add_pages a;
	uint64_t count;

	/* Offsets 0x4000 and 0x5000 have a source page, 0x6000 has none. */
	munmap(src + 2 * UAPI_PAGE, UAPI_PAGE);
	a = add_arg(src, 0x4000, 3 * UAPI_PAGE, SGX_SECINFO_REG | 3);
	EXPECT_ERR(add(fd, &a), EFAULT,
		   "ADD_PAGES: third source page unmapped");
	uapi_check(a.count == 2 * UAPI_PAGE,
		   "ADD_PAGES: count 0x2000 after two pages (got 0x%llx)",
		   (unsigned long long)a.count);
	EXPECT_ERR(add_rw(fd, 0x5000, UAPI_PAGE, &count), EBUSY,
		   "ADD_PAGES: page added before the failure is present");
	EXPECT_OK(add_rw(fd, 0x6000, UAPI_PAGE, &count),
		  "ADD_PAGES: the failing page was not added");
	uapi_check(count == UAPI_PAGE, "ADD_PAGES: count 0x1000 (got 0x%llx)",
		   (unsigned long long)count);
	munmap(src, 2 * UAPI_PAGE);
}

/* A TCS with a reserved field set makes EADD fault: EIO, count kept. */
static void add_eio(int fd)
{
	uint8_t *tcs = aligned_alloc(UAPI_PAGE, 2 * UAPI_PAGE);
	struct sgx_enclave_add_pages a;
	uint64_t count;

	memset(tcs, 0, 2 * UAPI_PAGE);
	tcs[UAPI_PAGE + 200] = 1; /* TCS reserved area of the second page */
	a = add_arg(tcs, 0x8000, 2 * UAPI_PAGE, SGX_SECINFO_TCS);
	EXPECT_ERR(add(fd, &a), EIO,
		   "ADD_PAGES: TCS with reserved bytes "
		   "(EADD faults)");
	uapi_check(a.count == UAPI_PAGE,
		   "ADD_PAGES: count 0x1000 before the EIO page (got 0x%llx)",
		   (unsigned long long)a.count);
	EXPECT_OK(add_rw(fd, 0x9000, UAPI_PAGE, &count),
		  "ADD_PAGES: the enclave still accepts pages after EIO");
	free(tcs);
}

static void add_success(int fd)
{
	struct sgx_enclave_add_pages a;
	uint64_t count;

	EXPECT_OK(add_rw(fd, 0, 2 * UAPI_PAGE, &count),
		  "ADD_PAGES: two RW pages");
	uapi_check(count == 2 * UAPI_PAGE,
		   "ADD_PAGES: count 0x2000 (got "
		   "0x%llx)",
		   (unsigned long long)count);
	EXPECT_ERR(add_rw(fd, UAPI_PAGE, UAPI_PAGE, &count), EBUSY,
		   "ADD_PAGES: page already added");
	uapi_check(count == 0, "ADD_PAGES: count 0 for EBUSY (got 0x%llx)",
		   (unsigned long long)count);
	/* Only SGX_PAGE_MEASURE is read from flags. */
	a = add_arg(src_pages, 0x2000, UAPI_PAGE, SGX_SECINFO_REG | 1);
	a.flags = 0xff00;
	EXPECT_OK(add(fd, &a), "ADD_PAGES: unknown flags bits ignored");
}

static void test_add_pages(void)
{
	int fd = new_enclave(true);

	add_bad_state();
	add_bad_ranges(fd);
	add_bad_secinfo(fd);
	add_bad_source(fd);
	add_success(fd);
	add_progress(fd);
	add_eio(fd);
	close(fd);
}

/* --- INIT (§2.3 attributes, §6) ------------------------------------------ */

static struct sgx_sigstruct *sig_copy(const void *sig)
{
	void *copy = aligned_alloc(UAPI_PAGE, UAPI_PAGE);

	memcpy(copy, sig, UAPI_PAGE);
	return copy;
}

/* An enclave with every page of the image, ready for INIT. */
static int loaded_enclave(uint64_t attributes)
{
	int fd = uapi_open_enclave();

	if (uapi_create(fd, &host, uapi_reserve(elrange_size(), 0),
			attributes) ||
	    uapi_add_all(fd, &host)) {
		perror("loading the enclave");
		exit(2);
	}
	return fd;
}

static long init(int fd, const void *sig)
{
	return uapi_init(fd, sig);
}

static void init_bad_state_and_pointers(void)
{
	int fd = new_enclave(false);
	uint8_t *edge;

	EXPECT_ERR(init(fd, host.sigstruct), EINVAL, "INIT: before CREATE");
	EXPECT_ERR(ioctl(fd, SGX_IOC_ENCLAVE_INIT, NULL), EINVAL,
		   "INIT: before CREATE, argument pointer NULL");
	close(fd);
	fd = loaded_enclave(ATTR_DEFAULT);
	EXPECT_ERR(ioctl(fd, SGX_IOC_ENCLAVE_INIT, NULL), EFAULT,
		   "INIT: argument pointer NULL");
	EXPECT_ERR(init(fd, NULL), EFAULT, "INIT: SIGSTRUCT pointer NULL");
	/* After the enclave's own mappings, which could fill the hole. */
	edge = page_before_hole();
	memcpy(edge + UAPI_PAGE - 1000, host.sigstruct, 1000);
	EXPECT_ERR(init(fd, edge + UAPI_PAGE - 1000), EFAULT,
		   "INIT: SIGSTRUCT runs into an unmapped page");
	close(fd);
	munmap(edge, UAPI_PAGE);
}

/* Vendor and reserved-bit checks come before EINIT: EINVAL, not EPERM. */
static void init_bad_sigstruct(int fd)
{
	struct sgx_sigstruct *s = sig_copy(host.sigstruct);

	s->header.vendor = 0x1234;
	EXPECT_ERR(init(fd, s), EINVAL, "INIT: SIGSTRUCT vendor 0x1234");
	memcpy(s, host.sigstruct, sizeof(*s));
	s->body.attributes.flags |= 1ULL << 3;
	s->body.attributes_mask.flags |= 1ULL << 3;
	EXPECT_ERR(init(fd, s), EINVAL,
		   "INIT: SIGSTRUCT requires a reserved ATTRIBUTES bit");
	memcpy(s, host.sigstruct, sizeof(*s));
	s->body.miscselect |= 1U << 1;
	s->body.misc_mask |= 1U << 1;
	EXPECT_ERR(init(fd, s), EINVAL,
		   "INIT: SIGSTRUCT requires a reserved MISCSELECT bit");
	memcpy(s, host.sigstruct, sizeof(*s));
	s->body.attributes.xfrm |= 1ULL << 62;
	s->body.attributes_mask.xfrm |= 1ULL << 62;
	EXPECT_ERR(init(fd, s), EINVAL,
		   "INIT: SIGSTRUCT requires a reserved XFRM bit");
	memcpy(s, host.sigstruct, sizeof(*s));
	s->signature[17] ^= 0x40;
	EXPECT_ERR(init(fd, s), EPERM, "INIT: bad signature (EINIT error)");
	free(s);
}

static void init_wrong_measurement(void)
{
	int fd = new_enclave(true);
	uint64_t count;

	if (add_rw(fd, 0, UAPI_PAGE, &count)) {
		perror("ADD_PAGES");
		exit(2);
	}
	EXPECT_ERR(init(fd, host.sigstruct), EPERM,
		   "INIT: MRENCLAVE differs from the SIGSTRUCT's");
	close(fd);
}

static void test_init(void)
{
	uint64_t count;
	int fd;

	init_bad_state_and_pointers();
	init_wrong_measurement();
	fd = loaded_enclave(ATTR_DEFAULT);
	init_bad_sigstruct(fd);
	EXPECT_OK(init(fd, host.sigstruct), "INIT: retried after failures");
	EXPECT_ERR(init(fd, host.sigstruct), EINVAL,
		   "INIT: already initialised");
	EXPECT_ERR(add_rw(fd, 0x1b000, UAPI_PAGE, &count), EINVAL,
		   "ADD_PAGES: after INIT");
	close(fd);
	fd = loaded_enclave(ATTR_DEFAULT | SGX_ATTR_PROVISIONKEY);
	EXPECT_ERR(init(fd, prov_sig), EACCES,
		   "INIT: PROVISIONKEY without a /dev/sgx_provision fd");
	close(fd);
}

/* --- PROVISION (§2.5) ---------------------------------------------------- */

static long provision(int fd, uint64_t provision_fd)
{
	struct sgx_enclave_provision p = { .fd = provision_fd };

	return ioctl(fd, SGX_IOC_ENCLAVE_PROVISION, &p);
}

static int open_or_exit(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

static void provision_bad_fds(int fd)
{
	int null = open_or_exit("/dev/null", O_RDWR);
	int closed = open_or_exit("/dev/null", O_RDONLY);

	close(closed);
	EXPECT_ERR(ioctl(fd, SGX_IOC_ENCLAVE_PROVISION, NULL), EFAULT,
		   "PROVISION: argument pointer NULL");
	EXPECT_ERR(provision(fd, (uint64_t)null), EINVAL,
		   "PROVISION: fd of /dev/null");
	EXPECT_ERR(provision(fd, (uint64_t)closed), EINVAL,
		   "PROVISION: closed fd (EINVAL, not EBADF)");
	EXPECT_ERR(provision(fd, (uint64_t)fd), EINVAL,
		   "PROVISION: the enclave's own fd");
	EXPECT_ERR(provision(fd, 0xffffffffULL), EINVAL,
		   "PROVISION: fd 0xffffffff");
	close(null);
}

/* PROVISION before CREATE is forgotten: CREATE resets the mask. */
static void provision_before_create(int prov)
{
	int fd = new_enclave(false);

	EXPECT_OK(provision(fd, (uint64_t)prov), "PROVISION: before CREATE");
	if (uapi_create(fd, &host, uapi_reserve(elrange_size(), 0),
			ATTR_DEFAULT | SGX_ATTR_PROVISIONKEY) ||
	    uapi_add_all(fd, &host)) {
		perror("loading the enclave");
		exit(2);
	}
	EXPECT_ERR(init(fd, prov_sig), EACCES,
		   "INIT: PROVISION before CREATE has no effect");
	close(fd);
}

static void provision_grants(int prov, int compat)
{
	int fd = loaded_enclave(ATTR_DEFAULT | SGX_ATTR_PROVISIONKEY);

	provision_bad_fds(fd);
	EXPECT_OK(provision(fd, (uint64_t)compat),
		  "PROVISION: fd of /dev/sgx/provision");
	/* The kernel takes the fd as unsigned int: high bits do not matter. */
	EXPECT_OK(provision(fd, (1ULL << 32) | (uint64_t)prov),
		  "PROVISION: fd of /dev/sgx_provision with bits 63:32 set");
	EXPECT_ERR(init(fd, host.sigstruct), EPERM,
		   "INIT: PROVISIONKEY allowed, but the SIGSTRUCT forbids it");
	EXPECT_OK(init(fd, prov_sig),
		  "INIT: PROVISIONKEY after PROVISION, SIGSTRUCT allowing it");
	EXPECT_OK(provision(fd, (uint64_t)prov), "PROVISION: after INIT");
	close(fd);
	fd = loaded_enclave(ATTR_DEFAULT | SGX_ATTR_EINITTOKENKEY);
	EXPECT_OK(provision(fd, (uint64_t)prov), "PROVISION: after CREATE");
	EXPECT_ERR(init(fd, host.sigstruct), EACCES,
		   "INIT: EINITTOKENKEY is never allowed");
	close(fd);
}

static void test_provision(void)
{
	int prov = open_or_exit("/dev/sgx_provision", O_RDONLY);
	int compat = open_or_exit("/dev/sgx/provision", O_RDONLY);

	provision_before_create(prov);
	provision_grants(prov, compat);
	close(compat);
	close(prov);
}

/* --- ENOTTY --------------------------------------------------------------- */

static void test_enotty(void)
{
	const struct {
		unsigned long cmd;
		const char *name;
	} cmds[] = {
		{ SGX_IOC_ENCLAVE_CREATE, "CREATE" },
		{ SGX_IOC_ENCLAVE_ADD_PAGES, "ADD_PAGES" },
		{ SGX_IOC_ENCLAVE_INIT, "INIT" },
		{ SGX_IOC_ENCLAVE_PROVISION, "PROVISION" },
		{ SGX_IOC_VEPC_REMOVE_ALL, "VEPC_REMOVE_ALL" },
		{ TCGETS, "TCGETS" },
	};
	int fd = new_enclave(true);
	int prov = open_or_exit("/dev/sgx_provision", O_RDWR);
	uint64_t arg[8] = { 0 };
	char what[80];

	EXPECT_ERR(ioctl(fd, SGX_IOC_VEPC_REMOVE_ALL, 0), ENOTTY,
		   "enclave fd: VEPC_REMOVE_ALL");
	EXPECT_ERR(ioctl(fd, _IOW(SGX_MAGIC, 0x7f, uint64_t), arg), ENOTTY,
		   "enclave fd: unknown SGX command 0x7f");
	EXPECT_ERR(ioctl(fd, TCGETS, arg), ENOTTY, "enclave fd: TCGETS");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(what, sizeof(what), "provision fd: %s", cmds[i].name);
		EXPECT_ERR(ioctl(prov, cmds[i].cmd, arg), ENOTTY, what);
	}
	close(prov);
	close(fd);
}

/* --- EBUSY: an ioctl while another runs on the same enclave -------------- */

/*
 * The driver reads ioctl arguments with process_vm_readv. A seccomp filter
 * that traps it stops the first ioctl half way, on this thread, in our
 * SIGSYS handler: from there every ioctl on the same enclave must fail
 * with EBUSY at once, one on another enclave must run. The handler then
 * fails the trapped call with ENOSYS, which the driver's copy answers by
 * reading /proc/self/mem instead, and the first ioctl completes.
 */
static int busy_fd, other_fd;
static int busy_errno[5];
static volatile sig_atomic_t busy_traps;

static void busy_sigsys(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	struct sgx_enclave_add_pages a = { 0 };
	uint64_t zero = 0;

	(void)sig;
	(void)si;
	if (busy_traps++ == 0) {
		const unsigned long cmds[] = { SGX_IOC_ENCLAVE_CREATE,
					       SGX_IOC_ENCLAVE_ADD_PAGES,
					       SGX_IOC_ENCLAVE_INIT,
					       SGX_IOC_ENCLAVE_PROVISION };

		for (int i = 0; i < 4; i++)
			busy_errno[i] =
				ioctl(busy_fd, cmds[i],
				      i == 1 ? (void *)&a : (void *)&zero) ?
					errno :
					0;
		/* Not created: INIT fails on state, not EBUSY. */
		busy_errno[4] = ioctl(other_fd, SGX_IOC_ENCLAVE_INIT, &zero) ?
					errno :
					0;
	}
	uc->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
}

static int install_pvm_trap(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_readv, 0,
			 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	struct sigaction sa = { .sa_sigaction = busy_sigsys,
				.sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static void busy_report(long ret)
{
	static const char *const names[] = { "CREATE", "ADD_PAGES", "INIT",
					     "PROVISION" };

	printf("%s: EBUSY: CREATE held in its argument copy completes -> 0 "
	       "(got %ld)\n",
	       ret == 0 ? "PASS" : "FAIL", ret);
	for (int i = 0; i < 4; i++)
		printf("%s: EBUSY: %s on the same enclave meanwhile -> EBUSY "
		       "(got errno %d)\n",
		       busy_errno[i] == EBUSY ? "PASS" : "FAIL", names[i],
		       busy_errno[i]);
	printf("%s: EBUSY: INIT on another enclave meanwhile -> EINVAL, not "
	       "EBUSY (got errno %d)\n",
	       busy_errno[4] == EINVAL ? "PASS" : "FAIL", busy_errno[4]);
}

/* In a child: the filter stays for the life of the process. */
static int busy_child(void *arg)
{
	struct sgx_secs *s = aligned_alloc(UAPI_PAGE, UAPI_PAGE);
	long ret;

	(void)arg;
	busy_fd = uapi_open_enclave();
	other_fd = uapi_open_enclave();
	secs_at(s, uapi_reserve(elrange_size(), 0));
	if (install_pvm_trap()) {
		printf("SKIP: EBUSY: cannot install a seccomp filter: %s\n",
		       strerror(errno));
		return 77;
	}
	ret = create(busy_fd, s);
	if (!busy_traps) {
		/* Nothing to hold the ioctl open with (not a failure). */
		printf("SKIP: EBUSY: the driver did not read the argument "
		       "with process_vm_readv; cannot overlap two ioctls\n");
		return 77;
	}
	busy_report(ret);
	ret = create(busy_fd, s);
	printf("%s: EBUSY: released after the ioctl: CREATE again -> EINVAL "
	       "(got %ld, errno %d)\n",
	       ret == -1 && errno == EINVAL ? "PASS" : "FAIL", ret, errno);
	return 0;
}

/* --- EACCES: source pages without VM_MAYEXEC (§2.4, §3.5) ---------------- */

/* A writable tmpfs already mounted noexec (e.g. /dev/shm on some hosts). */
static bool find_noexec_tmpfs(char *dir, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024], mnt[512], opts[512], type[64];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");

		if (!sep || strchr(line, '\\') ||
		    sscanf(line, "%*d %*d %*s %*s %511s %511s", mnt, opts) !=
			    2 ||
		    sscanf(sep, " - %63s", type) != 1)
			continue;
		found = !strcmp(type, "tmpfs") && strstr(opts, "noexec") &&
			strncmp(opts, "ro", 2) && !access(mnt, W_OK | X_OK) &&
			strlen(mnt) < len;
		if (found)
			snprintf(dir, len, "%s", mnt);
	}
	if (f)
		fclose(f);
	return found;
}

/* A private tmpfs (noexec or not) in a new mount namespace. */
static bool mount_private_tmpfs(char *dir, size_t len, bool noexec)
{
	/* In the working directory: CTest runs us in the build tree. */
	snprintf(dir, len, "uapi-mnt-XXXXXX");
	if (!mkdtemp(dir))
		return false;
	if (!unshare(CLONE_NEWNS) || !unshare(CLONE_NEWUSER | CLONE_NEWNS)) {
		/* Keep the mount out of the parent's namespace. */
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
		if (!mount("uapi-test", dir, "tmpfs",
			   (noexec ? MS_NOEXEC : 0) | MS_NOSUID | MS_NODEV,
			   "size=64k"))
			return true;
	}
	rmdir(dir);
	return false;
}

/* ADD_PAGES from a page of a file in dir, mapped read-only. */
static long add_from_file(const char *dir, int *err)
{
	char path[600];
	int fd, encl = new_enclave(true);
	struct sgx_enclave_add_pages a;
	void *page;
	long ret = -2;

	snprintf(path, sizeof(path), "%s/uapi-src-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd >= 0 && !ftruncate(fd, UAPI_PAGE)) {
		page = mmap(NULL, UAPI_PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
		a = add_arg(page, 0, UAPI_PAGE, SGX_SECINFO_REG | 1);
		ret = page == MAP_FAILED ? -2 : add(encl, &a);
		*err = errno;
		if (page != MAP_FAILED)
			munmap(page, UAPI_PAGE); /* or the umount is busy */
	}
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	close(encl);
	return ret;
}

static int noexec_child(void *arg)
{
	bool noexec = arg != NULL, mounted = false;
	char dir[512];
	long ret;
	int err = 0;

	if (!noexec || !find_noexec_tmpfs(dir, sizeof(dir))) {
		mounted = mount_private_tmpfs(dir, sizeof(dir), noexec);
		if (!mounted) {
			printf("SKIP: ADD_PAGES from a %s mount: cannot mount "
			       "a tmpfs here (%s)\n",
			       noexec ? "noexec" : "exec", strerror(errno));
			return 77;
		}
	}
	ret = add_from_file(dir, &err);
	if (noexec)
		printf("%s: ADD_PAGES: source file on a noexec mount -> "
		       "EACCES (ret %ld errno %d)\n",
		       ret == -1 && err == EACCES ? "PASS" : "FAIL", ret, err);
	else
		printf("%s: ADD_PAGES: source file on an exec mount -> 0 "
		       "(ret %ld errno %d)\n",
		       ret == 0 ? "PASS" : "FAIL", ret, err);
	if (mounted) {
		umount2(dir, MNT_DETACH);
		rmdir(dir);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr,
			"usage: uapi_ioctl ENCLAVE SIG PROVISION-SIG\n");
		return 2;
	}
	uapi_host_load(&host, argv[1], argv[2]);
	prov_sig = uapi_read_sigstruct(argv[3]);
	src_pages = mmap(NULL, 4 * UAPI_PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	test_create();
	test_add_pages();
	test_init();
	test_provision();
	test_enotty();
	uapi_run_child("EBUSY", busy_child, NULL);
	uapi_run_child("EACCES noexec", noexec_child, "noexec");
	uapi_run_child("EACCES control", noexec_child, NULL);
	return uapi_finish("uapi_ioctl");
}

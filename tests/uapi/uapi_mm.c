// SPDX-License-Identifier: MIT
/*
 * Enclave mappings through mmap/mprotect/munmap/mremap (spec linux-sgx-uapi
 * §3): MAP_PRIVATE refused; mapping the fd before CREATE (a reservation)
 * and before INIT anywhere; after INIT only inside ELRANGE; each page's
 * maximum protection enforced by mmap and mprotect; SIGBUS for pages never
 * added and for a VMA wider than the page allows; no growing by mremap;
 * the enclave destroyed, with its memory and EPC, after the last close and
 * unmap, 1000 times over a small EPC budget.
 *
 * Usage: uapi_mm ENCLAVE ENCLAVE.sig (the hello image, see
 * docs/enclave-image.md: RX page at 0, R at 0x1000, RW at 0x2000, nothing
 * at 0x3000, RW heap 0x4000-0x8000, nothing at 0x8000, TCS at 0xd000).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "uapi.h"

#define ATTR_DEFAULT (SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG)
#define RWX (PROT_READ | PROT_WRITE | PROT_EXEC)

/* Offsets in the hello image's layout. */
#define OFF_RX 0x0000
#define OFF_R 0x1000
#define OFF_RW 0x2000
#define OFF_HOLE 0x3000
#define OFF_HEAP 0x4000
#define OFF_STACK 0x9000
#define OFF_TCS 0xd000

static struct uapi_host host;

static uint8_t *at(uint64_t base, uint64_t off)
{
	return (uint8_t *)(base + off);
}

static const char *sig_name(int sig)
{
	return sig == 0	      ? "no signal" :
	       sig == SIGBUS  ? "SIGBUS" :
	       sig == SIGSEGV ? "SIGSEGV" :
				"other signal";
}

/* One access; sig 0 means it must complete. */
static void expect_access(uint8_t *addr, bool write, int sig, int code,
			  const char *what)
{
	struct uapi_fault f = uapi_probe(addr, write);
	bool ok = f.sig == sig;

	if (sig)
		ok = ok && f.code == code && f.addr == addr;
	uapi_check(ok, "%s: %s -> %s (got %s, si_code %d, si_addr %s)", what,
		   write ? "write" : "read", sig_name(sig), sig_name(f.sig),
		   f.code, f.addr == addr ? "exact" : "other");
}

static void expect_sigbus(uint8_t *addr, const char *what)
{
	expect_access(addr, false, SIGBUS, BUS_ADRERR, what);
}

static void *map(uint64_t addr, size_t len, int prot, int flags, int fd)
{
	return mmap((void *)addr, len, prot, flags, fd, 0);
}

/* mmap must fail with err; a mapping it made anyway is removed. */
static void expect_map_err(uint64_t addr, size_t len, int prot, int flags,
			   int fd, int err, const char *what)
{
	void *p = map(addr, len, prot, flags, fd);
	int e = errno;

	if (p != MAP_FAILED && !(flags & MAP_FIXED))
		munmap(p, len);
	uapi_expect_err(p == MAP_FAILED ? -1 : 0, e, err, what);
}

static void expect_map_ok(uint64_t addr, size_t len, int prot, int flags,
			  int fd, const char *what)
{
	void *p = map(addr, len, prot, flags, fd);
	int e = errno;

	uapi_expect_ok(p == MAP_FAILED ? -1 : 0, e, what);
	if (p != MAP_FAILED && !(flags & MAP_FIXED))
		munmap(p, len);
}

/*
 * SGX2 (kernel 6.0+): a touch of an address without a page after INIT adds
 * one (EAUG) instead of SIGBUS. Detected as a program would: an SGX2 ioctl
 * on an enclave not yet initialised fails on state (EINVAL), not ENOTTY
 * (kernel < 6.0) or ENODEV (CPU without SGX2).
 */
static bool sgx2;

static void detect_sgx2(void)
{
	struct sgx_enclave_remove_pages r = { 0, UAPI_PAGE, 0 };
	int fd = uapi_open_enclave();

	sgx2 = ioctl(fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, &r) && errno == EINVAL;
	uapi_note("SGX2 %s: after INIT, touching a page never added %s",
		  sgx2 ? "present" : "absent", sgx2 ? "EAUGs it" : "is SIGBUS");
	close(fd);
}

/* REMOVE_PAGES: EFAULT if no page is there, EPERM for a page not TRIM. */
static int remove_page_errno(int fd, uint64_t off)
{
	struct sgx_enclave_remove_pages r = { off, UAPI_PAGE, 0 };

	return ioctl(fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, &r) ? errno : 0;
}

/* After INIT, spec 3.6: SGX1 SIGBUS; SGX2 EAUG of a pending page. */
static void expect_unbacked_after_init(int fd, uint64_t base, uint64_t off,
				       const char *what)
{
	struct uapi_fault f;

	if (!sgx2) {
		expect_sigbus(at(base, off), what);
		return;
	}
	EXPECT_ERR(remove_page_errno(fd, off) ? -1 : 0, EFAULT,
		   "SGX2: REMOVE_PAGES where no page is");
	f = uapi_probe(at(base, off), false);
	uapi_check(f.sig != SIGBUS, "%s: SGX2: read -> no SIGBUS (got %s)",
		   what, sig_name(f.sig));
	EXPECT_ERR(remove_page_errno(fd, off) ? -1 : 0, EPERM,
		   "SGX2: the read EAUGed a page: REMOVE_PAGES -> EPERM "
		   "(not TRIM)");
	uapi_known_bug(!f.sig,
		       "a host read of an EAUGed (pending) page faults; on "
		       "Linux it completes (abort-page semantics)",
		       "%s: the host's read completes (got %s)", what,
		       sig_name(f.sig));
}

/* --- MAP_PRIVATE ---------------------------------------------------------- */

static void test_map_private(void)
{
	int fd = uapi_open_enclave();

	expect_map_err(0, UAPI_PAGE, PROT_READ, MAP_PRIVATE, fd, EINVAL,
		       "mmap MAP_PRIVATE before CREATE");
	close(fd);
}

/* --- before INIT: the fd mapped as the reservation (§3.1) ----------------- */

/* Map 2*SIZE of the fresh fd RWX and keep a SIZE-aligned middle. */
static uint64_t reserve_with_fd(int fd, uint64_t size)
{
	uint8_t *area = map(0, 2 * size, RWX, MAP_SHARED, fd);
	uint64_t start = (uint64_t)area, base;
	int e = errno;

	if (!uapi_expect_ok(area == MAP_FAILED ? -1 : 0, e,
			    "mmap RWX of 2*SIZE before CREATE (reservation)"))
		exit(1);
	base = (start + size - 1) & ~(size - 1);
	EXPECT_OK(base > start ? munmap(area, base - start) : 0,
		  "munmap of the reservation's head");
	EXPECT_OK(munmap((void *)(base + size), start + size - base),
		  "munmap of the reservation's tail");
	return base;
}

static void before_init_protections(uint64_t base)
{
	expect_sigbus(at(base, OFF_HOLE), "before INIT, page never added");
	/* The whole VMA (RWX) is compared with the page (R-X): SIGBUS. */
	expect_sigbus(at(base, OFF_RX), "before INIT, RWX VMA over an RX page");
	EXPECT_OK(mprotect(at(base, OFF_RX), UAPI_PAGE, PROT_READ | PROT_EXEC),
		  "mprotect RX page to RX");
	expect_access(at(base, OFF_RX), false, 0, 0,
		      "before INIT, RX VMA over an RX page");
	EXPECT_OK(mprotect(at(base, OFF_R), UAPI_PAGE, PROT_READ),
		  "mprotect R page to R");
	EXPECT_ERR(mprotect(at(base, OFF_R), UAPI_PAGE, PROT_READ | PROT_WRITE),
		   EACCES, "mprotect R page to RW");
	EXPECT_ERR(mprotect(at(base, OFF_RW), UAPI_PAGE, RWX), EACCES,
		   "mprotect RWX over an RW page (RWX VMA already)");
}

static void test_before_init(void)
{
	uint64_t size = host.img.size, base;
	int fd = uapi_open_enclave();

	base = reserve_with_fd(fd, size);
	expect_sigbus(at(base, 0), "before CREATE, reservation");
	EXPECT_OK(uapi_create(fd, &host, base, ATTR_DEFAULT), "CREATE");
	EXPECT_OK(uapi_add_all(fd, &host), "ADD_PAGES of the image");
	/* No ELRANGE check before INIT. */
	expect_map_ok(0, UAPI_PAGE, PROT_READ, MAP_SHARED, fd,
		      "mmap outside ELRANGE before INIT");
	before_init_protections(base);
	EXPECT_OK(uapi_init(fd, host.sigstruct), "INIT");
	expect_unbacked_after_init(fd, base, OFF_HOLE,
				   "after INIT, page never added");
	expect_sigbus(at(base, OFF_HEAP),
		      "after INIT, RWX VMA over an RW page");
	expect_access(at(base, OFF_R), false, 0, 0,
		      "after INIT, R VMA over an R page");
	close(fd);
	munmap((void *)base, size);
}

/* --- after INIT (§3.2, §3.3, §3.4) ----------------------------------------- */

static void after_init_mmap(int fd, uint64_t base, uint64_t size)
{
	const int fixed = MAP_SHARED | MAP_FIXED;

	expect_map_err(0, UAPI_PAGE, PROT_READ, MAP_SHARED, fd, EACCES,
		       "mmap outside ELRANGE after INIT");
	expect_map_err(base - UAPI_PAGE, 2 * UAPI_PAGE, PROT_READ, fixed, fd,
		       EACCES, "mmap across ELRANGE's start after INIT");
	expect_map_err(base + size - UAPI_PAGE, 2 * UAPI_PAGE, PROT_READ, fixed,
		       fd, EACCES, "mmap across ELRANGE's end after INIT");
	expect_map_err(0, UAPI_PAGE, PROT_READ, MAP_PRIVATE, fd, EINVAL,
		       "mmap MAP_PRIVATE after INIT");
	expect_map_err(base + OFF_RW, UAPI_PAGE, PROT_READ | PROT_EXEC, fixed,
		       fd, EACCES, "mmap RX over an RW page");
	expect_map_err(base + OFF_RX, UAPI_PAGE, PROT_READ | PROT_WRITE, fixed,
		       fd, EACCES, "mmap RW over an RX page");
	expect_map_err(base + OFF_TCS, UAPI_PAGE, RWX, fixed, fd, EACCES,
		       "mmap RWX over a TCS (max RW)");
	/* A failed MAP_FIXED may leave a hole (Linux): map them again. */
	expect_map_ok(base + OFF_RX, UAPI_PAGE, PROT_READ | PROT_EXEC, fixed,
		      fd, "mmap RX over an RX page again");
	expect_map_ok(base + OFF_TCS, UAPI_PAGE, PROT_READ | PROT_WRITE, fixed,
		      fd, "mmap RW over a TCS again");
	/* Addresses without a page are not checked. */
	expect_map_ok(base + OFF_HOLE, UAPI_PAGE, RWX, fixed, fd,
		      "mmap RWX over a page never added");
	expect_unbacked_after_init(fd, base, OFF_HOLE,
				   "after INIT, page never added");
	expect_map_ok(base + OFF_RW, UAPI_PAGE, PROT_READ | PROT_WRITE, fixed,
		      fd, "mmap RW over an RW page again");
}

static void after_init_mprotect(uint64_t base)
{
	EXPECT_ERR(mprotect(at(base, OFF_RW), UAPI_PAGE, RWX), EACCES,
		   "mprotect adding X to an RW page");
	EXPECT_ERR(mprotect(at(base, OFF_RX), UAPI_PAGE, RWX), EACCES,
		   "mprotect adding W to an RX page");
	EXPECT_OK(mprotect(at(base, OFF_RW), UAPI_PAGE, PROT_READ),
		  "mprotect an RW page to R");
	expect_access(at(base, OFF_RW), true, SIGSEGV, SEGV_ACCERR,
		      "R VMA over an RW page");
	EXPECT_OK(mprotect(at(base, OFF_RW), UAPI_PAGE, PROT_READ | PROT_WRITE),
		  "mprotect it back to RW (within the maximum)");
	expect_access(at(base, OFF_RW), true, 0, 0, "RW VMA over an RW page");
	/* Splitting a VMA by mprotect is allowed. */
	EXPECT_OK(
		mprotect(at(base, OFF_HEAP + UAPI_PAGE), UAPI_PAGE, PROT_READ),
		"mprotect one page inside the heap mapping");
	expect_access(at(base, OFF_HEAP + UAPI_PAGE), true, SIGSEGV,
		      SEGV_ACCERR, "write to the narrowed heap page");
	expect_access(at(base, OFF_HEAP), true, 0, 0,
		      "write to its neighbour, still RW");
}

/* On one VMA: thread 0's stack, 0x9000-0xd000, mapped as one run. */
static void after_init_mremap(uint64_t base)
{
	uint8_t *stack = at(base, OFF_STACK);
	void *p;

	p = mremap(stack, 0x4000, 0x8000, 0);
	uapi_expect_err(p == MAP_FAILED ? -1 : 0, errno, EFAULT,
			"mremap growing in place");
	p = mremap(stack, 0x4000, 0x8000, MREMAP_MAYMOVE);
	uapi_expect_err(p == MAP_FAILED ? -1 : 0, errno, EFAULT,
			"mremap growing, may move");
	p = mremap(stack, 0x4000, 0x2000, 0);
	uapi_check(p == stack, "mremap shrinking -> same address");
	expect_access(stack + 0x3000, false, SIGSEGV, SEGV_MAPERR,
		      "the page cut off by shrinking");
	expect_access(stack, false, 0, 0, "the page kept by shrinking");
	/* Partial munmap: only PTEs go, the enclave stays. */
	EXPECT_OK(munmap(stack, UAPI_PAGE), "munmap of one page");
	expect_access(stack + UAPI_PAGE, false, 0, 0,
		      "the page after the munmapped one");
}

static void test_after_init(void)
{
	uint64_t size = host.img.size;
	uint64_t base = uapi_reserve(size, 4 * UAPI_PAGE);
	int fd = uapi_open_enclave();

	if (uapi_create(fd, &host, base, ATTR_DEFAULT) ||
	    uapi_add_all(fd, &host) || uapi_init(fd, host.sigstruct) ||
	    uapi_map_all(fd, &host, base)) {
		perror("building the enclave");
		exit(2);
	}
	after_init_mmap(fd, base, size);
	after_init_mprotect(base);
	after_init_mremap(base);
	close(fd);
	munmap((void *)(base - 4 * UAPI_PAGE), size + 8 * UAPI_PAGE);
}

/* --- lifetime (§1.3, §3.8) ------------------------------------------------- */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

/* Mappings of enclave memory: the device's, or (softsgx) its memfd. */
static int count_enclave_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "sgx_enclave") || strstr(line, "sgx-enclave"))
			n++;
	if (f)
		fclose(f);
	return n;
}

static void lifetime_close_first(int fds, int maps)
{
	uint64_t base;
	int fd = uapi_build(&host, &base);

	uapi_check(count_enclave_maps() > maps,
		   "lifetime: enclave memory shows in /proc/self/maps");
	EXPECT_OK(close(fd), "lifetime: close while mapped");
	expect_access(at(base, OFF_R), false, 0, 0,
		      "lifetime: the mapping outlives the fd");
	uapi_check(count_enclave_maps() > maps,
		   "lifetime: still in /proc/self/maps after close");
	EXPECT_OK(munmap((void *)base, host.img.size),
		  "lifetime: munmap of the last mapping");
	uapi_check(count_enclave_maps() == maps,
		   "lifetime: gone from /proc/self/maps after close + munmap "
		   "(%d left, %d before)",
		   count_enclave_maps(), maps);
	uapi_check(count_fds() == fds,
		   "lifetime: descriptor count back to %d (now %d)", fds,
		   count_fds());
}

static void lifetime_unmap_first(int fds, int maps)
{
	uint64_t base;
	int fd = uapi_build(&host, &base);

	EXPECT_OK(munmap((void *)base, host.img.size),
		  "lifetime: munmap while the fd is open");
	/* Still the same, initialised enclave. */
	EXPECT_ERR(uapi_init(fd, host.sigstruct), EINVAL,
		   "lifetime: INIT after munmap -> already initialised");
	EXPECT_OK(close(fd), "lifetime: close of the last fd");
	uapi_check(count_enclave_maps() == maps,
		   "lifetime: gone from /proc/self/maps after munmap + close "
		   "(%d left, %d before)",
		   count_enclave_maps(), maps);
	uapi_check(count_fds() == fds,
		   "lifetime: descriptor count back to %d (now %d)", fds,
		   count_fds());
}

/* --- the EPC is given back: 1000 enclaves through a small budget ----------- */

#define CYCLE_PAGES 16
#define CYCLES 1000
#define MAX_HELD 256

static uint8_t *cycle_src;

/* open + CREATE + ADD 16 pages + map ELRANGE; -1 with errno on failure. */
static int small_enclave(uint64_t *base)
{
	struct sgx_secinfo secinfo __attribute__((aligned(64))) = {
		.flags = SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W
	};
	struct sgx_enclave_add_pages add = {
		.src = (uint64_t)cycle_src,
		.length = CYCLE_PAGES * UAPI_PAGE,
		.secinfo = (uint64_t)&secinfo,
		.flags = SGX_PAGE_MEASURE,
	};
	int fd = uapi_open_enclave(), err;

	*base = uapi_reserve(host.img.size, 0);
	if (uapi_create(fd, &host, *base, ATTR_DEFAULT) ||
	    ioctl(fd, SGX_IOC_ENCLAVE_ADD_PAGES, &add) ||
	    map(*base, host.img.size, PROT_READ | PROT_WRITE,
		MAP_SHARED | MAP_FIXED, fd) == MAP_FAILED) {
		err = errno;
		close(fd);
		munmap((void *)*base, host.img.size);
		errno = err;
		return -1;
	}
	return fd;
}

static void drop_enclave(int fd, uint64_t base)
{
	close(fd);
	munmap((void *)base, host.img.size);
}

/* Hold enclaves until the EPC runs out: the budget is finite (ENOMEM). */
static void epc_fill(void)
{
	static int fds[MAX_HELD];
	static uint64_t bases[MAX_HELD];
	int n, err = 0;

	for (n = 0; n < MAX_HELD; n++) {
		fds[n] = small_enclave(&bases[n]);
		if (fds[n] < 0) {
			err = errno;
			break;
		}
	}
	if (n < MAX_HELD)
		uapi_check(
			err == ENOMEM,
			"EPC: exhausted after %d enclaves -> ENOMEM (got %s)",
			n, strerror(err));
	else
		uapi_skip("EPC: %d enclaves fit: the budget is too large for "
			  "the loop below to detect a leak (set "
			  "SOFTSGX_EPC_SIZE=1M)",
			  n);
	while (n-- > 0)
		drop_enclave(fds[n], bases[n]);
}

static void test_epc_reuse(int fds, int maps)
{
	int i, fd = 0;
	uint64_t base;

	cycle_src = mmap(NULL, CYCLE_PAGES * UAPI_PAGE, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	epc_fill();
	for (i = 0; i < CYCLES; i++) {
		fd = small_enclave(&base);
		if (fd < 0)
			break;
		drop_enclave(fd, base);
	}
	uapi_check(i == CYCLES, "EPC: %d of %d create/destroy cycles (%s)", i,
		   CYCLES, fd < 0 ? strerror(errno) : "ok");
	uapi_check(count_fds() == fds && count_enclave_maps() == maps,
		   "EPC: no descriptor or mapping left after the cycles");
	munmap(cycle_src, CYCLE_PAGES * UAPI_PAGE);
}

int main(int argc, char **argv)
{
	int fds, maps;

	if (argc != 3) {
		fprintf(stderr, "usage: uapi_mm ENCLAVE SIG\n");
		return 2;
	}
	uapi_host_load(&host, argv[1], argv[2]);
	detect_sgx2();
	fds = count_fds();
	maps = count_enclave_maps();
	test_map_private();
	test_before_init();
	test_after_init();
	lifetime_close_first(fds, maps);
	lifetime_unmap_first(fds, maps);
	test_epc_reuse(fds, maps);
	return uapi_finish("uapi_mm");
}

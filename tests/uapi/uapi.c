// SPDX-License-Identifier: MIT
/*
 * Reporting, fault probes and enclave construction for the uapi host
 * programs (see uapi.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "uapi.h"

static unsigned int nr_pass, nr_fail, nr_skip;

static void report(const char *tag, const char *fmt, va_list ap)
{
	printf("%s: ", tag);
	vprintf(fmt, ap);
	putchar('\n');
	/* A crash later must not lose the lines before it. */
	fflush(stdout);
}

bool uapi_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ok ? "PASS" : "FAIL", fmt, ap);
	va_end(ap);
	if (ok)
		nr_pass++;
	else
		nr_fail++;
	return ok;
}

void uapi_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("SKIP", fmt, ap);
	va_end(ap);
	nr_skip++;
}

static bool under_softsgx(void)
{
	const char *preload = getenv("LD_PRELOAD");

	return preload && strstr(preload, "libsoftsgx");
}

bool uapi_known_bug(bool ok, const char *bug, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (ok || !under_softsgx())
		return uapi_check(ok, "%s [kb]", what);
	uapi_skip("%s [kb]: known bug: %s", what, bug);
	return false;
}

void uapi_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("NOTE", fmt, ap);
	va_end(ap);
}

static const char *err_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ 0, "0" },
		{ EPERM, "EPERM" },
		{ ENOENT, "ENOENT" },
		{ EINTR, "EINTR" },
		{ EIO, "EIO" },
		{ EBADF, "EBADF" },
		{ EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" },
		{ EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" },
		{ ENODEV, "ENODEV" },
		{ ENOTDIR, "ENOTDIR" },
		{ EINVAL, "EINVAL" },
		{ ENOTTY, "ENOTTY" },
		{ ENOSYS, "ENOSYS" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return strerror(err);
}

bool uapi_expect_err(long ret, int err_seen, int err, const char *what)
{
	if (ret == -1)
		return uapi_check(err_seen == err, "%s -> %s (got %s)", what,
				  err_name(err), err_name(err_seen));
	return uapi_check(false, "%s -> %s (got %ld, no error)", what,
			  err_name(err), ret);
}

bool uapi_expect_ok(long ret, int err_seen, const char *what)
{
	if (ret == 0)
		return uapi_check(true, "%s -> 0", what);
	return uapi_check(false, "%s -> 0 (got %ld, errno %s)", what, ret,
			  err_name(err_seen));
}

int uapi_finish(const char *prog)
{
	printf("%s: %u passed, %u failed, %u skipped\n", prog, nr_pass, nr_fail,
	       nr_skip);
	return nr_fail ? 1 : 0;
}

/* One line of a child's output, counted as if it were ours. */
static void relay(const char *line)
{
	if (!strncmp(line, "PASS: ", 6))
		uapi_check(true, "%s", line + 6);
	else if (!strncmp(line, "FAIL: ", 6))
		uapi_check(false, "%s", line + 6);
	else if (!strncmp(line, "SKIP: ", 6))
		uapi_skip("%s", line + 6);
	else
		uapi_note("%s", line);
}

void uapi_run_child(const char *what, int (*fn)(void *arg), void *arg)
{
	int pipefd[2], status;
	char line[512];
	FILE *in;
	pid_t pid;

	fflush(stdout);
	if (pipe(pipefd) || (pid = fork()) < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		close(pipefd[0]);
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[1]);
		status = fn(arg);
		fflush(stdout);
		_exit(status);
	}
	close(pipefd[1]);
	in = fdopen(pipefd[0], "r");
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		relay(line);
	}
	fclose(in);
	waitpid(pid, &status, 0);
	uapi_check(WIFEXITED(status) && (WEXITSTATUS(status) == 0 ||
					 WEXITSTATUS(status) == 77),
		   "%s: child exited normally (status 0x%x)", what, status);
}

/* --- faults ------------------------------------------------------------ */

static sigjmp_buf probe_env;
static volatile sig_atomic_t probe_armed;
static struct uapi_fault probe_seen;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!probe_armed)
		abort(); /* a fault outside a probe is a bug in the test */
	probe_seen.sig = sig;
	probe_seen.code = si->si_code;
	probe_seen.addr = si->si_addr;
	siglongjmp(probe_env, 1);
}

struct uapi_fault uapi_probe(volatile uint8_t *addr, bool write)
{
	struct sigaction sa = { .sa_sigaction = probe_handler,
				.sa_flags = SA_SIGINFO },
			 old_segv, old_bus;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	memset(&probe_seen, 0, sizeof(probe_seen));
	if (!sigsetjmp(probe_env, 1)) {
		probe_armed = 1;
		if (write)
			*addr = *addr;
		else
			(void)*addr;
	}
	probe_armed = 0;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return probe_seen;
}

/* --- building an enclave ------------------------------------------------ */

void *uapi_read_sigstruct(const char *path)
{
	void *sig = aligned_alloc(UAPI_PAGE, UAPI_PAGE);
	FILE *f = fopen(path, "rb");

	if (!sig || !f || fread(sig, 1, 1808, f) != 1808) {
		fprintf(stderr, "cannot read SIGSTRUCT %s\n", path);
		exit(2);
	}
	memset((char *)sig + 1808, 0, UAPI_PAGE - 1808);
	fclose(f);
	return sig;
}

void uapi_host_load(struct uapi_host *h, const char *image, const char *sig)
{
	char err[256];

	if (softsgx_image_load(&h->img, image, err, sizeof(err))) {
		fprintf(stderr, "cannot load %s: %s\n", image, err);
		exit(2);
	}
	h->sigstruct = uapi_read_sigstruct(sig);
}

uint64_t uapi_reserve(uint64_t size, uint64_t margin)
{
	uint64_t len = 2 * size + 2 * margin, base, start;
	uint8_t *area =
		mmap(NULL, len, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (area == MAP_FAILED) {
		perror("reserving ELRANGE");
		exit(2);
	}
	start = (uint64_t)area;
	base = (start + margin + size - 1) & ~(size - 1);
	/* Keep [base - margin, base + size + margin), drop the rest. */
	if (base - margin > start)
		munmap(area, base - margin - start);
	if (start + len > base + size + margin)
		munmap((void *)(base + size + margin),
		       start + len - (base + size + margin));
	return base;
}

int uapi_open_enclave(void)
{
	int fd = open("/dev/sgx_enclave", O_RDWR);

	if (fd < 0) {
		perror("/dev/sgx_enclave");
		exit(2);
	}
	return fd;
}

int uapi_create(int fd, const struct uapi_host *h, uint64_t base,
		uint64_t attributes)
{
	return uapi_create_raw(fd, h->img.size, h->img.ssa_frame_size, base,
			       attributes);
}

int uapi_create_raw(int fd, uint64_t size, uint32_t ssa_frame_size,
		    uint64_t base, uint64_t attributes)
{
	uint8_t *secs = aligned_alloc(UAPI_PAGE, UAPI_PAGE);
	struct sgx_enclave_create create = { .src = (uint64_t)secs };
	struct sgx_secs *s = (struct sgx_secs *)secs;
	int ret, err;

	memset(secs, 0, UAPI_PAGE);
	s->size = size;
	s->base = base;
	s->ssa_frame_size = ssa_frame_size;
	s->attributes.flags = attributes;
	s->attributes.xfrm = 0x3;
	ret = ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &create);
	err = errno;
	free(secs);
	errno = err;
	return ret;
}

int uapi_add_all(int fd, const struct uapi_host *h)
{
	const struct softsgx_image *img = &h->img;

	for (size_t i = 0; i < img->nr_pages;) {
		size_t n = softsgx_image_run(img, i);
		struct sgx_secinfo secinfo = {
			.flags = img->pages[i].secinfo_flags
		};
		struct sgx_enclave_add_pages add = {
			.src = (uint64_t)img->pages[i].data,
			.offset = img->pages[i].offset,
			.length = n * UAPI_PAGE,
			.secinfo = (uint64_t)&secinfo,
			.flags = img->pages[i].measured ? SGX_PAGE_MEASURE : 0,
		};

		if (ioctl(fd, SGX_IOC_ENCLAVE_ADD_PAGES, &add))
			return -1;
		i += n;
	}
	return 0;
}

int uapi_init(int fd, const void *sigstruct)
{
	struct sgx_enclave_init init = { .sigstruct = (uint64_t)sigstruct };

	return ioctl(fd, SGX_IOC_ENCLAVE_INIT, &init);
}

static int secinfo_prot(uint64_t flags)
{
	if ((flags & SGX_SECINFO_PAGE_TYPE_MASK) == SGX_SECINFO_TCS)
		return PROT_READ | PROT_WRITE;
	return (flags & SGX_SECINFO_R ? PROT_READ : 0) |
	       (flags & SGX_SECINFO_W ? PROT_WRITE : 0) |
	       (flags & SGX_SECINFO_X ? PROT_EXEC : 0);
}

int uapi_map_all(int fd, const struct uapi_host *h, uint64_t base)
{
	const struct softsgx_image *img = &h->img;

	for (size_t i = 0; i < img->nr_pages;) {
		size_t n = softsgx_image_run(img, i);
		int prot = secinfo_prot(img->pages[i].secinfo_flags);

		if (mmap((void *)(base + img->pages[i].offset), n * UAPI_PAGE,
			 prot, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
			return -1;
		i += n;
	}
	return 0;
}

int uapi_build(const struct uapi_host *h, uint64_t *base)
{
	int fd = uapi_open_enclave();

	*base = uapi_reserve(h->img.size, 0);
	if (uapi_create(fd, h, *base, SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG) ||
	    uapi_add_all(fd, h) || uapi_init(fd, h->sigstruct) ||
	    uapi_map_all(fd, h, *base)) {
		perror("building the hello enclave");
		exit(2);
	}
	return fd;
}

// SPDX-License-Identifier: MIT
/*
 * An enclave belongs to the open file description of /dev/sgx_enclave
 * (linux-sgx-uapi spec 1.3): after fork() the child's descriptor is the
 * same enclave, whichever process then adds pages, initialises it, maps
 * it or lets go of it, and a descriptor without O_CLOEXEC is still that
 * enclave in the program execve() starts. Each case splits the life of one
 * enclave between two processes and checks from the other one:
 *
 *  1   fork after CREATE: the child adds every page; the parent finds them
 *      there (adding one again is EBUSY), INITs with the measurement the
 *      child's adds made, and enters;
 *  2   fork after ADD_PAGES: the child INITs; the parent's INIT and
 *      ADD_PAGES then fail with EINVAL, as after its own INIT; the parent
 *      maps the enclave and enters;
 *  3   fork before CREATE: the parent builds the enclave; the child maps it
 *      through its inherited descriptor and enters;
 *  4a  the parent closes and unmaps while the child still calls in;
 *  4b  the child calls in, closes, unmaps and exits; the parent goes on;
 *      in both, nobody writes anything to stderr;
 *  5a  execve after INIT: the new program maps ELRANGE through the
 *      inherited descriptor and enters; an O_CLOEXEC descriptor is gone;
 *  5b  execve after CREATE: the new program adds the pages and INITs; the
 *      parent maps and enters;
 *  6a  SGX2: the child restricts a page to R; the parent's enclave write
 *      to it is an EPCM #PF;
 *  6b  the reverse: the parent restricts after the fork, the child faults;
 *  6c  the child restricts while a thread of the parent runs inside the
 *      enclave: the child's ETRACK reaches that thread (the ioctl does
 *      not wait out its 2 s bound), which goes on exact; then 6a's fault;
 *  7a  200 rounds of 4a, 7b 200 rounds of 1, with an EPC for a few
 *      enclaves only (SOFTSGX_EPC_SIZE): nothing stays charged.
 *
 * Each case runs in a process of its own (the case's "parent"), so that a
 * failure ends that case only and the others still report. A case's
 * children write stderr to a file, which the parent checks and relays.
 * Every child is waited for within a deadline, and killed after it.
 *
 * Usage: it_fork_share ENCLAVE ENCLAVE.sig [CASE...]
 * The new program of 5a and 5b is this one again:
 *        it_fork_share ENCLAVE ENCLAVE.sig exec-child FD BASE SIZE CLOFD
 *        it_fork_share ENCLAVE ENCLAVE.sig exec-build FD BASE SIZE
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testhost.h"

#define PAGE 4096UL
#define CHILD_DEADLINE_S 20
#define ROUNDS 200

#define PF 14
#define EPCM_W 0x8007 /* PF_SGX | user | write | present */

/* What a case is doing, in memory its processes share with main(). */
struct progress {
	char step[240];
};

struct fs_case {
	const char *id;
	const char *title;
	void (*run)(void);
	int deadline_s;
};

static const char *image, *sigfile;
static const struct fs_case *cur; /* the case this process runs */
static struct progress *progress, exec_progress;
static pid_t live_child; /* the case's child not yet waited for, or 0 */
static int live_child_err = -1;

static void __attribute__((format(printf, 1, 2))) step(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(progress->step, sizeof(progress->step), fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
case_fail(int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL %s:%d: case %s (%s): ", __FILE__, line, cur->id,
		cur->title);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

#define CFAIL(...) case_fail(__LINE__, __VA_ARGS__)

/* --- Children ------------------------------------------------------------ */

/* Copies what a child wrote to stderr to ours; whether there was any. */
static bool relay(int fd)
{
	char buf[4096];
	bool any = false, bol = true;
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (bol)
				fputs("  child| ", stderr);
			fputc(buf[i], stderr);
			bol = buf[i] == '\n';
		}
		any = true;
	}
	if (!bol)
		fputc('\n', stderr);
	return any;
}

/* A file that nothing else uses, for a child's stderr. */
static int err_file(void)
{
	FILE *f = tmpfile();
	int fd;

	if (!f)
		CFAIL("tmpfile: %m");
	fd = dup(fileno(f));
	fclose(f);
	if (fd < 0)
		CFAIL("dup: %m");
	return fd;
}

/* A failing case must not leave a child running, nor unwaited for. */
static void reap_live_child(void)
{
	if (!live_child)
		return;
	kill(live_child, SIGKILL);
	waitpid(live_child, NULL, 0);
	relay(live_child_err);
	live_child = 0;
}

/* fork() with the child's stderr in a file; 0 in the child. */
static pid_t spawn(void)
{
	int err = err_file();
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		CFAIL("fork: %m");
	if (pid == 0) {
		live_child = 0;
		if (dup2(err, STDERR_FILENO) < 0)
			_exit(3);
		close(err);
		return 0;
	}
	live_child = pid;
	live_child_err = err;
	return pid;
}

static void describe(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status 0x%x", status);
}

/*
 * Waits for the live child (killing it after CHILD_DEADLINE_S) and relays
 * its stderr; returns its wait status, and in *noisy whether it wrote to
 * stderr.
 */
static int wait_child(bool *noisy)
{
	struct timespec nap = { 0, 5 * 1000 * 1000 };
	pid_t pid = live_child;
	int status;

	for (int i = 0; i < CHILD_DEADLINE_S * 200; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r < 0)
			CFAIL("waitpid: %m");
		if (r == pid) {
			live_child = 0;
			*noisy = relay(live_child_err);
			close(live_child_err);
			return status;
		}
		nanosleep(&nap, NULL);
	}
	reap_live_child();
	CFAIL("the child did not end within %d s (killed); it was at: %s",
	      CHILD_DEADLINE_S, progress->step);
}

/* The child must have exited with 0; what it said is above. */
static void child_ok(bool quiet)
{
	char how[64];
	bool noisy;
	int status = wait_child(&noisy);

	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		describe(status, how, sizeof(how));
		CFAIL("the child failed (%s) at: %s", how, progress->step);
	}
	if (quiet && noisy)
		CFAIL("the child wrote to stderr (above); expected nothing");
}

/* One byte through a pipe: the other process may go on. */
static void post(int fd)
{
	if (write(fd, "", 1) != 1)
		CFAIL("write to the pipe: %m");
}

/* Waits for post() on the other end; fails after CHILD_DEADLINE_S. */
static void await(int fd, const char *what)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;
	int r;

	do
		r = poll(&p, 1, CHILD_DEADLINE_S * 1000);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		CFAIL("no word within %d s while waiting for %s",
		      CHILD_DEADLINE_S, what);
	if (r < 0 || read(fd, &c, 1) != 1)
		CFAIL("the other process went away while waiting for %s", what);
}

/* --- The enclave --------------------------------------------------------- */

static void ecall(const struct th_enclave *e, size_t tcs, uint64_t op,
		  struct te_args *args, const char *who)
{
	struct sgx_enclave_run run = { 0 };
	int ret = th_enter(e, tcs, TH_EENTER, op, args, &run);

	if (ret || run.function != TH_EEXIT || args->status != TE_STATUS_OK)
		CFAIL("%s: ECALL %llu on TCS %zu: ret %d, function %u, "
		      "vector %u, error 0x%x, addr 0x%llx, status 0x%llx; "
		      "expected EEXIT with status OK",
		      who, (unsigned long long)op, tcs, ret, run.function,
		      run.exception_vector, run.exception_error_code,
		      (unsigned long long)run.exception_addr,
		      (unsigned long long)args->status);
}

static void add_exact(const struct th_enclave *e, size_t tcs, uint64_t a,
		      uint64_t b, const char *who)
{
	struct te_args args = { .a = a, .b = b };

	ecall(e, tcs, TE_OP_ADD, &args, who);
	if (args.result != a + b)
		CFAIL("%s: ADD %llu + %llu = %llu", who, (unsigned long long)a,
		      (unsigned long long)b, (unsigned long long)args.result);
}

static void busy_exact(const struct th_enclave *e, size_t tcs, uint64_t seed,
		       const char *who)
{
	struct te_args args = { .n = 10000, .seed = seed };

	ecall(e, tcs, TE_OP_BUSY, &args, who);
	if (args.result != te_busy_ref(seed, 10000))
		CFAIL("%s: BUSY checksum 0x%llx, expected 0x%llx", who,
		      (unsigned long long)args.result,
		      (unsigned long long)te_busy_ref(seed, 10000));
}

/* Calls served by the enclave, this one included (in enclave memory). */
static uint64_t served(const struct th_enclave *e, const char *who)
{
	struct te_args args = { 0 };

	ecall(e, 0, TE_OP_COUNT, &args, who);
	return args.result;
}

/* The enclave is where this process thinks it is. */
static struct te_info info_ok(const struct th_enclave *e, const char *who)
{
	struct te_args args = { 0 };

	ecall(e, 0, TE_OP_INFO, &args, who);
	if (args.info.base != e->base || args.info.enclave_size != e->size)
		CFAIL("%s: the enclave says base 0x%llx size 0x%llx, expected "
		      "0x%llx 0x%llx",
		      who, (unsigned long long)args.info.base,
		      (unsigned long long)args.info.enclave_size,
		      (unsigned long long)e->base, (unsigned long long)e->size);
	return args.info;
}

/* Three ECALLs that count (see served()), exact or fail. */
#define WORK_CALLS 3
static void work(const struct th_enclave *e, uint64_t seed, const char *who)
{
	info_ok(e, who);
	add_exact(e, 1, seed, 1000, who);
	busy_exact(e, 2, seed, who);
}

/* ADD_PAGES of image page i alone, as it was added first. */
static int add_page(const struct th_enclave *e, size_t i, uint64_t *count)
{
	const struct softsgx_image_page *p = &e->img.pages[i];
	struct sgx_secinfo secinfo = { .flags = p->secinfo_flags };
	struct sgx_enclave_add_pages add = {
		.src = (uint64_t)(uintptr_t)p->data,
		.offset = p->offset,
		.length = PAGE,
		.secinfo = (uint64_t)(uintptr_t)&secinfo,
		.flags = p->measured ? SGX_PAGE_MEASURE : 0,
		.count = 0x5a5a, /* upstream overwrites it, if it copies back */
	};
	int ret = ioctl(e->fd, SGX_IOC_ENCLAVE_ADD_PAGES, &add);

	*count = add.count;
	return ret;
}

static int init_enclave(const struct th_enclave *e)
{
	struct sgx_enclave_init init = {
		.sigstruct = (uint64_t)(uintptr_t)th_read_sigstruct(sigfile),
	};
	int ret = ioctl(e->fd, SGX_IOC_ENCLAVE_INIT, &init);
	int err = errno;

	free((void *)(uintptr_t)init.sigstruct);
	errno = err;
	return ret;
}

static const char *result(int ret)
{
	return ret ? strerror(errno) : "success";
}

static void build(struct th_enclave *e, int open_flags)
{
	th_open(e, image, 0, open_flags);
	th_create(e);
	th_add_pages(e);
	th_einit(e, sigfile);
	th_map(e);
}

/* Close and unmap; 0, or the errno of the step that failed, named in *op. */
static int release(struct th_enclave *e, const char **op)
{
	*op = "close of the fd";
	if (close(e->fd))
		return errno;
	e->fd = -1;
	*op = "munmap of ELRANGE";
	if (munmap((void *)(uintptr_t)e->base, e->size))
		return errno;
	return 0;
}

static void let_go(struct th_enclave *e)
{
	const char *op;
	int err = release(e, &op);

	if (err)
		CFAIL("%s: %s", op, strerror(err));
}

/*
 * let_go() with our stderr in a file: the release of an enclave must be
 * silent (softsgx reports a failed EREMOVE there, and leaks).
 */
static void let_go_quietly(struct th_enclave *e)
{
	int out = err_file(), saved, err;
	const char *op;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if (saved < 0 || dup2(out, STDERR_FILENO) < 0)
		CFAIL("dup: %m");
	err = release(e, &op);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	if (relay(out))
		CFAIL("the parent's close and munmap wrote to stderr (above); "
		      "expected nothing");
	close(out);
	if (err)
		CFAIL("%s: %s", op, strerror(err));
}

/*
 * After let_go(): th_unload() would munmap ELRANGE again, where something
 * else may have been mapped since.
 */
static void forget(struct th_enclave *e)
{
	softsgx_image_free(&e->img);
}

/* --- 1: fork after CREATE ------------------------------------------------ */

static void fork_after_create(void)
{
	struct th_enclave e;
	uint64_t count;
	int ret;

	step("parent: open and CREATE");
	th_open(&e, image, 0, O_RDWR);
	th_create(&e);
	if (!spawn()) {
		step("child: ADD_PAGES of every page");
		th_add_pages(&e);
		exit(0);
	}
	child_ok(false);

	step("parent: ADD_PAGES again of the child's first page");
	ret = add_page(&e, 0, &count);
	if (ret != -1 || errno != EBUSY)
		CFAIL("the parent's ADD_PAGES of offset 0x%llx, which the child "
		      "added: %s, expected EBUSY (page already there)",
		      (unsigned long long)e.img.pages[0].offset, result(ret));
	CHECK_EQ(count, 0);

	step("parent: INIT of the pages the child added");
	if (init_enclave(&e))
		CFAIL("the parent's INIT after the child added every page: %m, "
		      "expected success (the child's adds measured this "
		      "enclave)");
	step("parent: map and enter");
	th_map(&e);
	work(&e, 1, "parent");
	th_unload(&e);
	printf("  ok  1   fork after CREATE: the child's ADD_PAGES built the "
	       "parent's enclave (re-add EBUSY, INIT, ECALLs exact)\n");
}

/* --- 2: fork after ADD_PAGES, before INIT -------------------------------- */

static void fork_before_init(void)
{
	struct th_enclave e;
	uint64_t count;
	int ret;

	step("parent: open, CREATE, ADD_PAGES");
	th_open(&e, image, 0, O_RDWR);
	th_create(&e);
	th_add_pages(&e);
	if (!spawn()) {
		step("child: INIT");
		th_einit(&e, sigfile);
		exit(0);
	}
	child_ok(false);

	step("parent: INIT after the child's INIT");
	ret = init_enclave(&e);
	if (ret != -1 || errno != EINVAL)
		CFAIL("the parent's INIT after the child's: %s, expected EINVAL "
		      "(already initialised)",
		      result(ret));
	step("parent: ADD_PAGES after the child's INIT");
	ret = add_page(&e, 0, &count);
	if (ret != -1 || errno != EINVAL)
		CFAIL("the parent's ADD_PAGES after the child's INIT: %s, "
		      "expected EINVAL (initialised)",
		      result(ret));
	step("parent: map and enter the enclave the child initialised");
	th_map(&e);
	work(&e, 2, "parent");
	th_unload(&e);
	printf("  ok  2   fork before INIT: the child's INIT is the parent's "
	       "(INIT, ADD_PAGES EINVAL; ECALLs exact)\n");
}

/* --- 3: fork before CREATE ----------------------------------------------- */

static void fork_before_create(void)
{
	struct th_enclave e;
	uint64_t before;
	int p[2];

	step("parent: open");
	/* ELRANGE is reserved here, before the fork, in both processes. */
	th_open(&e, image, 0, O_RDWR);
	CHECK(!pipe(p));
	if (!spawn()) {
		close(p[1]);
		step("child: waiting for the parent to build the enclave");
		await(p[0], "the parent's INIT");
		step("child: mmap of ELRANGE through the inherited fd (the "
		     "parent built the enclave after the fork)");
		th_map(&e);
		step("child: ECALLs into the enclave the parent built");
		work(&e, 3, "child");
		exit(0);
	}
	close(p[0]);
	step("parent: CREATE, ADD_PAGES, INIT, map after the fork");
	th_create(&e);
	th_add_pages(&e);
	th_einit(&e, sigfile);
	th_map(&e);
	add_exact(&e, 0, 1, 2, "parent");
	before = served(&e, "parent");
	post(p[1]);
	child_ok(false);
	close(p[1]);
	step("parent: ECALLs after the child's");
	CHECK_EQ(served(&e, "parent"), before + WORK_CALLS + 1);
	work(&e, 4, "parent");
	th_unload(&e);
	printf("  ok  3   fork before CREATE: the child maps what the parent "
	       "built through its fd and enters\n");
}

/* --- 4: who lets go first ------------------------------------------------ */

static void parent_first(void)
{
	struct th_enclave e;
	int ready[2], gone[2];

	step("parent: build and map");
	build(&e, O_RDWR);
	CHECK(!pipe(ready) && !pipe(gone));
	if (!spawn()) {
		/* EOF on gone[0] if the parent dies. */
		close(gone[1]);
		step("child: ECALLs before the parent lets go");
		work(&e, 5, "child");
		post(ready[1]);
		await(gone[0], "the parent's close and munmap");
		step("child: ECALLs after the parent closed its fd and "
		     "unmapped ELRANGE");
		for (uint64_t i = 0; i < 1000; i++)
			add_exact(&e, i % e.nr_tcs, i, 7, "child");
		work(&e, 6, "child");
		/* The last user: the enclave goes with this exit. */
		exit(0);
	}
	await(ready[0], "the child's first ECALLs");
	step("parent: close(fd) and munmap(ELRANGE) while the child uses the "
	     "enclave");
	let_go_quietly(&e);
	post(gone[1]);
	child_ok(true);
	forget(&e);
	printf("  ok  4a  the parent closes and unmaps first: the child goes "
	       "on calling in (1003 ECALLs), stderr silent\n");
}

static void child_first(void)
{
	struct th_enclave e;
	uint64_t before;

	step("parent: build and map");
	build(&e, O_RDWR);
	before = served(&e, "parent");
	if (!spawn()) {
		step("child: ECALLs");
		work(&e, 7, "child");
		step("child: close(fd), munmap(ELRANGE), exit");
		let_go(&e);
		exit(0);
	}
	child_ok(true);
	step("parent: ECALLs after the child closed, unmapped and exited");
	CHECK_EQ(served(&e, "parent"), before + WORK_CALLS + 1);
	work(&e, 8, "parent");
	step("parent: close and munmap, the last user");
	let_go_quietly(&e);
	forget(&e);
	printf("  ok  4b  the child closes, unmaps and exits first: the parent "
	       "goes on, stderr silent\n");
}

/* --- 5: execve ----------------------------------------------------------- */

static void exec_self(const char *mode, int fd, const struct th_enclave *e,
		      int cloexec_fd)
{
	char fds[16], base[32], size[32], clofd[16];
	char *args[9] = { "it_fork_share", (char *)image, (char *)sigfile };

	snprintf(fds, sizeof(fds), "%d", fd);
	snprintf(base, sizeof(base), "0x%llx", (unsigned long long)e->base);
	snprintf(size, sizeof(size), "0x%llx", (unsigned long long)e->size);
	snprintf(clofd, sizeof(clofd), "%d", cloexec_fd);
	args[3] = (char *)mode;
	args[4] = fds;
	args[5] = base;
	args[6] = size;
	args[7] = cloexec_fd < 0 ? NULL : clofd;
	execv("/proc/self/exe", args);
	CFAIL("execv /proc/self/exe: %m");
}

static void exec_after_init(void)
{
	struct th_enclave e, clo;
	uint64_t before;

	step("parent: build and map (fd without O_CLOEXEC)");
	build(&e, O_RDWR);
	step("parent: open and CREATE another one with O_CLOEXEC");
	th_open(&clo, image, 0, O_RDWR | O_CLOEXEC);
	th_create(&clo);
	before = served(&e, "parent");
	if (!spawn()) {
		step("child: execve of this program with the enclave's fd "
		     "(the new program's own messages are above)");
		exec_self("exec-child", e.fd, &e, clo.fd);
	}
	child_ok(false);
	step("parent: ECALLs after the new program's");
	CHECK_EQ(served(&e, "parent"), before + WORK_CALLS + 1);
	work(&e, 9, "parent");
	th_unload(&clo);
	th_unload(&e);
	printf("  ok  5a  execve after INIT: the new program maps ELRANGE "
	       "through the inherited fd and enters; O_CLOEXEC fd gone\n");
}

static void exec_after_create(void)
{
	struct th_enclave e;

	step("parent: open and CREATE");
	th_open(&e, image, 0, O_RDWR);
	th_create(&e);
	if (!spawn()) {
		step("child: execve of this program with the enclave's fd "
		     "(the new program's own messages are above)");
		exec_self("exec-build", e.fd, &e, -1);
	}
	child_ok(false);
	step("parent: map and enter the enclave the new program built");
	th_map(&e);
	work(&e, 10, "parent");
	th_unload(&e);
	printf("  ok  5b  execve after CREATE: the new program adds the pages "
	       "and INITs; the parent maps and enters\n");
}

/* The descriptor the new program was given, as the enclave it was. */
static void exec_adopt(struct th_enclave *e, char **argv)
{
	int fd = (int)strtol(argv[4], NULL, 0);
	uint64_t base = strtoull(argv[5], NULL, 0);
	uint64_t size = strtoull(argv[6], NULL, 0);
	int flags, err;

	step("new program: fd %d inherited without O_CLOEXEC", fd);
	flags = fcntl(fd, F_GETFD);
	err = errno;
	if (flags < 0)
		CFAIL("the enclave fd %d did not survive execve: %s", fd,
		      strerror(err));
	if (flags & FD_CLOEXEC)
		CFAIL("the enclave fd %d has FD_CLOEXEC", fd);
	th_image(e, image, 0);
	if (e->size != size)
		CFAIL("SECS.SIZE 0x%llx in argv, the image says 0x%llx",
		      (unsigned long long)size, (unsigned long long)e->size);
	e->fd = fd;
	e->base = base;
}

/*
 * ELRANGE must be free in the new address space (it is chosen in the old
 * one); the reservation also keeps it free until th_map() replaces it.
 */
static void exec_reserve(const struct th_enclave *e)
{
	void *at = (void *)(uintptr_t)e->base;

	if (mmap(at, e->size, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
		 0) != at)
		CFAIL("ELRANGE 0x%llx+0x%llx is taken in the new program: %m",
		      (unsigned long long)e->base, (unsigned long long)e->size);
}

/*
 * The new program's progress is its own: say where it stopped, for the
 * parent relays our stderr.
 */
static bool exec_done;

static void exec_where(void)
{
	if (!exec_done)
		fprintf(stderr, "(the new program stopped at: %s)\n",
			progress->step);
}

static const struct fs_case exec_case[] = {
	{ "5a", "execve after INIT", NULL, 0 },
	{ "5b", "execve after CREATE", NULL, 0 },
};

/* 5a in the new program: argv FD BASE SIZE CLOEXEC_FD. */
static int exec_child(int argc, char **argv)
{
	struct sgx_enclave_init init = { 0 };
	struct th_enclave e;
	int clofd, ret;
	char link[64], target[256];
	ssize_t n;

	cur = &exec_case[0];
	atexit(exec_where);
	if (argc < 8)
		CFAIL("exec-child needs FD BASE SIZE CLOEXEC_FD");
	clofd = (int)strtol(argv[7], NULL, 0);
	step("new program: the O_CLOEXEC fd %d", clofd);
	if (fcntl(clofd, F_GETFD) != -1 || errno != EBADF) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", clofd);
		n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		CFAIL("fd %d, opened with O_CLOEXEC, is still open after "
		      "execve (%s)",
		      clofd, target);
	}
	exec_adopt(&e, argv);
	/* INIT's state check comes first: no SIGSTRUCT is read. */
	step("new program: INIT on the inherited fd");
	ret = ioctl(e.fd, SGX_IOC_ENCLAVE_INIT, &init);
	if (ret != -1 || errno != EINVAL)
		CFAIL("INIT on the inherited fd %d: %s, expected EINVAL as on "
		      "the initialised enclave it refers to",
		      e.fd, result(ret));
	step("new program: mmap of ELRANGE through the inherited fd");
	exec_reserve(&e);
	th_map(&e);
	/*
	 * softsgx's EEXIT slot (src/shim/eexit.c), where the enclave's
	 * rewritten EEXIT sites jump through: a process that could not map
	 * it must still exit the enclave (the fault on it is the EEXIT).
	 */
	munmap((void *)0x7fff0000UL, PAGE);
	step("new program: ECALLs through its own mapping, without the "
	     "EEXIT slot");
	work(&e, 11, "new program");
	th_unload(&e);
	exec_done = true;
	return 0;
}

/* 5b in the new program: argv FD BASE SIZE. */
static int exec_build(int argc, char **argv)
{
	struct th_enclave e;

	cur = &exec_case[1];
	atexit(exec_where);
	if (argc < 7)
		CFAIL("exec-build needs FD BASE SIZE");
	exec_adopt(&e, argv);
	step("new program: ADD_PAGES through the inherited fd");
	th_add_pages(&e);
	step("new program: INIT through the inherited fd");
	th_einit(&e, sigfile);
	step("new program: mmap and ECALLs");
	exec_reserve(&e);
	th_map(&e);
	work(&e, 12, "new program");
	th_unload(&e);
	exec_done = true;
	return 0;
}

/* --- 6: SGX2 ------------------------------------------------------------- */

/* RESTRICT_PERMISSIONS checks for SGX2 first: ENODEV without it. */
static bool have_sgx2(void)
{
	struct sgx_enclave_restrict_permissions rp = { 0 };
	int fd = open("/dev/sgx_enclave", O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0)
		CFAIL("/dev/sgx_enclave: %m");
	ret = ioctl(fd, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp);
	close(fd);
	return !(ret && (errno == ENODEV || errno == ENOTTY));
}

static void restrict_ro(const struct th_enclave *e, uint64_t offset,
			const char *who)
{
	struct sgx_enclave_restrict_permissions rp = {
		.offset = offset,
		.length = PAGE,
		.permissions = SGX_SECINFO_R,
	};

	if (ioctl(e->fd, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp))
		CFAIL("%s: RESTRICT_PERMISSIONS(R) of offset 0x%llx: %m", who,
		      (unsigned long long)offset);
	CHECK_EQ(rp.result, 0);
	CHECK_EQ(rp.count, PAGE);
}

struct cycle {
	struct sgx_enclave_run fault, handler, resume;
	int ret_fault, ret_handler, ret_resume;
};

/*
 * An enclave write, its fault, the enclave's handler (which skips the
 * write) and ERESUME: from one frame, as ERESUME returns to the untrusted
 * stack of the first EENTER.
 */
static __attribute__((noinline)) void
write_cycle(const struct th_enclave *e, struct te_args *args, struct cycle *c)
{
	memset(c, 0, sizeof(*c));
	c->ret_fault = th_enter(e, 0, TH_EENTER, TE_OP_FAULT, args, &c->fault);
	if (c->ret_fault || c->fault.function != TH_ERESUME)
		return; /* no fault: nothing to handle */
	c->ret_handler =
		th_enter(e, 0, TH_EENTER, TE_OP_NOP, NULL, &c->handler);
	c->ret_resume = th_enter(e, 0, TH_ERESUME, 0, NULL, &c->resume);
}

/* The EPCM, not the PTE, refuses an enclave write to page rw. */
static void write_faults(const struct th_enclave *e, uint64_t rw,
			 const char *who, const char *restricted_by)
{
	uint64_t page = th_addr(e, rw);
	struct te_args args = {
		.kind = TE_FAULT_WRITE,
		.addr = page + 0x400,
		.skip = 1,
	};
	struct cycle c;

	write_cycle(e, &args, &c);
	if (c.ret_fault || c.fault.function != TH_ERESUME)
		CFAIL("%s: an enclave write to the page %s restricted to R: "
		      "ret %d, function %u, status 0x%llx, expected an EPCM "
		      "#PF (function 3): the restriction is not in this "
		      "process's enclave",
		      who, restricted_by, c.ret_fault, c.fault.function,
		      (unsigned long long)args.status);
	if (c.fault.exception_vector != PF ||
	    c.fault.exception_error_code != EPCM_W ||
	    c.fault.exception_addr != page)
		CFAIL("%s: write to the restricted page: vector %u error 0x%x "
		      "addr 0x%llx, expected 14, 0x%x, 0x%llx",
		      who, c.fault.exception_vector,
		      c.fault.exception_error_code,
		      (unsigned long long)c.fault.exception_addr, EPCM_W,
		      (unsigned long long)page);
	CHECK_EQ(c.ret_handler, 0);
	CHECK_EQ(c.handler.function, TH_EEXIT);
	CHECK_EQ(c.ret_resume, 0);
	CHECK_EQ(c.resume.function, TH_EEXIT);
	CHECK_EQ(args.status, TE_STATUS_OK);
	CHECK_EQ(args.exc.skipped, 1);
	/* The read before the skipped write: nobody wrote the page. */
	CHECK_EQ(args.result, TE_RW_PATTERN);
}

static void restrict_in_child(void)
{
	struct th_enclave e;
	struct te_info info;

	if (!have_sgx2()) {
		printf("  --  6a  skipped: no SGX2\n");
		return;
	}
	step("parent: build and map");
	build(&e, O_RDWR);
	info = info_ok(&e, "parent");
	if (!spawn()) {
		step("child: RESTRICT_PERMISSIONS(R) of the enclave's rw page");
		restrict_ro(&e, info.rw_page, "child");
		exit(0);
	}
	child_ok(false);
	step("parent: an enclave write to the page the child restricted");
	write_faults(&e, info.rw_page, "parent", "the child");
	th_unload(&e);
	printf("  ok  6a  SGX2: the child's RESTRICT_PERMISSIONS(R) restricts "
	       "the parent's enclave (EPCM #PF 0x8007)\n");
}

static void restrict_in_parent(void)
{
	struct th_enclave e;
	struct te_info info;
	int p[2];

	if (!have_sgx2()) {
		printf("  --  6b  skipped: no SGX2\n");
		return;
	}
	step("parent: build and map");
	build(&e, O_RDWR);
	info = info_ok(&e, "parent");
	CHECK(!pipe(p));
	if (!spawn()) {
		close(p[1]);
		await(p[0], "the parent's RESTRICT_PERMISSIONS");
		step("child: an enclave write to the page the parent "
		     "restricted after the fork");
		write_faults(&e, info.rw_page, "child", "the parent");
		exit(0);
	}
	close(p[0]);
	step("parent: RESTRICT_PERMISSIONS(R) after the fork");
	restrict_ro(&e, info.rw_page, "parent");
	post(p[1]);
	child_ok(false);
	close(p[1]);
	th_unload(&e);
	printf("  ok  6b  SGX2: the parent's RESTRICT_PERMISSIONS(R) after the "
	       "fork restricts the child's enclave\n");
}

struct spinner {
	const struct th_enclave *e;
	struct te_args args;
	struct te_stop stop;
	struct sgx_enclave_run run;
	int ret;
};

static void *spin(void *arg)
{
	struct spinner *sp = arg;

	sp->ret =
		th_enter(sp->e, 1, TH_EENTER, TE_OP_BUSY, &sp->args, &sp->run);
	return NULL;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void restrict_while_inside(void)
{
	struct spinner sp = { .args = { .n = UINT64_MAX, .seed = 7 } };
	struct th_enclave e;
	struct te_info info;
	pthread_t t;

	if (!have_sgx2()) {
		printf("  --  6c  skipped: no SGX2\n");
		return;
	}
	step("parent: build and map; a thread spins inside on TCS 1");
	build(&e, O_RDWR);
	info = info_ok(&e, "parent");
	sp.e = &e;
	sp.args.stop = (uint64_t)(uintptr_t)&sp.stop;
	CHECK(!pthread_create(&t, NULL, spin, &sp));
	while (!__atomic_load_n(&sp.args.started, __ATOMIC_ACQUIRE))
		sched_yield();
	if (!spawn()) {
		double t0 = now_ms(), ms;

		step("child: RESTRICT_PERMISSIONS(R) while the parent's "
		     "thread is inside");
		restrict_ro(&e, info.rw_page, "child");
		ms = now_ms() - t0;
		if (ms > 1000)
			CFAIL("child: RESTRICT_PERMISSIONS took %.0f ms: its "
			      "ETRACK did not reach the parent's thread inside",
			      ms);
		exit(0);
	}
	child_ok(false);
	step("parent: stop the spinning thread");
	__atomic_store_n(&sp.stop.stop, 1, __ATOMIC_RELEASE);
	CHECK(!pthread_join(t, NULL));
	CHECK_EQ(sp.ret, 0);
	CHECK_EQ(sp.run.function, TH_EEXIT);
	CHECK_EQ(sp.args.status, TE_STATUS_OK);
	CHECK_EQ(sp.args.result, te_busy_ref(sp.args.seed, sp.args.iters));
	step("parent: an enclave write to the page the child restricted");
	write_faults(&e, info.rw_page, "parent", "the child");
	th_unload(&e);
	printf("  ok  6c  SGX2: the child's ETRACK reaches the parent's thread "
	       "inside (AEX, exact result after %llu iterations)\n",
	       (unsigned long long)sp.args.iters);
}

/* --- 7: many rounds in a small EPC --------------------------------------- */

/* How many test enclaves the EPC holds: a leak must show within ROUNDS. */
static void epc_note(void)
{
	const char *env = getenv("SOFTSGX_EPC_SIZE");
	struct th_enclave e;
	unsigned long long bytes;
	size_t pages;
	char *end;

	th_image(&e, image, 0);
	pages = e.img.nr_pages + 1; /* and the SECS */
	softsgx_image_free(&e.img);
	if (!env) {
		printf("      (%d rounds; SOFTSGX_EPC_SIZE unset: the default "
		       "EPC may hide a leak)\n",
		       ROUNDS);
		return;
	}
	bytes = strtoull(env, &end, 10);
	bytes <<= *end == 'K' || *end == 'k' ? 10 :
		  *end == 'M' || *end == 'm' ? 20 :
		  *end == 'G' || *end == 'g' ? 30 :
					       0;
	printf("      (%d rounds; SOFTSGX_EPC_SIZE=%s holds %llu enclaves of "
	       "%zu EPC pages)\n",
	       ROUNDS, env, bytes / PAGE / pages, pages);
}

static void rounds_parent_first(void)
{
	epc_note();
	for (int r = 0; r < ROUNDS; r++) {
		struct th_enclave e;
		int gone[2];

		step("round %d: parent: build and map", r);
		build(&e, O_RDWR);
		CHECK(!pipe(gone));
		if (!spawn()) {
			close(gone[1]);
			step("round %d: child: ECALL while the parent lets go",
			     r);
			add_exact(&e, 0, r, 1, "child");
			await(gone[0], "the parent's close and munmap");
			step("round %d: child: ECALL after the parent closed "
			     "its fd and unmapped ELRANGE",
			     r);
			add_exact(&e, 1, r, 2, "child");
			exit(0);
		}
		step("round %d: parent: close and munmap", r);
		let_go_quietly(&e);
		post(gone[1]);
		child_ok(true);
		close(gone[0]);
		close(gone[1]);
		forget(&e);
	}
	printf("  ok  7a  %d rounds of 4a: every enclave freed with its last "
	       "user\n",
	       ROUNDS);
}

static void rounds_child_adds(void)
{
	epc_note();
	for (int r = 0; r < ROUNDS; r++) {
		struct th_enclave e;

		step("round %d: parent: open and CREATE", r);
		th_open(&e, image, 0, O_RDWR);
		th_create(&e);
		if (!spawn()) {
			step("round %d: child: ADD_PAGES of every page", r);
			th_add_pages(&e);
			exit(0);
		}
		child_ok(true);
		step("round %d: parent: INIT of the pages the child added", r);
		if (init_enclave(&e))
			CFAIL("round %d: the parent's INIT after the child "
			      "added every page: %m, expected success",
			      r);
		th_map(&e);
		add_exact(&e, 0, r, 3, "parent");
		step("round %d: parent: close and munmap", r);
		let_go_quietly(&e);
		forget(&e);
	}
	printf("  ok  7b  %d rounds of 1: the EPC the child's pages took is "
	       "given back\n",
	       ROUNDS);
}

/* --- main ---------------------------------------------------------------- */

static const struct fs_case cases[] = {
	{ "1", "fork after CREATE", fork_after_create, 30 },
	{ "2", "fork after ADD_PAGES, before INIT", fork_before_init, 30 },
	{ "3", "fork before CREATE", fork_before_create, 30 },
	{ "4a", "the parent lets go first", parent_first, 30 },
	{ "4b", "the child lets go first", child_first, 30 },
	{ "5a", "execve after INIT", exec_after_init, 30 },
	{ "5b", "execve after CREATE", exec_after_create, 30 },
	{ "6a", "SGX2 RESTRICT_PERMISSIONS in the child", restrict_in_child,
	  30 },
	{ "6b", "SGX2 RESTRICT_PERMISSIONS in the parent after fork",
	  restrict_in_parent, 30 },
	{ "6c", "SGX2 RESTRICT_PERMISSIONS with a thread inside elsewhere",
	  restrict_while_inside, 30 },
	{ "7a", "rounds of 4a in a small EPC", rounds_parent_first, 120 },
	{ "7b", "rounds of 1 in a small EPC", rounds_child_adds, 120 },
};

#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

static bool selected(const struct fs_case *c, int argc, char **argv)
{
	if (argc <= 3)
		return true;
	for (int i = 3; i < argc; i++)
		if (!strcmp(argv[i], c->id) ||
		    (strlen(argv[i]) == 1 && c->id[0] == argv[i][0]))
			return true;
	return false;
}

/*
 * Kills and waits for whatever is left of a case's process group: main()
 * is their subreaper, so the orphans of a dead case come to us.
 */
static void reap_group(pid_t pgid)
{
	kill(-pgid, SIGKILL);
	while (waitpid(-pgid, NULL, 0) > 0)
		;
}

/*
 * One case in a process group of its own: after it, nothing it started
 * may be left running, whatever happened to it.
 */
static bool run_case(const struct fs_case *c)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	char how[64];
	int status = 0;
	pid_t pid;
	bool done = false;

	snprintf(progress->step, sizeof(progress->step), "starting");
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		cur = c;
		atexit(reap_live_child);
		c->run();
		exit(0);
	}
	setpgid(pid, pid); /* either may run first */
	for (int i = 0; i < c->deadline_s * 100 && !done; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		CHECK(r >= 0);
		done = r == pid;
		if (!done)
			nanosleep(&nap, NULL);
	}
	if (!done) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		reap_group(pid);
		printf("FAIL case %s (%s): did not end within %d s (killed), "
		       "at: %s\n",
		       c->id, c->title, c->deadline_s, progress->step);
		return false;
	}
	reap_group(pid); /* a child its failure left behind */
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return true;
	describe(status, how, sizeof(how));
	printf("FAIL case %s (%s): %s, at: %s\n", c->id, c->title, how,
	       progress->step);
	return false;
}

int main(int argc, char **argv)
{
	unsigned int failed = 0, ran = 0;

	th_init(argc, argv, 3, "[CASE...]");
	image = argv[1];
	sigfile = argv[2];
	if (argc > 3 && !strcmp(argv[3], "exec-child")) {
		progress = &exec_progress;
		return exec_child(argc, argv);
	}
	if (argc > 3 && !strcmp(argv[3], "exec-build")) {
		progress = &exec_progress;
		return exec_build(argc, argv);
	}
	/* A case killed at its deadline leaves its children to us. */
	CHECK(!prctl(PR_SET_CHILD_SUBREAPER, 1));
	progress = mmap(NULL, sizeof(*progress), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(progress != MAP_FAILED);
	for (size_t i = 0; i < NR_CASES; i++) {
		if (!selected(&cases[i], argc, argv))
			continue;
		ran++;
		failed += !run_case(&cases[i]);
	}
	if (!ran)
		TH_FAIL("no case matches; cases are 1 2 3 4a 4b 5a 5b 6a 6b 7a "
			"7b");
	if (failed) {
		printf("FAIL: %u of %u cases\n", failed, ran);
		return 1;
	}
	return th_exit();
}

// SPDX-License-Identifier: MIT
/*
 * SGX2 (EDMM) costs, each beside the physical limit it is bounded by,
 * measured in the same run (not a test: timings are reported, never
 * asserted). An ordinary SGX program run under `softsgx run`, driving
 * examples/edmm's heap enclave through the host library:
 *
 *   edmm_eaug_eaccept   pages/s the enclave's heap grows by (EAUG on the
 *                       first touch + EACCEPT), beside first-touch page
 *                       faults/s on fresh shared memory (a memfd, like
 *                       the EPC's backing): a page appearing in the
 *                       address space, zeroed, cannot be cheaper.
 *   edmm_restrict       us per page of a permission restriction
 *                       (RESTRICT_PERMISSIONS to R over the range + one
 *                       EACCEPT per page), beside one mprotect + one signal
 *                       round trip (raise into an empty handler): the page
 *                       table change and the trap of an emulated ENCLU.
 *   edmm_trim_remove    pages/s given back (MODIFY_TYPES(TRIM) + EACCEPT +
 *                       REMOVE_PAGES), beside one MADV_REMOVE of a resident
 *                       memfd page + one signal round trip per page.
 *
 * Each figure is the best of ROUNDS batches, and so is each limit.
 *
 * Usage: bench_edmm [ENCLAVE ENCLAVE.sig] (default: the build's heap
 * enclave), under softsgx run.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "edmm_heap.h"
#include "host.h"

#define ROUNDS 5
#define GROW_PAGES 8192 /* 32 MiB: well inside the default EPC */
#define RESTRICT_PAGES 1024
#define PAGE EDMM_PAGE

static struct edmm_host host;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_edmm: %s failed\n", what);
	exit(1);
}

static void report(const char *name, double value, const char *unit,
		   double limit)
{
	printf("BENCH %s %.3f %s limit=%.3f ratio=%.3f\n", name, value, unit,
	       limit, limit > 0 ? value / limit : 0.0);
	fflush(stdout);
}

/* ECALL that must succeed: its return value and results. */
static uint64_t ecall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2,
		      uint64_t out[4])
{
	struct edmm_call c = { .cmd = cmd, .arg = { a0, a1, a2 } };
	struct sgx_enclave_run run;

	if (edmm_host_call(&host, edmm_host_tcs(&host, 0), &c, &run)) {
		edmm_host_report(&host, "ECALL", -1, &run);
		die("ECALL");
	}
	if (out)
		memcpy(out, c.out, sizeof(c.out));
	return c.ret;
}

/* --- the limits ------------------------------------------------------ */

static void on_signal(int sig)
{
	(void)sig;
}

/* n pages of a new memfd, mapped shared and not yet touched. */
static uint8_t *memfd_pages(size_t n)
{
	int fd = memfd_create("bench-edmm", MFD_CLOEXEC);
	void *p;

	if (fd < 0 || ftruncate(fd, (off_t)(n * PAGE)))
		die("memfd");
	p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static double first_touch_s(size_t n)
{
	volatile uint8_t *p = memfd_pages(n);
	double t0 = now(), t;

	for (size_t i = 0; i < n; i++)
		p[i * PAGE] = 1;
	t = now() - t0;
	munmap((void *)p, n * PAGE);
	return t;
}

static double mprotect_signal_s(size_t n)
{
	uint8_t *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	double t0, t;

	if (p == MAP_FAILED)
		die("mmap");
	t0 = now();
	for (size_t i = 0; i < n; i++) {
		mprotect(p + i * PAGE, PAGE, PROT_READ);
		raise(SIGUSR1);
	}
	t = now() - t0;
	munmap(p, n * PAGE);
	return t;
}

static double madv_remove_signal_s(size_t n)
{
	volatile uint8_t *p = memfd_pages(n);
	double t0, t;

	for (size_t i = 0; i < n; i++)
		p[i * PAGE] = 1;
	t0 = now();
	for (size_t i = 0; i < n; i++) {
		madvise((void *)(p + i * PAGE), PAGE, MADV_REMOVE);
		raise(SIGUSR1);
	}
	t = now() - t0;
	munmap((void *)p, n * PAGE);
	return t;
}

/* Best (least) seconds of ROUNDS runs of fn(n). */
static double best_of(double (*fn)(size_t), size_t n)
{
	double best = 1e30;

	for (int r = 0; r < ROUNDS; r++) {
		double t = fn(n);

		if (t < best)
			best = t;
	}
	return best;
}

/* --- SGX2 ------------------------------------------------------------ */

struct sgx2_times {
	double grow, trim; /* best seconds for GROW_PAGES */
};

/* Grow the heap by GROW_PAGES and give them back, ROUNDS times. */
static void grow_trim(struct sgx2_times *best)
{
	best->grow = best->trim = 1e30;
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t out[4], off;
		double t0 = now(), t1, t2;

		off = ecall(HEAP_ALLOC, GROW_PAGES * PAGE, 0, 0, out);
		t1 = now();
		if (!off || out[0] != GROW_PAGES)
			die("growing the heap");
		if (ecall(HEAP_RELEASE, off, 0, 0, out) != GROW_PAGES || out[1])
			die("giving the heap back");
		t2 = now();
		if (t1 - t0 < best->grow)
			best->grow = t1 - t0;
		if (t2 - t1 < best->trim)
			best->trim = t2 - t1;
	}
}

/* Restrict RESTRICT_PAGES heap pages to R (timed) and extend them back. */
static double restrict_s(void)
{
	uint64_t len = RESTRICT_PAGES * PAGE;
	uint64_t off = ecall(HEAP_ALLOC, len, 0, 0, NULL);
	double t_best = 1e30;

	if (!off)
		die("allocating the pages to restrict");
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now(), t;

		if (ecall(HEAP_RESTRICT, off, len, EDMM_SI_R, NULL))
			die("RESTRICT_PERMISSIONS + EACCEPT");
		t = now() - t0;
		if (ecall(HEAP_EXTEND, off, len, EDMM_SI_R | EDMM_SI_W, NULL))
			die("EMODPE");
		if (t < t_best)
			t_best = t;
	}
	ecall(HEAP_RELEASE, off, 0, 0, NULL);
	return t_best;
}

int main(int argc, char **argv)
{
	const char *image = argc > 2 ? argv[1] : EDMM_HEAP_IMAGE;
	const char *sig = argc > 2 ? argv[2] : EDMM_HEAP_SIG;
	struct sigaction sa = { .sa_handler = on_signal };
	struct sgx2_times t;
	double limit;

	sigaction(SIGUSR1, &sa, NULL);
	if (edmm_host_open(&host, "bench_edmm", image, sig,
			   PROT_READ | PROT_WRITE))
		return 1;
	grow_trim(&t);
	limit = GROW_PAGES / best_of(first_touch_s, GROW_PAGES);
	report("edmm_eaug_eaccept", GROW_PAGES / t.grow, "pages/s", limit);
	limit = best_of(mprotect_signal_s, RESTRICT_PAGES) * 1e6 /
		RESTRICT_PAGES;
	report("edmm_restrict", restrict_s() * 1e6 / RESTRICT_PAGES, "us",
	       limit);
	limit = GROW_PAGES / best_of(madv_remove_signal_s, GROW_PAGES);
	report("edmm_trim_remove", GROW_PAGES / t.trim, "pages/s", limit);
	edmm_host_close(&host);
	return 0;
}

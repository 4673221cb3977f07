// SPDX-License-Identifier: MIT
/*
 * A heap of SIZE MiB grown on demand and given back (examples/edmm's heap
 * enclave): the enclave accepts every page of it (EAUG on first touch +
 * EACCEPT), writes and verifies a pattern on every page, then frees it all
 * (MODIFY_TYPES(TRIM) + EACCEPT + REMOVE_PAGES, asked for by OCALLs), and
 * the process's resident memory must come back to where it was.
 *
 * What may stay resident is bookkeeping for pages that existed: softsgx
 * keeps the EPCM (which hardware holds in reserved memory, outside any
 * process) and the driver's per-page record, about 35 bytes per page (9 MiB
 * for 1 GiB), in the enclave's memfd, where every process that holds the
 * enclave sees them: shared memory. The VmRSS and RssShmem tolerances are
 * 64 bytes per page of the heap (1/64 of it) plus 2 MiB (VmRSS: the C
 * library, the shim and, under ASan, its allocator and shadow) or 1 MiB
 * (RssShmem). The heap's pages themselves are checked exactly: after the
 * give-back, mincore() must find none of them in the memfd, where a single
 * leaked page would show.
 *
 * Usage: edmm-heap-test ENCLAVE ENCLAVE.sig MIB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "edmm_heap.h"
#include "host.h"

#define NAME "edmm-heap-test"
#define SEED 0x1babe5ULL
#define BOOKKEEPING_PER_PAGE 64 /* bytes that may stay, see above */
#define SLACK_KIB 2048
#define SHMEM_SLACK_KIB 1024

static struct edmm_host host;
static unsigned int failures;

struct rss {
	long vm, anon, file, shmem; /* KiB */
};

static void rss_read(struct rss *r)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];

	memset(r, 0, sizeof(*r));
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "VmRSS: %ld kB", &r->vm);
		sscanf(line, "RssAnon: %ld kB", &r->anon);
		sscanf(line, "RssFile: %ld kB", &r->file);
		sscanf(line, "RssShmem: %ld kB", &r->shmem);
	}
	if (f)
		fclose(f);
}

static void rss_print(const char *when, const struct rss *r)
{
	printf("%-28s VmRSS %8ld KiB (RssAnon %7ld, RssFile %6ld, RssShmem "
	       "%8ld)\n",
	       when, r->vm, r->anon, r->file, r->shmem);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
	fflush(stdout);
	if (!ok)
		failures++;
}

/* ECALL on the only TCS, timed; 0 and *c, or -1 after saying why. */
static int ecall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2,
		 struct edmm_call *c, const char *what)
{
	struct sgx_enclave_run run;
	double t0 = now();
	int ret;

	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->arg[0] = a0;
	c->arg[1] = a1;
	c->arg[2] = a2;
	ret = edmm_host_call(&host, edmm_host_tcs(&host, 0), c, &run);
	if (ret)
		edmm_host_report(&host, what, ret, &run);
	else if (what)
		printf("%-28s %7.2f s\n", what, now() - t0);
	return ret;
}

/* Pages of [addr, addr + bytes) the enclave's memfd still holds, or -1. */
static long resident_pages(uint64_t addr, uint64_t bytes)
{
	size_t n = bytes / EDMM_PAGE;
	unsigned char *vec = malloc(n);
	long resident = 0;

	if (!vec || mincore((void *)(uintptr_t)addr, bytes, vec)) {
		free(vec);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		resident += vec[i] & 1;
	free(vec);
	return resident;
}

/* Grow the heap by bytes, fill and verify it: the block's offset or 0. */
static uint64_t grow_and_use(uint64_t bytes)
{
	uint64_t pages = bytes / EDMM_PAGE, off;
	struct edmm_call c;

	if (ecall(HEAP_ALLOC, bytes, 0, 0, &c, "EAUG + EACCEPT"))
		return 0;
	off = c.ret;
	check(off && c.out[0] == pages && !c.out[1],
	      "the heap grew on demand by every page");
	if (!off || ecall(HEAP_FILL, off, bytes, SEED, &c, "write the pattern"))
		return 0;
	if (ecall(HEAP_CHECK, off, bytes, SEED, &c, "verify the pattern"))
		return 0;
	check(c.ret == 0, "every qword of every page holds the pattern");
	return off;
}

static void give_back(uint64_t off, uint64_t bytes)
{
	struct edmm_call c;

	if (ecall(HEAP_RELEASE, off, 0, 0, &c, "TRIM + EACCEPT + REMOVE"))
		return;
	check(c.ret == bytes / EDMM_PAGE && !c.out[1],
	      "every page trimmed, accepted and removed");
	if (ecall(HEAP_STATS, 0, 0, 0, &c, NULL))
		return;
	check(c.out[0] == 0 && c.out[2] == c.out[3],
	      "the heap is empty: as many pages removed as added");
}

static void run(uint64_t bytes)
{
	long tolerance =
		(long)(bytes / EDMM_PAGE * BOOKKEEPING_PER_PAGE / 1024) +
		SLACK_KIB;
	struct rss base, peak, after;
	struct edmm_call c;
	uint64_t off;

	/* The first ECALL sets up this thread's enclave state: not the heap. */
	if (ecall(HEAP_STATS, 0, 0, 0, &c, NULL))
		return;
	rss_read(&base);
	rss_print("baseline", &base);
	off = grow_and_use(bytes);
	rss_read(&peak);
	rss_print("heap in use", &peak);
	check(peak.vm - base.vm >= (long)(bytes >> 10),
	      "the heap was resident (VmRSS grew by at least its size)");
	if (!off)
		return;
	/* The measure below can see pages: here it must see them all. */
	check(resident_pages(host.base + off, bytes) ==
		      (long)(bytes / EDMM_PAGE),
	      "mincore() finds every page of the heap in use");
	give_back(off, bytes);
	rss_read(&after);
	rss_print("heap given back", &after);
	printf("VmRSS after - baseline: %+ld KiB (tolerance %ld KiB)\n",
	       after.vm - base.vm, tolerance);
	check(after.vm - base.vm <= tolerance,
	      "resident memory is back to its baseline");
	check(after.shmem - base.shmem <=
		      tolerance - SLACK_KIB + SHMEM_SLACK_KIB,
	      "shared memory is back to its baseline (RssShmem)");
	check(resident_pages(host.base + off, bytes) == 0,
	      "no page of the heap is left in the enclave's memory (mincore)");
}

int main(int argc, char **argv)
{
	uint64_t mib;

	if (argc != 4) {
		fprintf(stderr, "usage: " NAME " ENCLAVE ENCLAVE.sig MIB\n");
		return 2;
	}
	mib = strtoull(argv[3], NULL, 0);
	if (!mib || mib > (HEAP_ENCLAVE_SIZE >> 21)) {
		fprintf(stderr, NAME ": 1 to %llu MiB\n",
			(unsigned long long)(HEAP_ENCLAVE_SIZE >> 21));
		return 2;
	}
	if (edmm_host_open(&host, NAME, argv[1], argv[2],
			   PROT_READ | PROT_WRITE))
		return 1;
	printf("heap of %llu MiB (%llu pages)\n", (unsigned long long)mib,
	       (unsigned long long)(mib << 8));
	run(mib << 20);
	edmm_host_close(&host);
	printf(NAME ": %u failed\n", failures);
	return failures ? 1 : 0;
}

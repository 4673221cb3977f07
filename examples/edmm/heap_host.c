// SPDX-License-Identifier: MIT
/*
 * The heap example's host: an ordinary SGX program (host.h). It maps the
 * enclave's dynamic region read-write and lets the enclave's allocator
 * grow and shrink its heap: the pages appear by EAUG when the enclave
 * first touches them and go away through the SGX2 ioctls the enclave asks
 * for by OCALL.
 *
 * Usage: edmm-heap ENCLAVE ENCLAVE.sig
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "edmm_heap.h"
#include "host.h"

#define NAME "edmm-heap"
#define SEED 0x600dcafeULL

static struct edmm_host host;

/* ECALL on the only TCS: 0 and call->ret, or -1 after saying why. */
static int ecall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2,
		 struct edmm_call *c)
{
	struct sgx_enclave_run run;
	int ret;

	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->arg[0] = a0;
	c->arg[1] = a1;
	c->arg[2] = a2;
	ret = edmm_host_call(&host, edmm_host_tcs(&host, 0), c, &run);
	if (ret)
		edmm_host_report(&host, "ECALL", ret, &run);
	return ret;
}

static uint64_t heap_pages(void)
{
	struct edmm_call c;

	return ecall(HEAP_STATS, 0, 0, 0, &c) ? 0 : c.out[0];
}

/* Allocate bytes and fill them: the block's offset, 0 on failure. */
static uint64_t alloc_fill(uint64_t bytes)
{
	struct edmm_call c;
	uint64_t off, added;

	if (ecall(HEAP_ALLOC, bytes, 0, 0, &c) || !c.ret) {
		fprintf(stderr,
			NAME ": allocating %llu bytes failed (0x%llx)\n",
			(unsigned long long)bytes,
			(unsigned long long)c.out[1]);
		return 0;
	}
	off = c.ret;
	added = c.out[0];
	if (ecall(HEAP_FILL, off, bytes, SEED + off, &c) || c.ret)
		return 0;
	printf("  alloc %8llu B at +0x%llx: %3llu page(s) added by EAUG + "
	       "EACCEPT, heap now %llu pages\n",
	       (unsigned long long)bytes, (unsigned long long)off,
	       (unsigned long long)added, (unsigned long long)heap_pages());
	return off;
}

static int verify(uint64_t off, uint64_t bytes)
{
	struct edmm_call c;

	if (ecall(HEAP_CHECK, off, bytes, SEED + off, &c))
		return -1;
	if (c.ret)
		fprintf(stderr, NAME ": %llu qwords wrong at +0x%llx\n",
			(unsigned long long)c.ret, (unsigned long long)off);
	return c.ret ? -1 : 0;
}

/* Free the block at off and all later ones: pages given back, or -1. */
static long release(uint64_t off)
{
	struct edmm_call c;

	if (ecall(HEAP_RELEASE, off, 0, 0, &c) || c.out[1] ||
	    c.ret == EDMM_ERR_BAD_CALL) {
		fprintf(stderr, NAME ": release failed (0x%llx)\n",
			(unsigned long long)c.out[1]);
		return -1;
	}
	printf("  release from +0x%llx: %llu page(s) trimmed and removed, "
	       "heap now %llu pages\n",
	       (unsigned long long)off, (unsigned long long)c.ret,
	       (unsigned long long)heap_pages());
	return (long)c.ret;
}

static const uint64_t sizes[] = { 24, 4000, 10000, 1 << 20, 3 << 20 };
#define NR_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static int grow_and_shrink(void)
{
	uint64_t off[NR_SIZES];
	long rss0 = edmm_rss_kib(), rss1;

	printf("growing: the allocator accepts pages only as blocks reach "
	       "them\n");
	for (size_t i = 0; i < NR_SIZES; i++) {
		off[i] = alloc_fill(sizes[i]);
		if (!off[i])
			return -1;
	}
	for (size_t i = 0; i < NR_SIZES; i++)
		if (verify(off[i], sizes[i]))
			return -1;
	rss1 = edmm_rss_kib();
	printf("every block holds its pattern; VmRSS grew by %ld KiB\n",
	       rss1 - rss0);
	printf("shrinking: whole pages above the new top go back to the OS\n");
	if (release(off[3]) < 0 || verify(off[2], sizes[2]) ||
	    release(off[0]) < 0)
		return -1;
	printf("VmRSS is back to %+ld KiB of where it started\n",
	       edmm_rss_kib() - rss0);
	return heap_pages() == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: " NAME " ENCLAVE ENCLAVE.sig\n");
		return 2;
	}
	/* Lines in order with the errors, also through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (edmm_host_open(&host, NAME, argv[1], argv[2],
			   PROT_READ | PROT_WRITE))
		return 1;
	printf("enclave of %llu MiB at 0x%llx, heap (dynamic region) from "
	       "+0x%llx, %llu pages in it\n",
	       (unsigned long long)(host.size >> 20),
	       (unsigned long long)host.base, (unsigned long long)host.dyn,
	       (unsigned long long)heap_pages());
	ret = grow_and_shrink();
	edmm_host_close(&host);
	printf(NAME ": %s\n", ret ? "FAILED" : "ok");
	return ret ? 1 : 0;
}

// SPDX-License-Identifier: MIT
/*
 * The heap example's enclave (edmm_heap.h): a mark/release allocator over
 * the dynamic region that owns only the pages its blocks reach. Growing
 * EACCEPTs each new page (its first touch makes the OS EAUG it, zeroed
 * and pending); releasing asks the host to trim the pages above the new
 * top, accepts the trim and asks for their removal. The host is trusted
 * with nothing: every page the allocator hands out was accepted as a
 * fresh PENDING page, and each EACCEPT checks what the host really did.
 */
#include <softsgx/enclave_layout.h>

#include "edmm_heap.h"
#include "edmm_rt.h"

/* One thread: the allocator is not shared between threads. */
SOFTSGX_ENCLAVE_LAYOUT(.nr_threads = 1, .nssa = 2, .ssa_frame_size = 1,
		       .stack_size = 0x4000, .heap_size = 0,
		       .enclave_size = HEAP_ENCLAVE_SIZE);

#define ALIGN 16ULL
#define PATTERN_MUL 0x9e3779b97f4a7c15ULL

/* Offsets from the start of the dynamic region. */
static uint64_t used; /* bytes handed out */
static uint64_t top; /* bytes of accepted pages: used rounded up */
static uint64_t pages_added, pages_removed;

static uint64_t round_up(uint64_t x, uint64_t to)
{
	return (x + to - 1) & ~(to - 1);
}

static uint64_t heap_start(void)
{
	return edmm_dyn_start();
}

static uint64_t heap_size(void)
{
	return edmm_dyn_end() - edmm_dyn_start();
}

/* Accept pages up to new_top; on a failure the heap ends before it. */
static uint64_t grow(uint64_t new_top, uint64_t *added)
{
	*added = 0;
	while (top < new_top) {
		uint64_t ret =
			edmm_eaccept(heap_start() + top, EDMM_ACCEPT_AUG);

		if (ret)
			return ret;
		top += EDMM_PAGE;
		++*added;
		pages_added++;
	}
	return 0;
}

static uint64_t heap_alloc(uint64_t bytes, uint64_t out[4])
{
	uint64_t size = round_up(bytes, ALIGN), block = used;

	if (!bytes || size < bytes || size > heap_size() - used)
		return 0;
	out[1] = grow(round_up(used + size, EDMM_PAGE), &out[0]);
	if (out[1])
		return 0;
	used += size;
	return heap_start() + block - edmm_base();
}

/* The EACCEPT half of a trim: 0 or the first failing status. */
static uint64_t accept_trim(uint64_t addr, uint64_t len)
{
	for (uint64_t c = 0; c < len; c += EDMM_PAGE) {
		uint64_t ret = edmm_eaccept(addr + c, EDMM_ACCEPT_TRIM);

		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Give [new_top, top) back. Once the host has trimmed, the pages are lost
 * to the allocator whatever happens next: a page it did not really trim
 * or remove makes the EACCEPT of a later grow fail, never hands out old
 * contents.
 */
static uint64_t shrink(uint64_t new_top, uint64_t out[4])
{
	uint64_t off = heap_start() - edmm_base() + new_top;
	uint64_t len = top - new_top;

	if (!len)
		return 0;
	if (edmm_ocall(EDMM_OCALL_TRIM, off, len, 0)) {
		out[1] = EDMM_ERR_BAD_CALL; /* refused: the pages stay ours */
		return 0;
	}
	top = new_top;
	out[1] = accept_trim(edmm_base() + off, len);
	if (!out[1] && edmm_ocall(EDMM_OCALL_REMOVE, off, len, 0))
		out[1] = EDMM_ERR_BAD_CALL;
	pages_removed += len / EDMM_PAGE;
	return len / EDMM_PAGE;
}

static uint64_t heap_release(uint64_t offset, uint64_t out[4])
{
	uint64_t block = edmm_base() + offset - heap_start();

	if (offset + edmm_base() < heap_start() || block > used ||
	    block & (ALIGN - 1))
		return EDMM_ERR_BAD_CALL;
	used = block;
	return shrink(round_up(used, EDMM_PAGE), out);
}

/* Whether [offset, +bytes) is in blocks handed out (pages too if paged). */
static bool in_use(uint64_t offset, uint64_t bytes, bool paged)
{
	uint64_t start = edmm_base() + offset;
	uint64_t end = heap_start() + (paged ? top : used);

	if (start < heap_start() || start > end || bytes > end - start)
		return false;
	return !paged || !((offset | bytes) & (EDMM_PAGE - 1));
}

static uint64_t pattern(uint64_t addr, uint64_t seed)
{
	return (addr ^ seed) * PATTERN_MUL + seed;
}

static void fill(uint64_t addr, uint64_t bytes, uint64_t seed)
{
	volatile uint64_t *p = (volatile uint64_t *)addr;

	for (uint64_t i = 0; i < bytes / 8; i++)
		p[i] = pattern(addr + 8 * i, seed);
}

static uint64_t check(uint64_t addr, uint64_t bytes, uint64_t seed)
{
	const volatile uint64_t *p = (const volatile uint64_t *)addr;
	uint64_t bad = 0;

	for (uint64_t i = 0; i < bytes / 8; i++)
		bad += p[i] != pattern(addr + 8 * i, seed);
	return bad;
}

/* Read-only (R) or no access: the RESTRICT OCALL, then EACCEPT each. */
static uint64_t heap_restrict(uint64_t offset, uint64_t bytes, uint64_t perm)
{
	if (perm & ~EDMM_SI_R || !in_use(offset, bytes, true))
		return EDMM_ERR_BAD_CALL;
	if (edmm_ocall(EDMM_OCALL_RESTRICT, offset, bytes, perm))
		return EDMM_ERR_BAD_CALL;
	for (uint64_t c = 0; c < bytes; c += EDMM_PAGE) {
		uint64_t ret = edmm_eaccept(edmm_base() + offset + c,
					    EDMM_ACCEPT_RESTRICT(perm));

		if (ret)
			return ret;
	}
	return 0;
}

/* EMODPE needs no help from the OS: the enclave extends by itself. */
static uint64_t heap_extend(uint64_t offset, uint64_t bytes, uint64_t perm)
{
	if (perm & ~(EDMM_SI_R | EDMM_SI_W) || !in_use(offset, bytes, true))
		return EDMM_ERR_BAD_CALL;
	for (uint64_t c = 0; c < bytes; c += EDMM_PAGE)
		edmm_emodpe(edmm_base() + offset + c, perm);
	return 0;
}

static uint64_t stats(uint64_t out[4])
{
	out[0] = top / EDMM_PAGE;
	out[1] = used;
	out[2] = pages_added;
	out[3] = pages_removed;
	return 0;
}

uint64_t edmm_ecall(uint64_t cmd, const uint64_t arg[4], uint64_t out[4])
{
	switch (cmd) {
	case HEAP_ALLOC:
		return heap_alloc(arg[0], out);
	case HEAP_FILL:
		if (!in_use(arg[0], arg[1], false))
			return EDMM_ERR_BAD_CALL;
		fill(edmm_base() + arg[0], arg[1], arg[2]);
		return 0;
	case HEAP_CHECK:
		if (!in_use(arg[0], arg[1], false))
			return EDMM_ERR_BAD_CALL;
		return check(edmm_base() + arg[0], arg[1], arg[2]);
	case HEAP_RELEASE:
		return heap_release(arg[0], out);
	case HEAP_RESTRICT:
		return heap_restrict(arg[0], arg[1], arg[2]);
	case HEAP_EXTEND:
		return heap_extend(arg[0], arg[1], arg[2]);
	case HEAP_STATS:
		return stats(out);
	default:
		return EDMM_ERR_BAD_CALL;
	}
}

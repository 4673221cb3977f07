// SPDX-License-Identifier: MIT
/*
 * The rewriter's patch table, read by the SIGILL handler, and the writing of
 * code bytes.
 *
 * The table is an immutable sorted array published through one atomic
 * pointer: a handler, interrupting any code in any thread, binary-searches
 * whatever snapshot it loads, without locks. A writer (serialised by the
 * rescan lock) builds a new array and publishes it before it writes the UD2s
 * the new entries describe. A replaced snapshot is never freed, because a
 * handler may still be reading it (it stays linked from its successor); it
 * costs 16 bytes per entry, once per change.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shim/cpuid_priv.h"

struct patch_table {
	struct patch_table *retired; /* the snapshot this one replaced */
	size_t n;
	struct cpuid_patch p[];
};

static struct patch_table *_Atomic table;

enum cpuid_poke_method cpuid_poke_method = CPUID_POKE_AUTO;

unsigned cpuid_patch_lookup(uintptr_t addr)
{
	const struct patch_table *t =
		atomic_load_explicit(&table, memory_order_acquire);
	size_t lo = 0, hi;

	if (!t)
		return 0;
	hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->p[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->p[lo].addr == addr ? t->p[lo].len : 0;
}

size_t cpuid_table_count(void)
{
	const struct patch_table *t = atomic_load(&table);

	return t ? t->n : 0;
}

static int cmp_patch(const void *a, const void *b)
{
	const struct cpuid_patch *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static bool dropped(const struct cpuid_patch *p, const uint32_t *objs,
		    size_t nr_objs)
{
	for (size_t i = 0; i < nr_objs; i++)
		if (p->obj == objs[i])
			return true;
	return false;
}

/* Publish: the current entries less those of objs, plus add. */
int cpuid_table_update(const struct cpuid_patch *add, size_t nr_add,
		       const uint32_t *objs, size_t nr_objs)
{
	struct patch_table *old = atomic_load(&table);
	size_t nr_old = old ? old->n : 0;
	struct patch_table *t;

	t = malloc(sizeof(*t) + (nr_old + nr_add) * sizeof(t->p[0]));
	if (!t)
		return -ENOMEM;
	t->retired = old;
	t->n = 0;
	for (size_t i = 0; i < nr_old; i++)
		if (!dropped(&old->p[i], objs, nr_objs))
			t->p[t->n++] = old->p[i];
	for (size_t i = 0; i < nr_add; i++)
		t->p[t->n++] = add[i];
	qsort(t->p, t->n, sizeof(t->p[0]), cmp_patch);
	atomic_store_explicit(&table, t, memory_order_release);
	return 0;
}

/* The protection of every mapping, from /proc/self/maps. */
static int maps_load(struct cpuid_poker *pk)
{
	FILE *f = fopen("/proc/self/maps", "re");
	struct grow maps = { .size = sizeof(struct cpuid_map) };
	unsigned long lo, hi;
	char perms[5];
	int ret = 0;

	if (!f)
		return -errno;
	while (!ret && fscanf(f, "%lx-%lx %4s%*[^\n]", &lo, &hi, perms) == 3) {
		struct cpuid_map m = { lo, hi, PROT_NONE };

		m.prot |= perms[0] == 'r' ? PROT_READ : 0;
		m.prot |= perms[1] == 'w' ? PROT_WRITE : 0;
		m.prot |= perms[2] == 'x' ? PROT_EXEC : 0;
		ret = grow_push(&maps, &m) ? -ENOMEM : 0;
	}
	fclose(f);
	pk->maps = maps.v;
	pk->nr_maps = maps.n;
	pk->maps_loaded = true;
	return ret;
}

static int prot_of(struct cpuid_poker *pk, uintptr_t addr)
{
	if (!pk->maps_loaded && maps_load(pk))
		return -1;
	for (size_t i = 0; i < pk->nr_maps; i++)
		if (pk->maps[i].lo <= addr && addr < pk->maps[i].hi)
			return pk->maps[i].prot;
	return -1;
}

/*
 * Make the page writable for the one store and restore its protection.
 * Executable stays on: another thread may be running code on this page.
 * Writing to a MAP_PRIVATE file page gives the process its own copy; a
 * child forked earlier keeps the original, one forked later the patch.
 */
static int poke_mprotect(struct cpuid_poker *pk, uintptr_t addr, uint8_t val)
{
	long page = sysconf(_SC_PAGESIZE);
	void *base = (void *)(addr & ~(uintptr_t)(page - 1));
	int prot = prot_of(pk, addr);

	if (prot < 0)
		return -1;
	if (!(prot & PROT_WRITE) && mprotect(base, page, prot | PROT_WRITE))
		return -1;
	*(volatile uint8_t *)addr = val;
	if (!(prot & PROT_WRITE) && mprotect(base, page, prot))
		return -1;
	return 0;
}

/*
 * Where W^X forbids a writable executable page, the kernel still lets the
 * process write its own code through /proc/self/mem, as a debugger would,
 * and the page never becomes writable (nor loses PROT_EXEC).
 */
static int poke_procmem(struct cpuid_poker *pk, uintptr_t addr, uint8_t val)
{
	if (pk->memfd < 0)
		pk->memfd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (pk->memfd < 0)
		return -1;
	return pwrite(pk->memfd, &val, 1, (off_t)addr) == 1 ? 0 : -1;
}

int cpuid_poke(struct cpuid_poker *pk, uintptr_t addr, uint8_t val)
{
	if (cpuid_poke_method != CPUID_POKE_PROCMEM &&
	    poke_mprotect(pk, addr, val) == 0)
		return 0;
	if (cpuid_poke_method != CPUID_POKE_MPROTECT &&
	    poke_procmem(pk, addr, val) == 0)
		return 0;
	return -1;
}

void cpuid_poker_done(struct cpuid_poker *pk)
{
	if (pk->memfd >= 0)
		close(pk->memfd);
	free(pk->maps);
	pk->maps = NULL;
	pk->nr_maps = 0;
	pk->maps_loaded = false;
	pk->memfd = -1;
}

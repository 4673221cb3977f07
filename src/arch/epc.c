// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>

#include "arch/epc.h"

/* An immutable snapshot of the EPC sections, sorted by base address. */
struct sgx_epc_table {
	struct sgx_epc_table *next_retired;
	size_t nr;
	struct sgx_epc_section *sections[];
};

static bool section_overlaps(const struct sgx_epc_section *s, uintptr_t base,
			     size_t size)
{
	uintptr_t end = s->base + s->nr_pages * SGX_PAGE_SIZE;

	return base < end && s->base < base + size;
}

static struct sgx_epc_table *table_alloc(size_t nr)
{
	struct sgx_epc_table *t = malloc(sizeof(*t) + nr * sizeof(void *));

	if (t) {
		t->next_retired = NULL;
		t->nr = nr;
	}
	return t;
}

/* Publishes next; readers may still hold the old snapshot, so keep it. */
static void table_publish(struct sgx_cpu *cpu, struct sgx_epc_table *next)
{
	struct sgx_epc_table *old = atomic_exchange(&cpu->epc_table, next);

	if (old) {
		old->next_retired = cpu->retired;
		cpu->retired = old;
	}
}

static struct sgx_epc_section *section_alloc(uintptr_t base, size_t nr_pages,
					     struct sgx_epcm_entry *epcm)
{
	struct sgx_epc_section *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->epcm_shared = epcm != NULL;
	s->epcm = epcm ? epcm : calloc(nr_pages, sizeof(*s->epcm));
	if (!s->epcm) {
		free(s);
		return NULL;
	}
	s->base = base;
	s->nr_pages = nr_pages;
	return s;
}

static void section_free(struct sgx_epc_section *s)
{
	if (!s->epcm_shared)
		free(s->epcm);
	free(s);
}

/* A copy of cur with s inserted in order, or NULL (overlap, no memory). */
static struct sgx_epc_table *table_insert(const struct sgx_epc_table *cur,
					  struct sgx_epc_section *s)
{
	size_t nr = cur ? cur->nr : 0, i, j = 0;
	struct sgx_epc_table *next;

	for (i = 0; i < nr; i++)
		if (section_overlaps(cur->sections[i], s->base,
				     s->nr_pages * SGX_PAGE_SIZE))
			return NULL;
	next = table_alloc(nr + 1);
	if (!next)
		return NULL;
	for (i = 0; i < nr && cur->sections[i]->base < s->base; i++)
		next->sections[j++] = cur->sections[i];
	next->sections[j++] = s;
	for (; i < nr; i++)
		next->sections[j++] = cur->sections[i];
	return next;
}

static struct sgx_epc_section *add_section(struct sgx_cpu *cpu, void *base,
					   size_t nr_pages,
					   struct sgx_epcm_entry *epcm)
{
	uintptr_t addr = (uintptr_t)base;
	struct sgx_epc_section *s;
	struct sgx_epc_table *next;

	if (!nr_pages || (addr & (SGX_PAGE_SIZE - 1)) ||
	    nr_pages > SIZE_MAX / SGX_PAGE_SIZE)
		return NULL;
	s = section_alloc(addr, nr_pages, epcm);
	if (!s)
		return NULL;
	pthread_mutex_lock(&cpu->epc_lock);
	next = table_insert(atomic_load(&cpu->epc_table), s);
	if (next)
		table_publish(cpu, next);
	pthread_mutex_unlock(&cpu->epc_lock);
	if (!next) {
		section_free(s);
		return NULL;
	}
	return s;
}

struct sgx_epc_section *sgx_epc_add_section(struct sgx_cpu *cpu, void *base,
					    size_t nr_pages)
{
	return add_section(cpu, base, nr_pages, NULL);
}

struct sgx_epc_section *sgx_epc_add_shared_section(struct sgx_cpu *cpu,
						   void *base, size_t nr_pages,
						   struct sgx_epcm_entry *epcm)
{
	return epcm ? add_section(cpu, base, nr_pages, epcm) : NULL;
}

static bool section_in_use(const struct sgx_epc_section *s)
{
	for (size_t i = 0; i < s->nr_pages; i++)
		if (s->epcm[i].valid)
			return true;
	return false;
}

static bool remove_section(struct sgx_cpu *cpu, struct sgx_epc_section *s,
			   bool force)
{
	struct sgx_epc_table *cur, *next;
	size_t i, j = 0;

	pthread_mutex_lock(&cpu->epc_lock);
	cur = atomic_load(&cpu->epc_table);
	for (i = 0; cur && i < cur->nr && cur->sections[i] != s; i++)
		;
	if (!cur || i == cur->nr || (!force && section_in_use(s)) ||
	    !(next = table_alloc(cur->nr - 1))) {
		pthread_mutex_unlock(&cpu->epc_lock);
		return false;
	}
	for (i = 0; i < cur->nr; i++)
		if (cur->sections[i] != s)
			next->sections[j++] = cur->sections[i];
	table_publish(cpu, next);
	pthread_mutex_unlock(&cpu->epc_lock);
	/* The caller owns the section's memory and no longer uses it. */
	section_free(s);
	return true;
}

bool sgx_epc_remove_section(struct sgx_cpu *cpu, struct sgx_epc_section *s)
{
	return remove_section(cpu, s, false);
}

void sgx_epc_detach_section(struct sgx_cpu *cpu, struct sgx_epc_section *s)
{
	remove_section(cpu, s, true);
}

void sgx_epc_destroy(struct sgx_cpu *cpu)
{
	struct sgx_epc_table *t = atomic_exchange(&cpu->epc_table, NULL);

	for (size_t i = 0; t && i < t->nr; i++)
		section_free(t->sections[i]);
	free(t);
	while (cpu->retired) {
		t = cpu->retired;
		cpu->retired = t->next_retired;
		free(t);
	}
}

struct sgx_epcm_entry *sgx_epcm_lookup(struct sgx_cpu *cpu, uintptr_t addr)
{
	const struct sgx_epc_table *t =
		atomic_load_explicit(&cpu->epc_table, memory_order_acquire);
	size_t lo = 0, hi = t ? t->nr : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct sgx_epc_section *s = t->sections[mid];

		if (addr < s->base)
			hi = mid;
		else if (addr >= s->base + s->nr_pages * SGX_PAGE_SIZE)
			lo = mid + 1;
		else
			return &s->epcm[(addr - s->base) >> SGX_PAGE_SHIFT];
	}
	return NULL;
}

// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>

#include "arch/epc.h"

static bool section_overlaps(const struct sgx_epc_section *s, uintptr_t base,
			     size_t size)
{
	uintptr_t end = s->base + s->nr_pages * SGX_PAGE_SIZE;

	return base < end && s->base < base + size;
}

struct sgx_epc_section *sgx_epc_add_section(struct sgx_cpu *cpu, void *base,
					    size_t nr_pages)
{
	uintptr_t addr = (uintptr_t)base;
	struct sgx_epc_section *s, **table;
	size_t i;

	if (!nr_pages || (addr & (SGX_PAGE_SIZE - 1)) ||
	    nr_pages > SIZE_MAX / SGX_PAGE_SIZE)
		return NULL;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->epcm = calloc(nr_pages, sizeof(*s->epcm));
	if (!s->epcm) {
		free(s);
		return NULL;
	}
	s->base = addr;
	s->nr_pages = nr_pages;

	pthread_rwlock_wrlock(&cpu->epc_lock);
	for (i = 0; i < cpu->nr_sections; i++)
		if (section_overlaps(cpu->sections[i], addr,
				     nr_pages * SGX_PAGE_SIZE))
			goto err_unlock;
	table = realloc(cpu->sections,
			(cpu->nr_sections + 1) * sizeof(*cpu->sections));
	if (!table)
		goto err_unlock;
	cpu->sections = table;
	for (i = cpu->nr_sections; i > 0 && table[i - 1]->base > addr; i--)
		table[i] = table[i - 1];
	table[i] = s;
	cpu->nr_sections++;
	pthread_rwlock_unlock(&cpu->epc_lock);
	return s;

err_unlock:
	pthread_rwlock_unlock(&cpu->epc_lock);
	free(s->epcm);
	free(s);
	return NULL;
}

bool sgx_epc_remove_section(struct sgx_cpu *cpu, struct sgx_epc_section *s)
{
	size_t i, j;

	pthread_rwlock_wrlock(&cpu->epc_lock);
	for (i = 0; i < s->nr_pages; i++) {
		if (s->epcm[i].valid) {
			pthread_rwlock_unlock(&cpu->epc_lock);
			return false;
		}
	}
	for (i = 0; i < cpu->nr_sections && cpu->sections[i] != s; i++)
		;
	if (i == cpu->nr_sections) {
		pthread_rwlock_unlock(&cpu->epc_lock);
		return false;
	}
	for (j = i; j + 1 < cpu->nr_sections; j++)
		cpu->sections[j] = cpu->sections[j + 1];
	cpu->nr_sections--;
	pthread_rwlock_unlock(&cpu->epc_lock);

	free(s->epcm);
	free(s);
	return true;
}

struct sgx_epcm_entry *sgx_epcm_lookup(struct sgx_cpu *cpu, uintptr_t addr)
{
	struct sgx_epcm_entry *e = NULL;
	size_t lo = 0, hi;

	pthread_rwlock_rdlock(&cpu->epc_lock);
	hi = cpu->nr_sections;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct sgx_epc_section *s = cpu->sections[mid];

		if (addr < s->base) {
			hi = mid;
		} else if (addr >= s->base + s->nr_pages * SGX_PAGE_SIZE) {
			lo = mid + 1;
		} else {
			e = &s->epcm[(addr - s->base) >> SGX_PAGE_SHIFT];
			break;
		}
	}
	pthread_rwlock_unlock(&cpu->epc_lock);
	return e;
}

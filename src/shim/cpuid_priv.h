/* SPDX-License-Identifier: MIT */
/* Internals shared by the CPUID model (cpuid.c) and the rewriter. */
#ifndef SOFTSGX_SHIM_CPUID_PRIV_H
#define SOFTSGX_SHIM_CPUID_PRIV_H

#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shim/cpuid.h"

/*
 * The one CPUID instruction softsgx executes itself (a label in cpuid.c).
 * The rewriter never patches it, so the model can always reach the CPU.
 */
extern const char softsgx_cpuid_real_insn[];

extern _Atomic int softsgx_cpuid_cur_mode; /* enum softsgx_cpuid_mode */

/* A CPUID the rewriter turned into UD2 (in its last two bytes). */
struct cpuid_patch {
	uintptr_t addr;
	uint32_t len; /* of the instruction, prefixes included */
	uint32_t obj; /* id of the loaded object it is in */
};

/* Length of the patched CPUID (a UD2 now) at addr, or 0 if none is. */
unsigned cpuid_patch_lookup(uintptr_t addr);
size_t cpuid_table_count(void);
/* Publish the current table less the entries of objs, plus add. */
int cpuid_table_update(const struct cpuid_patch *add, size_t nr_add,
		       const uint32_t *objs, size_t nr_objs);

struct cpuid_map {
	uintptr_t lo, hi;
	int prot;
};

/* State of one rescan's writes: the mappings, /proc/self/mem. */
struct cpuid_poker {
	struct cpuid_map *maps;
	size_t nr_maps;
	bool maps_loaded;
	int memfd;
};

/* Write one byte of code; 0 or -1. */
int cpuid_poke(struct cpuid_poker *pk, uintptr_t addr, uint8_t val);
void cpuid_poker_done(struct cpuid_poker *pk);

/* How the rewriter writes code bytes; tests force the fallbacks. */
enum cpuid_poke_method {
	CPUID_POKE_AUTO, /* mprotect(+W), then /proc/self/mem */
	CPUID_POKE_MPROTECT,
	CPUID_POKE_PROCMEM,
};
extern enum cpuid_poke_method cpuid_poke_method;

/* A growable array of items of the given size. */
struct grow {
	void *v;
	size_t n, cap, size;
};

static inline int grow_push(struct grow *g, const void *item)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 256;
		void *v = realloc(g->v, cap * g->size);

		if (!v)
			return -1;
		g->v = v;
		g->cap = cap;
	}
	memcpy((char *)g->v + g->n * g->size, item, g->size);
	g->n++;
	return 0;
}

/* One loaded object, as dl_iterate_phdr() describes it. */
struct cpuid_obj {
	uintptr_t bias;
	const char *name; /* "" for the main program */
	const ElfW(Phdr) * phdr;
	size_t phnum;
};

struct cpuid_range {
	uintptr_t lo, hi;
};

/* What the object's symbols and unwind tables tell about its code. */
struct cpuid_funcs {
	uintptr_t *sync; /* sorted, unique: known function starts */
	size_t nr_sync;
	struct cpuid_range *funcs; /* sorted by lo: symbols, unwind FDEs */
	uintptr_t *max_hi; /* max_hi[i] = max(funcs[0..i].hi) */
	size_t nr_funcs;
	/*
	 * .symtab or unwind ranges exist: patch only inside funcs. Exported
	 * (.dynsym) functions alone would leave out the internal ones.
	 */
	bool bounded;
};

/* Function starts and ranges from the unwind tables (.eh_frame_hdr). */
int cpuid_unwind_functions(const struct cpuid_obj *o, struct grow *sync,
			   struct grow *funcs);
int cpuid_elf_functions(const struct cpuid_obj *o, struct cpuid_funcs *f);
bool cpuid_funcs_cover(const struct cpuid_funcs *f, uintptr_t addr);
void cpuid_funcs_free(struct cpuid_funcs *f);

#endif /* SOFTSGX_SHIM_CPUID_PRIV_H */

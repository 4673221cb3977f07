// SPDX-License-Identifier: MIT
/*
 * The example hosts' common pieces (host_util.h).
 */
#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "host_util.h"

#define SIGSTRUCT_SIZE 1808

/* The System V ABI's ELF hash, which DT_HASH tables are built with. */
static unsigned long elf_hash(const char *name)
{
	unsigned long h = 0;

	for (; *name; name++) {
		h = (h << 4) + (unsigned char)*name;
		h ^= (h >> 24) & 0xf0;
		h &= 0x0fffffff;
	}
	return h;
}

struct vdso {
	uintptr_t load; /* add to a d_ptr or st_value */
	const Elf64_Sym *symtab;
	const char *strtab;
	const Elf32_Word *hash;
};

static int vdso_tables(struct vdso *v)
{
	const Elf64_Ehdr *ehdr = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Phdr *phdr;
	const Elf64_Dyn *dyn = NULL;
	bool have_load = false;

	if (!ehdr)
		return -1;
	phdr = (const void *)((uintptr_t)ehdr + ehdr->e_phoff);
	for (int i = 0; i < ehdr->e_phnum; i++) {
		if (phdr[i].p_type == PT_LOAD && !have_load) {
			v->load = (uintptr_t)ehdr + phdr[i].p_offset -
				  phdr[i].p_vaddr;
			have_load = true;
		}
		if (phdr[i].p_type == PT_DYNAMIC)
			dyn = (const void *)((uintptr_t)ehdr +
					     phdr[i].p_offset);
	}
	for (; have_load && dyn && dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			v->symtab = (const void *)(v->load + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_STRTAB)
			v->strtab = (const void *)(v->load + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_HASH)
			v->hash = (const void *)(v->load + dyn->d_un.d_ptr);
	}
	return v->symtab && v->strtab && v->hash ? 0 : -1;
}

/* DT_HASH: nbucket, nchain, buckets, then the chains. */
void *host_vdso_sym(const char *name)
{
	struct vdso v = { 0 };
	Elf32_Word nbucket;

	if (vdso_tables(&v))
		return NULL;
	nbucket = v.hash[0];
	for (Elf32_Word i = v.hash[2 + elf_hash(name) % nbucket]; i;
	     i = v.hash[2 + nbucket + i])
		if (!strcmp(v.strtab + v.symtab[i].st_name, name))
			return (void *)(v.load + v.symtab[i].st_value);
	return NULL;
}

void *host_read_sigstruct(const char *path)
{
	void *sig = aligned_alloc(4096, 4096);
	FILE *f = fopen(path, "rb");
	bool ok =
		sig && f && fread(sig, 1, SIGSTRUCT_SIZE, f) == SIGSTRUCT_SIZE;

	if (f)
		fclose(f);
	if (!ok) {
		free(sig);
		return NULL;
	}
	return sig;
}

/* Reserve twice the size, keep the aligned window, give the rest back. */
uint64_t host_reserve_elrange(uint64_t size)
{
	uint8_t *area =
		mmap(NULL, 2 * size, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint64_t start, base;

	if (area == MAP_FAILED)
		return 0;
	start = (uint64_t)area;
	base = (start + size - 1) & ~(size - 1);
	if (base > start)
		munmap(area, base - start);
	munmap((void *)(base + size), start + size - base);
	return base;
}

// SPDX-License-Identifier: MIT
/*
 * Where a loaded object's functions are, for the CPUID rewriter: function
 * starts let the disassembler resynchronise after data or padding, and
 * function ranges tell code from data embedded in .text.
 *
 * Sources: STT_FUNC symbols of .symtab and .dynsym in the object's file (not
 * mapped at run time; used only when the file's code is byte-identical to
 * the loaded code), and the unwind tables (cpuid_unwind.c), which are mapped
 * and survive strip.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim/cpuid_priv.h"

struct file_map {
	const uint8_t *p;
	size_t len;
};

static int file_map_open(const struct cpuid_obj *o, struct file_map *m)
{
	const char *path = o->name[0] ? o->name : "/proc/self/exe";
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	m->p = MAP_FAILED;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && st.st_size > (off_t)sizeof(Elf64_Ehdr)) {
		m->len = (size_t)st.st_size;
		m->p = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
	}
	close(fd);
	return m->p == MAP_FAILED ? -1 : 0;
}

static bool in_file(const struct file_map *m, uint64_t off, uint64_t len)
{
	return off <= m->len && len <= m->len - off;
}

/* The loaded segment with the same file offset and vaddr as fp, if any. */
static const ElfW(Phdr) *
	loaded_twin(const struct cpuid_obj *o, const Elf64_Phdr *fp)
{
	for (size_t i = 0; i < o->phnum; i++) {
		const ElfW(Phdr) *p = &o->phdr[i];

		if (p->p_type == PT_LOAD && p->p_vaddr == fp->p_vaddr &&
		    p->p_offset == fp->p_offset && p->p_filesz == fp->p_filesz)
			return p;
	}
	return NULL;
}

/*
 * The symbols describe the loaded object only if the file is the one that
 * was loaded: its executable segments must equal the memory image.
 */
static bool file_matches(const struct cpuid_obj *o, const struct file_map *m)
{
	const Elf64_Ehdr *eh = (const void *)m->p;
	size_t nr_exec = 0;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !in_file(m, eh->e_phoff,
		     (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)))
		return false;
	for (size_t i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *fp =
			(const Elf64_Phdr *)(m->p + eh->e_phoff) + i;
		const ElfW(Phdr) * lp;

		if (fp->p_type != PT_LOAD || !(fp->p_flags & PF_X))
			continue;
		lp = loaded_twin(o, fp);
		if (!lp || !in_file(m, fp->p_offset, fp->p_filesz) ||
		    memcmp(m->p + fp->p_offset,
			   (const void *)(o->bias + lp->p_vaddr), fp->p_filesz))
			return false;
		nr_exec++;
	}
	return nr_exec > 0;
}

/* What the symbols and unwind tables tell, while being collected. */
struct collect {
	struct grow sync; /* function starts */
	struct grow funcs; /* function ranges; hi == lo: size unknown */
	struct grow stops; /* any symbol's start: where a function ends */
	bool full; /* .symtab has functions */
};

static bool is_defined(const Elf64_Sym *s)
{
	return s->st_value && s->st_shndx != SHN_UNDEF &&
	       s->st_shndx < SHN_LORESERVE;
}

static bool is_code_symbol(const Elf64_Sym *s)
{
	unsigned type = ELF64_ST_TYPE(s->st_info);

	return (type == STT_FUNC || type == STT_GNU_IFUNC) && is_defined(s);
}

/* Add the code symbols of one symbol table section. */
static int add_symbols(const struct cpuid_obj *o, const struct file_map *m,
		       const Elf64_Shdr *sh, struct collect *c)
{
	const Elf64_Sym *sym = (const void *)(m->p + sh->sh_offset);
	size_t n = sh->sh_size / sizeof(*sym);

	if (sh->sh_entsize != sizeof(*sym) ||
	    !in_file(m, sh->sh_offset, sh->sh_size))
		return 0;
	for (size_t i = 0; i < n; i++) {
		uintptr_t lo = o->bias + sym[i].st_value;
		struct cpuid_range r = { lo, lo + sym[i].st_size };

		if (is_defined(&sym[i]) && grow_push(&c->stops, &lo))
			return -1;
		if (!is_code_symbol(&sym[i]))
			continue;
		if (grow_push(&c->sync, &lo) || grow_push(&c->funcs, &r))
			return -1;
	}
	return 0;
}

static int file_symbols(const struct cpuid_obj *o, struct collect *c)
{
	struct file_map m;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	int ret = 0;

	if (file_map_open(o, &m))
		return 0; /* no file: go by the unwind table alone */
	eh = (const void *)m.p;
	if (!file_matches(o, &m) || eh->e_shentsize != sizeof(*sh) ||
	    !in_file(&m, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(*sh)))
		goto out;
	sh = (const void *)(m.p + eh->e_shoff);
	for (size_t i = 0; i < eh->e_shnum && !ret; i++) {
		size_t before = c->funcs.n;

		if (sh[i].sh_type == SHT_SYMTAB || sh[i].sh_type == SHT_DYNSYM)
			ret = add_symbols(o, &m, &sh[i], c);
		if (sh[i].sh_type == SHT_SYMTAB && c->funcs.n > before)
			c->full = true;
	}
out:
	munmap((void *)m.p, m.len);
	return ret;
}

static int cmp_addr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_range(const void *a, const void *b)
{
	return cmp_addr(&((const struct cpuid_range *)a)->lo,
			&((const struct cpuid_range *)b)->lo);
}

static size_t sort_unique(uintptr_t *v, size_t n)
{
	size_t k = 0;

	qsort(v, n, sizeof(*v), cmp_addr);
	for (size_t i = 0; i < n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* Index of the last sorted element <= addr, or -1. */
static ptrdiff_t last_at_or_below(const uintptr_t *v, size_t stride, size_t n,
				  uintptr_t addr)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, best = -1;

	while (lo <= hi) {
		ptrdiff_t mid = lo + (hi - lo) / 2;

		if (v[mid * stride] <= addr) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return best;
}

/*
 * Sort the ranges; a symbol without a size (crt files' and hand-written
 * assembly's often lack .size) extends to the next symbol or function start.
 */
static int finish_ranges(struct cpuid_funcs *f, uintptr_t *stops,
			 size_t nr_stops)
{
	uintptr_t top = 0;

	qsort(f->funcs, f->nr_funcs, sizeof(*f->funcs), cmp_range);
	f->max_hi = malloc((f->nr_funcs + 1) * sizeof(*f->max_hi));
	if (!f->max_hi)
		return -1;
	for (size_t i = 0; i < f->nr_funcs; i++) {
		struct cpuid_range *r = &f->funcs[i];

		if (r->hi == r->lo) {
			/* r->lo is a stop itself: the next one ends it */
			ptrdiff_t k =
				last_at_or_below(stops, 1, nr_stops, r->lo);

			r->hi = (size_t)k + 1 < nr_stops ? stops[k + 1] :
							   UINTPTR_MAX;
		}
		top = r->hi > top ? r->hi : top;
		f->max_hi[i] = top;
	}
	return 0;
}

int cpuid_elf_functions(const struct cpuid_obj *o, struct cpuid_funcs *f)
{
	struct collect c = { .sync.size = sizeof(uintptr_t),
			     .funcs.size = sizeof(struct cpuid_range),
			     .stops.size = sizeof(uintptr_t) };
	size_t nr_sym, nr_stops;
	int ret = -1;

	memset(f, 0, sizeof(*f));
	if (file_symbols(o, &c))
		goto out;
	nr_sym = c.funcs.n;
	if (cpuid_unwind_functions(o, &c.sync, &c.funcs))
		goto out;
	for (size_t i = 0; i < c.sync.n; i++)
		if (grow_push(&c.stops, (uintptr_t *)c.sync.v + i))
			goto out;
	nr_stops = sort_unique(c.stops.v, c.stops.n);
	f->sync = c.sync.v;
	f->nr_sync = sort_unique(f->sync, c.sync.n);
	f->funcs = c.funcs.v;
	f->nr_funcs = c.funcs.n;
	f->bounded = c.full || c.funcs.n > nr_sym;
	c.sync.v = c.funcs.v = NULL;
	ret = finish_ranges(f, c.stops.v, nr_stops);
out:
	free(c.sync.v);
	free(c.funcs.v);
	free(c.stops.v);
	return ret;
}

bool cpuid_funcs_cover(const struct cpuid_funcs *f, uintptr_t addr)
{
	ptrdiff_t i;

	if (!f->bounded)
		return true;
	i = last_at_or_below(&f->funcs[0].lo, 2, f->nr_funcs, addr);
	return i >= 0 && f->max_hi[i] > addr;
}

void cpuid_funcs_free(struct cpuid_funcs *f)
{
	free(f->sync);
	free(f->funcs);
	free(f->max_hi);
	memset(f, 0, sizeof(*f));
}

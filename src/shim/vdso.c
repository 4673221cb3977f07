// SPDX-License-Identifier: MIT
/*
 * The synthetic vDSO (see vdso.h).
 *
 * Image layout (file offset == virtual address, based at 0 like the real
 * vDSO, so both "base + d_ptr" parsers and load-bias parsers work):
 *
 *   ELF header, program headers (PT_LOAD R+X over everything, PT_DYNAMIC,
 *   PT_NOTE when the real vDSO has notes), .hash, .gnu.hash, .dynsym,
 *   .dynstr, .gnu.version, .gnu.version_d, .dynamic, .note, .text (the enter
 *   function, then one 16-byte trampoline per distinct real function),
 *   .shstrtab, section headers.
 *
 * The real vDSO is parsed from a private copy, read with process_vm_readv (or
 * checked page by page where that is filtered) so that a lying header cannot
 * make us fault, and only through its program headers and PT_DYNAMIC (a vDSO
 * need not carry section headers).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shim/vdso.h"

/* Linux 5.17 uapi; older libc headers lack it, older kernels refuse it. */
#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

#define HIDDEN __attribute__((visibility("hidden")))
#define NO_ASAN __attribute__((no_sanitize_address))

/* The template of __vdso_sgx_enter_enclave (vdso_enter.S). */
extern const uint8_t softsgx_vdso_enter_start[] HIDDEN;
extern const uint8_t softsgx_vdso_enter_enclu[] HIDDEN;
extern const uint8_t softsgx_vdso_enter_fixup[] HIDDEN;
extern const uint8_t softsgx_vdso_enter_end[] HIDDEN;
extern const uint8_t softsgx_vdso_enter_fast[] HIDDEN;

void *softsgx_vdso_fast_enclu;

#define ENTER_NAME "__vdso_sgx_enter_enclave"
#define ENTER_VERSION "LINUX_2.6"
#define DEFAULT_SONAME "linux-vdso.so.1"

/* Bounds on what a sane vDSO contains; anything larger is refused. */
#define REAL_MAX_SIZE (16UL << 20)
#define REAL_MAX_PHDRS 64
#define MAX_SYMS 4096
#define MAX_VERDEFS 64
#define MAX_VERDAUX 8

#define IMAGE_ALIGN 4096
#define TRAMP_SIZE 16
#define VERSYM_NDX 0x7fff /* versym without the hidden bit */
#define NR_DYN 11

/* -------------------------------------------------------------------- */
/* Reading the real vDSO                                                 */
/* -------------------------------------------------------------------- */

struct real_vdso {
	uint8_t *img; /* private copy of the mapped file image */
	size_t size;
	uintptr_t base; /* where the image is mapped */
	uint64_t load_vaddr; /* the first PT_LOAD's p_vaddr lies at ... */
	uint64_t load_off; /* ... this file offset (parse_vdso.c's bias) */
	const Elf64_Phdr *dyn_ph;
	const Elf64_Phdr *note_ph;
	const Elf64_Sym *sym;
	size_t nr_sym;
	const char *str;
	size_t str_size;
	const uint16_t *versym;
	const char *soname;
};

/* The dynamic tags we use; 0 means absent (0 is never a valid table). */
struct real_dyn {
	uint64_t symtab, strtab, strsz, syment, hash, gnu_hash;
	uint64_t versym, verdef, verdefnum, soname;
	bool has_soname;
};

/*
 * Byte copy that ASan leaves alone: a damaged header may point the fallback
 * below at memory that is mapped but poisoned (a heap redzone), and reading
 * it is the point of the check. volatile keeps it from becoming memcpy().
 */
NO_ASAN static void copy_bytes(void *dst, uintptr_t src, size_t len)
{
	const volatile uint8_t *s = (const volatile uint8_t *)src;
	uint8_t *d = dst;

	while (len--)
		*d++ = *s++;
}

/*
 * Where process_vm_readv is filtered (seccomp): a one-byte write() from each
 * page into a pipe fails with EFAULT instead of faulting us, whether the page
 * is unmapped or PROT_NONE. The raw syscall keeps ASan's write() check away.
 */
static int copy_checked(void *dst, uintptr_t src, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), p;
	int fd[2], ret = 0;
	char c;

	if (src + len < src || pipe2(fd, O_CLOEXEC))
		return -ENOEXEC;
	for (p = src; !ret && p < src + len; p = (p & ~(page - 1)) + page)
		if (syscall(SYS_write, fd[1], p, 1) != 1 ||
		    read(fd[0], &c, 1) != 1)
			ret = -ENOEXEC;
	close(fd[0]);
	close(fd[1]);
	if (!ret)
		copy_bytes(dst, src, len);
	return ret;
}

/* Copy from our own address space without faulting on unmapped memory. */
static int copy_in(void *dst, uintptr_t src, size_t len)
{
	struct iovec local = { dst, len };
	struct iovec remote = { (void *)src, len };
	ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);

	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && (errno == ENOSYS || errno == EPERM))
		return copy_checked(dst, src, len);
	return -ENOEXEC;
}

static bool ehdr_ok(const Elf64_Ehdr *eh)
{
	return !memcmp(eh->e_ident, ELFMAG, SELFMAG) &&
	       eh->e_ident[EI_CLASS] == ELFCLASS64 &&
	       eh->e_ident[EI_DATA] == ELFDATA2LSB && eh->e_type == ET_DYN &&
	       eh->e_machine == EM_X86_64 &&
	       eh->e_phentsize == sizeof(Elf64_Phdr) && eh->e_phnum &&
	       eh->e_phnum <= REAL_MAX_PHDRS && eh->e_phoff < REAL_MAX_SIZE;
}

/* The file image spans the ELF header and every PT_LOAD's file bytes. */
static int real_extent(struct real_vdso *r, const Elf64_Phdr *ph, size_t n)
{
	size_t i;
	bool have_load = false;

	for (i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_offset > REAL_MAX_SIZE ||
		    ph[i].p_filesz > REAL_MAX_SIZE - ph[i].p_offset)
			return -ENOEXEC;
		if (!have_load) {
			r->load_vaddr = ph[i].p_vaddr;
			r->load_off = ph[i].p_offset;
			have_load = true;
		}
		if (ph[i].p_offset + ph[i].p_filesz > r->size)
			r->size = ph[i].p_offset + ph[i].p_filesz;
	}
	return have_load && r->size >= sizeof(Elf64_Ehdr) ? 0 : -ENOEXEC;
}

/* len bytes at vaddr inside the copy, aligned for the type read there. */
static const void *real_at(const struct real_vdso *r, uint64_t vaddr,
			   uint64_t len, uint64_t align)
{
	uint64_t off;

	if (vaddr < r->load_vaddr || vaddr - r->load_vaddr > r->size)
		return NULL;
	off = vaddr - r->load_vaddr + r->load_off;
	if (off > r->size || len > r->size - off || off % align)
		return NULL;
	return r->img + off;
}

static const char *real_str(const struct real_vdso *r, uint64_t off)
{
	if (off >= r->str_size || !memchr(r->str + off, 0, r->str_size - off))
		return NULL;
	return r->str + off;
}

/* Run-time address of vaddr in the real mapping, 0 when outside it. */
static uintptr_t real_addr(const struct real_vdso *r, uint64_t vaddr)
{
	const uint8_t *p = real_at(r, vaddr, 1, 1);

	return p ? r->base + (uintptr_t)(p - r->img) : 0;
}

/* Copy the real image; afterwards only the copy is read. */
static int real_copy(struct real_vdso *r, const void *base)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[REAL_MAX_PHDRS];
	size_t phsize;

	r->base = (uintptr_t)base;
	if (r->base % IMAGE_ALIGN || copy_in(&eh, r->base, sizeof(eh)) ||
	    !ehdr_ok(&eh) || eh.e_phoff % 8)
		return -ENOEXEC;
	phsize = eh.e_phnum * sizeof(Elf64_Phdr);
	if (copy_in(ph, r->base + eh.e_phoff, phsize) ||
	    real_extent(r, ph, eh.e_phnum) || eh.e_phoff + phsize > r->size)
		return -ENOEXEC;
	r->img = malloc(r->size);
	if (!r->img)
		return -ENOMEM;
	return copy_in(r->img, r->base, r->size);
}

static int real_segments(struct real_vdso *r)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)r->img;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(r->img + eh->e_phoff);
	size_t i;

	/* Checked again: the copy is what gets read from now on. */
	if (!ehdr_ok(eh) || eh->e_phoff % 8 ||
	    eh->e_phoff + eh->e_phnum * sizeof(*ph) > r->size)
		return -ENOEXEC;
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_DYNAMIC && !r->dyn_ph)
			r->dyn_ph = &ph[i];
		if (ph[i].p_type == PT_NOTE && !r->note_ph)
			r->note_ph = &ph[i];
	}
	return r->dyn_ph ? 0 : -ENOEXEC;
}

static void dyn_take(struct real_dyn *d, const Elf64_Dyn *e)
{
	uint64_t v = e->d_un.d_val;

	switch (e->d_tag) {
	case DT_SYMTAB:
		d->symtab = v;
		break;
	case DT_STRTAB:
		d->strtab = v;
		break;
	case DT_STRSZ:
		d->strsz = v;
		break;
	case DT_SYMENT:
		d->syment = v;
		break;
	case DT_HASH:
		d->hash = v;
		break;
	case DT_GNU_HASH:
		d->gnu_hash = v;
		break;
	case DT_VERSYM:
		d->versym = v;
		break;
	case DT_VERDEF:
		d->verdef = v;
		break;
	case DT_VERDEFNUM:
		d->verdefnum = v;
		break;
	case DT_SONAME:
		d->soname = v;
		d->has_soname = true;
		break;
	}
}

static int real_dynamic(const struct real_vdso *r, struct real_dyn *d)
{
	const Elf64_Phdr *ph = r->dyn_ph;
	const Elf64_Dyn *dyn = real_at(r, ph->p_vaddr, ph->p_filesz, 8);
	size_t i, n = ph->p_filesz / sizeof(*dyn);

	if (!dyn)
		return -ENOEXEC;
	for (i = 0; i < n && dyn[i].d_tag != DT_NULL; i++)
		dyn_take(d, &dyn[i]);
	return i < n ? 0 : -ENOEXEC;
}

/* DT_HASH: nchain is the number of symbols. */
static int count_sysv(const struct real_vdso *r, uint64_t vaddr, size_t *n)
{
	const uint32_t *h = real_at(r, vaddr, 2 * sizeof(*h), 4);

	if (!h)
		return -ENOEXEC;
	*n = h[1];
	return 0;
}

/*
 * DT_GNU_HASH does not say how many symbols there are: take the highest
 * bucket start and follow its chain to the end marker (bit 0).
 */
static int count_gnu(const struct real_vdso *r, uint64_t vaddr, size_t *n)
{
	const uint32_t *h = real_at(r, vaddr, 4 * sizeof(*h), 8);
	const uint32_t *bucket, *c;
	uint64_t chain;
	uint32_t i, max = 0;

	if (!h || h[0] > r->size / 4 || h[2] > r->size / 8)
		return -ENOEXEC;
	vaddr += 16 + (uint64_t)h[2] * 8;
	bucket = real_at(r, vaddr, (uint64_t)h[0] * 4, 4);
	if (!bucket)
		return -ENOEXEC;
	for (i = 0; i < h[0]; i++)
		max = bucket[i] > max ? bucket[i] : max;
	*n = h[1];
	if (!max)
		return 0;
	if (max < h[1])
		return -ENOEXEC;
	chain = vaddr + (uint64_t)h[0] * 4;
	for (i = max; i < MAX_SYMS; i++) {
		c = real_at(r, chain + (uint64_t)(i - h[1]) * 4, 4, 4);
		if (!c)
			return -ENOEXEC;
		if (*c & 1) {
			*n = (size_t)i + 1;
			return 0;
		}
	}
	return -ENOEXEC;
}

static int real_tables(struct real_vdso *r, const struct real_dyn *d)
{
	int ret = -ENOEXEC;

	if (!d->symtab || !d->strtab || !d->strsz ||
	    (d->syment && d->syment != sizeof(Elf64_Sym)))
		return -ENOEXEC;
	r->str = real_at(r, d->strtab, d->strsz, 1);
	r->str_size = d->strsz;
	if (!r->str)
		return -ENOEXEC;
	if (d->hash)
		ret = count_sysv(r, d->hash, &r->nr_sym);
	else if (d->gnu_hash)
		ret = count_gnu(r, d->gnu_hash, &r->nr_sym);
	if (ret || r->nr_sym > MAX_SYMS)
		return -ENOEXEC;
	r->sym = real_at(r, d->symtab, r->nr_sym * sizeof(Elf64_Sym), 8);
	if (!r->sym)
		return -ENOEXEC;
	if (d->versym) {
		r->versym = real_at(r, d->versym, r->nr_sym * 2, 2);
		if (!r->versym)
			return -ENOEXEC;
	}
	r->soname = d->has_soname ? real_str(r, d->soname) : NULL;
	return 0;
}

/* -------------------------------------------------------------------- */
/* The new image's contents                                              */
/* -------------------------------------------------------------------- */

enum sym_kind {
	SYM_TRAMP, /* real function, reached through a trampoline */
	SYM_ENTER, /* __vdso_sgx_enter_enclave */
	SYM_ABS, /* SHN_ABS (version names): value copied */
	SYM_DATA, /* real non-function: value = real address - new base */
};

struct out_sym {
	const char *name;
	uint64_t value; /* real address, or the ABS value */
	uint64_t size;
	uint8_t info;
	uint8_t other;
	uint8_t kind;
	uint16_t versym;
	uint32_t name_off;
	uint32_t hash; /* GNU hash of name */
	uint32_t tramp;
};

struct out_verdef {
	uint16_t flags;
	uint16_t ndx;
	uint16_t cnt; /* names[0] is the version, the rest its parents */
	const char *names[MAX_VERDAUX];
	uint32_t name_off[MAX_VERDAUX];
};

struct layout {
	size_t nr_phdrs, nr_shdrs;
	size_t hash, gnu_hash, dynsym, dynstr, versym, verdef, dynamic;
	size_t note, text, tramp, text_end, shstrtab, shdr, end;
};

struct builder {
	struct out_sym *syms; /* dynsym entries 1..nr_syms */
	size_t nr_syms;
	struct out_verdef defs[MAX_VERDEFS];
	size_t nr_defs;
	uint64_t *tramps; /* real targets of the trampolines */
	size_t nr_tramps;
	char *str; /* .dynstr */
	size_t str_size, str_cap;
	const char *soname;
	uint32_t soname_off;
	const uint8_t *note;
	size_t note_size;
	uint32_t sysv_buckets, gnu_buckets, bloom_words, bloom_shift;
	struct layout lay;
	uint8_t *img;
};

static const struct out_verdef *def_by_ndx(const struct builder *b,
					   uint16_t ndx)
{
	size_t i;

	for (i = 0; i < b->nr_defs; i++)
		if (b->defs[i].ndx == ndx)
			return &b->defs[i];
	return NULL;
}

static const struct out_verdef *def_by_name(const struct builder *b,
					    const char *name)
{
	size_t i;

	for (i = 0; i < b->nr_defs; i++)
		if (!(b->defs[i].flags & VER_FLG_BASE) &&
		    !strcmp(b->defs[i].names[0], name))
			return &b->defs[i];
	return NULL;
}

/* One Elf64_Verdef and its Elf64_Verdaux chain. */
static int take_verdef(struct builder *b, const struct real_vdso *r,
		       const Elf64_Verdef *vd, uint64_t vaddr)
{
	struct out_verdef *d = &b->defs[b->nr_defs];
	const Elf64_Verdaux *a;
	uint64_t aux = vaddr + vd->vd_aux;

	if (vd->vd_version != VER_DEF_CURRENT || !vd->vd_cnt || !vd->vd_ndx ||
	    def_by_ndx(b, vd->vd_ndx))
		return -ENOEXEC;
	*d = (struct out_verdef){ .flags = vd->vd_flags, .ndx = vd->vd_ndx };
	while (d->cnt < vd->vd_cnt && d->cnt < MAX_VERDAUX) {
		a = real_at(r, aux, sizeof(*a), 4);
		d->names[d->cnt] = a ? real_str(r, a->vda_name) : NULL;
		if (!d->names[d->cnt])
			return -ENOEXEC;
		d->cnt++;
		if (!a->vda_next)
			break;
		aux += a->vda_next;
	}
	b->nr_defs++;
	return 0;
}

static int collect_verdefs(struct builder *b, const struct real_vdso *r,
			   const struct real_dyn *d)
{
	const Elf64_Verdef *vd;
	uint64_t vaddr = d->verdef;

	while (vaddr) {
		if (b->nr_defs == MAX_VERDEFS)
			return -ENOEXEC;
		vd = real_at(r, vaddr, sizeof(*vd), 4);
		if (!vd || take_verdef(b, r, vd, vaddr))
			return -ENOEXEC;
		if (!vd->vd_next || b->nr_defs == d->verdefnum)
			break;
		vaddr += vd->vd_next;
	}
	return 0;
}

/*
 * Every defined, non-local symbol that a lookup could find. Symbols that point
 * outside the real image or name an unknown version are dropped rather than
 * re-exported wrong.
 */
static void take_sym(struct builder *b, const struct real_vdso *r, size_t i)
{
	const Elf64_Sym *s = &r->sym[i];
	unsigned int type = ELF64_ST_TYPE(s->st_info);
	const char *name = real_str(r, s->st_name);
	uint16_t ver = r->versym ? r->versym[i] : VER_NDX_GLOBAL;
	struct out_sym o = { .name = name, .size = s->st_size };

	if (s->st_shndx == SHN_UNDEF ||
	    ELF64_ST_BIND(s->st_info) == STB_LOCAL || type == STT_SECTION ||
	    type == STT_FILE || type == STT_TLS || !name || !*name ||
	    !strcmp(name, ENTER_NAME))
		return;
	if ((ver & VERSYM_NDX) > VER_NDX_GLOBAL &&
	    !def_by_ndx(b, ver & VERSYM_NDX))
		return;
	o.info = s->st_info;
	o.other = s->st_other;
	o.versym = ver;
	if (s->st_shndx == SHN_ABS) {
		o.kind = SYM_ABS;
		o.value = s->st_value;
	} else {
		o.kind = type == STT_FUNC ? SYM_TRAMP : SYM_DATA;
		o.value = real_addr(r, s->st_value);
		if (!o.value)
			return;
	}
	b->syms[b->nr_syms++] = o;
}

static int collect_real(struct builder *b, struct real_vdso *r)
{
	struct real_dyn d = { 0 };
	size_t i;
	int ret;

	ret = real_segments(r);
	if (!ret)
		ret = real_dynamic(r, &d);
	if (!ret)
		ret = real_tables(r, &d);
	if (!ret)
		ret = collect_verdefs(b, r, &d);
	if (ret)
		return ret;
	b->syms = calloc(r->nr_sym + 2, sizeof(*b->syms));
	if (!b->syms)
		return -ENOMEM;
	for (i = 1; i < r->nr_sym; i++)
		take_sym(b, r, i);
	if (r->soname)
		b->soname = r->soname;
	return 0;
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Notes are copied only when every entry is well-formed (readelf parses). */
static void take_notes(struct builder *b, const struct real_vdso *r)
{
	const Elf64_Phdr *ph = r->note_ph;
	const Elf64_Nhdr *n;
	const uint8_t *p;
	size_t off = 0, len;

	if (!ph || !ph->p_filesz || ph->p_filesz > IMAGE_ALIGN)
		return;
	p = real_at(r, ph->p_vaddr, ph->p_filesz, 4);
	if (!p)
		return;
	while (off < ph->p_filesz) {
		if (ph->p_filesz - off < sizeof(*n))
			return;
		n = (const Elf64_Nhdr *)(p + off);
		len = sizeof(*n) + align_up(n->n_namesz, 4) +
		      align_up(n->n_descsz, 4);
		if (len > ph->p_filesz - off)
			return;
		off += len;
	}
	b->note = p;
	b->note_size = ph->p_filesz;
}

static uint16_t max_ndx(const struct builder *b)
{
	uint16_t max = VER_NDX_GLOBAL;
	size_t i;

	for (i = 0; i < b->nr_defs; i++)
		max = b->defs[i].ndx > max ? b->defs[i].ndx : max;
	return max;
}

static void add_def(struct builder *b, uint16_t flags, uint16_t ndx,
		    const char *name)
{
	b->defs[b->nr_defs++] = (struct out_verdef){
		.flags = flags, .ndx = ndx, .cnt = 1, .names = { name }
	};
}

static bool have_sym(const struct builder *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->nr_syms; i++)
		if (!strcmp(b->syms[i].name, name))
			return true;
	return false;
}

/*
 * The base version (named after the soname, as ld makes it) and LINUX_2.6
 * must exist; a new LINUX_2.6 also gets its ABS symbol, like ld emits.
 */
static int ensure_version(struct builder *b, uint16_t *ndx)
{
	const struct out_verdef *d;

	if (!b->nr_defs)
		add_def(b, VER_FLG_BASE, VER_NDX_GLOBAL, b->soname);
	d = def_by_name(b, ENTER_VERSION);
	if (d) {
		*ndx = d->ndx;
		return 0;
	}
	if (b->nr_defs == MAX_VERDEFS || max_ndx(b) >= VERSYM_NDX - 1)
		return -ENOEXEC;
	*ndx = max_ndx(b) + 1;
	add_def(b, 0, *ndx, ENTER_VERSION);
	if (!have_sym(b, ENTER_VERSION))
		b->syms[b->nr_syms++] = (struct out_sym){
			.name = ENTER_VERSION,
			.info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT),
			.kind = SYM_ABS,
			.versym = *ndx,
		};
	return 0;
}

static int add_enter(struct builder *b)
{
	uint16_t ndx;
	int ret = ensure_version(b, &ndx);

	if (ret)
		return ret;
	b->syms[b->nr_syms++] = (struct out_sym){
		.name = ENTER_NAME,
		.size = softsgx_vdso_enter_end - softsgx_vdso_enter_start,
		.info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
		.kind = SYM_ENTER,
		.versym = ndx,
	};
	return 0;
}

/* One trampoline per distinct target: aliases (time/__vdso_time) share. */
static int assign_tramps(struct builder *b)
{
	size_t i, j;

	b->tramps = calloc(b->nr_syms + 1, sizeof(*b->tramps));
	if (!b->tramps)
		return -ENOMEM;
	for (i = 0; i < b->nr_syms; i++) {
		if (b->syms[i].kind != SYM_TRAMP)
			continue;
		for (j = 0; j < b->nr_tramps; j++)
			if (b->tramps[j] == b->syms[i].value)
				break;
		if (j == b->nr_tramps)
			b->tramps[b->nr_tramps++] = b->syms[i].value;
		b->syms[i].tramp = j;
	}
	return 0;
}

/* Offset of name in .dynstr, shared with an equal string or tail. */
static int str_add(struct builder *b, const char *name, uint32_t *off)
{
	size_t len = strlen(name) + 1;
	char *found = memmem(b->str, b->str_size, name, len);
	char *grown;

	if (found) {
		*off = found - b->str;
		return 0;
	}
	if (b->str_size + len > b->str_cap) {
		b->str_cap = 2 * (b->str_size + len);
		grown = realloc(b->str, b->str_cap);
		if (!grown)
			return -ENOMEM;
		b->str = grown;
	}
	memcpy(b->str + b->str_size, name, len);
	*off = b->str_size;
	b->str_size += len;
	return b->str_size > UINT32_MAX ? -ENOEXEC : 0;
}

static int build_strings(struct builder *b)
{
	size_t i, j;
	int ret;

	b->str = calloc(1, 1);
	if (!b->str)
		return -ENOMEM;
	b->str_size = b->str_cap = 1;
	ret = str_add(b, b->soname, &b->soname_off);
	for (i = 0; !ret && i < b->nr_defs; i++)
		for (j = 0; !ret && j < b->defs[i].cnt; j++)
			ret = str_add(b, b->defs[i].names[j],
				      &b->defs[i].name_off[j]);
	for (i = 0; !ret && i < b->nr_syms; i++)
		ret = str_add(b, b->syms[i].name, &b->syms[i].name_off);
	return ret;
}

/* -------------------------------------------------------------------- */
/* Hash tables                                                           */
/* -------------------------------------------------------------------- */

static uint32_t sysv_hash(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	uint32_t h = 0, g;

	for (; *p; p++) {
		h = (h << 4) + *p;
		g = h & 0xf0000000;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

static uint32_t gnu_hash(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	uint32_t h = 5381;

	for (; *p; p++)
		h = h * 33 + *p;
	return h;
}

/* Bucket counts from the same prime list that GNU ld picks from. */
static uint32_t nr_buckets(size_t nr_syms)
{
	static const uint32_t primes[] = { 1,	3,   17,  37,	67,   97,  131,
					   197, 263, 521, 1031, 2053, 4099 };
	size_t i;

	for (i = 0; i + 1 < sizeof(primes) / sizeof(primes[0]); i++)
		if (nr_syms < primes[i + 1])
			break;
	return primes[i];
}

/* GNU hash needs the hashed symbols grouped by bucket, in dynsym order. */
static void sort_by_bucket(struct builder *b)
{
	struct out_sym tmp;
	size_t i, j;

	for (i = 0; i < b->nr_syms; i++)
		b->syms[i].hash = gnu_hash(b->syms[i].name);
	for (i = 1; i < b->nr_syms; i++) {
		tmp = b->syms[i];
		for (j = i; j && b->syms[j - 1].hash % b->gnu_buckets >
					 tmp.hash % b->gnu_buckets;
		     j--)
			b->syms[j] = b->syms[j - 1];
		b->syms[j] = tmp;
	}
}

/* About eight bloom bits per symbol; the shift follows ld (log2 of bits). */
static void size_hashes(struct builder *b)
{
	b->sysv_buckets = nr_buckets(b->nr_syms + 1);
	b->gnu_buckets = nr_buckets(b->nr_syms);
	b->bloom_words = 1;
	b->bloom_shift = 6;
	while (b->bloom_words * 64 < b->nr_syms * 8) {
		b->bloom_words *= 2;
		b->bloom_shift++;
	}
	sort_by_bucket(b);
}

/* -------------------------------------------------------------------- */
/* Layout and emission                                                   */
/* -------------------------------------------------------------------- */

/* Section header indices; .note is last so that it can be left out. */
enum {
	SEC_NULL,
	SEC_HASH,
	SEC_GNU_HASH,
	SEC_DYNSYM,
	SEC_DYNSTR,
	SEC_VERSYM,
	SEC_VERDEF,
	SEC_DYNAMIC,
	SEC_TEXT,
	SEC_SHSTRTAB,
	SEC_NOTE,
	NR_SECS
};

static const char shstrtab[] = "\0.hash\0.gnu.hash\0.dynsym\0.dynstr\0"
			       ".gnu.version\0.gnu.version_d\0.dynamic\0"
			       ".text\0.shstrtab\0.note";

static size_t enter_size(void)
{
	return softsgx_vdso_enter_end - softsgx_vdso_enter_start;
}

static size_t verdef_size(const struct builder *b)
{
	size_t i, size = 0;

	for (i = 0; i < b->nr_defs; i++)
		size += sizeof(Elf64_Verdef) +
			b->defs[i].cnt * sizeof(Elf64_Verdaux);
	return size;
}

static size_t sysv_hash_size(const struct builder *b)
{
	return (2 + b->sysv_buckets + b->nr_syms + 1) * sizeof(uint32_t);
}

static size_t gnu_hash_size(const struct builder *b)
{
	return 4 * sizeof(uint32_t) + b->bloom_words * sizeof(uint64_t) +
	       (b->gnu_buckets + b->nr_syms) * sizeof(uint32_t);
}

static void compute_layout(struct builder *b)
{
	struct layout *l = &b->lay;
	size_t n = b->nr_syms + 1; /* with the null symbol */
	size_t off;

	l->nr_phdrs = b->note_size ? 3 : 2;
	l->nr_shdrs = b->note_size ? NR_SECS : NR_SECS - 1;
	off = sizeof(Elf64_Ehdr) + l->nr_phdrs * sizeof(Elf64_Phdr);
	l->hash = off = align_up(off, 8);
	off += sysv_hash_size(b);
	l->gnu_hash = off = align_up(off, 8);
	off += gnu_hash_size(b);
	l->dynsym = off = align_up(off, 8);
	off += n * sizeof(Elf64_Sym);
	l->dynstr = off;
	off += b->str_size;
	l->versym = off = align_up(off, 2);
	off += n * sizeof(uint16_t);
	l->verdef = off = align_up(off, 8);
	off += verdef_size(b);
	l->dynamic = off = align_up(off, 8);
	off += NR_DYN * sizeof(Elf64_Dyn);
	l->note = off = align_up(off, 4);
	off += b->note_size;
	l->text = off = align_up(off, 16);
	l->tramp = off += align_up(enter_size(), 16);
	l->text_end = off += b->nr_tramps * TRAMP_SIZE;
	l->shstrtab = off;
	off += sizeof(shstrtab);
	l->shdr = off = align_up(off, 8);
	l->end = off + l->nr_shdrs * sizeof(Elf64_Shdr);
}

static void *at(const struct builder *b, size_t off)
{
	return b->img + off;
}

static void emit_headers(const struct builder *b)
{
	const struct layout *l = &b->lay;
	Elf64_Ehdr *eh = at(b, 0);
	Elf64_Phdr *ph = at(b, sizeof(*eh));

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh->e_type = ET_DYN;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_shoff = l->shdr;
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = l->nr_phdrs;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = l->nr_shdrs;
	eh->e_shstrndx = SEC_SHSTRTAB;
	ph[0] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, 0,	    0,
			      0,       l->end,	    l->end, IMAGE_ALIGN };
	ph[1] = (Elf64_Phdr){ PT_DYNAMIC,
			      PF_R,
			      l->dynamic,
			      l->dynamic,
			      l->dynamic,
			      NR_DYN * sizeof(Elf64_Dyn),
			      NR_DYN * sizeof(Elf64_Dyn),
			      8 };
	if (b->note_size)
		ph[2] = (Elf64_Phdr){ PT_NOTE,	    PF_R,    l->note,
				      l->note,	    l->note, b->note_size,
				      b->note_size, 4 };
}

static void emit_sysv_hash(const struct builder *b)
{
	uint32_t *h = at(b, b->lay.hash);
	uint32_t *bucket = h + 2, *chain = bucket + b->sysv_buckets;
	uint32_t i, slot;

	h[0] = b->sysv_buckets;
	h[1] = b->nr_syms + 1;
	for (i = 1; i <= b->nr_syms; i++) {
		slot = sysv_hash(b->syms[i - 1].name) % b->sysv_buckets;
		chain[i] = bucket[slot];
		bucket[slot] = i;
	}
}

/* Every symbol but the null one is hashed: symoffset 1. */
static void emit_gnu_hash(const struct builder *b)
{
	uint32_t *h = at(b, b->lay.gnu_hash);
	uint64_t *bloom = (uint64_t *)(h + 4);
	uint32_t *bucket = (uint32_t *)(bloom + b->bloom_words);
	uint32_t *chain = bucket + b->gnu_buckets;
	uint32_t i, hash, slot;
	bool last;

	h[0] = b->gnu_buckets;
	h[1] = 1;
	h[2] = b->bloom_words;
	h[3] = b->bloom_shift;
	for (i = 0; i < b->nr_syms; i++) {
		hash = b->syms[i].hash;
		bloom[(hash / 64) % b->bloom_words] |=
			1ULL << (hash % 64) |
			1ULL << ((hash >> b->bloom_shift) % 64);
		slot = hash % b->gnu_buckets;
		if (!bucket[slot])
			bucket[slot] = i + 1;
		last = i + 1 == b->nr_syms ||
		       b->syms[i + 1].hash % b->gnu_buckets != slot;
		chain[i] = (hash & ~1U) | last;
	}
}

static void emit_sym(const struct builder *b, const struct out_sym *o,
		     Elf64_Sym *s)
{
	s->st_name = o->name_off;
	s->st_info = o->info;
	s->st_other = o->other;
	s->st_shndx = SEC_TEXT;
	switch (o->kind) {
	case SYM_TRAMP:
		s->st_value = b->lay.tramp + o->tramp * TRAMP_SIZE;
		s->st_size = TRAMP_SIZE;
		break;
	case SYM_ENTER:
		s->st_value = b->lay.text;
		s->st_size = o->size;
		break;
	case SYM_ABS:
		s->st_shndx = SHN_ABS;
		s->st_value = o->value;
		s->st_size = o->size;
		break;
	default: /* base + st_value must still give the real address */
		s->st_value = o->value - (uintptr_t)b->img;
		s->st_size = o->size;
	}
}

static void emit_symbols(const struct builder *b)
{
	Elf64_Sym *sym = at(b, b->lay.dynsym);
	uint16_t *versym = at(b, b->lay.versym);
	size_t i;

	memcpy(at(b, b->lay.dynstr), b->str, b->str_size);
	for (i = 0; i < b->nr_syms; i++) {
		emit_sym(b, &b->syms[i], &sym[i + 1]);
		versym[i + 1] = b->syms[i].versym;
	}
}

static void emit_verdefs(const struct builder *b)
{
	size_t i, j, off = b->lay.verdef;
	const struct out_verdef *d;
	Elf64_Verdef *vd;
	Elf64_Verdaux *a;

	for (i = 0; i < b->nr_defs; i++) {
		d = &b->defs[i];
		vd = at(b, off);
		vd->vd_version = VER_DEF_CURRENT;
		vd->vd_flags = d->flags;
		vd->vd_ndx = d->ndx;
		vd->vd_cnt = d->cnt;
		vd->vd_hash = sysv_hash(d->names[0]);
		vd->vd_aux = sizeof(*vd);
		off += sizeof(*vd);
		for (j = 0; j < d->cnt; j++, off += sizeof(*a)) {
			a = at(b, off);
			a->vda_name = d->name_off[j];
			a->vda_next = j + 1 < d->cnt ? sizeof(*a) : 0;
		}
		if (i + 1 < b->nr_defs)
			vd->vd_next = sizeof(*vd) + d->cnt * sizeof(*a);
	}
}

static void emit_dynamic(const struct builder *b)
{
	const struct layout *l = &b->lay;
	Elf64_Dyn *d = at(b, l->dynamic);
	const Elf64_Dyn dyn[NR_DYN] = {
		{ DT_SONAME, { b->soname_off } },
		{ DT_HASH, { l->hash } },
		{ DT_GNU_HASH, { l->gnu_hash } },
		{ DT_STRTAB, { l->dynstr } },
		{ DT_SYMTAB, { l->dynsym } },
		{ DT_STRSZ, { b->str_size } },
		{ DT_SYMENT, { sizeof(Elf64_Sym) } },
		{ DT_VERSYM, { l->versym } },
		{ DT_VERDEF, { l->verdef } },
		{ DT_VERDEFNUM, { b->nr_defs } },
		{ DT_NULL, { 0 } },
	};

	memcpy(d, dyn, sizeof(dyn));
}

/*
 * Trampoline: jmp *2(%rip); int3; int3; .quad target. The slot sits in the
 * read+exec image, which is fine for a data load, and keeps every exported
 * st_value inside the image.
 */
static void emit_text(const struct builder *b)
{
	static const uint8_t jmp[8] = { 0xff, 0x25, 0x02, 0x00,
					0x00, 0x00, 0xcc, 0xcc };
	uint8_t *t;
	size_t i;

	memset(at(b, b->lay.text), 0xcc, b->lay.text_end - b->lay.text);
	memcpy(at(b, b->lay.text), softsgx_vdso_enter_start, enter_size());
	/* The fast-path slot of the copy (0: every ENCLU traps). */
	memcpy((uint8_t *)at(b, b->lay.text) +
		       (softsgx_vdso_enter_fast - softsgx_vdso_enter_start),
	       &softsgx_vdso_fast_enclu, sizeof(softsgx_vdso_fast_enclu));
	for (i = 0; i < b->nr_tramps; i++) {
		t = at(b, b->lay.tramp + i * TRAMP_SIZE);
		memcpy(t, jmp, sizeof(jmp));
		memcpy(t + sizeof(jmp), &b->tramps[i], sizeof(b->tramps[i]));
	}
	if (b->note_size)
		memcpy(at(b, b->lay.note), b->note, b->note_size);
}

static uint32_t shname(const char *name)
{
	const char *p =
		memmem(shstrtab, sizeof(shstrtab), name, strlen(name) + 1);

	return p ? (uint32_t)(p - shstrtab) : 0;
}

static void shdr(Elf64_Shdr *s, const char *name, uint32_t type, uint64_t flags,
		 size_t off, size_t size, uint32_t link, uint32_t info,
		 uint64_t align, uint64_t entsize)
{
	*s = (Elf64_Shdr){ shname(name), type, flags, off,   off,
			   size,	 link, info,  align, entsize };
	if (!(flags & SHF_ALLOC))
		s->sh_addr = 0;
}

static void emit_sections(const struct builder *b)
{
	const struct layout *l = &b->lay;
	Elf64_Shdr *s = at(b, l->shdr);
	size_t n = b->nr_syms + 1;

	memcpy(at(b, l->shstrtab), shstrtab, sizeof(shstrtab));
	shdr(&s[SEC_HASH], ".hash", SHT_HASH, SHF_ALLOC, l->hash,
	     sysv_hash_size(b), SEC_DYNSYM, 0, 8, 4);
	shdr(&s[SEC_GNU_HASH], ".gnu.hash", SHT_GNU_HASH, SHF_ALLOC,
	     l->gnu_hash, gnu_hash_size(b), SEC_DYNSYM, 0, 8, 0);
	shdr(&s[SEC_DYNSYM], ".dynsym", SHT_DYNSYM, SHF_ALLOC, l->dynsym,
	     n * sizeof(Elf64_Sym), SEC_DYNSTR, 1, 8, sizeof(Elf64_Sym));
	shdr(&s[SEC_DYNSTR], ".dynstr", SHT_STRTAB, SHF_ALLOC, l->dynstr,
	     b->str_size, 0, 0, 1, 0);
	shdr(&s[SEC_VERSYM], ".gnu.version", SHT_GNU_versym, SHF_ALLOC,
	     l->versym, n * sizeof(uint16_t), SEC_DYNSYM, 0, 2, 2);
	shdr(&s[SEC_VERDEF], ".gnu.version_d", SHT_GNU_verdef, SHF_ALLOC,
	     l->verdef, verdef_size(b), SEC_DYNSTR, b->nr_defs, 8, 0);
	shdr(&s[SEC_DYNAMIC], ".dynamic", SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE,
	     l->dynamic, NR_DYN * sizeof(Elf64_Dyn), SEC_DYNSTR, 0, 8,
	     sizeof(Elf64_Dyn));
	shdr(&s[SEC_TEXT], ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
	     l->text, l->text_end - l->text, 0, 0, 16, 0);
	shdr(&s[SEC_SHSTRTAB], ".shstrtab", SHT_STRTAB, 0, l->shstrtab,
	     sizeof(shstrtab), 0, 0, 1, 0);
	if (b->note_size)
		shdr(&s[SEC_NOTE], ".note", SHT_NOTE, SHF_ALLOC, l->note,
		     b->note_size, 0, 0, 4, 0);
}

static int emit(struct builder *b, struct softsgx_vdso *out)
{
	size_t size = align_up(b->lay.end, (size_t)sysconf(_SC_PAGESIZE));
	uintptr_t text;

	b->img = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->img == MAP_FAILED)
		return -errno;
	emit_headers(b);
	emit_sysv_hash(b);
	emit_gnu_hash(b);
	emit_symbols(b);
	emit_verdefs(b);
	emit_dynamic(b);
	emit_text(b);
	emit_sections(b);
	if (mprotect(b->img, size, PROT_READ | PROT_EXEC)) {
		munmap(b->img, size);
		return -errno;
	}
	/* Only a label in /proc/self/maps: failure does not matter. */
	prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, b->img, size, "softsgx-vdso");
	text = (uintptr_t)b->img + b->lay.text;
	out->base = b->img;
	out->size = size;
	out->enter = text;
	out->enclu =
		text + (softsgx_vdso_enter_enclu - softsgx_vdso_enter_start);
	out->fixup =
		text + (softsgx_vdso_enter_fixup - softsgx_vdso_enter_start);
	return 0;
}

static int build(struct builder *b, struct real_vdso *r)
{
	int ret = 0;

	if (r->img) {
		ret = collect_real(b, r);
		take_notes(b, r);
	} else {
		b->syms = calloc(2, sizeof(*b->syms));
		ret = b->syms ? 0 : -ENOMEM;
	}
	if (!ret)
		ret = add_enter(b);
	if (!ret)
		ret = assign_tramps(b);
	if (!ret)
		ret = build_strings(b);
	if (ret)
		return ret;
	size_hashes(b);
	compute_layout(b);
	return 0;
}

int softsgx_vdso_build(const void *real_vdso, struct softsgx_vdso *out)
{
	struct real_vdso r = { 0 };
	struct builder b = { .soname = DEFAULT_SONAME };
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (real_vdso)
		ret = real_copy(&r, real_vdso);
	if (!ret)
		ret = build(&b, &r);
	if (!ret)
		ret = emit(&b, out);
	free(b.syms);
	free(b.tramps);
	free(b.str);
	free(r.img);
	if (!ret)
		out->real = real_vdso;
	return ret;
}

void softsgx_vdso_destroy(struct softsgx_vdso *v)
{
	if (v->auxv_slot)
		softsgx_vdso_uninstall(v);
	if (v->base)
		munmap(v->base, v->size);
	memset(v, 0, sizeof(*v));
}

/* -------------------------------------------------------------------- */
/* AT_SYSINFO_EHDR                                                       */
/* -------------------------------------------------------------------- */

#define AUXV_MAX_BYTES 65536

/*
 * The kernel's copy of the auxiliary vector: the same entries it wrote to
 * the initial stack. Returns the number of entries including AT_NULL.
 */
static int read_auxv(Elf64_auxv_t **out, size_t *nr)
{
	int fd = open("/proc/self/auxv", O_RDONLY | O_CLOEXEC);
	size_t len = 0, i;
	Elf64_auxv_t *av = malloc(AUXV_MAX_BYTES);
	ssize_t n = 0;

	if (fd < 0 || !av) {
		free(av);
		if (fd >= 0)
			close(fd);
		return fd < 0 ? -errno : -ENOMEM;
	}
	do {
		n = read(fd, (char *)av + len, AUXV_MAX_BYTES - len);
		len += n > 0 ? n : 0;
	} while (n > 0 || (n < 0 && errno == EINTR));
	close(fd);
	for (i = 0; i < len / sizeof(*av); i++) {
		if (av[i].a_type == AT_NULL) {
			*out = av;
			*nr = i + 1;
			return 0;
		}
	}
	free(av);
	return -ENOENT;
}

/* The main thread's stack mapping, where the kernel put the vector. */
static int find_stack(uintptr_t *lo, uintptr_t *hi)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char *line = NULL;
	size_t cap = 0, len;
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (ret && getline(&line, &cap, f) > 0) {
		len = strlen(line);
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (len >= 8 && !strcmp(line + len - 8, " [stack]") &&
		    sscanf(line, "%lx-%lx", lo, hi) == 2)
			ret = 0;
	}
	free(line);
	fclose(f);
	return ret;
}

/*
 * Entries whose value ld.so rewrites on the stack when it runs as a command
 * ("ld.so ./prog"), and the one we patch (it may hold an earlier install).
 */
static bool value_may_differ(uint64_t type)
{
	return type == AT_SYSINFO_EHDR || type == AT_PHDR || type == AT_PHNUM ||
	       type == AT_ENTRY || type == AT_EXECFN;
}

/*
 * Stack memory outside any live frame is read directly; ASan must not
 * second-guess it (the scan never reaches below the initial frame unless
 * no vector is found above it).
 */
NO_ASAN static bool auxv_at(const uint64_t *w, const Elf64_auxv_t *av,
			    size_t nr)
{
	size_t i;

	if (w[-1]) /* the NULL that ends envp */
		return false;
	for (i = 0; i < nr; i++) {
		if (w[2 * i] != av[i].a_type)
			return false;
		if (!value_may_differ(av[i].a_type) &&
		    w[2 * i + 1] != av[i].a_un.a_val)
			return false;
	}
	return true;
}

/*
 * Patch one candidate, and keep it only if glibc's getauxval(), which walks
 * the very array main()'s envp leads to, now reports the new image.
 */
NO_ASAN static bool try_patch(struct softsgx_vdso *v, unsigned long *slot)
{
	unsigned long old = __atomic_load_n(slot, __ATOMIC_RELAXED);

	__atomic_store_n(slot, (unsigned long)v->base, __ATOMIC_RELEASE);
	if (getauxval(AT_SYSINFO_EHDR) == (unsigned long)v->base) {
		v->auxv_slot = slot;
		v->prev_ehdr = old;
		return true;
	}
	__atomic_store_n(slot, old, __ATOMIC_RELEASE);
	return false;
}

/*
 * Top-down: the kernel's vector lies above the initial stack pointer, so the
 * first match from the top is the original, whatever copies (even an
 * identical one) live in frames below.
 */
static int patch_stack(struct softsgx_vdso *v, const Elf64_auxv_t *av,
		       size_t nr, size_t ehdr, uintptr_t lo, uintptr_t hi)
{
	size_t bytes = nr * sizeof(*av);
	uintptr_t p;

	if (hi - lo < bytes + 8)
		return -ENOENT;
	for (p = (hi - bytes) & ~7UL; p >= lo + 8; p -= 8)
		if (auxv_at((const uint64_t *)p, av, nr) &&
		    try_patch(v, (unsigned long *)p + 2 * ehdr + 1))
			return 0;
	return -ENOENT;
}

int softsgx_vdso_install(struct softsgx_vdso *v)
{
	Elf64_auxv_t *av = NULL;
	size_t nr = 0, ehdr;
	uintptr_t lo, hi;
	int ret;

	if (!v->base || v->auxv_slot)
		return -EINVAL;
	ret = read_auxv(&av, &nr);
	if (ret)
		return ret;
	for (ehdr = 0; ehdr < nr && av[ehdr].a_type != AT_SYSINFO_EHDR; ehdr++)
		;
	ret = ehdr < nr ? find_stack(&lo, &hi) : -ENOENT;
	if (!ret)
		ret = patch_stack(v, av, nr, ehdr, lo, hi);
	free(av);
	return ret;
}

int softsgx_vdso_uninstall(struct softsgx_vdso *v)
{
	if (!v->auxv_slot)
		return -EINVAL;
	__atomic_store_n(v->auxv_slot, v->prev_ehdr, __ATOMIC_RELEASE);
	v->auxv_slot = NULL;
	return 0;
}

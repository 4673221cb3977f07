// SPDX-License-Identifier: MIT
/*
 * A stand-alone SGX host written the way outside code is: no softsgx
 * headers or libraries, only libc, <elf.h> and the kernel's <asm/sgx.h>.
 * It decides whether the machine has SGX with the raw CPUID instruction,
 * finds __vdso_sgx_enter_enclave with its own vDSO parser (auxv found by
 * walking past envp, symbols through DT_HASH), loads an enclave image with
 * its own ELF walk (the image convention of docs/enclave-image.md, which
 * it implements itself), builds it through /dev/sgx_enclave and calls it.
 *
 * Usage: thirdparty [--expect-no-sgx] ENCLAVE ENCLAVE.sig
 * Exit status: 0 the enclave answered; 3 no SGX here; 1 an error.
 * With --expect-no-sgx, 0 means it correctly found no SGX (1 otherwise;
 * 77 when the CPU really has SGX, which makes that check impossible).
 */
#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/sgx.h>

#define PAGE 4096UL
#define NO_SGX 3

/* --- CPUID ----------------------------------------------------------------- */

struct sgx_caps {
	bool sgx, sgx1, sgx2, lc;
	uint64_t epc_base, epc_size;
};

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static uint64_t epc_field(uint32_t lo, uint32_t hi)
{
	return (uint64_t)(lo & 0xfffff000U) | (uint64_t)(hi & 0xfffffU) << 32;
}

static struct sgx_caps probe_sgx(void)
{
	struct sgx_caps c = { 0 };
	uint32_t r[4];

	cpuid(0, 0, r);
	if (r[0] < 0x12)
		return c;
	cpuid(7, 0, r);
	c.sgx = r[1] & (1U << 2);
	c.lc = r[2] & (1U << 30);
	if (!c.sgx)
		return c;
	cpuid(0x12, 0, r);
	c.sgx1 = r[0] & 1;
	c.sgx2 = r[0] & 2;
	cpuid(0x12, 2, r);
	if ((r[0] & 0xf) == 1) { /* an EPC section */
		c.epc_base = epc_field(r[0], r[1]);
		c.epc_size = epc_field(r[2], r[3]);
	}
	return c;
}

/* --- the vDSO ------------------------------------------------------------- */

/* The auxiliary vector follows the environment's NULL on the stack. */
static const Elf64_Ehdr *vdso_from_auxv(char **envp)
{
	const Elf64_auxv_t *av;

	while (*envp)
		envp++;
	for (av = (const Elf64_auxv_t *)(envp + 1); av->a_type != AT_NULL; av++)
		if (av->a_type == AT_SYSINFO_EHDR)
			return (const Elf64_Ehdr *)av->a_un.a_val;
	return NULL;
}

static uint32_t sysv_hash(const char *s)
{
	uint32_t h = 0, g;

	for (; *s; s++) {
		h = (h << 4) + (uint8_t)*s;
		g = h & 0xf0000000U;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

struct dso {
	uintptr_t bias;
	const Elf64_Sym *symtab;
	const char *strtab;
	const uint32_t *hash;
};

static bool dso_tables(const Elf64_Ehdr *eh, struct dso *d)
{
	const Elf64_Phdr *ph = (const void *)((uintptr_t)eh + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !d->bias)
			d->bias =
				(uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)((uintptr_t)eh + ph[i].p_offset);
	}
	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			d->symtab = (const void *)(d->bias + dyn->d_un.d_ptr);
		if (dyn->d_tag == DT_STRTAB)
			d->strtab = (const void *)(d->bias + dyn->d_un.d_ptr);
		if (dyn->d_tag == DT_HASH)
			d->hash = (const void *)(d->bias + dyn->d_un.d_ptr);
	}
	return d->symtab && d->strtab && d->hash;
}

static void *vdso_lookup(const Elf64_Ehdr *eh, const char *name)
{
	struct dso d = { 0 };
	uint32_t nbucket, i;

	if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || !dso_tables(eh, &d))
		return NULL;
	nbucket = d.hash[0];
	for (i = d.hash[2 + sysv_hash(name) % nbucket]; i != STN_UNDEF;
	     i = d.hash[2 + nbucket + i]) {
		const Elf64_Sym *s = &d.symtab[i];

		if (s->st_shndx != SHN_UNDEF &&
		    ELF64_ST_TYPE(s->st_info) == STT_FUNC &&
		    !strcmp(d.strtab + s->st_name, name))
			return (void *)(d.bias + s->st_value);
	}
	return NULL;
}

typedef int (*enter_fn)(unsigned long rdi, unsigned long rsi, unsigned long rdx,
			unsigned int function, unsigned long r8,
			unsigned long r9, struct sgx_enclave_run *run);

/* --- the enclave image ---------------------------------------------------- */

/* The layout note ("softsgx", type 1) and thread-data page of the image. */
struct layout {
	uint32_t version, flags, nr_threads, nssa, ssa_frame_size, reserved1;
	uint64_t stack_size, heap_size, enclave_size, reserved2[2];
};

struct thread_data {
	uint64_t self, tcs, stack_top, stack_bottom, ssa, heap, heap_size,
		enclave_size;
	uint32_t thread_index, nr_threads, nssa, ssa_frame_size;
};

#define SECINFO_R 0x1
#define SECINFO_W 0x2
#define SECINFO_X 0x4
#define SECINFO_TCS 0x100
#define SECINFO_REG 0x200

struct page {
	uint64_t offset, secinfo;
	bool measured;
	uint8_t *data;
};

struct image {
	uint8_t *file;
	size_t file_len;
	const Elf64_Ehdr *eh;
	struct layout lay;
	struct page *pages;
	size_t nr_pages, cap;
	uint64_t end, size, tcs[8];
	size_t nr_tcs;
};

static uint8_t *add_page(struct image *im, uint64_t offset, uint64_t secinfo,
			 bool measured)
{
	struct page *p;

	if (im->nr_pages == im->cap) {
		im->cap = im->cap ? 2 * im->cap : 64;
		im->pages = realloc(im->pages, im->cap * sizeof(*p));
	}
	p = &im->pages[im->nr_pages++];
	p->offset = offset;
	p->secinfo = secinfo;
	p->measured = measured;
	/* ADD_PAGES wants page-aligned sources. */
	p->data = aligned_alloc(PAGE, PAGE);
	memset(p->data, 0, PAGE);
	return p->data;
}

static bool read_file(struct image *im, const char *path)
{
	FILE *f = fopen(path, "rb");
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET))
		return false;
	im->file_len = (size_t)len;
	im->file = malloc(im->file_len);
	if (fread(im->file, 1, im->file_len, f) != im->file_len)
		return false;
	fclose(f);
	im->eh = (const Elf64_Ehdr *)im->file;
	return im->file_len >= sizeof(*im->eh) &&
	       !memcmp(im->eh->e_ident, ELFMAG, SELFMAG) &&
	       im->eh->e_ident[EI_CLASS] == ELFCLASS64 &&
	       im->eh->e_machine == EM_X86_64 && im->eh->e_type == ET_DYN;
}

static const Elf64_Phdr *phdr(const struct image *im, int i)
{
	return (const Elf64_Phdr *)(im->file + im->eh->e_phoff) + i;
}

/* The layout descriptor in the PT_NOTE segments. */
static bool find_layout(struct image *im)
{
	for (int i = 0; i < im->eh->e_phnum; i++) {
		const Elf64_Phdr *ph = phdr(im, i);
		size_t off = ph->p_offset, end = off + ph->p_filesz;
		size_t align = ph->p_align == 8 ? 8 : 4;

		while (ph->p_type == PT_NOTE &&
		       off + sizeof(Elf64_Nhdr) <= end) {
			const Elf64_Nhdr *n = (const void *)(im->file + off);
			size_t name = off + sizeof(*n);
			size_t desc = name + ((n->n_namesz + align - 1) &
					      ~(align - 1));

			if (n->n_namesz == 8 && n->n_type == 1 &&
			    !memcmp(im->file + name, "softsgx", 8) &&
			    n->n_descsz == sizeof(im->lay)) {
				memcpy(&im->lay, im->file + desc,
				       sizeof(im->lay));
				return im->lay.version == 1;
			}
			off = desc + ((n->n_descsz + align - 1) & ~(align - 1));
		}
	}
	return false;
}

static uint64_t segment_secinfo(uint32_t pf)
{
	return SECINFO_REG | (pf & PF_R ? SECINFO_R : 0) |
	       (pf & PF_W ? SECINFO_W : 0) | (pf & PF_X ? SECINFO_X : 0);
}

/* Every page a PT_LOAD touches, its file bytes in place, measured. */
static void load_segments(struct image *im)
{
	for (int i = 0; i < im->eh->e_phnum; i++) {
		const Elf64_Phdr *ph = phdr(im, i);
		uint64_t first = ph->p_vaddr & ~(PAGE - 1);
		uint64_t last =
			(ph->p_vaddr + ph->p_memsz + PAGE - 1) & ~(PAGE - 1);

		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		for (uint64_t pg = first; pg < last; pg += PAGE) {
			uint8_t *d = add_page(
				im, pg, segment_secinfo(ph->p_flags), true);

			for (uint64_t a = pg; a < pg + PAGE; a++)
				if (a >= ph->p_vaddr &&
				    a < ph->p_vaddr + ph->p_filesz)
					d[a - pg] = im->file[ph->p_offset +
							     (a - ph->p_vaddr)];
		}
		im->end = last;
	}
}

static void add_rw_pages(struct image *im, uint64_t start, uint64_t len,
			 bool measured)
{
	for (uint64_t off = start; off < start + len; off += PAGE)
		add_page(im, off, SECINFO_REG | SECINFO_R | SECINFO_W,
			 measured);
}

/* Stack, TCS, SSA frames and thread data of one thread at block blk. */
static void add_thread(struct image *im, uint32_t t, uint64_t blk,
		       uint64_t heap)
{
	const struct layout *l = &im->lay;
	uint64_t stack = blk + PAGE, tcs = stack + l->stack_size;
	uint64_t ssa = tcs + PAGE;
	uint64_t td = ssa + (uint64_t)l->nssa * l->ssa_frame_size * PAGE;
	uint64_t *w;
	struct thread_data *d;

	add_rw_pages(im, stack, l->stack_size, l->flags & 2);
	w = (uint64_t *)add_page(im, tcs, SECINFO_TCS, true);
	w[2] = ssa; /* OSSA */
	w[3] = (uint64_t)l->nssa << 32; /* CSSA 0, NSSA */
	w[4] = im->eh->e_entry; /* OENTRY */
	w[6] = w[7] = td; /* OFSBASE, OGSBASE */
	w[8] = 0xfffULL | 0xfffULL << 32; /* FSLIMIT, GSLIMIT */
	add_rw_pages(im, ssa, td - ssa, true);
	d = (struct thread_data *)add_page(
		im, td, SECINFO_REG | SECINFO_R | SECINFO_W, true);
	*d = (struct thread_data){
		td,  tcs,	    tcs,	  stack,
		ssa, heap,	    l->heap_size, im->size,
		t,   l->nr_threads, l->nssa,	  l->ssa_frame_size
	};
	if (im->nr_tcs < 8)
		im->tcs[im->nr_tcs++] = tcs;
}

static uint64_t enclave_size(const struct image *im, uint64_t end)
{
	uint64_t size = 0x2000;

	if (im->lay.enclave_size)
		return im->lay.enclave_size;
	while (size < end)
		size <<= 1;
	return size;
}

static void free_image(struct image *im)
{
	for (size_t i = 0; i < im->nr_pages; i++)
		free(im->pages[i].data);
	free(im->pages);
	free(im->file);
}

static bool load_image(struct image *im, const char *path)
{
	const struct layout *l = &im->lay;
	uint64_t heap, threads, stride;

	if (!read_file(im, path) || !find_layout(im))
		return false;
	load_segments(im);
	heap = im->end + PAGE;
	threads = heap + l->heap_size;
	stride = PAGE + l->stack_size + PAGE +
		 (uint64_t)l->nssa * l->ssa_frame_size * PAGE + PAGE;
	im->size = enclave_size(im, threads + l->nr_threads * stride);
	add_rw_pages(im, heap, l->heap_size, l->flags & 1);
	for (uint32_t t = 0; t < l->nr_threads; t++)
		add_thread(im, t, threads + t * stride, heap);
	return true;
}

/* --- building and calling the enclave -------------------------------------- */

static uint64_t reserve(uint64_t size)
{
	uint8_t *p = mmap(NULL, 2 * size, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t base = ((uint64_t)p + size - 1) & ~(size - 1);

	if (p == MAP_FAILED)
		return 0;
	if (base > (uint64_t)p)
		munmap(p, base - (uint64_t)p);
	munmap((void *)(base + size), (uint64_t)p + size - base);
	return base;
}

static int ecreate(int fd, const struct image *im, uint64_t base)
{
	uint64_t *secs = aligned_alloc(PAGE, PAGE);
	struct sgx_enclave_create c = { .src = (uint64_t)secs };
	int ret;

	memset(secs, 0, PAGE);
	secs[0] = im->size;
	secs[1] = base;
	secs[2] = im->lay.ssa_frame_size; /* SSAFRAMESIZE, MISCSELECT 0 */
	secs[6] = 0x6; /* ATTRIBUTES: MODE64BIT | DEBUG */
	secs[7] = 0x3; /* XFRM: x87 | SSE */
	ret = ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c);
	free(secs);
	return ret;
}

static int eadd_all(int fd, const struct image *im)
{
	for (size_t i = 0; i < im->nr_pages; i++) {
		const struct page *p = &im->pages[i];
		uint64_t secinfo[8]
			__attribute__((aligned(64))) = { p->secinfo };
		struct sgx_enclave_add_pages a = {
			.src = (uint64_t)p->data,
			.offset = p->offset,
			.length = PAGE,
			.secinfo = (uint64_t)secinfo,
			.flags = p->measured ? SGX_PAGE_MEASURE : 0,
		};

		if (ioctl(fd, SGX_IOC_ENCLAVE_ADD_PAGES, &a))
			return -1;
	}
	return 0;
}

static int map_all(int fd, const struct image *im, uint64_t base)
{
	for (size_t i = 0; i < im->nr_pages; i++) {
		const struct page *p = &im->pages[i];
		int prot =
			p->secinfo & SECINFO_TCS ?
				PROT_READ | PROT_WRITE :
				(p->secinfo & SECINFO_R ? PROT_READ : 0) |
					(p->secinfo & SECINFO_W ? PROT_WRITE :
								  0) |
					(p->secinfo & SECINFO_X ? PROT_EXEC :
								  0);

		if (mmap((void *)(base + p->offset), PAGE, prot,
			 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
			return -1;
	}
	return 0;
}

static void *read_sig(const char *path)
{
	void *sig = aligned_alloc(PAGE, PAGE);
	FILE *f = fopen(path, "rb");
	bool ok = f && fread(sig, 1, 1808, f) == 1808;

	if (f)
		fclose(f);
	return ok ? sig : NULL;
}

/* Builds the enclave; returns its base, 0 on failure (message printed). */
static uint64_t build(const struct image *im, const char *sig_path)
{
	struct sgx_enclave_init init = { .sigstruct =
						 (uint64_t)read_sig(sig_path) };
	uint64_t base = reserve(im->size);
	int fd = open("/dev/sgx_enclave", O_RDWR);

	if (fd < 0 || !init.sigstruct || !base) {
		perror("thirdparty: /dev/sgx_enclave or SIGSTRUCT");
		return 0;
	}
	if (ecreate(fd, im, base) || eadd_all(fd, im) ||
	    ioctl(fd, SGX_IOC_ENCLAVE_INIT, &init) || map_all(fd, im, base)) {
		perror("thirdparty: building the enclave");
		base = 0;
	}
	free((void *)init.sigstruct);
	close(fd); /* the mappings keep the enclave */
	return base;
}

/* The enclave's ABI: a, b in; a + b and the number of calls out. */
struct args {
	uint64_t a, b, sum, calls;
};

static bool call(enter_fn enter, uint64_t tcs, uint64_t b, uint64_t n)
{
	struct sgx_enclave_run run = { .tcs = tcs };
	struct args args = { .a = 40, .b = b };
	int ret = enter((unsigned long)&args, 0, 0, 2 /* EENTER */, 0, 0, &run);

	printf("thirdparty: EENTER -> %d, leaf %u, 40 + %llu = %llu, "
	       "call %llu\n",
	       ret, run.function, (unsigned long long)b,
	       (unsigned long long)args.sum, (unsigned long long)args.calls);
	return !ret && run.function == 4 /* EEXIT */ && args.sum == 40 + b &&
	       args.calls == n;
}

/* --- main ------------------------------------------------------------------- */

static void report(const struct sgx_caps *c, bool have_enter, bool have_dev)
{
	printf("thirdparty: CPUID: SGX %d SGX1 %d SGX2 %d LC %d, EPC section "
	       "0x%llx bytes\n",
	       c->sgx, c->sgx1, c->sgx2, c->lc,
	       (unsigned long long)c->epc_size);
	printf("thirdparty: vDSO __vdso_sgx_enter_enclave: %s; "
	       "/dev/sgx_enclave: %s\n",
	       have_enter ? "found" : "missing",
	       have_dev ? "present" : "missing");
}

static int run(const char *image, const char *sig, enter_fn enter)
{
	struct image im = { 0 };
	uint64_t base;
	bool ok = true;

	if (!load_image(&im, image)) {
		fprintf(stderr, "thirdparty: %s: not an enclave image\n",
			image);
		free_image(&im);
		return 1;
	}
	printf("thirdparty: %zu pages, %zu TCS, SIZE 0x%llx\n", im.nr_pages,
	       im.nr_tcs, (unsigned long long)im.size);
	base = build(&im, sig);
	for (size_t t = 0; base && t < im.nr_tcs; t++)
		ok = call(enter, base + im.tcs[t], 1 + t, 1 + t) && ok;
	free_image(&im);
	if (!base)
		return 1;
	printf("thirdparty: %s\n",
	       ok ? "the enclave answered" : "wrong answer");
	return ok ? 0 : 1;
}

int main(int argc, char **argv, char **envp)
{
	bool expect_none = argc > 1 && !strcmp(argv[1], "--expect-no-sgx");
	struct sgx_caps caps = probe_sgx();
	enter_fn enter = (enter_fn)vdso_lookup(vdso_from_auxv(envp),
					       "__vdso_sgx_enter_enclave");
	bool usable = caps.sgx && caps.sgx1 && caps.epc_size && enter;

	if (argc != 3 + expect_none) {
		fprintf(stderr,
			"usage: thirdparty [--expect-no-sgx] ENCLAVE SIG\n");
		return 2;
	}
	report(&caps, enter, !access("/dev/sgx_enclave", F_OK));
	if (expect_none) {
		if (caps.sgx)
			return 77; /* real SGX: nothing to compare against */
		printf("thirdparty: no SGX here, as expected\n");
		return usable ? 1 : 0;
	}
	if (!usable) {
		printf("thirdparty: no usable SGX on this machine\n");
		return NO_SGX;
	}
	return run(argv[1 + expect_none], argv[2 + expect_none], enter);
}

// SPDX-License-Identifier: MIT
/*
 * The integration hosts' loader and vDSO lookup. Written as any SGX
 * program for the in-kernel driver would be: nothing here knows softsgx.
 */
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testhost.h"

#define PAGE 4096UL

/* --- Known bugs -------------------------------------------------------- */

static const char *const bug_names[TH_NR_BUGS] = {
	[TH_BUG_EXC_ADDR] = "exc_addr",
	[TH_BUG_PTE_ORDER] = "pte_order",
	[TH_BUG_ASYNC_NEST] = "async_nest",
	[TH_BUG_ENCLU_MASKED] = "enclu_masked",
	[TH_BUG_NESTED_ENTRY] = "nested_entry",
};

static bool bugs_met[TH_NR_BUGS];

static bool strict(enum th_bug bug)
{
	const char *list = getenv("TH_STRICT");
	size_t len = strlen(bug_names[bug]);

	for (const char *p = list; p && *p; p += strcspn(p, ","), p += !!*p)
		if (!strncmp(p, bug_names[bug], len) &&
		    (p[len] == ',' || !p[len]))
			return true;
	return false;
}

void th_known_bug(enum th_bug bug, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", strict(bug) ? "FAIL" : "KNOWN BUG",
		bug_names[bug]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (strict(bug))
		exit(1);
	bugs_met[bug] = true;
}

unsigned int th_bugs_mask(void)
{
	unsigned int mask = 0;

	for (int i = 0; i < TH_NR_BUGS; i++)
		if (bugs_met[i])
			mask |= 1U << i;
	return mask;
}

void th_bugs_merge(unsigned int mask)
{
	for (int i = 0; i < TH_NR_BUGS; i++)
		if (mask & (1U << i)) {
			if (strict(i)) {
				fprintf(stderr, "FAIL %s: met by a child\n",
					bug_names[i]);
				exit(1);
			}
			bugs_met[i] = true;
		}
}

bool th_child_crashed(int status)
{
	return WIFSIGNALED(status) ||
	       (WIFEXITED(status) && WEXITSTATUS(status) == TH_SANITIZER_EXIT);
}

int th_exit(void)
{
	bool any = false;

	for (int i = 0; i < TH_NR_BUGS; i++)
		if (bugs_met[i]) {
			printf("SKIP: known bug %s\n", bug_names[i]);
			any = true;
		}
	if (!any)
		printf("PASS\n");
	fflush(stdout);
	return any ? 77 : 0;
}

/* --- vDSO symbol lookup ------------------------------------------------ */

struct dynsyms {
	uintptr_t load; /* address of vaddr 0 */
	const Elf64_Sym *symtab;
	const char *strtab;
	const Elf32_Word *hash; /* DT_HASH */
	const Elf32_Word *gnu_hash; /* DT_GNU_HASH */
};

static void vdso_dynamic(struct dynsyms *d)
{
	const Elf64_Ehdr *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Phdr *ph;
	const Elf64_Dyn *dyn = NULL;

	memset(d, 0, sizeof(*d));
	if (!eh)
		TH_FAIL("no AT_SYSINFO_EHDR in the auxiliary vector");
	ph = (const void *)((uintptr_t)eh + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !d->load)
			d->load =
				(uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)((uintptr_t)eh + ph[i].p_offset);
	}
	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		const void *p = (const void *)(d->load + dyn->d_un.d_ptr);

		if (dyn->d_tag == DT_SYMTAB)
			d->symtab = p;
		else if (dyn->d_tag == DT_STRTAB)
			d->strtab = p;
		else if (dyn->d_tag == DT_HASH)
			d->hash = p;
		else if (dyn->d_tag == DT_GNU_HASH)
			d->gnu_hash = p;
	}
	if (!d->symtab || !d->strtab)
		TH_FAIL("the vDSO has no dynamic symbol table");
}

static uint32_t sysv_hash(const char *name)
{
	uint32_t h = 0, g;

	while (*name) {
		h = (h << 4) + (unsigned char)*name++;
		g = h & 0xf0000000U;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

static uint32_t gnu_hash(const char *name)
{
	uint32_t h = 5381;

	while (*name)
		h = h * 33 + (unsigned char)*name++;
	return h;
}

static const Elf64_Sym *match(const struct dynsyms *d, uint32_t i,
			      const char *name)
{
	const Elf64_Sym *s = &d->symtab[i];

	if (s->st_shndx == SHN_UNDEF || strcmp(d->strtab + s->st_name, name))
		return NULL;
	return s;
}

static const Elf64_Sym *lookup_sysv(const struct dynsyms *d, const char *name)
{
	uint32_t nbucket = d->hash[0];
	const Elf32_Word *chain = d->hash + 2 + nbucket;

	for (uint32_t i = d->hash[2 + sysv_hash(name) % nbucket]; i;
	     i = chain[i])
		if (match(d, i, name))
			return &d->symtab[i];
	return NULL;
}

static const Elf64_Sym *lookup_gnu(const struct dynsyms *d, const char *name)
{
	const uint32_t *h = d->gnu_hash;
	uint32_t nbucket = h[0], symoffset = h[1], bloom_size = h[2];
	const uint32_t *buckets = h + 4 + 2 * bloom_size; /* 64-bit words */
	const uint32_t *chain = buckets + nbucket;
	uint32_t want = gnu_hash(name), i = buckets[want % nbucket];

	if (i < symoffset)
		return NULL;
	for (;; i++) {
		uint32_t hv = chain[i - symoffset];

		if ((hv | 1) == (want | 1) && match(d, i, name))
			return &d->symtab[i];
		if (hv & 1)
			return NULL;
	}
}

static vdso_sgx_enter_enclave_t vdso_lookup(void)
{
	static const char name[] = "__vdso_sgx_enter_enclave";
	const Elf64_Sym *by_gnu = NULL, *by_sysv = NULL;
	struct dynsyms d;

	vdso_dynamic(&d);
	if (d.gnu_hash)
		by_gnu = lookup_gnu(&d, name);
	if (d.hash)
		by_sysv = lookup_sysv(&d, name);
	/* Both tables must agree: programs use either. */
	if (d.gnu_hash && d.hash && by_gnu != by_sysv)
		TH_FAIL("DT_GNU_HASH and DT_HASH disagree on %s", name);
	if (!by_gnu && !by_sysv)
		TH_FAIL("%s not in the vDSO", name);
	return (vdso_sgx_enter_enclave_t)(d.load + (by_gnu ?
							    by_gnu->st_value :
							    by_sysv->st_value));
}

vdso_sgx_enter_enclave_t th_vdso(void)
{
	static vdso_sgx_enter_enclave_t fn;

	/* A race here only repeats the same lookup. */
	if (!fn)
		fn = vdso_lookup();
	return fn;
}

/* --- Building the enclave ---------------------------------------------- */

void *th_read_sigstruct(const char *path)
{
	void *sig = aligned_alloc(PAGE, PAGE);
	FILE *f = fopen(path, "rb");

	if (!sig || !f || fread(sig, 1, 1808, f) != 1808)
		TH_FAIL("cannot read the SIGSTRUCT %s", path);
	fclose(f);
	return sig;
}

/* ELRANGE is aligned to its size: reserve twice that and keep the middle. */
static uint64_t reserve_elrange(uint64_t size)
{
	char *area = mmap(NULL, 2 * size, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint64_t base;

	if (area == MAP_FAILED)
		TH_FAIL("cannot reserve 0x%llx bytes",
			(unsigned long long)size);
	base = ((uint64_t)(uintptr_t)area + size - 1) & ~(size - 1);
	if (base > (uint64_t)(uintptr_t)area)
		munmap(area, base - (uint64_t)(uintptr_t)area);
	munmap((void *)(uintptr_t)(base + size),
	       (uint64_t)(uintptr_t)area + size - base);
	return base;
}

void th_create(struct th_enclave *e)
{
	struct sgx_secs *secs = aligned_alloc(PAGE, PAGE);
	struct sgx_enclave_create create = { .src = (uint64_t)(uintptr_t)secs };

	CHECK(secs);
	memset(secs, 0, PAGE);
	secs->size = e->size;
	secs->base = e->base;
	secs->ssa_frame_size = e->img.ssa_frame_size;
	secs->miscselect = e->miscselect;
	secs->attributes.flags = SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG;
	secs->attributes.xfrm = 0x3;
	if (ioctl(e->fd, SGX_IOC_ENCLAVE_CREATE, &create))
		TH_FAIL("SGX_IOC_ENCLAVE_CREATE: %m");
	free(secs);
}

void th_add_pages(struct th_enclave *e)
{
	for (size_t i = 0; i < e->img.nr_pages;) {
		const struct softsgx_image_page *p = &e->img.pages[i];
		size_t n = softsgx_image_run(&e->img, i);
		struct sgx_secinfo secinfo = { .flags = p->secinfo_flags };
		struct sgx_enclave_add_pages add = {
			.src = (uint64_t)(uintptr_t)p->data,
			.offset = p->offset,
			.length = n * PAGE,
			.secinfo = (uint64_t)(uintptr_t)&secinfo,
			.flags = p->measured ? SGX_PAGE_MEASURE : 0,
		};

		if (ioctl(e->fd, SGX_IOC_ENCLAVE_ADD_PAGES, &add))
			TH_FAIL("SGX_IOC_ENCLAVE_ADD_PAGES at 0x%llx: %m",
				(unsigned long long)p->offset);
		i += n;
	}
}

static int secinfo_prot(uint64_t flags)
{
	if ((flags & SGX_SECINFO_PAGE_TYPE_MASK) == SGX_SECINFO_TCS)
		return PROT_READ | PROT_WRITE;
	return (flags & SGX_SECINFO_R ? PROT_READ : 0) |
	       (flags & SGX_SECINFO_W ? PROT_WRITE : 0) |
	       (flags & SGX_SECINFO_X ? PROT_EXEC : 0);
}

/* Every run of pages with the most its SECINFO allows. */
void th_map(struct th_enclave *e)
{
	for (size_t i = 0; i < e->img.nr_pages;) {
		const struct softsgx_image_page *p = &e->img.pages[i];
		size_t n = softsgx_image_run(&e->img, i);
		void *at = (void *)(uintptr_t)(e->base + p->offset);

		if (mmap(at, n * PAGE, secinfo_prot(p->secinfo_flags),
			 MAP_SHARED | MAP_FIXED, e->fd, 0) != at)
			TH_FAIL("mmap of enclave offset 0x%llx: %m",
				(unsigned long long)p->offset);
		i += n;
	}
	e->nr_tcs = e->img.nr_tcs;
	for (size_t i = 0; i < e->nr_tcs; i++)
		e->tcs[i] = e->base + e->img.tcs[i];
}

void th_image(struct th_enclave *e, const char *image, uint32_t miscselect)
{
	char err[256];

	memset(e, 0, sizeof(*e));
	e->fd = -1;
	if (softsgx_image_load(&e->img, image, err, sizeof(err)))
		TH_FAIL("%s", err);
	CHECK(e->img.nr_tcs <= TH_MAX_TCS);
	e->size = e->img.size;
	e->miscselect = miscselect;
}

void th_open(struct th_enclave *e, const char *image, uint32_t miscselect,
	     int open_flags)
{
	th_image(e, image, miscselect);
	e->fd = open("/dev/sgx_enclave", open_flags);
	if (e->fd < 0)
		TH_FAIL("/dev/sgx_enclave: %m");
	e->base = reserve_elrange(e->size);
}

void th_einit(struct th_enclave *e, const char *sig)
{
	struct sgx_enclave_init init;

	init.sigstruct = (uint64_t)(uintptr_t)th_read_sigstruct(sig);
	if (ioctl(e->fd, SGX_IOC_ENCLAVE_INIT, &init))
		TH_FAIL("SGX_IOC_ENCLAVE_INIT: %m");
	free((void *)(uintptr_t)init.sigstruct);
}

void th_load(struct th_enclave *e, const char *image, const char *sig,
	     uint32_t miscselect)
{
	th_open(e, image, miscselect, O_RDWR);
	th_create(e);
	th_add_pages(e);
	th_einit(e, sig);
	th_map(e);
}

void th_unload(struct th_enclave *e)
{
	munmap((void *)(uintptr_t)e->base, e->size);
	if (e->fd >= 0)
		close(e->fd);
	softsgx_image_free(&e->img);
	memset(e, 0, sizeof(*e));
	e->fd = -1;
}

/* --- Calling it -------------------------------------------------------- */

int th_enter(const struct th_enclave *e, size_t tcs, unsigned int leaf,
	     uint64_t op, struct te_args *args, struct sgx_enclave_run *run)
{
	struct th_call call = {
		.fn = th_vdso(),
		.rdi = op,
		.rsi = (unsigned long)(uintptr_t)args,
		.function = leaf,
	};
	uint64_t handler = run->user_handler, data = run->user_data;

	CHECK(tcs < e->nr_tcs);
	memset(run, 0, sizeof(*run));
	run->tcs = e->tcs[tcs];
	run->user_handler = handler;
	run->user_data = data;
	return th_vdso_call(&call, run);
}

void th_ecall_ok(const struct th_enclave *e, size_t tcs, uint64_t op,
		 struct te_args *args)
{
	struct sgx_enclave_run run = { 0 };
	int ret = th_enter(e, tcs, TH_EENTER, op, args, &run);

	if (ret || run.function != TH_EEXIT)
		TH_FAIL("ECALL %llu on TCS %zu: ret %d function %u vector %u "
			"error 0x%x addr 0x%llx",
			(unsigned long long)op, tcs, ret, run.function,
			run.exception_vector, run.exception_error_code,
			(unsigned long long)run.exception_addr);
	CHECK_EQ(args->status, TE_STATUS_OK);
}

void th_info(const struct th_enclave *e, size_t tcs, struct te_info *info)
{
	struct te_args args = { 0 };

	th_ecall_ok(e, tcs, TE_OP_INFO, &args);
	*info = args.info;
}

/* The program's own alternate signal stack (TH_ALTSTACK=1). */
static void own_altstack(void)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) };
	const char *env = getenv("TH_ALTSTACK");

	if (env && !strcmp(env, "1") && sigaltstack(&ss, NULL))
		TH_FAIL("sigaltstack: %m");
}

void th_init(int argc, char **argv, int nargs, const char *extra)
{
	if (argc < nargs) {
		fprintf(stderr, "usage: %s ENCLAVE ENCLAVE.sig%s%s\n", argv[0],
			extra ? " " : "", extra ? extra : "");
		exit(2);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	own_altstack();
}

// SPDX-License-Identifier: MIT
/*
 * The synthetic vDSO: both lookup views (kselftest DT_HASH, glibc-style
 * DT_GNU_HASH with versions), calls through the re-exported functions, the
 * AT_SYSINFO_EHDR patch seen by getauxval() and by an auxv walk past envp,
 * readelf's opinion, refusal of malformed real images, and the algorithm of
 * __vdso_sgx_enter_enclave against a SIGILL handler that plays the CPU.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "testlib.h"
#include "shim/vdso.h"

#define ENTER_NAME "__vdso_sgx_enter_enclave"

/* struct sgx_enclave_run, spelled out so that the test needs no uapi. */
struct run {
	uint64_t tcs;
	uint32_t function;
	uint16_t exception_vector;
	uint16_t exception_error_code;
	uint64_t exception_addr;
	uint64_t user_handler;
	uint64_t user_data;
	uint8_t reserved[216];
};
_Static_assert(sizeof(struct run) == 256, "struct sgx_enclave_run");

#if __has_include(<asm/sgx.h>)
#include <asm/sgx.h>
_Static_assert(sizeof(struct sgx_enclave_run) == sizeof(struct run), "run");
_Static_assert(offsetof(struct sgx_enclave_run, user_handler) ==
		       offsetof(struct run, user_handler),
	       "run");
#endif

static char **main_envp; /* main()'s own envp: the array on the stack */
static struct softsgx_vdso vdso; /* built from the real one, installed */
static const void *real_base;

/* ------------------------------------------------------------------ */
/* Parsers                                                             */
/* ------------------------------------------------------------------ */

static uint32_t elf_hash(const char *name)
{
	uint32_t h = 0, g;

	for (; *name; name++) {
		h = (h << 4) + (unsigned char)*name;
		g = h & 0xf0000000;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/*
 * The kselftest parser (tools/testing/selftests/sgx): PT_DYNAMIC by file
 * offset, DT_SYMTAB/DT_STRTAB/DT_HASH as base + d_ptr, SysV hash chains.
 */
static void *ks_dyn(void *base, Elf64_Sxword tag)
{
	Elf64_Ehdr *eh = base;
	Elf64_Phdr *ph = (Elf64_Phdr *)((char *)base + eh->e_phoff);
	Elf64_Dyn *dyn = NULL;
	int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (Elf64_Dyn *)((char *)base + ph[i].p_offset);
	for (i = 0; dyn && dyn[i].d_tag != DT_NULL; i++)
		if (dyn[i].d_tag == tag)
			return (char *)base + dyn[i].d_un.d_ptr;
	return NULL;
}

static void *ks_lookup(void *base, const char *name)
{
	Elf64_Sym *sym = ks_dyn(base, DT_SYMTAB);
	char *str = ks_dyn(base, DT_STRTAB);
	uint32_t *hash = ks_dyn(base, DT_HASH);
	uint32_t nbucket, *bucket, *chain, i;

	if (!sym || !str || !hash)
		return NULL;
	nbucket = hash[0];
	bucket = &hash[2];
	chain = &hash[2 + nbucket];
	for (i = bucket[elf_hash(name) % nbucket]; i; i = chain[i])
		if (!strcmp(str + sym[i].st_name, name))
			return (char *)base + sym[i].st_value;
	return NULL;
}

/* The glibc view: load bias, GNU hash with bloom filter, versions. */
struct dso {
	uintptr_t bias;
	const Elf64_Sym *sym;
	const char *str;
	const uint32_t *sysv, *gnu;
	const uint16_t *versym;
	const Elf64_Verdef *verdef;
};

static uintptr_t dyn_ptr(const Elf64_Dyn *d, Elf64_Sxword tag, uintptr_t bias)
{
	for (; d->d_tag != DT_NULL; d++)
		if (d->d_tag == tag)
			return bias + d->d_un.d_ptr;
	return 0;
}

static void dso_open(struct dso *d, const void *base)
{
	const Elf64_Ehdr *eh = base;
	const Elf64_Phdr *ph = (const void *)((const char *)base + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	int i;

	memset(d, 0, sizeof(*d));
	for (i = eh->e_phnum - 1; i >= 0; i--)
		if (ph[i].p_type == PT_LOAD)
			d->bias = (uintptr_t)base + ph[i].p_offset -
				  ph[i].p_vaddr;
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)(d->bias + ph[i].p_vaddr);
	assert_non_null(dyn);
	d->sym = (const void *)dyn_ptr(dyn, DT_SYMTAB, d->bias);
	d->str = (const void *)dyn_ptr(dyn, DT_STRTAB, d->bias);
	d->sysv = (const void *)dyn_ptr(dyn, DT_HASH, d->bias);
	d->gnu = (const void *)dyn_ptr(dyn, DT_GNU_HASH, d->bias);
	d->versym = (const void *)dyn_ptr(dyn, DT_VERSYM, d->bias);
	d->verdef = (const void *)dyn_ptr(dyn, DT_VERDEF, d->bias);
}

static const Elf64_Verdef *verdef_of(const struct dso *d, uint16_t ndx)
{
	const Elf64_Verdef *vd = d->verdef;

	while (vd) {
		if (vd->vd_ndx == ndx)
			return vd;
		if (!vd->vd_next)
			return NULL;
		vd = (const void *)((const char *)vd + vd->vd_next);
	}
	return NULL;
}

/* Version name of symbol i; NULL for the base or local versions. */
static const char *version_of(const struct dso *d, size_t i)
{
	uint16_t ndx = d->versym ? d->versym[i] & 0x7fff : 1;
	const Elf64_Verdef *vd = ndx > 1 ? verdef_of(d, ndx) : NULL;
	const Elf64_Verdaux *a;

	if (!vd)
		return NULL;
	a = (const void *)((const char *)vd + vd->vd_aux);
	/* glibc compares the hash before the name. */
	assert_int_equal(vd->vd_hash, elf_hash(d->str + a->vda_name));
	return d->str + a->vda_name;
}

static uint32_t gnu_hash(const char *name)
{
	uint32_t h = 5381;

	for (; *name; name++)
		h = h * 33 + (unsigned char)*name;
	return h;
}

static bool gnu_match(const struct dso *d, uint32_t i, const char *name,
		      const char *version)
{
	const char *v = version_of(d, i);

	return !strcmp(d->str + d->sym[i].st_name, name) &&
	       d->sym[i].st_shndx != SHN_UNDEF && v && !strcmp(v, version) &&
	       !(d->versym[i] & 0x8000);
}

/* Index of name@version through DT_GNU_HASH only, 0 when absent. */
static uint32_t gnu_lookup(const struct dso *d, const char *name,
			   const char *version)
{
	uint32_t nbuckets = d->gnu[0], symoffset = d->gnu[1];
	uint32_t nbloom = d->gnu[2], shift = d->gnu[3];
	const uint64_t *bloom = (const void *)&d->gnu[4];
	const uint32_t *buckets = (const void *)&bloom[nbloom];
	const uint32_t *chain = &buckets[nbuckets];
	uint32_t h = gnu_hash(name), i;
	uint64_t word = bloom[(h / 64) & (nbloom - 1)];

	if (!((word >> (h % 64)) & (word >> ((h >> shift) % 64)) & 1))
		return 0;
	i = buckets[h % nbuckets];
	if (i < symoffset)
		return 0;
	for (;; i++) {
		if (((chain[i - symoffset] ^ h) >> 1) == 0 &&
		    gnu_match(d, i, name, version))
			return i;
		if (chain[i - symoffset] & 1)
			return 0;
	}
}

/* Index of name through DT_HASH (the parse_vdso.c way), 0 when absent. */
static uint32_t sysv_lookup(const struct dso *d, const char *name)
{
	uint32_t nbucket = d->sysv[0], i;
	const uint32_t *chain = &d->sysv[2 + nbucket];

	for (i = d->sysv[2 + elf_hash(name) % nbucket]; i; i = chain[i])
		if (!strcmp(d->str + d->sym[i].st_name, name))
			return i;
	return 0;
}

/* Where a trampoline of the image jumps: jmp *2(%rip); int3; int3; .quad */
static uintptr_t tramp_target(uintptr_t addr)
{
	static const uint8_t jmp[] = { 0xff, 0x25, 0x02, 0x00, 0x00, 0x00 };
	uint64_t target;

	assert_memory_equal((void *)addr, jmp, sizeof(jmp));
	memcpy(&target, (void *)(addr + 8), sizeof(target));
	return target;
}

static bool in_image(const struct softsgx_vdso *v, uintptr_t addr)
{
	return addr >= (uintptr_t)v->base &&
	       addr < (uintptr_t)v->base + v->size;
}

static void *sym_addr(const char *name)
{
	void *p = ks_lookup(vdso.base, name);

	assert_non_null(p);
	return p;
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */
/* ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	char name[32];
	int i;

	(void)state;
	/* Move environ off the stack: the install must not depend on it. */
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "SOFTSGX_VDSO_TEST_%d", i);
		setenv(name, "1", 1);
	}
	real_base = (const void *)getauxval(AT_SYSINFO_EHDR);
	if (!real_base)
		return -1;
	if (softsgx_vdso_build(real_base, &vdso))
		return -1;
	return softsgx_vdso_install(&vdso);
}

static int group_teardown(void **state)
{
	(void)state;
	softsgx_vdso_destroy(&vdso);
	return getauxval(AT_SYSINFO_EHDR) == (unsigned long)real_base ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Image and lookups                                                   */
/* ------------------------------------------------------------------ */

static void test_image_basics(void **state)
{
	const Elf64_Ehdr *eh = vdso.base;
	const uint8_t enclu[] = { 0x0f, 0x01, 0xd7 };

	(void)state;
	assert_int_equal((uintptr_t)vdso.base % 4096, 0);
	assert_int_equal(vdso.size % 4096, 0);
	assert_memory_equal(eh->e_ident, ELFMAG, SELFMAG);
	assert_int_equal(eh->e_type, ET_DYN);
	assert_int_equal(eh->e_machine, EM_X86_64);
	assert_ptr_equal(vdso.real, real_base);
	assert_true(in_image(&vdso, vdso.enter));
	assert_true(vdso.enter < vdso.enclu && vdso.enclu < vdso.fixup);
	assert_true(in_image(&vdso, vdso.fixup));
	assert_memory_equal((void *)vdso.enclu, enclu, sizeof(enclu));
	/* push %rbp; mov %rsp,%rbp; push %rbx */
	assert_memory_equal((void *)vdso.enter, "\x55\x48\x89\xe5\x53", 5);
	/* cld; mov 0x18(%rax),%rax; lfence; call *%rax */
	assert_non_null(memmem((void *)vdso.enter, vdso.fixup - vdso.enter + 64,
			       "\xfc\x48\x8b\x40\x18\x0f\xae\xe8\xff\xd0", 10));
}

static void test_kselftest_lookup(void **state)
{
	void *base = (void *)getauxval(AT_SYSINFO_EHDR);

	(void)state;
	assert_ptr_equal(ks_lookup(base, ENTER_NAME), (void *)vdso.enter);
	assert_non_null(ks_lookup(base, "__vdso_clock_gettime"));
	assert_null(ks_lookup(base, "__vdso_no_such_function"));
	assert_ptr_equal(tramp_target((uintptr_t)ks_lookup(
				 base, "__vdso_clock_gettime")),
			 ks_lookup((void *)real_base, "__vdso_clock_gettime"));
}

/* Every symbol the real vDSO defines is found in both views, same version. */
static void check_reexport(const struct dso *real, const struct dso *img,
			   uint32_t i)
{
	const Elf64_Sym *rs = &real->sym[i], *s;
	const char *name = real->str + rs->st_name;
	const char *version = version_of(real, i);
	uint32_t j = gnu_lookup(img, name, version);

	assert_int_not_equal(j, 0);
	assert_int_equal(sysv_lookup(img, name), j);
	s = &img->sym[j];
	assert_int_equal(s->st_info, rs->st_info);
	if (rs->st_shndx == SHN_ABS) {
		assert_int_equal(s->st_shndx, SHN_ABS);
		return;
	}
	assert_true(in_image(&vdso, img->bias + s->st_value));
	if (ELF64_ST_TYPE(rs->st_info) == STT_FUNC)
		assert_int_equal(tramp_target(img->bias + s->st_value),
				 real->bias + rs->st_value);
}

static void test_gnu_lookup_all_symbols(void **state)
{
	struct dso real, img;
	uint32_t i, n = 0, j;

	(void)state;
	dso_open(&real, real_base);
	dso_open(&img, vdso.base);
	assert_non_null(real.sysv);
	for (i = 1; i < real.sysv[1]; i++) {
		if (real.sym[i].st_shndx == SHN_UNDEF ||
		    ELF64_ST_BIND(real.sym[i].st_info) == STB_LOCAL)
			continue;
		check_reexport(&real, &img, i);
		n++;
	}
	assert_true(n >= 4);
	j = gnu_lookup(&img, ENTER_NAME, "LINUX_2.6");
	assert_int_not_equal(j, 0);
	assert_int_equal(img.bias + img.sym[j].st_value, vdso.enter);
	assert_int_equal(img.sym[j].st_info,
			 ELF64_ST_INFO(STB_GLOBAL, STT_FUNC));
	assert_int_equal(gnu_lookup(&img, ENTER_NAME, "LINUX_2.5"), 0);
	assert_int_equal(gnu_lookup(&img, "__vdso_nothing", "LINUX_2.6"), 0);
}

/* Every entry of the image's dynsym is reachable through both tables. */
static void test_image_tables_complete(void **state)
{
	struct dso img;
	uint32_t i, n;
	const char *name;

	(void)state;
	dso_open(&img, vdso.base);
	n = img.sysv[1];
	assert_int_equal(img.gnu[1], 1); /* symoffset: all hashed */
	for (i = 1; i < n; i++) {
		name = img.str + img.sym[i].st_name;
		assert_int_equal(sysv_lookup(&img, name), i);
		assert_int_equal(gnu_lookup(&img, name, version_of(&img, i)),
				 i);
		assert_string_equal(version_of(&img, i), "LINUX_2.6");
	}
}

/* The d_val of tag in the image's PT_DYNAMIC. */
static uint64_t dyn_val(const void *base, Elf64_Sxword tag)
{
	const Elf64_Ehdr *eh = base;
	const Elf64_Phdr *ph = (const void *)((const char *)base + eh->e_phoff);
	const Elf64_Dyn *d;
	int i;

	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_DYNAMIC)
			continue;
		for (d = (const void *)((const char *)base + ph[i].p_offset);
		     d->d_tag != DT_NULL; d++)
			if (d->d_tag == tag)
				return d->d_un.d_val;
	}
	fail_msg("no dynamic tag %ld", (long)tag);
	return 0;
}

static void test_dynamic_tags(void **state)
{
	const char *str =
		(const char *)vdso.base + dyn_val(vdso.base, DT_STRTAB);
	struct dso img;

	(void)state;
	assert_string_equal(str + dyn_val(vdso.base, DT_SONAME),
			    "linux-vdso.so.1");
	assert_int_equal(dyn_val(vdso.base, DT_SYMENT), sizeof(Elf64_Sym));
	dso_open(&img, vdso.base);
	assert_non_null(img.verdef);
	assert_int_equal(dyn_val(vdso.base, DT_VERDEFNUM), 2);
	assert_int_equal(img.verdef->vd_flags, VER_FLG_BASE);
	assert_non_null(verdef_of(&img, 2));
	assert_non_null(img.gnu);
	assert_non_null(img.sysv);
}

static const Elf64_Shdr *section(const void *base, const char *name)
{
	const Elf64_Ehdr *eh = base;
	const Elf64_Shdr *sh = (const void *)((const char *)base + eh->e_shoff);
	const char *names = (const char *)base + sh[eh->e_shstrndx].sh_offset;
	int i;

	for (i = 0; i < eh->e_shnum; i++)
		if (!strcmp(names + sh[i].sh_name, name))
			return &sh[i];
	fail_msg("no section %s", name);
	return NULL;
}

/* Section headers agree with the dynamic tags and link to each other. */
static void test_section_headers(void **state)
{
	const Elf64_Ehdr *eh = vdso.base;
	const Elf64_Shdr *sh = (const void *)((char *)vdso.base + eh->e_shoff);
	const Elf64_Shdr *dynsym = section(vdso.base, ".dynsym");
	const Elf64_Shdr *dynstr = section(vdso.base, ".dynstr");
	const Elf64_Shdr *s;

	(void)state;
	assert_int_equal(dynsym->sh_type, SHT_DYNSYM);
	assert_int_equal(dynsym->sh_addr, dyn_val(vdso.base, DT_SYMTAB));
	assert_int_equal(dynsym->sh_entsize, sizeof(Elf64_Sym));
	assert_int_equal(dynsym->sh_info, 1); /* first global */
	assert_ptr_equal(&sh[dynsym->sh_link], dynstr);
	assert_int_equal(dynstr->sh_addr, dyn_val(vdso.base, DT_STRTAB));
	assert_int_equal(dynstr->sh_size, dyn_val(vdso.base, DT_STRSZ));
	s = section(vdso.base, ".hash");
	assert_int_equal(s->sh_addr, dyn_val(vdso.base, DT_HASH));
	assert_int_equal(s->sh_entsize, 4);
	assert_ptr_equal(&sh[s->sh_link], dynsym);
	s = section(vdso.base, ".gnu.hash");
	assert_int_equal(s->sh_addr, dyn_val(vdso.base, DT_GNU_HASH));
	assert_ptr_equal(&sh[s->sh_link], dynsym);
	s = section(vdso.base, ".gnu.version");
	assert_int_equal(s->sh_addr, dyn_val(vdso.base, DT_VERSYM));
	assert_int_equal(s->sh_size / 2, dynsym->sh_size / sizeof(Elf64_Sym));
	assert_ptr_equal(&sh[s->sh_link], dynsym);
	s = section(vdso.base, ".gnu.version_d");
	assert_int_equal(s->sh_addr, dyn_val(vdso.base, DT_VERDEF));
	assert_int_equal(s->sh_info, dyn_val(vdso.base, DT_VERDEFNUM));
	assert_ptr_equal(&sh[s->sh_link], dynstr);
	s = section(vdso.base, ".dynamic");
	assert_int_equal(s->sh_entsize, sizeof(Elf64_Dyn));
	assert_ptr_equal(&sh[s->sh_link], dynstr);
	s = section(vdso.base, ".text");
	assert_true(s->sh_addr <= vdso.enter - (uintptr_t)vdso.base);
	assert_true(s->sh_flags & SHF_EXECINSTR);
}

/* ------------------------------------------------------------------ */
/* Calls through the re-exported functions                             */
/* ------------------------------------------------------------------ */

static int64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void test_call_clock_gettime(void **state)
{
	int (*fn)(clockid_t, struct timespec *) =
		sym_addr("__vdso_clock_gettime");
	int (*res)(clockid_t, struct timespec *) =
		sym_addr("__vdso_clock_getres");
	struct timespec a, v, b;

	(void)state;
	assert_int_equal(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a), 0);
	assert_int_equal(fn(CLOCK_MONOTONIC, &v), 0);
	assert_int_equal(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b), 0);
	assert_true(ts_ns(&a) <= ts_ns(&v) && ts_ns(&v) <= ts_ns(&b));
	assert_int_equal(syscall(SYS_clock_getres, CLOCK_MONOTONIC, &a), 0);
	assert_int_equal(res(CLOCK_MONOTONIC, &v), 0);
	assert_int_equal(ts_ns(&a), ts_ns(&v));
}

static void test_call_gettimeofday_time(void **state)
{
	int (*gtod)(struct timeval *, void *) = sym_addr("__vdso_gettimeofday");
	time_t (*tm)(time_t *) = sym_addr("__vdso_time");
	struct timeval a, v, b;
	time_t t0, t, t1;

	(void)state;
	assert_int_equal(syscall(SYS_gettimeofday, &a, NULL), 0);
	assert_int_equal(gtod(&v, NULL), 0);
	assert_int_equal(syscall(SYS_gettimeofday, &b, NULL), 0);
	/* Realtime may be stepped: only require plausibility. */
	assert_true(v.tv_sec >= a.tv_sec - 1 && v.tv_sec <= b.tv_sec + 1);
	t0 = syscall(SYS_time, NULL);
	t = tm(NULL);
	t1 = syscall(SYS_time, NULL);
	assert_true(t >= t0 - 1 && t <= t1 + 1);
}

static void test_call_getcpu(void **state)
{
	long (*fn)(unsigned int *, unsigned int *, void *) =
		sym_addr("__vdso_getcpu");
	unsigned int cpu = ~0U, node = ~0U, want = 0, want_node = 0;
	cpu_set_t old, one;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(old), &old), 0);
	assert_int_equal(syscall(SYS_getcpu, &want, &want_node, NULL), 0);
	CPU_ZERO(&one);
	CPU_SET(want, &one);
	/* Pinned, the answer cannot change between the two calls. */
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	assert_int_equal(syscall(SYS_getcpu, &want, &want_node, NULL), 0);
	assert_int_equal(fn(&cpu, &node, NULL), 0);
	assert_int_equal(sched_setaffinity(0, sizeof(old), &old), 0);
	assert_int_equal(cpu, want);
	assert_int_equal(node, want_node);
}

/* ------------------------------------------------------------------ */
/* AT_SYSINFO_EHDR                                                     */
/* ------------------------------------------------------------------ */

/* How the selftests and many runtimes find the auxv: past envp's NULL. */
static unsigned long auxv_walk(char **envp, unsigned long type)
{
	Elf64_auxv_t *av;
	size_t i = 0;

	while (envp[i])
		i++;
	for (av = (Elf64_auxv_t *)&envp[i + 1]; av->a_type != AT_NULL; av++)
		if (av->a_type == type)
			return av->a_un.a_val;
	return 0;
}

static unsigned long proc_auxv(unsigned long type)
{
	Elf64_auxv_t av[128];
	FILE *f = fopen("/proc/self/auxv", "re");
	size_t n, i;

	assert_non_null(f);
	n = fread(av, sizeof(av[0]), 128, f);
	fclose(f);
	for (i = 0; i < n; i++)
		if (av[i].a_type == type)
			return av[i].a_un.a_val;
	return 0;
}

static void test_auxv_patched(void **state)
{
	(void)state;
	assert_ptr_not_equal(vdso.base, real_base);
	assert_int_equal(getauxval(AT_SYSINFO_EHDR), (uintptr_t)vdso.base);
	assert_int_equal(auxv_walk(main_envp, AT_SYSINFO_EHDR),
			 (uintptr_t)vdso.base);
	/* The setup moved environ to the heap; the stack array is the same. */
	assert_ptr_not_equal(environ, main_envp);
	/* Untouched neighbours. */
	assert_int_equal(auxv_walk(main_envp, AT_PAGESZ), getauxval(AT_PAGESZ));
	assert_int_equal(auxv_walk(main_envp, AT_RANDOM), getauxval(AT_RANDOM));
	/* Known limit: the kernel's own copy is not ours to change. */
	assert_int_equal(proc_auxv(AT_SYSINFO_EHDR), (uintptr_t)real_base);
}

/* A second image replaces the first, and the first comes back after. */
static void test_auxv_reinstall(void **state)
{
	struct softsgx_vdso other;
	uint64_t decoy[1 + 2 * 128], saved[1 + 2 * 128];
	FILE *f = fopen("/proc/self/auxv", "re");

	(void)state;
	assert_int_equal(softsgx_vdso_install(&vdso), -EINVAL);
	assert_int_equal(softsgx_vdso_build(real_base, &other), 0);
	/* A copy below the real vector (envp NULL included) stays a copy. */
	assert_non_null(f);
	memset(decoy, 0, sizeof(decoy));
	assert_true(fread(&decoy[1], 16, 128, f) > 0);
	fclose(f);
	memcpy(saved, decoy, sizeof(saved));
	assert_int_equal(softsgx_vdso_install(&other), 0);
	assert_memory_equal(decoy, saved, sizeof(saved));
	assert_int_equal(other.prev_ehdr, (uintptr_t)vdso.base);
	assert_int_equal(getauxval(AT_SYSINFO_EHDR), (uintptr_t)other.base);
	assert_int_equal(auxv_walk(main_envp, AT_SYSINFO_EHDR),
			 (uintptr_t)other.base);
	softsgx_vdso_destroy(&other);
	assert_int_equal(getauxval(AT_SYSINFO_EHDR), (uintptr_t)vdso.base);
}

/* In a child: the same stack layout, installed fresh, inherited on fork. */
static void test_auxv_fork(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(getauxval(AT_SYSINFO_EHDR) == (uintptr_t)vdso.base &&
				      ks_lookup((void *)getauxval(
							AT_SYSINFO_EHDR),
						ENTER_NAME) ==
					      (void *)vdso.enter ?
			      0 :
			      1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ------------------------------------------------------------------ */
/* Other tools' view                                                   */
/* ------------------------------------------------------------------ */

static void dump(const struct softsgx_vdso *v, char *path, size_t len)
{
	const char *dir = getenv("SOFTSGX_TEST_TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, len, "%s/vdso-XXXXXX.so", dir ? dir : "/tmp");
	fd = mkstemps(path, 3);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(v->base, 1, v->size, f), v->size);
	assert_int_equal(fclose(f), 0);
}

/* readelf -a --wide must not warn; returns whether readelf ran. */
static bool readelf_clean(const struct softsgx_vdso *v)
{
	char path[4096], cmd[4200], line[1024];
	bool found = false;
	FILE *p;

	if (system("readelf --version >/dev/null 2>&1"))
		return false;
	dump(v, path, sizeof(path));
	snprintf(cmd, sizeof(cmd), "readelf -a --wide '%s' 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, "Warning") || strstr(line, "Error"))
			fail_msg("readelf: %s", line);
		found |= !!strstr(line, ENTER_NAME "@@LINUX_2.6");
	}
	assert_int_equal(pclose(p), 0);
	unlink(path);
	assert_true(found);
	return true;
}

static void test_readelf(void **state)
{
	(void)state;
	if (!readelf_clean(&vdso))
		skip();
}

/*
 * glibc's own loader is a third parser: dlopen the dumped image in a child
 * (no PT_GNU_STACK, like the real vDSO, so glibc may refuse it or make the
 * stack executable: neither may touch this process) and dlvsym each name.
 */
static int dlopen_child(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	struct timespec ts;
	int (*cg)(clockid_t, struct timespec *);

	if (!h)
		return strstr(dlerror(), "stack") ? 77 : 1;
	if (!dlvsym(h, ENTER_NAME, "LINUX_2.6") ||
	    dlvsym(h, ENTER_NAME, "LINUX_2.5"))
		return 2;
	cg = (int (*)(clockid_t, struct timespec *))dlvsym(
		h, "__vdso_clock_gettime", "LINUX_2.6");
	if (!cg || cg(CLOCK_MONOTONIC, &ts))
		return 3;
	return 0;
}

static void test_glibc_dlopen(void **state)
{
	char path[4096];
	int status;
	pid_t pid;

	(void)state;
	dump(&vdso, path, sizeof(path));
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(dlopen_child(path));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(path);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ------------------------------------------------------------------ */
/* Without a real vDSO, and with broken ones                           */
/* ------------------------------------------------------------------ */

static void test_build_without_real(void **state)
{
	struct softsgx_vdso v;
	struct dso img;
	uint32_t j;

	(void)state;
	assert_int_equal(softsgx_vdso_build(NULL, &v), 0);
	assert_ptr_equal(ks_lookup(v.base, ENTER_NAME), (void *)v.enter);
	dso_open(&img, v.base);
	j = gnu_lookup(&img, ENTER_NAME, "LINUX_2.6");
	assert_int_not_equal(j, 0);
	assert_int_equal(img.bias + img.sym[j].st_value, v.enter);
	assert_int_not_equal(gnu_lookup(&img, "LINUX_2.6", "LINUX_2.6"), 0);
	assert_null(v.real);
	readelf_clean(&v);
	softsgx_vdso_destroy(&v);
}

/*
 * A page-aligned, writable copy of the real vDSO's file image, followed by
 * a PROT_NONE guard page so that any read past it would fault.
 */
static uint8_t *real_copy(size_t *size, size_t *mapped)
{
	const Elf64_Ehdr *eh = real_base;
	const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff);
	uint8_t *p;
	int i;

	*size = 0;
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD &&
		    ph[i].p_offset + ph[i].p_filesz > *size)
			*size = ph[i].p_offset + ph[i].p_filesz;
	*mapped = ((*size + 4095) & ~4095UL) + 4096;
	p = mmap(NULL, *mapped, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	assert_int_equal(mprotect(p + *mapped - 4096, 4096, PROT_NONE), 0);
	memcpy(p, real_base, *size);
	return p;
}

static void test_build_refuses_garbage(void **state)
{
	struct softsgx_vdso v;
	uint8_t *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)state;
	assert_ptr_not_equal(page, MAP_FAILED);
	assert_int_equal(softsgx_vdso_build(page, &v), -ENOEXEC);
	assert_null(v.base);
	assert_int_equal(softsgx_vdso_build(page + 1, &v), -ENOEXEC);
	/* So is memory that is mapped but unreadable. */
	assert_int_equal(mprotect(page, 8192, PROT_NONE), 0);
	assert_int_equal(softsgx_vdso_build(page, &v), -ENOEXEC);
	assert_int_equal(munmap(page, 8192), 0);
	/* Unmapped memory is refused, not faulted on. */
	assert_int_equal(softsgx_vdso_build(page, &v), -ENOEXEC);
}

/*
 * A real vDSO that already has __vdso_sgx_enter_enclave (an SGX host kernel)
 * gives up that symbol for ours. Our own image stands in for such a kernel.
 */
static void test_build_replaces_real_enter(void **state)
{
	int (*cg)(clockid_t, struct timespec *);
	struct softsgx_vdso v;
	struct dso img;
	struct timespec ts;
	uint32_t i, n = 0;

	(void)state;
	assert_int_equal(softsgx_vdso_build(vdso.base, &v), 0);
	dso_open(&img, v.base);
	for (i = 1; i < img.sysv[1]; i++)
		n += !strcmp(img.str + img.sym[i].st_name, ENTER_NAME);
	assert_int_equal(n, 1);
	assert_ptr_equal(ks_lookup(v.base, ENTER_NAME), (void *)v.enter);
	/* Through two trampolines to the kernel's code. */
	cg = (int (*)(clockid_t, struct timespec *))ks_lookup(
		v.base, "__vdso_clock_gettime");
	assert_int_equal(tramp_target(tramp_target((uintptr_t)cg)),
			 (uintptr_t)ks_lookup((void *)real_base,
					      "__vdso_clock_gettime"));
	assert_int_equal(cg(CLOCK_MONOTONIC, &ts), 0);
	readelf_clean(&v);
	softsgx_vdso_destroy(&v);
}

/* Turns the dynamic entry tag into DT_DEBUG, which the builder ignores. */
static void hide_tag(uint8_t *img, Elf64_Sxword tag)
{
	Elf64_Dyn *d = NULL;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff);
	int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			d = (Elf64_Dyn *)(img + ph[i].p_offset);
	assert_non_null(d);
	for (; d->d_tag != DT_NULL; d++)
		if (d->d_tag == tag)
			d->d_tag = DT_DEBUG;
}

/* Symbols counted from DT_GNU_HASH alone; no versions at all. */
static void test_build_from_reduced_real(void **state)
{
	struct softsgx_vdso v;
	size_t size, mapped;
	uint8_t *p = real_copy(&size, &mapped);
	struct dso real, img;
	uint32_t i;
	const char *name;

	(void)state;
	hide_tag(p, DT_HASH);
	assert_int_equal(softsgx_vdso_build(p, &v), 0);
	dso_open(&real, real_base);
	dso_open(&img, v.base);
	for (i = 1; i < real.sysv[1]; i++) {
		if (real.sym[i].st_shndx == SHN_UNDEF)
			continue;
		name = real.str + real.sym[i].st_name;
		assert_int_not_equal(gnu_lookup(&img, name, "LINUX_2.6"), 0);
	}
	softsgx_vdso_destroy(&v);

	hide_tag(p, DT_VERSYM);
	hide_tag(p, DT_VERDEF);
	assert_int_equal(softsgx_vdso_build(p, &v), 0);
	assert_non_null(ks_lookup(v.base, "__vdso_clock_gettime"));
	dso_open(&img, v.base);
	i = gnu_lookup(&img, ENTER_NAME, "LINUX_2.6");
	assert_int_not_equal(i, 0);
	assert_int_equal(img.bias + img.sym[i].st_value, v.enter);
	assert_int_equal(img.versym[sysv_lookup(&img, "__vdso_clock_gettime")],
			 1);
	readelf_clean(&v);
	softsgx_vdso_destroy(&v);
	munmap(p, mapped);
}

/* Headers that point beyond the mapping are refused. */
static bool lying_headers_refused(void)
{
	struct softsgx_vdso v;
	size_t size, mapped;
	uint8_t *p = real_copy(&size, &mapped);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)p;
	Elf64_Phdr *ph = (Elf64_Phdr *)(p + eh->e_phoff);
	bool ok;
	int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD)
			ph[i].p_filesz = 1 << 20; /* runs into the guard */
	ok = softsgx_vdso_build(p, &v) == -ENOEXEC;
	memcpy(p, real_base, size);
	eh->e_phnum = 0xffff;
	ok &= softsgx_vdso_build(p, &v) == -ENOEXEC;
	memcpy(p, real_base, size);
	eh->e_phoff = mapped - 4096 - 8; /* program headers in the guard */
	ok &= softsgx_vdso_build(p, &v) == -ENOEXEC;
	memcpy(p, real_base, size);
	ok &= softsgx_vdso_build(p, &v) == 0 &&
	      ks_lookup(v.base, ENTER_NAME) == (void *)v.enter;
	softsgx_vdso_destroy(&v);
	munmap(p, mapped);
	return ok;
}

static void test_build_refuses_lying_headers(void **state)
{
	(void)state;
	assert_true(lying_headers_refused());
}

/* An image built from damaged input, seen by the test's own parsers. */
static bool built_ok(struct softsgx_vdso *v)
{
	struct dso img;
	uint32_t j;

	if (ks_lookup(v->base, ENTER_NAME) != (void *)v->enter)
		return false;
	dso_open(&img, v->base);
	j = gnu_lookup(&img, ENTER_NAME, "LINUX_2.6");
	return j && img.bias + img.sym[j].st_value == v->enter;
}

/*
 * Random bit flips in the headers and tables of a copy of the real vDSO:
 * each build must either refuse or produce a sound image. Returns the
 * number of images built, or -1 after an unsound one.
 */
static int damage_rounds(unsigned int rounds, unsigned int nr_readelf)
{
	unsigned int i, k, built = 0;
	struct softsgx_vdso v;
	size_t size, mapped, span;
	uint8_t *p = real_copy(&size, &mapped);
	bool ok;

	srand(12345);
	span = size < 0x800 ? size : 0x800;
	for (i = 0; i < rounds; i++) {
		memcpy(p, real_base, size);
		for (k = 0; k < 1 + i % 4; k++)
			p[rand() % span] ^= 1 << (rand() % 8);
		if (softsgx_vdso_build(p, &v))
			continue;
		ok = built_ok(&v);
		if (ok && built++ < nr_readelf)
			readelf_clean(&v);
		softsgx_vdso_destroy(&v);
		if (!ok)
			return -1;
	}
	munmap(p, mapped);
	return built;
}

static void test_build_survives_damage(void **state)
{
	(void)state;
	assert_true(damage_rounds(4000, 8) > 0);
}

/* process_vm_readv denied, as some container profiles do. */
static bool deny_process_vm_readv(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_readv, 0,
			 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	struct iovec io = { &prog, 1 };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return false;
	return process_vm_readv(getpid(), &io, 1, &io, 1, 0) < 0 &&
	       errno == EPERM;
}

static int fallback_child(void)
{
	struct softsgx_vdso v;
	uint8_t *none;
	uint64_t slot;
	char *tramp;

	if (!deny_process_vm_readv())
		return 77;
	if (softsgx_vdso_build(real_base, &v))
		return 1;
	tramp = ks_lookup(v.base, "__vdso_clock_gettime");
	if (!tramp)
		return 1;
	memcpy(&slot, tramp + 8, sizeof(slot));
	if (slot !=
	    (uintptr_t)ks_lookup((void *)real_base, "__vdso_clock_gettime"))
		return 1;
	softsgx_vdso_destroy(&v);
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (none == MAP_FAILED || softsgx_vdso_build(none, &v) != -ENOEXEC)
		return 2;
	if (!lying_headers_refused())
		return 3;
	return damage_rounds(1000, 0) > 0 ? 0 : 4;
}

/* The same refusals where reads are checked page by page instead. */
static void test_build_without_process_vm_readv(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(fallback_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ------------------------------------------------------------------ */
/* __vdso_sgx_enter_enclave against a CPU played by a SIGILL handler   */
/* ------------------------------------------------------------------ */

#define NO_ASAN __attribute__((no_sanitize_address))
#define MAX_ENTRIES 8
#define RFLAGS_DF 0x400

enum exit_kind { EXIT_EEXIT, EXIT_FAULT };

/* How the "enclave" leaves after the n-th ENCLU. */
struct cpu_exit {
	enum exit_kind kind;
	uint64_t rax; /* EXIT_FAULT: the leaf the fault reports (2 or 3) */
	uint64_t rdi, rsi, rdx, r8, r9;
	long rsp_delta; /* exit RSP - entry RSP; plant is stored there */
	uint64_t plant;
	bool set_df;
};

/* What the n-th ENCLU saw. */
struct cpu_entry {
	uint64_t rax, rbx, rcx, rdi, rsi, rdx, r8, r9, rsp, rbp;
};

static struct {
	struct cpu_exit exit[MAX_ENTRIES];
	struct cpu_entry entry[MAX_ENTRIES];
	size_t nr_entries;
} cpu;

/* An enclave that EEXITs at once to the address EENTER gave it in RCX. */
static void cpu_eexit(greg_t *g, const struct cpu_exit *x)
{
	g[REG_RIP] = g[REG_RBX] = vdso.enclu + 3;
	g[REG_RAX] = 4;
	g[REG_RCX] = 0xe0e0; /* EEXIT: the enclave address after its ENCLU */
	g[REG_RDI] = x->rdi;
	g[REG_RSI] = x->rsi;
	g[REG_RDX] = x->rdx;
	g[REG_R8] = x->r8;
	g[REG_R9] = x->r9;
}

/* AEX synthetic state, then what the kernel's vDSO fixup does. */
static void cpu_fault(greg_t *g, const struct cpu_exit *x)
{
	g[REG_RIP] = vdso.fixup;
	g[REG_RAX] = x->rax;
	g[REG_RCX] = vdso.enclu;
	g[REG_RDI] = x->rdi;
	g[REG_RSI] = x->rsi;
	g[REG_RDX] = x->rdx;
	g[REG_R8] = x->r8;
	g[REG_R9] = x->r9;
}

NO_ASAN static void cpu_signal(int sig, siginfo_t *si, void *ctx)
{
	greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	const struct cpu_exit *x;

	(void)si;
	if ((uintptr_t)g[REG_RIP] != vdso.enclu ||
	    cpu.nr_entries == MAX_ENTRIES) {
		signal(sig, SIG_DFL); /* a real crash: let it happen */
		return;
	}
	cpu.entry[cpu.nr_entries] = (struct cpu_entry){
		g[REG_RAX], g[REG_RBX], g[REG_RCX], g[REG_RDI], g[REG_RSI],
		g[REG_RDX], g[REG_R8],	g[REG_R9],  g[REG_RSP], g[REG_RBP],
	};
	x = &cpu.exit[cpu.nr_entries++];
	if (x->kind == EXIT_EEXIT)
		cpu_eexit(g, x);
	else
		cpu_fault(g, x);
	if (x->rsp_delta) {
		g[REG_RSP] += x->rsp_delta;
		*(uint64_t *)g[REG_RSP] = x->plant;
	}
	if (x->set_df)
		g[REG_EFL] |= RFLAGS_DF;
}

/* The user handler: an assembly entry records RSP and RFLAGS first. */
#define MAX_CALLS 8

struct handler_call {
	long rdi, rsi, rdx, ursp, r8, r9;
	struct run *run;
	uint64_t rsp, rflags; /* at the handler's first instruction */
	uint32_t function; /* run->function when called */
	uint16_t vector;
};

static struct {
	int ret[MAX_CALLS];
	uint64_t new_tcs; /* first call: switch run->tcs to this */
	int poke; /* first call: set reserved[poke - 1] */
	struct handler_call call[MAX_CALLS];
	size_t nr_calls;
} hctl;

uint64_t test_handler_rsp, test_handler_rflags;
int test_handler_entry(long rdi, long rsi, long rdx, long ursp, long r8,
		       long r9, struct run *run);
int test_handler_c(long rdi, long rsi, long rdx, long ursp, long r8, long r9,
		   struct run *run);

__asm__(".pushsection .text\n"
	".globl test_handler_entry\n"
	".type test_handler_entry, @function\n"
	"test_handler_entry:\n"
	"	mov %rsp, test_handler_rsp(%rip)\n"
	"	pushfq\n"
	"	popq test_handler_rflags(%rip)\n"
	"	jmp test_handler_c\n"
	".size test_handler_entry, . - test_handler_entry\n"
	".popsection\n");

int test_handler_c(long rdi, long rsi, long rdx, long ursp, long r8, long r9,
		   struct run *run)
{
	struct handler_call *c = &hctl.call[hctl.nr_calls];

	if (hctl.nr_calls == MAX_CALLS)
		return -1000;
	*c = (struct handler_call){ .rdi = rdi,
				    .rsi = rsi,
				    .rdx = rdx,
				    .ursp = ursp,
				    .r8 = r8,
				    .r9 = r9,
				    .run = run,
				    .rsp = test_handler_rsp,
				    .rflags = test_handler_rflags,
				    .function = run->function,
				    .vector = run->exception_vector };
	if (!hctl.nr_calls && hctl.new_tcs)
		run->tcs = hctl.new_tcs;
	if (!hctl.nr_calls && hctl.poke)
		run->reserved[hctl.poke - 1] = 1;
	return hctl.ret[hctl.nr_calls++];
}

/*
 * Calls the enter function with chosen registers, RBX included, from a frame
 * that does not care whether RBX comes back (the upstream quirk), and
 * reports RAX, RBX, and whether RBP and RSP were restored.
 */
struct probe {
	uint64_t fn, rdi, rsi, rdx, function, r8, r9, run, rbx_in; /* in */
	uint64_t rax, rbx_out, rbp_ok, rsp_ok, rsp_call; /* out */
};
_Static_assert(offsetof(struct probe, rsp_call) == 104, "probe layout");

void test_probe_call(struct probe *p);

__asm__(".pushsection .text\n"
	".globl test_probe_call\n"
	".type test_probe_call, @function\n"
	"test_probe_call:\n"
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	push %rbx\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	mov %rdi, %r12\n"
	"	mov %rsp, %r13\n"
	"	pushq 56(%r12)\n" /* argument 7; RSP is now 16-aligned */
	"	mov %rsp, 104(%r12)\n"
	"	mov 64(%r12), %rbx\n"
	"	mov 8(%r12), %rdi\n"
	"	mov 16(%r12), %rsi\n"
	"	mov 24(%r12), %rdx\n"
	"	mov 32(%r12), %rcx\n"
	"	mov 40(%r12), %r8\n"
	"	mov 48(%r12), %r9\n"
	"	call *(%r12)\n"
	"	mov %rax, 72(%r12)\n"
	"	mov %rbx, 80(%r12)\n"
	"	xor %eax, %eax\n"
	"	lea 40(%r13), %rcx\n"
	"	cmp %rcx, %rbp\n"
	"	sete %al\n"
	"	mov %rax, 88(%r12)\n"
	"	xor %eax, %eax\n"
	"	cmp 104(%r12), %rsp\n"
	"	sete %al\n"
	"	mov %rax, 96(%r12)\n"
	"	lea 40(%r13), %rbp\n"
	"	mov %r13, %rsp\n"
	"	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbx\n"
	"	pop %rbp\n"
	"	ret\n"
	".size test_probe_call, . - test_probe_call\n"
	".popsection\n");

#define ARG_RDI 0x1111111111111111UL
#define ARG_RSI 0x2222222222222222UL
#define ARG_RDX 0x3333333333333333UL
#define ARG_R8 0x8888888888888888UL
#define ARG_R9 0x9999999999999999UL
#define CALLER_RBX 0xb0b0b0b0b0b0b0b0UL
#define TCS 0x7000UL

/* An exception reported through the fixup: leaf, vector, code, address. */
static struct cpu_exit fault(uint64_t rax, uint64_t rdi, uint64_t rsi,
			     uint64_t rdx)
{
	return (struct cpu_exit){ .kind = EXIT_FAULT,
				  .rax = rax,
				  .rdi = rdi,
				  .rsi = rsi,
				  .rdx = rdx };
}

static void cpu_reset(void)
{
	struct sigaction sa = { .sa_sigaction = cpu_signal,
				.sa_flags = SA_SIGINFO };

	memset(&cpu, 0, sizeof(cpu));
	memset(&hctl, 0, sizeof(hctl));
	assert_int_equal(sigaction(SIGILL, &sa, NULL), 0);
	/* On SGX hardware a bogus EENTER faults (#GP/#PF) instead of #UD. */
	assert_int_equal(sigaction(SIGSEGV, &sa, NULL), 0);
}

static void run_init(struct run *run)
{
	memset(run, 0, sizeof(*run));
	run->tcs = TCS;
	run->function = 0x5a5a5a5a;
	run->exception_vector = 0x55;
	run->exception_error_code = 0x66;
	run->exception_addr = 0x77;
	run->user_data = 0xda7a;
}

static struct probe enter(struct run *run, uint64_t function)
{
	struct probe p = { .fn = vdso.enter,
			   .rdi = ARG_RDI,
			   .rsi = ARG_RSI,
			   .rdx = ARG_RDX,
			   .function = function,
			   .r8 = ARG_R8,
			   .r9 = ARG_R9,
			   .run = (uintptr_t)run,
			   .rbx_in = CALLER_RBX };

	test_probe_call(&p);
	assert_true(p.rbp_ok);
	assert_true(p.rsp_ok);
	return p;
}

/* The ENCLU saw the caller's arguments, RBX = tcs, RCX = the AEP. */
static void check_entry(const struct probe *p, size_t n, uint64_t leaf,
			uint64_t tcs)
{
	const struct cpu_entry *e = &cpu.entry[n];

	assert_true(n < cpu.nr_entries);
	assert_int_equal(e->rax, leaf);
	assert_int_equal(e->rbx, tcs);
	assert_int_equal(e->rcx, vdso.enclu);
	/* Frame: return address, saved RBP, saved RBX. */
	assert_int_equal(e->rbp, p->rsp_call - 16);
	assert_int_equal(e->rsp, p->rsp_call - 24);
	if (n)
		return; /* re-entry: whatever the handler left */
	assert_int_equal(e->rdi, ARG_RDI);
	assert_int_equal(e->rsi, ARG_RSI);
	assert_int_equal(e->rdx, ARG_RDX);
	assert_int_equal(e->r8, ARG_R8);
	assert_int_equal(e->r9, ARG_R9);
}

static void test_enter_eexit(void **state)
{
	struct run run;
	struct probe p;
	uint64_t leaf;

	(void)state;
	for (leaf = 2; leaf <= 3; leaf++) {
		cpu_reset();
		run_init(&run);
		/* function is an unsigned int: RCX's upper half is junk. */
		p = enter(&run, 0xdead000000000000UL | leaf);
		assert_int_equal((int)p.rax, 0);
		assert_int_equal(cpu.nr_entries, 1);
		check_entry(&p, 0, leaf, TCS);
		assert_int_equal(run.function, 4);
		/* A normal exit leaves the exception fields alone. */
		assert_int_equal(run.exception_vector, 0x55);
		assert_int_equal(run.exception_error_code, 0x66);
		assert_int_equal(run.exception_addr, 0x77);
		assert_int_equal(run.tcs, TCS);
		assert_int_equal(p.rbx_out, CALLER_RBX);
	}
}

static void test_enter_exception(void **state)
{
	struct run run;
	struct probe p;

	(void)state;
	cpu_reset();
	run_init(&run);
	cpu.exit[0] = fault(3, 14, 0x8007, 0xabc000);
	p = enter(&run, 2);
	assert_int_equal((int)p.rax, 0);
	check_entry(&p, 0, 2, TCS);
	assert_int_equal(run.function, 3);
	assert_int_equal(run.exception_vector, 14);
	assert_int_equal(run.exception_error_code, 0x8007);
	assert_int_equal(run.exception_addr, 0xabc000);
	assert_int_equal(p.rbx_out, CALLER_RBX);

	/* EENTER itself faulted; vector and error code keep 16 bits. */
	cpu_reset();
	run_init(&run);
	cpu.exit[0] = fault(2, 0x1000d, 0x12345, 0);
	p = enter(&run, 2);
	assert_int_equal((int)p.rax, 0);
	assert_int_equal(run.function, 2);
	assert_int_equal(run.exception_vector, 0xd);
	assert_int_equal(run.exception_error_code, 0x2345);
	assert_int_equal(run.exception_addr, 0);
}

static void test_enter_bad_leaf(void **state)
{
	static const uint64_t leaves[] = { 0, 1, 4, 5, 0x80000002, 0xffffffff };
	struct run run, before;
	struct probe p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		cpu_reset();
		run_init(&run);
		run.user_handler = (uintptr_t)test_handler_entry;
		before = run;
		p = enter(&run, leaves[i]);
		assert_int_equal((int)p.rax, -EINVAL);
		assert_memory_equal(&run, &before, sizeof(run));
		assert_int_equal(cpu.nr_entries, 0);
		assert_int_equal(hctl.nr_calls, 0);
		assert_int_equal(p.rbx_out, CALLER_RBX);
	}
}

/* Any nonzero byte among the 216 reserved ones refuses the entry. */
static void test_enter_reserved_nonzero(void **state)
{
	struct run run, before;
	struct probe p;
	size_t i;

	(void)state;
	cpu_reset();
	for (i = 0; i < sizeof(run.reserved); i++) {
		run_init(&run);
		run.reserved[i] = i % 2 ? 0x80 : 0x01;
		before = run;
		p = enter(&run, 2);
		assert_int_equal((int)p.rax, -EINVAL);
		assert_memory_equal(&run, &before, sizeof(run));
		assert_int_equal(p.rbx_out, CALLER_RBX);
	}
	assert_int_equal(cpu.nr_entries, 0);
}

/* Handler arguments after EEXIT, for several exit stack misalignments. */
static void test_handler_after_eexit(void **state)
{
	static const long deltas[] = { 0, -8, -16, -24, -40 };
	const struct handler_call *c = &hctl.call[0];
	struct run run;
	struct probe p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(deltas) / sizeof(deltas[0]); i++) {
		cpu_reset();
		run_init(&run);
		run.user_handler = (uintptr_t)test_handler_entry;
		cpu.exit[0] = (struct cpu_exit){ .rdi = 0xa1,
						 .rsi = 0xa2,
						 .rdx = 0xa3,
						 .r8 = 0xa8,
						 .r9 = 0xa9,
						 .rsp_delta = deltas[i],
						 .plant = 0x91a7,
						 .set_df = true };
		p = enter(&run, 2);
		assert_int_equal((int)p.rax, 0);
		assert_int_equal(hctl.nr_calls, 1);
		assert_int_equal(c->rdi, 0xa1);
		assert_int_equal(c->rsi, 0xa2);
		assert_int_equal(c->rdx, 0xa3);
		assert_int_equal(c->r8, 0xa8);
		assert_int_equal(c->r9, 0xa9);
		assert_int_equal(c->ursp, cpu.entry[0].rsp + deltas[i]);
		assert_ptr_equal(c->run, &run);
		assert_int_equal(c->function, 4);
		/* Below the exit RSP, aligned as after a call, DF clear. */
		assert_true(c->rsp < (uint64_t)c->ursp);
		assert_int_equal((c->rsp + 8) % 16, 0);
		assert_int_equal(c->rflags & RFLAGS_DF, 0);
		/* RBX is popped from the exit RSP (upstream behaviour). */
		assert_int_equal(p.rbx_out, deltas[i] ? 0x91a7 : CALLER_RBX);
	}
}

static void test_handler_after_exception(void **state)
{
	const struct handler_call *c = &hctl.call[0];
	struct run run;
	struct probe p;

	(void)state;
	cpu_reset();
	run_init(&run);
	run.user_handler = (uintptr_t)test_handler_entry;
	cpu.exit[0] = fault(3, 14, 0x8007, 0xabc000);
	p = enter(&run, 3);
	assert_int_equal((int)p.rax, 0);
	assert_int_equal(hctl.nr_calls, 1);
	assert_int_equal(c->rdi, 14);
	assert_int_equal(c->rsi, 0x8007);
	assert_int_equal(c->rdx, 0xabc000);
	assert_int_equal(c->r8, 0); /* AEX zeroes R8-R15 */
	assert_int_equal(c->r9, 0);
	assert_int_equal(c->ursp, cpu.entry[0].rsp);
	assert_int_equal(c->function, 3);
	assert_int_equal(c->vector, 14); /* filled in before the call */
	assert_int_equal(p.rbx_out, CALLER_RBX);
}

static void test_handler_return_passthrough(void **state)
{
	static const int rets[] = { 0, -1, -5, -EFAULT, -2147483647 - 1 };
	struct run run;
	struct probe p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rets) / sizeof(rets[0]); i++) {
		cpu_reset();
		run_init(&run);
		run.user_handler = (uintptr_t)test_handler_entry;
		hctl.ret[0] = rets[i];
		p = enter(&run, 2);
		assert_int_equal((int)p.rax, rets[i]);
		assert_int_equal(cpu.nr_entries, 1);
		assert_int_equal(hctl.nr_calls, 1);
		assert_int_equal(p.rbx_out, CALLER_RBX);
	}
}

/* > 0 re-enters with that leaf and the TCS as the handler left it. */
static void test_handler_reenter(void **state)
{
	struct run run;
	struct probe p;

	(void)state;
	cpu_reset();
	run_init(&run);
	run.user_handler = (uintptr_t)test_handler_entry;
	hctl.ret[0] = 3;
	hctl.ret[1] = 2;
	hctl.ret[2] = -7;
	hctl.new_tcs = 0x9000;
	cpu.exit[1] = fault(3, 6, 0, 0);
	p = enter(&run, 2);
	assert_int_equal((int)p.rax, -7);
	assert_int_equal(cpu.nr_entries, 3);
	assert_int_equal(hctl.nr_calls, 3);
	check_entry(&p, 0, 2, TCS);
	check_entry(&p, 1, 3, 0x9000);
	check_entry(&p, 2, 2, 0x9000);
	assert_int_equal(hctl.call[1].function, 3);
	assert_int_equal(hctl.call[1].vector, 6);
	assert_int_equal(hctl.call[2].function, 4);
	assert_int_equal(run.function, 4);
	assert_int_equal(p.rbx_out, CALLER_RBX);
}

/* The leaf and the reserved bytes are checked again on re-entry. */
static void test_handler_reenter_invalid(void **state)
{
	static const int rets[] = { 1, 4, 5, 0x7fffffff };
	struct run run;
	struct probe p;
	size_t i;

	(void)state;
	for (i = 0; i <= sizeof(rets) / sizeof(rets[0]); i++) {
		cpu_reset();
		run_init(&run);
		run.user_handler = (uintptr_t)test_handler_entry;
		if (i < sizeof(rets) / sizeof(rets[0])) {
			hctl.ret[0] = rets[i];
		} else {
			hctl.ret[0] = 2;
			hctl.poke = 100;
		}
		p = enter(&run, 2);
		assert_int_equal((int)p.rax, -EINVAL);
		assert_int_equal(cpu.nr_entries, 1);
		assert_int_equal(hctl.nr_calls, 1);
		assert_int_equal(run.function, 4);
		assert_int_equal(p.rbx_out, CALLER_RBX);
	}
}

/* Without a handler, RBX also comes from the exit RSP. */
static void test_rbx_from_exit_rsp(void **state)
{
	struct run run;
	struct probe p;

	(void)state;
	cpu_reset();
	run_init(&run);
	cpu.exit[0] = (struct cpu_exit){ .rsp_delta = -16, .plant = 0x5eed };
	p = enter(&run, 2);
	assert_int_equal((int)p.rax, 0);
	assert_int_equal(p.rbx_out, 0x5eed);
	assert_int_equal(run.function, 4);
}

int main(int argc, char **argv, char **envp)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_basics),
		cmocka_unit_test(test_section_headers),
		cmocka_unit_test(test_kselftest_lookup),
		cmocka_unit_test(test_gnu_lookup_all_symbols),
		cmocka_unit_test(test_image_tables_complete),
		cmocka_unit_test(test_dynamic_tags),
		cmocka_unit_test(test_call_clock_gettime),
		cmocka_unit_test(test_call_gettimeofday_time),
		cmocka_unit_test(test_call_getcpu),
		cmocka_unit_test(test_auxv_patched),
		cmocka_unit_test(test_auxv_reinstall),
		cmocka_unit_test(test_auxv_fork),
		cmocka_unit_test(test_readelf),
		cmocka_unit_test(test_glibc_dlopen),
		cmocka_unit_test(test_build_without_real),
		cmocka_unit_test(test_build_refuses_garbage),
		cmocka_unit_test(test_build_replaces_real_enter),
		cmocka_unit_test(test_build_from_reduced_real),
		cmocka_unit_test(test_build_refuses_lying_headers),
		cmocka_unit_test(test_build_survives_damage),
		cmocka_unit_test(test_build_without_process_vm_readv),
		cmocka_unit_test(test_enter_eexit),
		cmocka_unit_test(test_enter_exception),
		cmocka_unit_test(test_enter_bad_leaf),
		cmocka_unit_test(test_enter_reserved_nonzero),
		cmocka_unit_test(test_handler_after_eexit),
		cmocka_unit_test(test_handler_after_exception),
		cmocka_unit_test(test_handler_return_passthrough),
		cmocka_unit_test(test_handler_reenter),
		cmocka_unit_test(test_handler_reenter_invalid),
		cmocka_unit_test(test_rbx_from_exit_rsp),
	};

	(void)argc;
	(void)argv;
	main_envp = envp;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

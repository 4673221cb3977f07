// SPDX-License-Identifier: MIT
/*
 * The rewrite path, for CPUs without CPUID faulting: disassemble the
 * executable segments of every loaded object with Capstone and turn each
 * CPUID (0f a2) into UD2 (0f 0b). Only the second byte changes, so a thread
 * running the instruction meanwhile executes either the old or the new one,
 * both two bytes long. The SIGILL handler emulates the UD2s in the table.
 *
 * Decoding restarts at every known function start (symbols, unwind table),
 * so that data or padding in .text cannot desynchronise it for long. Where
 * function ranges are known (.symtab, or the FDEs of .eh_frame, which strip
 * keeps), only CPUIDs inside functions are patched: 0f a2 in data embedded
 * in .text (OpenSSL's precomputed tables have three) decodes as CPUID too,
 * and patching it would corrupt the data. An object with neither is patched
 * wherever decoding finds a CPUID.
 *
 * A library's constructors and IFUNC resolvers run inside dlopen(), before
 * the rescan that follows it, and see the real CPU.
 */
#include <capstone/capstone.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/auxv.h>

#include "shim/cpuid_priv.h"

#define CPUID_MAX_LEN 15

/* An object already scanned, keyed by load bias and name. */
struct scanned {
	uintptr_t bias;
	char *name;
	uint32_t id;
	bool present; /* seen by the current rescan */
	/* Its first patch, to tell a reloaded copy at the same address. */
	uintptr_t probe;
};

static pthread_mutex_t scan_lock = PTHREAD_MUTEX_INITIALIZER;
static struct grow registry = { .size = sizeof(struct scanned) };
static uint32_t next_id = 1;

struct scan_ctx {
	csh cs;
	cs_insn *insn;
	struct cpuid_poker pk;
	struct grow found; /* struct cpuid_patch of the current object */
	int patched;
	int error;
};

static bool in_exec_segment(const struct cpuid_obj *o, uintptr_t addr)
{
	for (size_t i = 0; i < o->phnum; i++) {
		const ElfW(Phdr) *p = &o->phdr[i];
		uintptr_t lo = o->bias + p->p_vaddr;

		if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && lo <= addr &&
		    addr < lo + p->p_filesz)
			return true;
	}
	return false;
}

/* The vDSO has no CPUID to patch, and its pages are the kernel's. */
static bool is_vdso(const struct cpuid_obj *o)
{
	uintptr_t vdso = getauxval(AT_SYSINFO_EHDR);

	for (size_t i = 0; vdso && i < o->phnum; i++)
		if (o->phdr[i].p_type == PT_LOAD)
			return o->bias + o->phdr[i].p_vaddr == vdso;
	return false;
}

/* Record the CPUID just decoded, unless it is data or softsgx's own. */
static int found_cpuid(struct scan_ctx *c, const struct cpuid_funcs *f,
		       const cs_insn *insn)
{
	struct cpuid_patch p = { insn->address, insn->size, 0 };
	const uint8_t *op = (const uint8_t *)(p.addr + p.len - 2);

	if (p.addr == (uintptr_t)softsgx_cpuid_real_insn ||
	    !cpuid_funcs_cover(f, p.addr) || op[0] != 0x0f || op[1] != 0xa2)
		return 0;
	return grow_push(&c->found, &p);
}

/*
 * Decode from start, a known instruction boundary, and record the CPUIDs
 * that begin before stop. Instructions may run on to end.
 */
static int decode_chunk(struct scan_ctx *c, const struct cpuid_funcs *f,
			uintptr_t start, uintptr_t stop, uintptr_t end)
{
	const uint8_t *code = (const uint8_t *)start;
	size_t size = end - start;
	uint64_t addr = start;
	uintptr_t window =
		stop + CPUID_MAX_LEN < end ? stop + CPUID_MAX_LEN : end;

	/*
	 * A CPUID starting in [start, stop) has its 0f a2 in the window; if
	 * the bytes are absent, decoding would find nothing. This only saves
	 * time (Capstone decodes some 10 MB/s): what is patched is still
	 * exactly what decoding from start finds.
	 */
	if (!memmem(code, window - start, "\x0f\xa2", 2))
		return 0;
	while (addr < stop) {
		if (!cs_disasm_iter(c->cs, &code, &size, &addr, c->insn)) {
			/* Undecodable byte (data): skip it. */
			code++;
			size--;
			addr++;
			continue;
		}
		if (c->insn->id == X86_INS_CPUID && found_cpuid(c, f, c->insn))
			return -ENOMEM;
	}
	return 0;
}

/* Decode [lo, hi) in chunks that begin at the known function starts. */
static int scan_segment(struct scan_ctx *c, const struct cpuid_funcs *f,
			uintptr_t lo, uintptr_t hi)
{
	size_t k = 0;
	uintptr_t start = lo;

	while (k < f->nr_sync && f->sync[k] <= lo)
		k++;
	while (start < hi) {
		uintptr_t stop =
			k < f->nr_sync && f->sync[k] < hi ? f->sync[k++] : hi;

		if (decode_chunk(c, f, start, stop, hi))
			return -ENOMEM;
		start = stop;
	}
	return 0;
}

/* Publish the object's CPUIDs, then turn each into UD2. */
static int patch_found(struct scan_ctx *c, uint32_t id)
{
	struct cpuid_patch *p = c->found.v;
	int ret;

	for (size_t i = 0; i < c->found.n; i++)
		p[i].obj = id;
	ret = cpuid_table_update(p, c->found.n, NULL, 0);
	if (ret)
		return ret;
	for (size_t i = 0; i < c->found.n; i++)
		if (cpuid_poke(&c->pk, p[i].addr + p[i].len - 1, 0x0b) == 0)
			c->patched++;
	return 0;
}

static int scan_object(struct scan_ctx *c, const struct cpuid_obj *o,
		       struct scanned *s)
{
	struct cpuid_funcs f;
	int ret = 0;

	if (cpuid_elf_functions(o, &f)) {
		cpuid_funcs_free(&f);
		return -ENOMEM;
	}
	c->found.n = 0;
	for (size_t i = 0; i < o->phnum && !ret; i++) {
		const ElfW(Phdr) *p = &o->phdr[i];
		uintptr_t lo = o->bias + p->p_vaddr;

		if (p->p_type == PT_LOAD && (p->p_flags & PF_X))
			ret = scan_segment(c, &f, lo, lo + p->p_filesz);
	}
	cpuid_funcs_free(&f);
	if (!ret && c->found.n) {
		s->probe = ((struct cpuid_patch *)c->found.v)[0].addr;
		s->probe += ((struct cpuid_patch *)c->found.v)[0].len - 1;
		ret = patch_found(c, s->id);
	}
	return ret;
}

/* Still the copy we patched? A reloaded one has its CPUID back. */
static bool same_copy(const struct scanned *s, const struct cpuid_obj *o)
{
	if (!s->probe)
		return true;
	return in_exec_segment(o, s->probe) &&
	       *(const uint8_t *)s->probe == 0x0b;
}

static struct scanned *registry_find(const struct cpuid_obj *o)
{
	struct scanned *s = registry.v;

	for (size_t i = 0; i < registry.n; i++)
		if (s[i].bias == o->bias && !strcmp(s[i].name, o->name) &&
		    same_copy(&s[i], o))
			return &s[i];
	return NULL;
}

static struct scanned *registry_add(const struct cpuid_obj *o)
{
	struct scanned s = { o->bias, strdup(o->name), next_id++, true, 0 };

	if (!s.name || grow_push(&registry, &s)) {
		free(s.name);
		return NULL;
	}
	return (struct scanned *)registry.v + registry.n - 1;
}

static int scan_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct scan_ctx *c = arg;
	struct cpuid_obj o = { info->dlpi_addr, info->dlpi_name ?: "",
			       info->dlpi_phdr, info->dlpi_phnum };
	struct scanned *s;

	(void)size;
	if (is_vdso(&o))
		return 0;
	s = registry_find(&o);
	if (s) {
		s->present = true;
		return 0;
	}
	s = registry_add(&o);
	if (!s) {
		c->error = -ENOMEM;
		return 1;
	}
	/* softsgx's own library (not when linked into the program). */
	if (o.name[0] &&
	    in_exec_segment(&o, (uintptr_t)softsgx_cpuid_real_insn))
		return 0;
	c->error = scan_object(c, &o, s);
	return c->error != 0;
}

/* Forget objects no longer loaded, and their table entries. */
static int drop_absent(void)
{
	struct scanned *s = registry.v;
	struct grow gone = { .size = sizeof(uint32_t) };
	size_t k = 0;
	int ret = 0;

	for (size_t i = 0; i < registry.n; i++) {
		if (s[i].present) {
			s[k++] = s[i];
			continue;
		}
		if (grow_push(&gone, &s[i].id))
			ret = -ENOMEM;
		free(s[i].name);
	}
	registry.n = k;
	if (gone.n && !ret)
		ret = cpuid_table_update(NULL, 0, gone.v, gone.n);
	free(gone.v);
	return ret;
}

static int rescan_locked(void)
{
	struct scan_ctx c = { .pk = { .memfd = -1 } };
	struct scanned *s = registry.v;

	c.found.size = sizeof(struct cpuid_patch);
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &c.cs) != CS_ERR_OK)
		return -ENOMEM;
	c.insn = cs_malloc(c.cs);
	for (size_t i = 0; i < registry.n; i++)
		s[i].present = false;
	if (c.insn)
		dl_iterate_phdr(scan_cb, &c);
	else
		c.error = -ENOMEM;
	if (!c.error)
		c.error = drop_absent();
	if (c.insn)
		cs_free(c.insn, 1);
	cs_close(&c.cs);
	cpuid_poker_done(&c.pk);
	free(c.found.v);
	return c.error ? c.error : c.patched;
}

static void lock(void)
{
	pthread_mutex_lock(&scan_lock);
}

static void unlock(void)
{
	pthread_mutex_unlock(&scan_lock);
}

/* A child must not inherit the lock held by a thread that does not exist. */
static void register_atfork(void)
{
	pthread_atfork(lock, unlock, unlock);
}

int softsgx_cpuid_enable_rewrite(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	int ret;

	pthread_once(&once, register_atfork);
	lock();
	atomic_store(&softsgx_cpuid_cur_mode, SOFTSGX_CPUID_REWRITE);
	ret = rescan_locked();
	unlock();
	return ret;
}

void softsgx_cpuid_rescan(void)
{
	if (atomic_load(&softsgx_cpuid_cur_mode) != SOFTSGX_CPUID_REWRITE)
		return;
	lock();
	rescan_locked();
	unlock();
}

size_t softsgx_cpuid_patched_count(void)
{
	return cpuid_table_count();
}

bool softsgx_cpuid_is_patched(uintptr_t addr)
{
	return cpuid_patch_lookup(addr) != 0;
}

// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arch/epc.h"
#include "driver/driver.h"
#include "driver/encl.h"
#include "driver/ioctl.h"
#include "lsm/lsm.h"
#include "shim/files.h"
#include "shim/mm.h"
#include "shim/shim.h"
#include "shim/sys.h"

#define SHIM_EXPORT __attribute__((visibility("default")))
#define PAGE_MASK (~(SGX_PAGE_SIZE - 1))

struct shim_vma {
	uintptr_t start, end;
	int prot; /* what mmap/mprotect asked for */
	struct shim_file *file; /* holds a reference */
};

/*
 * Immutable snapshots, so that the signal path (translate, fault
 * classification) reads them without a lock. Writers publish a new one
 * under vma_lock and free the old one once no reader is left.
 */
struct vma_table {
	size_t nr;
	struct shim_vma vma[];
};

static struct vma_table *_Atomic vma_table;
static atomic_int vma_readers;
static pthread_mutex_t vma_lock = PTHREAD_MUTEX_INITIALIZER;

static long sys_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd,
		     off_t off)
{
	return SYS(SYS_mmap, addr, len, prot, flags, fd, off);
}

static void *fail_ptr(int err)
{
	errno = err;
	return MAP_FAILED;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static const struct vma_table *vma_read_begin(void)
{
	atomic_fetch_add(&vma_readers, 1);
	return atomic_load(&vma_table);
}

static void vma_read_end(void)
{
	atomic_fetch_sub(&vma_readers, 1);
}

static const struct shim_vma *vma_find(const struct vma_table *t,
				       uintptr_t addr)
{
	for (size_t i = 0; t && i < t->nr; i++)
		if (addr >= t->vma[i].start && addr < t->vma[i].end)
			return &t->vma[i];
	return NULL;
}

static struct vma_table *vma_table_alloc(size_t nr)
{
	struct vma_table *t = malloc(sizeof(*t) + nr * sizeof(struct shim_vma));

	if (t)
		t->nr = 0;
	return t;
}

/* Publish next (vma_lock held); drop the references of the old table. */
static void vma_publish(struct vma_table *next)
{
	struct vma_table *old = atomic_exchange(&vma_table, next);

	for (size_t i = 0; next && i < next->nr; i++)
		shim_file_ref(next->vma[i].file);
	while (atomic_load(&vma_readers))
		sched_yield();
	for (size_t i = 0; old && i < old->nr; i++)
		shim_file_unref(old->vma[i].file);
	free(old);
}

static void vma_push(struct vma_table *t, const struct shim_vma *v,
		     uintptr_t start, uintptr_t end, int prot)
{
	if (start >= end)
		return;
	t->vma[t->nr] = *v;
	t->vma[t->nr].start = start;
	t->vma[t->nr].end = end;
	t->vma[t->nr].prot = prot;
	t->nr++;
}

/*
 * A copy of the current table where [start, end) is cut out of every
 * VMA, or given prot (prot >= 0) where it overlaps one; add (if not NULL)
 * is appended. Called with vma_lock held.
 */
static struct vma_table *vma_rebuild(uintptr_t start, uintptr_t end, int prot,
				     const struct shim_vma *add)
{
	const struct vma_table *cur = atomic_load(&vma_table);
	size_t nr = cur ? cur->nr : 0;
	struct vma_table *t = vma_table_alloc(2 * nr + 1);

	if (!t)
		return NULL;
	for (size_t i = 0; i < nr; i++) {
		const struct shim_vma *v = &cur->vma[i];
		uintptr_t lo = v->start > start ? v->start : start;
		uintptr_t hi = v->end < end ? v->end : end;

		if (lo >= hi) {
			vma_push(t, v, v->start, v->end, v->prot);
			continue;
		}
		vma_push(t, v, v->start, lo, v->prot);
		if (prot >= 0)
			vma_push(t, v, lo, hi, prot);
		vma_push(t, v, hi, v->end, v->prot);
	}
	if (add)
		vma_push(t, add, add->start, add->end, add->prot);
	return t;
}

static int epcm_prot(const struct sgx_epcm_entry *e)
{
	return (e->perm & SGX_SECINFO_R ? PROT_READ : 0) |
	       (e->perm & SGX_SECINFO_W ? PROT_WRITE : 0) |
	       (e->perm & SGX_SECINFO_X ? PROT_EXEC : 0);
}

/* What the page tables give one enclave page under a VMA with vma_prot. */
static int page_prot(struct sgx_encl *encl, uint64_t off, int vma_prot)
{
	const struct sgx_encl_page *page = &encl->pages[off >> SGX_PAGE_SHIFT];
	const struct sgx_epcm_entry *e;

	if (!(page->flags & SGX_ENCL_PAGE_PRESENT) ||
	    (vma_prot & ~page->vm_max_prot_bits))
		return PROT_NONE; /* the kernel's fault handler: SIGBUS */
	e = sgx_epcm_lookup(sgx_driver_cpu(),
			    (uintptr_t)sgx_encl_epc_page(encl, off));
	if (!e || !e->valid || e->page_type != SGX_PAGE_TYPE_REG ||
	    e->pending || e->modified || e->blocked)
		return PROT_NONE;
	return vma_prot & epcm_prot(e);
}

/*
 * page_prot() under the enclave policy: a page may have appeared under
 * this mapping after it was made (ADD_PAGES, EAUG), so the policy decides
 * for it as for a fault. Without a policy this is page_prot() itself.
 */
static int policy_prot(struct sgx_encl *encl, uintptr_t addr, int vma_prot)
{
	int prot = page_prot(encl, addr - encl->base, vma_prot);

	if (prot > 0 && sgx_lsm_active() &&
	    security_enclave_fault(encl->security, addr, (unsigned long)prot))
		return PROT_NONE;
	return prot;
}

/* Maps [start, end) of ELRANGE from the backing, then opens page runs. */
static void apply_elrange(const struct shim_vma *v, struct sgx_encl *encl,
			  uintptr_t start, uintptr_t end)
{
	uintptr_t run = start;
	int run_prot = -1;

	if (sys_mmap(start, end - start, PROT_NONE, MAP_SHARED | MAP_FIXED,
		     encl->memfd, (off_t)sgx_encl_file_offset(encl, start)) < 0)
		return;
	for (uintptr_t a = start; a <= end; a += SGX_PAGE_SIZE) {
		int prot = a < end ? policy_prot(encl, a, v->prot) : -1;

		if (prot == run_prot)
			continue;
		if (run_prot > 0)
			SYS(SYS_mprotect, run, a - run, run_prot);
		run = a;
		run_prot = prot;
	}
}

static void reserve(uintptr_t start, uintptr_t end)
{
	if (start < end)
		sys_mmap(start, end - start, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
				 MAP_FIXED,
			 -1, 0);
}

static atomic_ulong mm_seq;

uint64_t shim_mm_seq(void)
{
	return atomic_load(&mm_seq);
}

/* Outside ELRANGE (or before CREATE) an enclave mapping only reserves. */
static void apply(const struct shim_vma *v)
{
	struct sgx_encl *encl = v->file->encl;
	uintptr_t lo = v->start, hi = v->start;

	if (atomic_load(&encl->attached) && encl->nr_pages) {
		lo = v->start > encl->base ? v->start : encl->base;
		hi = v->end < encl->base + encl->size ? v->end :
							encl->base + encl->size;
	}
	atomic_fetch_add(&mm_seq, 1);
	if (lo >= hi) {
		reserve(v->start, v->end);
	} else {
		reserve(v->start, lo);
		apply_elrange(v, encl, lo, hi);
		reserve(hi, v->end);
	}
	atomic_fetch_add(&mm_seq, 1);
}

static void refresh_locked(struct sgx_encl *encl)
{
	const struct vma_table *t = atomic_load(&vma_table);

	for (size_t i = 0; t && i < t->nr; i++)
		if (t->vma[i].file->encl == encl)
			apply(&t->vma[i]);
}

void shim_mm_refresh(struct sgx_encl *encl)
{
	pthread_mutex_lock(&vma_lock);
	refresh_locked(encl);
	pthread_mutex_unlock(&vma_lock);
}

static bool overlaps_enclave(uintptr_t start, uintptr_t end)
{
	const struct vma_table *t = atomic_load(&vma_table);

	for (size_t i = 0; t && i < t->nr; i++)
		if (t->vma[i].start < end && start < t->vma[i].end)
			return true;
	return false;
}

/* The kernel's mprotect rule for every enclave VMA part of [start, end). */
static int check_may_mprotect(uintptr_t start, uintptr_t end, int prot)
{
	const struct vma_table *t = atomic_load(&vma_table);

	for (size_t i = 0; t && i < t->nr; i++) {
		const struct shim_vma *v = &t->vma[i];
		uintptr_t lo = v->start > start ? v->start : start;
		uintptr_t hi = v->end < end ? v->end : end;

		int ret = lo < hi ? sgx_encl_may_map(v->file->encl, lo, hi,
						     (unsigned long)prot) :
				    0;

		if (ret)
			return ret;
	}
	return 0;
}

static int mmap_reserve(uintptr_t addr, size_t len, int flags, uintptr_t *start)
{
	int fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	long ret;

	if (fixed && (addr & ~PAGE_MASK))
		return -EINVAL;
	if (flags & MAP_FIXED) {
		*start = addr;
		return 0;
	}
	ret = sys_mmap(addr, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			       (flags & MAP_FIXED_NOREPLACE),
		       -1, 0);
	if (ret < 0 && ret > -4096)
		return (int)ret;
	*start = (uintptr_t)ret;
	return 0;
}

static void *enclave_mmap(struct shim_file *f, uintptr_t addr, size_t len,
			  int prot, int flags)
{
	struct shim_vma v = { .prot = prot, .file = f };
	struct vma_table *next;
	int acc = f->open_flags & O_ACCMODE, ret;

	if ((flags & MAP_TYPE) != MAP_SHARED &&
	    (flags & MAP_TYPE) != MAP_SHARED_VALIDATE)
		return fail_ptr(EINVAL);
	if (!len)
		return fail_ptr(EINVAL);
	len = (len + SGX_PAGE_SIZE - 1) & PAGE_MASK;
	if (acc == O_WRONLY || ((prot & PROT_WRITE) && acc == O_RDONLY))
		return fail_ptr(EACCES);
	ret = mmap_reserve(addr, len, flags, &v.start);
	if (ret)
		return fail_ptr(-ret);
	v.end = v.start + len;
	ret = sgx_encl_may_map(f->encl, v.start, v.end, (unsigned long)prot);
	if (ret) {
		if (!(flags & MAP_FIXED))
			SYS(SYS_munmap, v.start, len);
		return fail_ptr(-ret);
	}
	pthread_mutex_lock(&vma_lock);
	next = vma_rebuild(v.start, v.end, -1, &v);
	if (next) {
		vma_publish(next);
		apply(&v);
	}
	pthread_mutex_unlock(&vma_lock);
	return next ? (void *)v.start : fail_ptr(ENOMEM);
}

SHIM_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	struct shim_file *f =
		(flags & MAP_ANONYMOUS) ? NULL : shim_file_get(fd);
	long ret;

	if (f && f->type == SHIM_FILE_ENCLAVE)
		return enclave_mmap(f, (uintptr_t)addr, len, prot, flags);
	if (f)
		return fail_ptr(ENODEV); /* sgx_provision cannot be mapped */
	ret = sys_mmap((uintptr_t)addr, len, prot, flags, fd, off);
	if (ret < 0 && ret > -4096)
		return fail_ptr((int)-ret);
	if ((flags & MAP_FIXED) &&
	    overlaps_enclave((uintptr_t)ret, (uintptr_t)ret + len)) {
		/* The new mapping replaced part of an enclave mapping. */
		pthread_mutex_lock(&vma_lock);
		vma_publish(vma_rebuild((uintptr_t)ret, (uintptr_t)ret + len,
					-1, NULL));
		pthread_mutex_unlock(&vma_lock);
	}
	return (void *)ret;
}

SHIM_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
			 off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

SHIM_EXPORT int munmap(void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr;
	uintptr_t end = start + ((len + SGX_PAGE_SIZE - 1) & PAGE_MASK);
	long ret = SYS(SYS_munmap, addr, len);

	if (ret)
		return fail((int)-ret);
	if (overlaps_enclave(start, end)) {
		pthread_mutex_lock(&vma_lock);
		vma_publish(vma_rebuild(start, end, -1, NULL));
		pthread_mutex_unlock(&vma_lock);
	}
	return 0;
}

/* Whether a VMA of encl overlaps [start, end) in table t. */
static bool enclave_in_range(const struct vma_table *t,
			     const struct sgx_encl *encl, uintptr_t start,
			     uintptr_t end)
{
	for (size_t i = 0; i < t->nr; i++)
		if (t->vma[i].file->encl == encl && t->vma[i].start < end &&
		    start < t->vma[i].end)
			return true;
	return false;
}

SHIM_EXPORT int mprotect(void *addr, size_t len, int prot)
{
	uintptr_t start = (uintptr_t)addr;
	uintptr_t end = start + ((len + SGX_PAGE_SIZE - 1) & PAGE_MASK);
	struct vma_table *next;
	long ret;

	if (!overlaps_enclave(start, end))
		return (int)shim_sys_result(SYS(SYS_mprotect, addr, len, prot));
	pthread_mutex_lock(&vma_lock);
	ret = check_may_mprotect(start, end, prot);
	if (!ret)
		ret = SYS(SYS_mprotect, addr, len, prot);
	if (!ret) {
		next = vma_rebuild(start, end, prot, NULL);
		vma_publish(next);
		for (size_t i = 0; next && i < next->nr; i++)
			if (next->vma[i].start < end &&
			    start < next->vma[i].end)
				apply(&next->vma[i]);
		/*
		 * A page mapped writable here may lose its right to be
		 * executable (safe-to-execute): other mappings of the same
		 * enclave are re-derived under the policy too.
		 */
		for (size_t i = 0; next && sgx_lsm_active() && i < next->nr;
		     i++)
			if (!(next->vma[i].start < end &&
			      start < next->vma[i].end) &&
			    enclave_in_range(next, next->vma[i].file->encl,
					     start, end))
				apply(&next->vma[i]);
	}
	pthread_mutex_unlock(&vma_lock);
	return ret ? fail((int)-ret) : 0;
}

SHIM_EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags,
			 ...)
{
	uintptr_t start = (uintptr_t)old;
	void *new_addr = NULL;
	va_list ap;
	long ret;

	va_start(ap, flags);
	if (flags & MREMAP_FIXED)
		new_addr = va_arg(ap, void *);
	va_end(ap);
	if (overlaps_enclave(start, start + old_len)) {
		/* VM_DONTEXPAND | VM_PFNMAP: enclave mappings cannot grow. */
		if (new_len > old_len)
			return fail_ptr(EFAULT);
		if (flags & MREMAP_FIXED)
			return fail_ptr(EINVAL);
		if (new_len < old_len &&
		    munmap((char *)old + new_len, old_len - new_len))
			return MAP_FAILED;
		return old;
	}
	ret = SYS(SYS_mremap, old, old_len, new_len, flags, new_addr);
	return ret < 0 && ret > -4096 ? fail_ptr((int)-ret) : (void *)ret;
}

SHIM_EXPORT int madvise(void *addr, size_t len, int advice)
{
	uintptr_t start = (uintptr_t)addr;

	/* Enclave pages are not the kernel's to drop (VM_PFNMAP). */
	if ((advice == MADV_DONTNEED || advice == MADV_FREE ||
	     advice == MADV_REMOVE) &&
	    overlaps_enclave(start, start + len))
		return fail(EINVAL);
	return (int)shim_sys_result(SYS(SYS_madvise, addr, len, advice));
}

uintptr_t shim_translate(void *ctx, uint64_t linaddr)
{
	const struct vma_table *t = vma_read_begin();
	const struct shim_vma *v = vma_find(t, linaddr);
	uintptr_t epc = 0;

	(void)ctx;
	if (v) {
		struct sgx_encl *encl = v->file->encl;
		uint64_t off = linaddr - encl->base;

		if (sgx_encl_test_flag(encl, SGX_ENCL_CREATED) &&
		    linaddr >= encl->base && off < encl->size &&
		    encl->nr_pages &&
		    (encl->pages[off >> SGX_PAGE_SHIFT].flags &
		     SGX_ENCL_PAGE_PRESENT))
			epc = (uintptr_t)sgx_encl_epc_page(encl,
							   off & PAGE_MASK);
	}
	vma_read_end();
	return epc;
}

void shim_mm_sync(uint64_t addr)
{
	const struct vma_table *t = vma_read_begin();
	const struct shim_vma *v = vma_find(t, addr);
	struct sgx_encl *encl = v ? v->file->encl : NULL;
	uint64_t epoch = 0, seen = 0;

	if (encl) {
		epoch = atomic_load(&encl->sh->mm_epoch);
		seen = atomic_load(&encl->mm_seen);
		if (epoch == seen)
			encl = NULL;
		else
			sgx_encl_get(encl); /* outlives the table snapshot */
	}
	vma_read_end();
	if (!encl)
		return;
	/*
	 * Seen only once re-derived, so that a second thread entering now
	 * does not go in first. An entry from a handler that interrupted
	 * this process's own mmap would wait for itself: try again at the
	 * next entry instead.
	 */
	if (!pthread_mutex_trylock(&vma_lock)) {
		refresh_locked(encl);
		pthread_mutex_unlock(&vma_lock);
		atomic_compare_exchange_strong(&encl->mm_seen, &seen, epoch);
	}
	sgx_encl_put(encl);
}

bool shim_mm_aug(uint64_t addr)
{
	const struct vma_table *t = vma_read_begin();
	const struct shim_vma *v = vma_find(t, addr);
	struct sgx_encl *encl = v ? v->file->encl : NULL;
	bool added = false;

	if (encl && sgx_encl_test_flag(encl, SGX_ENCL_INITIALIZED) &&
	    addr >= encl->base && addr - encl->base < encl->size &&
	    encl->nr_pages &&
	    !(encl->pages[(addr - encl->base) >> SGX_PAGE_SHIFT].flags &
	      SGX_ENCL_PAGE_PRESENT))
		added = !sgx_encl_aug_page(encl,
					   (addr - encl->base) & PAGE_MASK);
	vma_read_end();
	return added;
}

void shim_mm_modpe(uint64_t secinfo_addr, uint64_t page_addr)
{
	const struct vma_table *t = vma_read_begin();
	const struct shim_vma *v = vma_find(t, page_addr);
	struct sgx_encl *encl = v ? v->file->encl : NULL;
	const struct sgx_secinfo *secinfo;

	if (encl && sgx_encl_test_flag(encl, SGX_ENCL_CREATED) &&
	    secinfo_addr - encl->base < encl->size &&
	    page_addr - encl->base < encl->size) {
		/* EMODPE read it from enclave memory already: it is there. */
		secinfo = sgx_encl_epc_page(encl, secinfo_addr - encl->base);
		security_enclave_modpe(
			encl->security, (page_addr - encl->base) & PAGE_MASK,
			secinfo->flags & SGX_SECINFO_PERMISSION_MASK);
	}
	vma_read_end();
}

bool shim_mm_fixup(uint64_t addr, bool write, bool fetch)
{
	const struct vma_table *t = vma_read_begin();
	const struct shim_vma *v = vma_find(t, addr);
	int need = fetch ? PROT_EXEC : write ? PROT_WRITE : PROT_READ;
	bool fixed = false;

	if (v) {
		struct sgx_encl *encl = v->file->encl;
		uint64_t off = addr - encl->base;

		if (sgx_encl_test_flag(encl, SGX_ENCL_CREATED) &&
		    addr >= encl->base && off < encl->size && encl->nr_pages) {
			int prot = page_prot(encl, off & PAGE_MASK, v->prot);

			/* The policy decides for a page new to this mapping. */
			fixed = (prot & need) &&
				!security_enclave_fault(encl->security,
							addr & PAGE_MASK,
							(unsigned long)prot) &&
				!SYS(SYS_mprotect, addr & PAGE_MASK,
				     SGX_PAGE_SIZE, prot);
		}
	}
	vma_read_end();
	return fixed;
}

bool shim_mm_vma_allows(uint64_t addr, bool write, bool fetch)
{
	const struct vma_table *t = vma_read_begin();
	const struct shim_vma *v = vma_find(t, addr);
	int need = fetch ? PROT_EXEC : write ? PROT_WRITE : PROT_READ;
	bool allows = v && (v->prot & need);

	vma_read_end();
	return allows;
}

bool shim_mm_sigsegv(siginfo_t *si, ucontext_t *uc)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	const struct vma_table *t;
	const struct shim_vma *v;
	bool sigbus = false;

	if (si->si_code <= 0)
		return false;
	/* Even a host access to an unbacked page EAUGs it (spec 3.6). */
	if (shim_mm_aug(addr))
		return true;
	t = vma_read_begin();
	v = vma_find(t, addr);
	if (v) {
		struct sgx_encl *encl = v->file->encl;
		uint64_t off = addr - encl->base;
		const struct sgx_encl_page *page = NULL;

		if (sgx_encl_test_flag(encl, SGX_ENCL_CREATED) &&
		    addr >= encl->base && off < encl->size && encl->nr_pages)
			page = &encl->pages[off >> SGX_PAGE_SHIFT];
		/* No page there, or a VMA wider than the page allows. */
		sigbus = !page || !(page->flags & SGX_ENCL_PAGE_PRESENT) ||
			 (v->prot & ~page->vm_max_prot_bits);
	}
	vma_read_end();
	if (sigbus) {
		siginfo_t info = *si;

		info.si_signo = SIGBUS;
		info.si_code = BUS_ADRERR;
		shim_deliver(SIGBUS, &info, uc);
	}
	return sigbus;
}

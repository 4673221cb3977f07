// SPDX-License-Identifier: MIT
/*
 * The hooks (lsm.h) and the three permission models (docs/policy.md).
 *
 * A page's history is recorded whatever the model; the model in force
 * decides which permissions an operation needs:
 *
 *   upstream         ADD of an X page: execanon if its source was anonymous,
 *                    execdirty if SECINFO also has W, execunmr if not
 *                    measured (Sean Christopherson's RFC v4 checks on the
 *                    SECINFO maximum that Linux merged).
 *   vma-propagate    the source mapping's R/W cap the page; an X page needs
 *                    execanon unless its source was an executable file
 *                    mapping; execdirty if W and X both survive; execunmr.
 *   safe-to-execute  ADD needs only execunmr; a page is safe when loaded
 *                    from an executable file mapping and loses that for
 *                    good when mapped writable; mapping X needs the bit, or
 *                    execdirty (written) / execanon (never safe).
 *
 * In every model: W+X in one mapping needs mapwx, and X on a page that
 * was ever writable (EAUG'd pages included) needs execdirty.
 *
 * While an enclave is built its identity is unknown; a decision that
 * depends on it is deferred to INIT, which then fails with -EACCES and an
 * audit line naming the page. Each permission is logged at most once per
 * call (a whole ADD_PAGES, a whole mmap), like the kernel's AVC cache.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lsm/lsm.h"
#include "lsm/lsm_priv.h"

#define PAGE_SHIFT 12
#define RWX (PROT_READ | PROT_WRITE | PROT_EXEC)
#define BIT(p) ((uint8_t)SGX_LSM_PERM_BIT(p))

/* A decision for an enclave under construction, valid for one policy. */
struct perm_cache {
	bool valid;
	uint64_t generation;
	uid_t uid;
	gid_t gid;
	struct sgx_lsm_decision d;
};

/*
 * What every process holding the enclave must agree on (the driver keeps it
 * in the enclave's shared memory): a page made writable in one process is
 * never safe to execute in another, and an identity INIT learnt in one is
 * the enclave's everywhere. Bytes change atomically across processes.
 */
struct sgx_lsm_shared {
	struct sgx_lsm_object obj;
	uint8_t pages[];
};

struct sgx_lsm_encl {
	pthread_mutex_t lock; /* everything below, within this process */
	uint64_t base;
	size_t nr_pages;
	struct sgx_lsm_shared *sh;
	bool own_sh; /* allocated here, not the driver's shared memory */
	uint8_t *pages; /* sh->pages: SGX_LSM_PAGE_* per page of ELRANGE */
	struct sgx_lsm_object *obj; /* &sh->obj: what is known of it */
	struct sgx_lsm_object candidate; /* the identity INIT is trying */
	uint8_t deferred; /* permissions INIT must decide */
	uint64_t deferred_addr[SGX_LSM_NR_PERMS];
	struct perm_cache cache[SGX_LSM_NR_PERMS];
};

/* One hook call: the policy, who asks, about what, what was logged. */
struct hook {
	const struct sgx_lsm_policy *pol;
	const struct sgx_lsm_subject *subj;
	struct sgx_lsm_subject subj_buf;
	const struct sgx_lsm_object *obj;
	struct sgx_lsm_encl *blob; /* deferrals and cache; may be NULL */
	const char *op;
	uint8_t *audited;
	uint8_t audited_local;
	uint8_t memo_valid;
	struct sgx_lsm_decision memo[SGX_LSM_NR_PERMS];
};

/* False (and nothing to do) when no policy is in force. */
static bool hook_begin(struct hook *h, const char *op,
		       struct sgx_lsm_encl *blob,
		       const struct sgx_lsm_object *obj)
{
	if (!sgx_lsm_active())
		return false;
	h->pol = sgx_lsm_policy_get();
	if (!h->pol) {
		sgx_lsm_policy_put();
		return false;
	}
	h->subj = sgx_lsm_hook_subject(&h->subj_buf);
	h->obj = obj;
	h->blob = blob;
	h->op = op;
	h->audited_local = 0;
	h->audited = &h->audited_local;
	h->memo_valid = 0;
	return true;
}

static void hook_end(struct hook *h)
{
	(void)h;
	sgx_lsm_policy_put();
}

/* Page-independent, so decided once per call; before INIT, once per build. */
static void decide(struct hook *h, enum sgx_lsm_perm perm,
		   struct sgx_lsm_decision *d)
{
	struct perm_cache *c = NULL;

	if (h->memo_valid & BIT(perm)) {
		*d = h->memo[perm];
		return;
	}
	if (h->blob && h->obj == h->blob->obj && !h->obj->identity_known)
		c = &h->blob->cache[perm];
	if (c && c->valid && c->generation == h->pol->generation &&
	    c->uid == h->subj->uid && c->gid == h->subj->gid) {
		*d = c->d;
	} else {
		sgx_lsm_decide(h->pol, h->subj, h->obj, perm, d);
		if (c)
			*c = (struct perm_cache){ true, h->pol->generation,
						  h->subj->uid, h->subj->gid,
						  *d };
	}
	h->memo[perm] = *d;
	h->memo_valid |= BIT(perm);
}

/* 0 allowed (or permissive), -EACCES denied, 1 undetermined. */
static int check(struct hook *h, enum sgx_lsm_perm perm, uint64_t addr)
{
	struct sgx_lsm_decision d;
	bool granted;

	decide(h, perm, &d);
	if (d.undetermined)
		return 1;
	granted = d.verdict == SGX_LSM_ALLOW;
	if ((!granted || h->pol->audit_grants) && !(*h->audited & BIT(perm))) {
		struct sgx_lsm_audit_event ev = { perm, granted, h->op, addr,
						  d.rule };

		*h->audited |= BIT(perm);
		sgx_lsm_audit_log(h->pol, h->subj, h->obj, &ev);
	}
	return granted || h->pol->permissive ? 0 : -EACCES;
}

static void defer(struct sgx_lsm_encl *blob, enum sgx_lsm_perm perm,
		  uint64_t addr)
{
	if (!blob || (blob->deferred & BIT(perm)))
		return;
	blob->deferred |= BIT(perm);
	blob->deferred_addr[perm] = addr;
}

/* Each needed permission in turn; the first enforced denial stops. */
static int check_all(struct hook *h, uint8_t needed, uint64_t addr)
{
	for (int perm = 0; perm < SGX_LSM_NR_PERMS; perm++) {
		int ret;

		if (!(needed & BIT(perm)))
			continue;
		ret = check(h, (enum sgx_lsm_perm)perm, addr);
		if (ret == 1)
			defer(h->blob, (enum sgx_lsm_perm)perm, addr);
		else if (ret)
			return ret;
	}
	return 0;
}

/* --- the blob ----------------------------------------------------------- */

size_t security_enclave_shared_size(size_t nr_pages)
{
	return sizeof(struct sgx_lsm_shared) + nr_pages;
}

int security_enclave_alloc(struct sgx_lsm_encl **blob, uint64_t base,
			   size_t nr_pages, uint64_t attributes, void *shared)
{
	struct sgx_lsm_encl *b;

	*blob = NULL;
	if (!sgx_lsm_active())
		return 0;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->own_sh = !shared;
	/* calloc of a large array is lazily zeroed memory. */
	b->sh = shared ? shared :
			 calloc(1, security_enclave_shared_size(nr_pages));
	if (!b->sh || pthread_mutex_init(&b->lock, NULL)) {
		if (b->own_sh)
			free(b->sh);
		free(b);
		return -ENOMEM;
	}
	b->base = base;
	b->nr_pages = nr_pages;
	b->pages = b->sh->pages;
	b->obj = &b->sh->obj;
	/* The same values whoever comes first: CREATE fixed them. */
	b->obj->attributes_known = true;
	b->obj->attributes = attributes;
	*blob = b;
	return 0;
}

void security_enclave_free(struct sgx_lsm_encl *blob)
{
	if (!blob)
		return;
	pthread_mutex_destroy(&blob->lock);
	if (blob->own_sh)
		free(blob->sh);
	free(blob);
}

static void set_state(struct sgx_lsm_encl *blob, uint64_t offset, uint8_t state)
{
	size_t i = offset >> PAGE_SHIFT;

	if (!blob)
		return;
	pthread_mutex_lock(&blob->lock);
	if (i < blob->nr_pages)
		__atomic_store_n(&blob->pages[i], state, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&blob->lock);
}

void security_enclave_page_added(struct sgx_lsm_encl *blob, uint64_t offset,
				 uint8_t state)
{
	set_state(blob, offset, state);
}

void security_enclave_page_removed(struct sgx_lsm_encl *blob, uint64_t offset)
{
	set_state(blob, offset, 0);
}

uint8_t security_enclave_page_state(struct sgx_lsm_encl *blob, uint64_t offset)
{
	size_t i = offset >> PAGE_SHIFT;
	uint8_t state = 0;

	if (!blob)
		return 0;
	pthread_mutex_lock(&blob->lock);
	if (i < blob->nr_pages)
		state = blob->pages[i];
	pthread_mutex_unlock(&blob->lock);
	return state;
}

uint8_t security_enclave_deferred(struct sgx_lsm_encl *blob)
{
	uint8_t deferred;

	if (!blob)
		return 0;
	pthread_mutex_lock(&blob->lock);
	deferred = blob->deferred;
	pthread_mutex_unlock(&blob->lock);
	return deferred;
}

/* --- load --------------------------------------------------------------- */

/* SECINFO R/W/X as PROT_* (a TCS is RW, as the driver's maximum). */
static uint8_t secinfo_prot(uint64_t secinfo)
{
	uint8_t prot = 0;

	if ((secinfo & SGX_SECINFO_PAGE_TYPE_MASK) == SGX_SECINFO_TCS)
		return PROT_READ | PROT_WRITE;
	if (secinfo & SGX_SECINFO_R)
		prot |= PROT_READ;
	if (secinfo & SGX_SECINFO_W)
		prot |= PROT_WRITE;
	if (secinfo & SGX_SECINFO_X)
		prot |= PROT_EXEC;
	return prot;
}

static bool src_exec(const struct sgx_lsm_source *src)
{
	return (src->prot & PROT_EXEC) && src->may_exec;
}

static bool src_anon(const struct sgx_lsm_source *src)
{
	return !src->file || src->modified;
}

static uint8_t load_state(const struct sgx_lsm_load *l, uint8_t prot)
{
	uint8_t state = SGX_LSM_PAGE_PRESENT;

	if (prot & PROT_EXEC)
		state |= SGX_LSM_PAGE_EXEC;
	if (src_exec(&l->src))
		state |= SGX_LSM_PAGE_SRC_EXEC;
	if (src_anon(&l->src))
		state |= SGX_LSM_PAGE_SRC_ANON;
	if (l->measured)
		state |= SGX_LSM_PAGE_MEASURED;
	/* Andy Lutomirski's bit: loaded from executable file memory. */
	if (src_exec(&l->src) && !src_anon(&l->src))
		state |= SGX_LSM_PAGE_SAFE;
	return state;
}

/* The permissions an ADD needs under model, and the page's cap. */
static uint8_t load_needs(const struct sgx_lsm_policy *pol,
			  const struct sgx_lsm_load *l, uint8_t prot,
			  uint8_t *max_prot)
{
	bool anon = src_anon(&l->src);
	uint8_t needed = 0;

	/* The source's R and W cap the page; X is kept if allowed below. */
	if (pol->model == SGX_LSM_MODEL_VMA_PROPAGATE && !pol->permissive)
		*max_prot = (uint8_t)((l->src.prot & (PROT_READ | PROT_WRITE)) |
				      PROT_EXEC);
	if (!(prot & PROT_EXEC))
		return 0;
	if (!l->measured)
		needed |= BIT(SGX_LSM_EXECUNMR);
	switch (pol->model) {
	case SGX_LSM_MODEL_UPSTREAM:
		if (anon)
			needed |= BIT(SGX_LSM_EXECANON);
		if (prot & PROT_WRITE)
			needed |= BIT(SGX_LSM_EXECDIRTY);
		break;
	case SGX_LSM_MODEL_VMA_PROPAGATE:
		if (anon || !src_exec(&l->src))
			needed |= BIT(SGX_LSM_EXECANON);
		if (prot & *max_prot & PROT_WRITE)
			needed |= BIT(SGX_LSM_EXECDIRTY);
		break;
	case SGX_LSM_MODEL_SAFE_TO_EXECUTE:
		break; /* decided when the page is mapped */
	}
	return needed;
}

int security_enclave_load(struct sgx_lsm_encl *blob, struct sgx_lsm_load *l)
{
	uint8_t prot = secinfo_prot(l->secinfo), needed;
	struct hook h;
	int ret;

	l->max_prot = RWX;
	l->state = load_state(l, prot);
	if (!blob || !hook_begin(&h, "load", blob, blob->obj))
		return 0;
	h.audited = &l->audited;
	pthread_mutex_lock(&blob->lock);
	needed = load_needs(h.pol, l, prot, &l->max_prot);
	ret = check_all(&h, needed, blob->base + l->offset);
	pthread_mutex_unlock(&blob->lock);
	hook_end(&h);
	return ret;
}

/* --- map, mprotect, fault, EMODPE ---------------------------------------- */

static uint8_t map_needs(enum sgx_lsm_model model, uint8_t state,
			 unsigned long prot)
{
	uint8_t needed = 0;

	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		needed |= BIT(SGX_LSM_MAPWX);
	if (!(prot & PROT_EXEC))
		return needed;
	if (state & SGX_LSM_PAGE_WRITTEN)
		needed |= BIT(SGX_LSM_EXECDIRTY);
	else if (model == SGX_LSM_MODEL_SAFE_TO_EXECUTE &&
		 !(state & SGX_LSM_PAGE_SAFE))
		needed |= BIT(SGX_LSM_EXECANON);
	return needed;
}

/* Pages [*first, *last) of ELRANGE that [start, end) covers. */
static bool clip(const struct sgx_lsm_encl *blob, unsigned long start,
		 unsigned long end, size_t *first, size_t *last)
{
	uint64_t top = blob->base + ((uint64_t)blob->nr_pages << PAGE_SHIFT);

	if (end <= blob->base || start >= top || start >= end)
		return false;
	*first = start > blob->base ? (start - blob->base) >> PAGE_SHIFT : 0;
	*last = ((end < top ? end : top) - blob->base + 4095) >> PAGE_SHIFT;
	return true;
}

/* Once a page may be written it is never safe to execute again. */
static void mark_written(struct sgx_lsm_encl *blob, size_t first, size_t last)
{
	for (size_t i = first; i < last; i++)
		if (blob->pages[i] & SGX_LSM_PAGE_PRESENT) {
			__atomic_fetch_or(&blob->pages[i], SGX_LSM_PAGE_WRITTEN,
					  __ATOMIC_RELAXED);
			__atomic_fetch_and(&blob->pages[i],
					   (uint8_t)~SGX_LSM_PAGE_SAFE,
					   __ATOMIC_RELAXED);
		}
}

static int enclave_map(struct sgx_lsm_encl *blob, unsigned long start,
		       unsigned long end, unsigned long prot, const char *op)
{
	size_t first, last;
	struct hook h;
	int ret = 0;

	prot &= RWX;
	if (!blob || !hook_begin(&h, op, blob, blob->obj))
		return 0;
	pthread_mutex_lock(&blob->lock);
	if (clip(blob, start, end, &first, &last)) {
		for (size_t i = first; i < last && !ret; i++)
			if (blob->pages[i] & SGX_LSM_PAGE_PRESENT)
				ret = check_all(&h,
						map_needs(h.pol->model,
							  blob->pages[i], prot),
						blob->base + ((uint64_t)i
							      << PAGE_SHIFT));
		if (!ret && (prot & PROT_WRITE))
			mark_written(blob, first, last);
	}
	pthread_mutex_unlock(&blob->lock);
	hook_end(&h);
	return ret;
}

int security_enclave_map(struct sgx_lsm_encl *blob, unsigned long start,
			 unsigned long end, unsigned long prot)
{
	return enclave_map(blob, start, end, prot, "mmap");
}

int security_enclave_mprotect(struct sgx_lsm_encl *blob, unsigned long start,
			      unsigned long end, unsigned long prot)
{
	return enclave_map(blob, start, end, prot, "mprotect");
}

int security_enclave_fault(struct sgx_lsm_encl *blob, unsigned long addr,
			   unsigned long vma_prot)
{
	addr &= ~4095UL;
	return enclave_map(blob, addr, addr + 4096, vma_prot, "fault");
}

void security_enclave_aug(struct sgx_lsm_encl *blob, uint64_t offset)
{
	/* Zeroed by the CPU, then written by the enclave: never clean. */
	set_state(blob, offset,
		  SGX_LSM_PAGE_PRESENT | SGX_LSM_PAGE_AUG |
			  SGX_LSM_PAGE_WRITTEN);
}

int security_enclave_modpe(struct sgx_lsm_encl *blob, uint64_t offset,
			   uint64_t perms)
{
	struct hook h;
	int ret = 0;
	size_t i = offset >> PAGE_SHIFT;

	if (!(perms & SGX_SECINFO_X) || !blob ||
	    !hook_begin(&h, "emodpe", blob, blob->obj))
		return 0;
	pthread_mutex_lock(&blob->lock);
	if (i < blob->nr_pages && (blob->pages[i] & SGX_LSM_PAGE_PRESENT))
		ret = check_all(
			&h, map_needs(h.pol->model, blob->pages[i], PROT_EXEC),
			blob->base + offset);
	pthread_mutex_unlock(&blob->lock);
	hook_end(&h);
	return ret;
}

/* --- INIT, PROVISION ----------------------------------------------------- */

static void object_from_sigstruct(struct sgx_lsm_object *o,
				  const struct sgx_sigstruct *sig,
				  const uint8_t mrsigner[SGX_HASH_SIZE],
				  uint64_t attributes)
{
	memset(o, 0, sizeof(*o));
	o->identity_known = true;
	o->attributes_known = true;
	memcpy(o->mrenclave, sig->body.mrenclave, SGX_HASH_SIZE);
	memcpy(o->mrsigner, mrsigner, SGX_HASH_SIZE);
	o->isvprodid = sig->body.isv_prod_id;
	o->isvsvn = sig->body.isv_svn;
	o->attributes = attributes;
}

/* launch, then debug and provision if the SECS asks for them. */
static int launch_checks(struct hook *h, uint64_t base, uint64_t attributes)
{
	uint8_t needed = BIT(SGX_LSM_LAUNCH);

	if (attributes & SGX_ATTR_DEBUG)
		needed |= BIT(SGX_LSM_DEBUG);
	if (attributes & SGX_ATTR_PROVISIONKEY)
		needed |= BIT(SGX_LSM_PROVISION);
	return check_all(h, needed, base);
}

/* What ADD and mmap could not decide without the identity. */
static int deferred_checks(struct hook *h, const struct sgx_lsm_encl *blob)
{
	for (int perm = 0; perm < SGX_LSM_NR_PERMS; perm++) {
		int ret;

		if (!(blob->deferred & BIT(perm)))
			continue;
		ret = check(h, (enum sgx_lsm_perm)perm,
			    blob->deferred_addr[perm]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int security_enclave_init(struct sgx_lsm_encl *blob,
			  const struct sgx_sigstruct *sig,
			  const uint8_t mrsigner[SGX_HASH_SIZE], uint64_t base,
			  uint64_t attributes)
{
	struct sgx_lsm_object obj;
	struct hook h;
	int ret;

	object_from_sigstruct(&obj, sig, mrsigner, attributes);
	/* No blob: deferrals and the cache are not used. */
	if (!hook_begin(&h, "init", NULL, &obj))
		return 0;
	if (blob)
		pthread_mutex_lock(&blob->lock);
	ret = launch_checks(&h, base, attributes);
	if (!ret && blob)
		ret = deferred_checks(&h, blob);
	if (!ret && blob)
		blob->candidate = obj;
	if (blob)
		pthread_mutex_unlock(&blob->lock);
	hook_end(&h);
	return ret;
}

void security_enclave_init_done(struct sgx_lsm_encl *blob)
{
	if (!blob)
		return;
	pthread_mutex_lock(&blob->lock);
	if (blob->candidate.identity_known) {
		*blob->obj = blob->candidate;
		blob->deferred = 0;
		memset(blob->cache, 0, sizeof(blob->cache));
	}
	pthread_mutex_unlock(&blob->lock);
}

int security_enclave_provision(struct sgx_lsm_encl *blob)
{
	static const struct sgx_lsm_object unknown; /* before CREATE */
	struct hook h;
	int ret;

	if (!hook_begin(&h, "provision", blob, blob ? blob->obj : &unknown))
		return 0;
	if (blob)
		pthread_mutex_lock(&blob->lock);
	ret = check(&h, SGX_LSM_PROVISION, blob ? blob->base : 0);
	if (blob)
		pthread_mutex_unlock(&blob->lock);
	hook_end(&h);
	return ret < 0 ? ret : 0; /* undetermined: INIT decides */
}

/* --- virtual EPC --------------------------------------------------------- */

int security_vepc_ecreate(uint64_t base, uint64_t attributes,
			  bool provision_allowed)
{
	struct sgx_lsm_object obj = { .attributes_known = true,
				      .attributes = attributes };
	uint8_t needed = 0;
	struct hook h;
	int ret = 0;

	/* Upstream KVM: no PROVISIONKEY without the capability, ever. */
	if ((attributes & SGX_ATTR_PROVISIONKEY) && !provision_allowed)
		return -EPERM;
	if (attributes & SGX_ATTR_PROVISIONKEY)
		needed |= BIT(SGX_LSM_PROVISION);
	if (attributes & SGX_ATTR_DEBUG)
		needed |= BIT(SGX_LSM_DEBUG);
	if (!needed || !hook_begin(&h, "vepc-ecreate", NULL, &obj))
		return 0;
	/* Only what is denied whatever the guest's enclave turns out to be. */
	for (int perm = 0; perm < SGX_LSM_NR_PERMS && !ret; perm++)
		if ((needed & BIT(perm)) &&
		    check(&h, (enum sgx_lsm_perm)perm, base) < 0)
			ret = -EACCES;
	hook_end(&h);
	return ret;
}

int security_vepc_einit(const struct sgx_sigstruct *sig,
			const uint8_t mrsigner[SGX_HASH_SIZE], uint64_t base,
			uint64_t attributes)
{
	struct sgx_lsm_object obj;
	struct hook h;
	int ret;

	object_from_sigstruct(&obj, sig, mrsigner, attributes);
	if (!hook_begin(&h, "vepc-einit", NULL, &obj))
		return 0;
	ret = launch_checks(&h, base, attributes);
	hook_end(&h);
	return ret;
}

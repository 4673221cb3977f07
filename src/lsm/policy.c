// SPDX-License-Identifier: MIT
/*
 * Decisions. A rule decides a permission for a subject and an enclave when
 * it lists the permission and all of its selectors match; the first such
 * rule in file order wins, else the policy's default. First-match is what
 * a reviewer can follow by reading the file top to bottom.
 *
 * Speed (the goal is well under 1 us with 10,000 rules): rules are hashed
 * by their most selective object key (MRENCLAVE, else MRSIGNER, else none)
 * combined with their most selective subject key (an exact exe path, else
 * a label, else none). A query probes the at most 3 x 3 buckets its own
 * keys can fall in; each bucket lists its rules in file order, so a scan
 * stops at its first match or at the best rule found so far.
 *
 * While an enclave is being built its identity is not known yet: rules
 * that select on it neither match nor fail, and a decision they could
 * change is "undetermined" (the hooks then decide at INIT). Those rules
 * are kept per permission in a second list for that case.
 */
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsm/lsm_priv.h"

static const char *const perm_names[SGX_LSM_NR_PERMS] = {
	[SGX_LSM_LAUNCH] = "launch",	   [SGX_LSM_PROVISION] = "provision",
	[SGX_LSM_DEBUG] = "debug",	   [SGX_LSM_MAPWX] = "mapwx",
	[SGX_LSM_EXECDIRTY] = "execdirty", [SGX_LSM_EXECANON] = "execanon",
	[SGX_LSM_EXECUNMR] = "execunmr",
};

const struct sgx_lsm_attr_name sgx_lsm_attr_names[] = {
	{ "debug", SGX_ATTR_DEBUG },
	{ "mode64bit", SGX_ATTR_MODE64BIT },
	{ "provisionkey", SGX_ATTR_PROVISIONKEY },
	{ "einittokenkey", SGX_ATTR_EINITTOKENKEY },
	{ "kss", SGX_ATTR_KSS },
	{ "aexnotify", SGX_ATTR_AEXNOTIFY },
	{ NULL, 0 },
};

const char *sgx_lsm_perm_name(enum sgx_lsm_perm perm)
{
	return perm < SGX_LSM_NR_PERMS ? perm_names[perm] : "?";
}

int sgx_lsm_perm_from_name(const char *name)
{
	for (int p = 0; p < SGX_LSM_NR_PERMS; p++)
		if (!strcmp(name, perm_names[p]))
			return p;
	return -1;
}

const char *sgx_lsm_model_name(enum sgx_lsm_model model)
{
	switch (model) {
	case SGX_LSM_MODEL_UPSTREAM:
		return "upstream";
	case SGX_LSM_MODEL_VMA_PROPAGATE:
		return "vma-propagate";
	case SGX_LSM_MODEL_SAFE_TO_EXECUTE:
		return "safe-to-execute";
	}
	return "?";
}

uint64_t sgx_lsm_hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* --- matching ---------------------------------------------------------- */

enum match { MATCH_NO, MATCH_YES, MATCH_UNKNOWN };

static bool subject_matches(const struct sgx_lsm_rule *r,
			    const struct sgx_lsm_subject *s, bool *unknown)
{
	if ((r->sel & SGX_LSM_SEL_UID) && r->uid != (uint32_t)s->uid)
		return false;
	if ((r->sel & SGX_LSM_SEL_GID) && r->gid != (uint32_t)s->gid)
		return false;
	if ((r->sel & SGX_LSM_SEL_LABEL) &&
	    (r->label_hash != s->label_hash || strcmp(r->label, s->label)))
		return false;
	if (!(r->sel & SGX_LSM_SEL_EXE))
		return true;
	if (!s->exe) {
		*unknown = true;
		return true;
	}
	if (r->sel & SGX_LSM_SEL_EXE_GLOB)
		return !fnmatch(r->exe, s->exe, FNM_PATHNAME);
	return r->exe_hash == s->exe_hash && !strcmp(r->exe, s->exe);
}

static bool identity_matches(const struct sgx_lsm_rule *r,
			     const struct sgx_lsm_object *o)
{
	if ((r->sel & SGX_LSM_SEL_MRENCLAVE) &&
	    memcmp(r->mrenclave, o->mrenclave, SGX_HASH_SIZE))
		return false;
	if ((r->sel & SGX_LSM_SEL_MRSIGNER) &&
	    memcmp(r->mrsigner, o->mrsigner, SGX_HASH_SIZE))
		return false;
	if ((r->sel & SGX_LSM_SEL_ISVPRODID) && r->isvprodid != o->isvprodid)
		return false;
	return !(r->sel & SGX_LSM_SEL_ISVSVN) ||
	       (o->isvsvn >= r->isvsvn_min && o->isvsvn <= r->isvsvn_max);
}

static bool object_matches(const struct sgx_lsm_rule *r,
			   const struct sgx_lsm_object *o, bool *unknown)
{
	if (r->sel & SGX_LSM_SEL_IDENTITY) {
		if (!o->identity_known)
			*unknown = true;
		else if (!identity_matches(r, o))
			return false;
	}
	if (!(r->sel & SGX_LSM_SEL_ATTRIBUTES))
		return true;
	if (!o->attributes_known) {
		*unknown = true;
		return true;
	}
	return (o->attributes & r->attr_set) == r->attr_set &&
	       !(o->attributes & r->attr_clear);
}

static enum match rule_match(const struct sgx_lsm_rule *r,
			     const struct sgx_lsm_subject *s,
			     const struct sgx_lsm_object *o,
			     enum sgx_lsm_perm perm)
{
	bool unknown = false;

	if (!(r->perms & SGX_LSM_PERM_BIT(perm)))
		return MATCH_NO;
	if (!subject_matches(r, s, &unknown) || !object_matches(r, o, &unknown))
		return MATCH_NO;
	return unknown ? MATCH_UNKNOWN : MATCH_YES;
}

/* The running state of one decision. */
struct decide_state {
	int32_t best; /* first matching rule so far, INT32_MAX = none */
	int32_t unknown[2]; /* first unknown rule per verdict */
};

static void consider(struct decide_state *st, const struct sgx_lsm_rule *rules,
		     int32_t id, enum match m)
{
	if (m == MATCH_YES && id < st->best)
		st->best = id;
	else if (m == MATCH_UNKNOWN && id < st->unknown[rules[id].verdict])
		st->unknown[rules[id].verdict] = id;
}

static void conclude(const struct sgx_lsm_policy *policy,
		     const struct decide_state *st,
		     struct sgx_lsm_decision *out)
{
	int32_t other;

	out->rule = st->best == INT32_MAX ? -1 : st->best;
	out->verdict = out->rule < 0 ? policy->default_verdict :
				       policy->rules[out->rule].verdict;
	other = st->unknown[!out->verdict];
	out->undetermined = other < st->best;
	out->unknown_rule = out->undetermined ? other : -1;
}

void sgx_lsm_decide_linear(const struct sgx_lsm_policy *policy,
			   const struct sgx_lsm_subject *subject,
			   const struct sgx_lsm_object *object,
			   enum sgx_lsm_perm perm, struct sgx_lsm_decision *out)
{
	struct decide_state st = { INT32_MAX, { INT32_MAX, INT32_MAX } };

	for (size_t i = 0; i < policy->nr_rules && (int32_t)i < st.best; i++)
		consider(&st, policy->rules, (int32_t)i,
			 rule_match(&policy->rules[i], subject, object, perm));
	conclude(policy, &st, out);
}

/* --- the index --------------------------------------------------------- */

enum { KEY_NONE, KEY_MRSIGNER, KEY_MRENCLAVE };
enum { SKEY_NONE, SKEY_EXE, SKEY_LABEL };

struct sgx_lsm_bucket {
	uint64_t key; /* 0 = empty slot */
	uint32_t start, count; /* in ids[] */
};

struct sgx_lsm_index {
	size_t mask; /* slots - 1 */
	struct sgx_lsm_bucket *slots;
	uint32_t *ids;
	/* Rules that select on MRENCLAVE/MRSIGNER, per permission. */
	uint32_t *keyed[SGX_LSM_NR_PERMS];
	size_t nr_keyed[SGX_LSM_NR_PERMS];
};

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

static uint64_t digest64(const uint8_t d[SGX_HASH_SIZE])
{
	uint64_t a, b;

	memcpy(&a, d, sizeof(a));
	memcpy(&b, d + 8, sizeof(b));
	return a ^ mix64(b);
}

static uint64_t index_key(int okind, uint64_t odigest, int skind,
			  uint64_t shash)
{
	uint64_t h = mix64((uint64_t)okind * 0x9e3779b97f4a7c15ULL ^ odigest);

	h = mix64(h ^ ((uint64_t)skind * 0xbf58476d1ce4e5b9ULL) ^ shash);
	return h ? h : 1;
}

static uint64_t rule_key(const struct sgx_lsm_rule *r)
{
	int okind = KEY_NONE, skind = SKEY_NONE;
	uint64_t od = 0, sh = 0;

	if (r->sel & SGX_LSM_SEL_MRENCLAVE) {
		okind = KEY_MRENCLAVE;
		od = digest64(r->mrenclave);
	} else if (r->sel & SGX_LSM_SEL_MRSIGNER) {
		okind = KEY_MRSIGNER;
		od = digest64(r->mrsigner);
	}
	if ((r->sel & SGX_LSM_SEL_EXE) && !(r->sel & SGX_LSM_SEL_EXE_GLOB)) {
		skind = SKEY_EXE;
		sh = r->exe_hash;
	} else if (r->sel & SGX_LSM_SEL_LABEL) {
		skind = SKEY_LABEL;
		sh = r->label_hash;
	}
	return index_key(okind, od, skind, sh);
}

static const struct sgx_lsm_bucket *index_probe(const struct sgx_lsm_index *ix,
						uint64_t key)
{
	for (size_t i = key & ix->mask;; i = (i + 1) & ix->mask) {
		const struct sgx_lsm_bucket *b = &ix->slots[i];

		if (b->key == key)
			return b;
		if (!b->key)
			return NULL;
	}
}

struct key_id {
	uint64_t key;
	uint32_t id;
};

static int key_id_cmp(const void *a, const void *b)
{
	const struct key_id *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static struct sgx_lsm_bucket *index_slot(struct sgx_lsm_index *ix, uint64_t key)
{
	size_t i = key & ix->mask;

	while (ix->slots[i].key)
		i = (i + 1) & ix->mask;
	return &ix->slots[i];
}

/* Group the rules by key: one bucket per key, its ids in file order. */
static int index_buckets(struct sgx_lsm_index *ix,
			 const struct sgx_lsm_policy *p)
{
	struct key_id *kv = malloc((p->nr_rules + 1) * sizeof(*kv));
	size_t slots = 16;

	if (!kv)
		return -ENOMEM;
	for (size_t i = 0; i < p->nr_rules; i++)
		kv[i] = (struct key_id){ rule_key(&p->rules[i]), (uint32_t)i };
	qsort(kv, p->nr_rules, sizeof(*kv), key_id_cmp);
	while (slots < 2 * p->nr_rules)
		slots *= 2;
	ix->mask = slots - 1;
	ix->slots = calloc(slots, sizeof(*ix->slots));
	ix->ids = malloc((p->nr_rules + 1) * sizeof(*ix->ids));
	if (!ix->slots || !ix->ids) {
		free(kv);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->nr_rules;) {
		struct sgx_lsm_bucket *b = index_slot(ix, kv[i].key);

		b->key = kv[i].key;
		b->start = (uint32_t)i;
		for (; i < p->nr_rules && kv[i].key == b->key; i++)
			ix->ids[i] = kv[i].id;
		b->count = (uint32_t)i - b->start;
	}
	free(kv);
	return 0;
}

static int index_keyed(struct sgx_lsm_index *ix, const struct sgx_lsm_policy *p)
{
	const uint16_t keyed = SGX_LSM_SEL_MRENCLAVE | SGX_LSM_SEL_MRSIGNER;

	for (int perm = 0; perm < SGX_LSM_NR_PERMS; perm++) {
		size_t n = 0;

		ix->keyed[perm] = malloc((p->nr_rules + 1) * sizeof(uint32_t));
		if (!ix->keyed[perm])
			return -ENOMEM;
		for (size_t i = 0; i < p->nr_rules; i++)
			if ((p->rules[i].sel & keyed) &&
			    (p->rules[i].perms & SGX_LSM_PERM_BIT(perm)))
				ix->keyed[perm][n++] = (uint32_t)i;
		ix->nr_keyed[perm] = n;
	}
	return 0;
}

void sgx_lsm_index_free(struct sgx_lsm_index *ix)
{
	if (!ix)
		return;
	for (int perm = 0; perm < SGX_LSM_NR_PERMS; perm++)
		free(ix->keyed[perm]);
	free(ix->slots);
	free(ix->ids);
	free(ix);
}

int sgx_lsm_index_build(struct sgx_lsm_policy *p)
{
	struct sgx_lsm_index *ix = calloc(1, sizeof(*ix));

	if (!ix)
		return -ENOMEM;
	if (index_buckets(ix, p) || index_keyed(ix, p)) {
		sgx_lsm_index_free(ix);
		return -ENOMEM;
	}
	p->index = ix;
	return 0;
}

/* Scan one bucket in file order, up to the best rule found so far. */
static void scan_bucket(const struct sgx_lsm_policy *p,
			const struct sgx_lsm_bucket *b,
			const struct sgx_lsm_subject *s,
			const struct sgx_lsm_object *o, enum sgx_lsm_perm perm,
			struct decide_state *st)
{
	const uint32_t *ids = p->index->ids + b->start;

	for (uint32_t i = 0; i < b->count && (int32_t)ids[i] < st->best; i++) {
		enum match m = rule_match(&p->rules[ids[i]], s, o, perm);

		consider(st, p->rules, (int32_t)ids[i], m);
		if (m == MATCH_YES)
			return;
	}
}

static void scan_object_key(const struct sgx_lsm_policy *p, int okind,
			    uint64_t od, const struct sgx_lsm_subject *s,
			    const struct sgx_lsm_object *o,
			    enum sgx_lsm_perm perm, struct decide_state *st)
{
	const struct sgx_lsm_bucket *b;

	b = index_probe(p->index, index_key(okind, od, SKEY_NONE, 0));
	if (b)
		scan_bucket(p, b, s, o, perm, st);
	b = index_probe(p->index, index_key(okind, od, SKEY_EXE, s->exe_hash));
	if (b)
		scan_bucket(p, b, s, o, perm, st);
	if (!s->label[0])
		return;
	b = index_probe(p->index,
			index_key(okind, od, SKEY_LABEL, s->label_hash));
	if (b)
		scan_bucket(p, b, s, o, perm, st);
}

/*
 * Identity unknown: could a rule that selects on MRENCLAVE/MRSIGNER, before
 * the deciding one, give the other verdict? The first such rule is enough.
 */
static void scan_keyed(const struct sgx_lsm_policy *p,
		       const struct sgx_lsm_subject *s,
		       const struct sgx_lsm_object *o, enum sgx_lsm_perm perm,
		       struct decide_state *st)
{
	const uint32_t *ids = p->index->keyed[perm];
	uint8_t verdict = st->best == INT32_MAX ? p->default_verdict :
						  p->rules[st->best].verdict;

	for (size_t i = 0; i < p->index->nr_keyed[perm]; i++) {
		const struct sgx_lsm_rule *r = &p->rules[ids[i]];

		if ((int32_t)ids[i] >= st->best ||
		    (int32_t)ids[i] >= st->unknown[!verdict])
			return;
		if (r->verdict != verdict &&
		    rule_match(r, s, o, perm) == MATCH_UNKNOWN) {
			st->unknown[!verdict] = (int32_t)ids[i];
			return;
		}
	}
}

void sgx_lsm_decide(const struct sgx_lsm_policy *policy,
		    const struct sgx_lsm_subject *subject,
		    const struct sgx_lsm_object *object, enum sgx_lsm_perm perm,
		    struct sgx_lsm_decision *out)
{
	struct decide_state st = { INT32_MAX, { INT32_MAX, INT32_MAX } };

	scan_object_key(policy, KEY_NONE, 0, subject, object, perm, &st);
	if (object->identity_known) {
		scan_object_key(policy, KEY_MRSIGNER,
				digest64(object->mrsigner), subject, object,
				perm, &st);
		scan_object_key(policy, KEY_MRENCLAVE,
				digest64(object->mrenclave), subject, object,
				perm, &st);
	} else {
		scan_keyed(policy, subject, object, perm, &st);
	}
	conclude(policy, &st, out);
}

/* --- the policy in force ------------------------------------------------ */

static struct sgx_lsm_policy *_Atomic lsm_current;
static atomic_uint lsm_readers;
static atomic_uint_fast64_t lsm_generation;
static pthread_mutex_t lsm_set_lock = PTHREAD_MUTEX_INITIALIZER;

const struct sgx_lsm_policy *sgx_lsm_policy_get(void)
{
	atomic_fetch_add(&lsm_readers, 1);
	return atomic_load(&lsm_current);
}

void sgx_lsm_policy_put(void)
{
	atomic_fetch_sub(&lsm_readers, 1);
}

bool sgx_lsm_active(void)
{
	return atomic_load_explicit(&lsm_current, memory_order_relaxed);
}

void sgx_lsm_set_policy(struct sgx_lsm_policy *policy)
{
	struct sgx_lsm_policy *old;

	pthread_mutex_lock(&lsm_set_lock);
	if (policy)
		policy->generation = atomic_fetch_add(&lsm_generation, 1) + 1;
	old = atomic_exchange(&lsm_current, policy);
	/* A hook may still decide with the old one. */
	while (atomic_load(&lsm_readers))
		sched_yield();
	pthread_mutex_unlock(&lsm_set_lock);
	sgx_lsm_policy_free(old);
}

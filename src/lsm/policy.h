/* SPDX-License-Identifier: MIT */
/*
 * The policy: what a policy file says (docs/policy.md), parsed with libyaml,
 * indexed for fast decisions, and the decision itself. Used by the hooks
 * (lsm.h), `softsgx policy`, the tests and the benchmark.
 */
#ifndef SOFTSGX_LSM_POLICY_H
#define SOFTSGX_LSM_POLICY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/sgx_arch.h"

/* The permissions, named after the proposed SELinux ones (spec 9.6). */
enum sgx_lsm_perm {
	SGX_LSM_LAUNCH,
	SGX_LSM_PROVISION,
	SGX_LSM_DEBUG,
	SGX_LSM_MAPWX,
	SGX_LSM_EXECDIRTY,
	SGX_LSM_EXECANON,
	SGX_LSM_EXECUNMR,
	SGX_LSM_NR_PERMS,
};

#define SGX_LSM_PERM_BIT(p) (1U << (p))
#define SGX_LSM_ALL_PERMS ((1U << SGX_LSM_NR_PERMS) - 1)

enum sgx_lsm_model {
	SGX_LSM_MODEL_UPSTREAM, /* SECINFO is the page's maximum */
	SGX_LSM_MODEL_VMA_PROPAGATE, /* the source mapping caps the page */
	SGX_LSM_MODEL_SAFE_TO_EXECUTE, /* X needs the per-page safe bit */
};

enum sgx_lsm_verdict { SGX_LSM_DENY = 0, SGX_LSM_ALLOW = 1 };

enum sgx_lsm_sink {
	SGX_LSM_SINK_STDERR,
	SGX_LSM_SINK_FILE,
	SGX_LSM_SINK_SYSLOG
};

#define SGX_LSM_LABEL_MAX 64

/* Which selectors a rule has (struct sgx_lsm_rule.sel). */
enum {
	SGX_LSM_SEL_EXE = 1 << 0,
	SGX_LSM_SEL_EXE_GLOB = 1 << 1, /* exe is an fnmatch pattern */
	SGX_LSM_SEL_UID = 1 << 2,
	SGX_LSM_SEL_GID = 1 << 3,
	SGX_LSM_SEL_LABEL = 1 << 4,
	SGX_LSM_SEL_MRENCLAVE = 1 << 5,
	SGX_LSM_SEL_MRSIGNER = 1 << 6,
	SGX_LSM_SEL_ISVPRODID = 1 << 7,
	SGX_LSM_SEL_ISVSVN = 1 << 8,
	SGX_LSM_SEL_ATTRIBUTES = 1 << 9,
};

#define SGX_LSM_SEL_IDENTITY                            \
	(SGX_LSM_SEL_MRENCLAVE | SGX_LSM_SEL_MRSIGNER | \
	 SGX_LSM_SEL_ISVPRODID | SGX_LSM_SEL_ISVSVN)

struct sgx_lsm_rule {
	uint32_t line, column; /* where it starts in the file (1-based) */
	uint16_t sel; /* SGX_LSM_SEL_* */
	uint8_t perms; /* SGX_LSM_PERM_BIT()s */
	uint8_t verdict;
	uint32_t uid, gid;
	uint16_t isvprodid, isvsvn_min, isvsvn_max;
	uint64_t attr_set, attr_clear; /* must be set / must be clear */
	uint64_t exe_hash, label_hash;
	char *exe, *label, *name;
	uint8_t mrenclave[SGX_HASH_SIZE];
	uint8_t mrsigner[SGX_HASH_SIZE];
};

/* Who asks: the calling process (or, in `policy explain`, a what-if). */
struct sgx_lsm_subject {
	pid_t pid; /* 0: the calling process */
	uid_t uid;
	gid_t gid;
	const char *exe; /* NULL: unknown (`policy explain` without --exe) */
	const char *label; /* "" = none */
	uint64_t exe_hash, label_hash;
};

/* About what: the enclave, as far as it is known at the time. */
struct sgx_lsm_object {
	bool identity_known; /* after INIT's SIGSTRUCT */
	bool attributes_known; /* after CREATE */
	uint8_t mrenclave[SGX_HASH_SIZE];
	uint8_t mrsigner[SGX_HASH_SIZE];
	uint16_t isvprodid, isvsvn;
	uint64_t attributes; /* SECS.ATTRIBUTES.FLAGS */
};

/*
 * The answer. A decision can be undetermined when it depends on what is
 * not yet known (the identity of an enclave under construction): then
 * verdict is the answer if the unknown rules do not match, and
 * unknown_rule is the first rule that would change it.
 */
struct sgx_lsm_decision {
	uint8_t verdict;
	bool undetermined;
	int32_t rule; /* index into rules[], -1 = the default */
	int32_t unknown_rule; /* -1 unless undetermined */
};

struct sgx_lsm_index; /* policy.c */

struct sgx_lsm_policy {
	char *path;
	enum sgx_lsm_model model;
	bool permissive;
	uint8_t default_verdict;
	enum sgx_lsm_sink sink;
	char *audit_path; /* SGX_LSM_SINK_FILE */
	bool audit_grants;
	size_t nr_rules;
	struct sgx_lsm_rule *rules;
	struct sgx_lsm_index *index;
	uint64_t generation; /* set when it is put in force */
};

/* --- parsing ---------------------------------------------------------- */

/*
 * Parse a policy held in memory (name is used in messages) or in a file.
 * NULL on error, with "NAME:LINE:COL: error: MESSAGE" in err (LINE and
 * COL 1-based; a file that cannot be read has no LINE:COL).
 */
struct sgx_lsm_policy *sgx_lsm_policy_parse(const char *name, const char *text,
					    size_t len, char *err,
					    size_t errlen);
struct sgx_lsm_policy *sgx_lsm_policy_load(const char *path, char *err,
					   size_t errlen);
void sgx_lsm_policy_free(struct sgx_lsm_policy *policy);

/*
 * Which file the driver would load: 0 and the path, 0 and "" for none
 * (no file anywhere, or SOFTSGX_POLICY=none), -EINVAL with err when
 * $SOFTSGX_POLICY names nothing usable.
 */
int sgx_lsm_policy_find(char *path, size_t len, char *err, size_t errlen);

/* --- decisions -------------------------------------------------------- */

/*
 * The decision for one permission: the first rule in file order that
 * lists perm and whose selectors match, else the default. Indexed: costs
 * a few hash probes whatever the number of rules. The subject's exe must
 * be known.
 */
void sgx_lsm_decide(const struct sgx_lsm_policy *policy,
		    const struct sgx_lsm_subject *subject,
		    const struct sgx_lsm_object *object, enum sgx_lsm_perm perm,
		    struct sgx_lsm_decision *out);
/* The same by a scan of every rule: the reference, and `policy explain`. */
void sgx_lsm_decide_linear(const struct sgx_lsm_policy *policy,
			   const struct sgx_lsm_subject *subject,
			   const struct sgx_lsm_object *object,
			   enum sgx_lsm_perm perm,
			   struct sgx_lsm_decision *out);

/* --- the policy in force ---------------------------------------------- */

/*
 * Put policy in force (NULL: none), freeing the previous one once no
 * decision uses it. For the driver's init, tests and tools.
 */
void sgx_lsm_set_policy(struct sgx_lsm_policy *policy);

/* Pin the policy in force for one hook (NULL: none); then put it. */
const struct sgx_lsm_policy *sgx_lsm_policy_get(void);
void sgx_lsm_policy_put(void);

/* --- subjects ---------------------------------------------------------- */

/* The environment variable a launcher sets to label what it starts. */
#define SGX_LSM_LABEL_ENV "SOFTSGX_LABEL"

/* The calling process: pid, effective uid/gid, /proc/self/exe, label. */
void sgx_lsm_current_subject(struct sgx_lsm_subject *subject);
/* Fill the hashes from exe and label (after setting them by hand). */
void sgx_lsm_subject_hash(struct sgx_lsm_subject *subject);
/* Is label a valid label (1-64 of [A-Za-z0-9_.:-])? */
bool sgx_lsm_label_valid(const char *label);
/* For tests: hooks use this subject instead of the caller (NULL: off). */
void sgx_lsm_set_subject_override(const struct sgx_lsm_subject *subject);

/* --- names ------------------------------------------------------------- */

const char *sgx_lsm_perm_name(enum sgx_lsm_perm perm);
const char *sgx_lsm_model_name(enum sgx_lsm_model model);
int sgx_lsm_perm_from_name(const char *name); /* -1 if unknown */

/* Attribute names of the policy language ("debug", ...). */
struct sgx_lsm_attr_name {
	const char *name;
	uint64_t bit;
};
extern const struct sgx_lsm_attr_name sgx_lsm_attr_names[];

/* FNV-1a 64 of a string: the exe and label keys. */
uint64_t sgx_lsm_hash_str(const char *s);

#endif /* SOFTSGX_LSM_POLICY_H */

// SPDX-License-Identifier: MIT
/*
 * The policy file: YAML read with libyaml's event parser (docs/policy.md
 * says why). The schema is strict so that what a reviewer reads is what
 * is enforced: every key is known, none is repeated, every scalar is read
 * as text and converted by us (no YAML 1.1 "yes"/"on" booleans, no octal
 * surprises), and anchors, aliases, tags and extra documents are refused.
 * Any error stops the parse and names FILE:LINE:COL; nothing of a policy
 * with an error is used.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "lsm/lsm_priv.h"

#define MAX_POLICY_BYTES (64u << 20)
#define MAX_RULES (1u << 20)
#define MAX_SCALAR 4096

struct parser {
	yaml_parser_t yp;
	yaml_event_t ev;
	bool have_ev;
	const char *name;
	const char *text;
	size_t len;
	char *err;
	size_t errlen;
	struct sgx_lsm_policy *pol;
	size_t cap_rules;
};

static int __attribute__((format(printf, 3, 4)))
fail_at(struct parser *p, yaml_mark_t mark, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (!p->err || !p->errlen)
		return -1;
	n = (size_t)snprintf(p->err, p->errlen, "%s:%zu:%zu: error: ", p->name,
			     mark.line + 1, mark.column + 1);
	if (n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Line and column of a byte offset (reader errors carry only that). */
static yaml_mark_t mark_of_offset(const struct parser *p, size_t offset)
{
	yaml_mark_t m = { .index = offset };

	for (size_t i = 0; i < offset && i < p->len; i++) {
		if (p->text[i] == '\n') {
			m.line++;
			m.column = 0;
		} else {
			m.column++;
		}
	}
	return m;
}

static int yaml_fail(struct parser *p)
{
	const yaml_parser_t *y = &p->yp;
	const char *problem = y->problem ? y->problem : "invalid YAML";

	if (y->error == YAML_READER_ERROR)
		return fail_at(p, mark_of_offset(p, y->problem_offset), "%s",
			       problem);
	if (y->context)
		return fail_at(p, y->problem_mark, "%s (%s at %zu:%zu)",
			       problem, y->context, y->context_mark.line + 1,
			       y->context_mark.column + 1);
	return fail_at(p, y->problem_mark, "%s", problem);
}

/* Anchors, aliases and tags make a policy harder to review: refused. */
static int refuse_indirection(struct parser *p)
{
	const yaml_event_t *e = &p->ev;
	yaml_char_t *anchor = NULL, *tag = NULL;

	if (e->type == YAML_ALIAS_EVENT)
		return fail_at(p, e->start_mark,
			       "aliases (*%s) are not allowed: write the "
			       "value out",
			       (const char *)e->data.alias.anchor);
	if (e->type == YAML_SCALAR_EVENT) {
		anchor = e->data.scalar.anchor;
		tag = e->data.scalar.tag;
	} else if (e->type == YAML_SEQUENCE_START_EVENT) {
		anchor = e->data.sequence_start.anchor;
		tag = e->data.sequence_start.tag;
	} else if (e->type == YAML_MAPPING_START_EVENT) {
		anchor = e->data.mapping_start.anchor;
		tag = e->data.mapping_start.tag;
	}
	if (anchor)
		return fail_at(p, e->start_mark,
			       "anchors (&%s) are not allowed",
			       (const char *)anchor);
	if (tag)
		return fail_at(p, e->start_mark, "tags (%s) are not allowed",
			       (const char *)tag);
	return 0;
}

static int next(struct parser *p)
{
	if (p->have_ev)
		yaml_event_delete(&p->ev);
	p->have_ev = false;
	if (!yaml_parser_parse(&p->yp, &p->ev))
		return yaml_fail(p);
	p->have_ev = true;
	return refuse_indirection(p);
}

static bool is_type(const struct parser *p, yaml_event_type_t t)
{
	return p->ev.type == t;
}

static const char *scalar_text(const struct parser *p)
{
	return (const char *)p->ev.data.scalar.value;
}

/* --- values ------------------------------------------------------------- */

/* The next event must be one scalar; what = its name in messages. */
static int expect_scalar(struct parser *p, const char *what)
{
	if (next(p))
		return -1;
	if (!is_type(p, YAML_SCALAR_EVENT))
		return fail_at(p, p->ev.start_mark,
			       "'%s' must be a single value", what);
	if (p->ev.data.scalar.length >= MAX_SCALAR)
		return fail_at(p, p->ev.start_mark, "'%s' is too long", what);
	if (strlen(scalar_text(p)) != p->ev.data.scalar.length)
		return fail_at(p, p->ev.start_mark, "'%s' contains a NUL byte",
			       what);
	return 0;
}

static int parse_number(struct parser *p, const char *what, uint64_t max,
			uint64_t *out)
{
	const char *s;
	char *end;
	int base = 10;

	if (expect_scalar(p, what))
		return -1;
	s = scalar_text(p);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		return fail_at(p, p->ev.start_mark,
			       "'%s': write decimal without leading zeros, or "
			       "0x hex",
			       what);
	}
	if (!((*s >= '0' && *s <= '9') ||
	      (base == 16 &&
	       ((*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))))
		return fail_at(p, p->ev.start_mark,
			       "'%s' must be a number, not '%s'", what,
			       scalar_text(p));
	errno = 0;
	*out = strtoull(s, &end, base);
	if (*end)
		return fail_at(p, p->ev.start_mark,
			       "'%s' must be a number, not '%s'", what,
			       scalar_text(p));
	if (errno || *out > max)
		return fail_at(p, p->ev.start_mark,
			       "'%s' is out of range (0 to %llu)", what,
			       (unsigned long long)max);
	return 0;
}

static int parse_bool(struct parser *p, const char *what, bool *out)
{
	if (expect_scalar(p, what))
		return -1;
	if (!strcmp(scalar_text(p), "true") ||
	    !strcmp(scalar_text(p), "false")) {
		*out = scalar_text(p)[0] == 't';
		return 0;
	}
	return fail_at(p, p->ev.start_mark,
		       "'%s' must be true or false, not '%s'", what,
		       scalar_text(p));
}

/* One of names[] (NULL-terminated): its index. */
static int parse_choice(struct parser *p, const char *what,
			const char *const *names, int *out)
{
	char list[256] = "";

	if (expect_scalar(p, what))
		return -1;
	for (int i = 0; names[i]; i++) {
		if (!strcmp(scalar_text(p), names[i])) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", i ? ", " : "", names[i]);
	}
	return fail_at(p, p->ev.start_mark, "'%s' must be one of %s, not '%s'",
		       what, list, scalar_text(p));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_digest(struct parser *p, const char *what,
			uint8_t out[SGX_HASH_SIZE])
{
	const char *s;

	if (expect_scalar(p, what))
		return -1;
	s = scalar_text(p);
	if (strlen(s) != 2 * SGX_HASH_SIZE)
		return fail_at(p, p->ev.start_mark,
			       "'%s' must be 64 hex digits (SHA-256), not %zu "
			       "characters",
			       what, strlen(s));
	for (size_t i = 0; i < SGX_HASH_SIZE; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return fail_at(p, p->ev.start_mark,
				       "'%s' must be 64 hex digits, found '%c'",
				       what, hi < 0 ? s[2 * i] : s[2 * i + 1]);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int dup_text(struct parser *p, char **out)
{
	*out = strdup(scalar_text(p));
	if (!*out)
		return fail_at(p, p->ev.start_mark, "out of memory");
	return 0;
}

/* --- mappings ------------------------------------------------------------ */

/*
 * Walk a mapping whose MAPPING_START is the current event: for each key,
 * call fn(p, key, index of key in keys[], arg), which consumes the value.
 * Unknown and repeated keys are errors.
 */
typedef int (*key_fn)(struct parser *p, int key, void *arg);

static int walk_mapping(struct parser *p, const char *what,
			const char *const *keys, key_fn fn, void *arg)
{
	uint32_t seen = 0;

	for (;;) {
		int k;

		if (next(p))
			return -1;
		if (is_type(p, YAML_MAPPING_END_EVENT))
			return 0;
		if (!is_type(p, YAML_SCALAR_EVENT))
			return fail_at(p, p->ev.start_mark,
				       "keys of %s must be plain names", what);
		for (k = 0; keys[k] && strcmp(keys[k], scalar_text(p)); k++)
			;
		if (!keys[k])
			return fail_at(p, p->ev.start_mark,
				       "unknown key '%s' in %s", scalar_text(p),
				       what);
		if (seen & (1u << k))
			return fail_at(p, p->ev.start_mark,
				       "'%s' given twice in %s", keys[k], what);
		seen |= 1u << k;
		if (fn(p, k, arg))
			return -1;
	}
}

static int expect_mapping(struct parser *p, const char *what)
{
	if (next(p))
		return -1;
	if (!is_type(p, YAML_MAPPING_START_EVENT))
		return fail_at(p, p->ev.start_mark,
			       "'%s' must be a mapping (key: value lines)",
			       what);
	return 0;
}

/* --- subject ------------------------------------------------------------ */

static const char *const subject_keys[] = { "exe", "uid", "gid", "label",
					    NULL };

static int parse_exe(struct parser *p, struct sgx_lsm_rule *r)
{
	if (expect_scalar(p, "exe"))
		return -1;
	if (scalar_text(p)[0] != '/')
		return fail_at(p, p->ev.start_mark,
			       "'exe' must be an absolute path, not '%s'",
			       scalar_text(p));
	if (dup_text(p, &r->exe))
		return -1;
	r->sel |= SGX_LSM_SEL_EXE;
	if (strpbrk(r->exe, "*?["))
		r->sel |= SGX_LSM_SEL_EXE_GLOB;
	r->exe_hash = sgx_lsm_hash_str(r->exe);
	return 0;
}

/* A number, or a user/group name resolved now (the policy is a snapshot). */
static int parse_id(struct parser *p, bool group, uint32_t *out)
{
	const char *what = group ? "gid" : "uid";
	const char *s;
	char buf[4096];

	if (expect_scalar(p, what))
		return -1;
	s = scalar_text(p);
	if (s[0] >= '0' && s[0] <= '9') {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(s, &end, 10);
		if (*end || errno || v >= UINT32_MAX)
			return fail_at(p, p->ev.start_mark,
				       "'%s' must be a number below "
				       "4294967295 or a name, not '%s'",
				       what, s);
		*out = (uint32_t)v;
		return 0;
	}
	if (group) {
		struct group g, *res = NULL;

		if (!getgrnam_r(s, &g, buf, sizeof(buf), &res) && res) {
			*out = (uint32_t)g.gr_gid;
			return 0;
		}
		return fail_at(p, p->ev.start_mark, "unknown group '%s'", s);
	} else {
		struct passwd pw, *res = NULL;

		if (!getpwnam_r(s, &pw, buf, sizeof(buf), &res) && res) {
			*out = (uint32_t)pw.pw_uid;
			return 0;
		}
		return fail_at(p, p->ev.start_mark, "unknown user '%s'", s);
	}
}

static int subject_key(struct parser *p, int key, void *arg)
{
	struct sgx_lsm_rule *r = arg;

	switch (key) {
	case 0:
		return parse_exe(p, r);
	case 1:
		r->sel |= SGX_LSM_SEL_UID;
		return parse_id(p, false, &r->uid);
	case 2:
		r->sel |= SGX_LSM_SEL_GID;
		return parse_id(p, true, &r->gid);
	default:
		if (expect_scalar(p, "label"))
			return -1;
		if (!sgx_lsm_label_valid(scalar_text(p)))
			return fail_at(p, p->ev.start_mark,
				       "invalid label '%s' (1 to 64 of "
				       "A-Z a-z 0-9 _ . : -)",
				       scalar_text(p));
		r->sel |= SGX_LSM_SEL_LABEL;
		if (dup_text(p, &r->label))
			return -1;
		r->label_hash = sgx_lsm_hash_str(r->label);
		return 0;
	}
}

/* --- enclave ------------------------------------------------------------ */

static const char *const enclave_keys[] = { "mrenclave",  "mrsigner",
					    "isvprodid",  "isvsvn",
					    "attributes", NULL };

static int parse_u16(const char *s, char **end, uint16_t *out)
{
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, end, 10);
	if (errno || v > UINT16_MAX)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* "N", "N..M", "N.." or "..M": an inclusive range of ISVSVN. */
static int parse_svn(struct parser *p, struct sgx_lsm_rule *r)
{
	const char *s;
	char *end = NULL;

	if (expect_scalar(p, "isvsvn"))
		return -1;
	s = scalar_text(p);
	r->isvsvn_min = 0;
	r->isvsvn_max = UINT16_MAX;
	if (strncmp(s, "..", 2)) {
		if (parse_u16(s, &end, &r->isvsvn_min))
			goto bad;
		s = end;
		if (!*s) {
			r->isvsvn_max = r->isvsvn_min;
			goto done;
		}
		if (strncmp(s, "..", 2))
			goto bad;
	}
	s += 2;
	if (*s && (parse_u16(s, &end, &r->isvsvn_max) || *end))
		goto bad;
	if (!*s && !strcmp(scalar_text(p), ".."))
		goto bad;
	if (r->isvsvn_min > r->isvsvn_max)
		return fail_at(p, p->ev.start_mark,
			       "'isvsvn' range %u..%u is empty", r->isvsvn_min,
			       r->isvsvn_max);
done:
	r->sel |= SGX_LSM_SEL_ISVSVN;
	return 0;
bad:
	return fail_at(p, p->ev.start_mark,
		       "'isvsvn' must be N, N..M, N.. or ..M with numbers up "
		       "to 65535, not '%s'",
		       scalar_text(p));
}

static int attribute_key(struct parser *p, int key, void *arg)
{
	struct sgx_lsm_rule *r = arg;
	uint64_t bit = sgx_lsm_attr_names[key].bit;
	bool set;

	if (parse_bool(p, sgx_lsm_attr_names[key].name, &set))
		return -1;
	if (set)
		r->attr_set |= bit;
	else
		r->attr_clear |= bit;
	return 0;
}

static int parse_attributes(struct parser *p, struct sgx_lsm_rule *r)
{
	static const char *names[16];

	for (int i = 0; sgx_lsm_attr_names[i].name; i++)
		names[i] = sgx_lsm_attr_names[i].name;
	if (expect_mapping(p, "attributes"))
		return -1;
	r->sel |= SGX_LSM_SEL_ATTRIBUTES;
	return walk_mapping(p, "'attributes'", names, attribute_key, r);
}

static int enclave_key(struct parser *p, int key, void *arg)
{
	struct sgx_lsm_rule *r = arg;
	uint64_t v;

	switch (key) {
	case 0:
		r->sel |= SGX_LSM_SEL_MRENCLAVE;
		return parse_digest(p, "mrenclave", r->mrenclave);
	case 1:
		r->sel |= SGX_LSM_SEL_MRSIGNER;
		return parse_digest(p, "mrsigner", r->mrsigner);
	case 2:
		if (parse_number(p, "isvprodid", UINT16_MAX, &v))
			return -1;
		r->sel |= SGX_LSM_SEL_ISVPRODID;
		r->isvprodid = (uint16_t)v;
		return 0;
	case 3:
		return parse_svn(p, r);
	default:
		return parse_attributes(p, r);
	}
}

/* --- rules ------------------------------------------------------------- */

static const char *const rule_keys[] = { "allow",   "deny", "subject",
					 "enclave", "name", NULL };

static int add_perm(struct parser *p, struct sgx_lsm_rule *r)
{
	int perm;

	if (!strcmp(scalar_text(p), "all")) {
		r->perms = SGX_LSM_ALL_PERMS;
		return 0;
	}
	perm = sgx_lsm_perm_from_name(scalar_text(p));
	if (perm < 0)
		return fail_at(p, p->ev.start_mark,
			       "unknown permission '%s' (launch, provision, "
			       "debug, mapwx, execdirty, execanon, execunmr "
			       "or all)",
			       scalar_text(p));
	if (r->perms & SGX_LSM_PERM_BIT(perm))
		return fail_at(p, p->ev.start_mark,
			       "permission '%s' listed twice", scalar_text(p));
	r->perms |= (uint8_t)SGX_LSM_PERM_BIT(perm);
	return 0;
}

/* allow/deny: one permission, or a list of them. */
static int parse_perms(struct parser *p, struct sgx_lsm_rule *r)
{
	yaml_mark_t start;

	if (next(p))
		return -1;
	if (is_type(p, YAML_SCALAR_EVENT))
		return add_perm(p, r);
	if (!is_type(p, YAML_SEQUENCE_START_EVENT))
		return fail_at(p, p->ev.start_mark,
			       "permissions must be a name or a list of names");
	start = p->ev.start_mark;
	for (;;) {
		if (next(p))
			return -1;
		if (is_type(p, YAML_SEQUENCE_END_EVENT))
			break;
		if (!is_type(p, YAML_SCALAR_EVENT))
			return fail_at(p, p->ev.start_mark,
				       "a permission must be a name");
		if (add_perm(p, r))
			return -1;
	}
	if (!r->perms)
		return fail_at(p, start, "the permission list is empty");
	return 0;
}

struct rule_ctx {
	struct sgx_lsm_rule *r;
	bool have_verdict;
};

static int rule_key(struct parser *p, int key, void *arg)
{
	struct rule_ctx *c = arg;

	switch (key) {
	case 0:
	case 1:
		if (c->have_verdict)
			return fail_at(p, p->ev.start_mark,
				       "a rule has either 'allow' or 'deny', "
				       "not both");
		c->have_verdict = true;
		c->r->verdict = key == 0 ? SGX_LSM_ALLOW : SGX_LSM_DENY;
		return parse_perms(p, c->r);
	case 2:
		if (expect_mapping(p, "subject"))
			return -1;
		return walk_mapping(p, "'subject'", subject_keys, subject_key,
				    c->r);
	case 3:
		if (expect_mapping(p, "enclave"))
			return -1;
		return walk_mapping(p, "'enclave'", enclave_keys, enclave_key,
				    c->r);
	default:
		return expect_scalar(p, "name") || dup_text(p, &c->r->name);
	}
}

static struct sgx_lsm_rule *new_rule(struct parser *p)
{
	struct sgx_lsm_policy *pol = p->pol;

	if (pol->nr_rules == p->cap_rules) {
		size_t cap = p->cap_rules ? 2 * p->cap_rules : 64;
		struct sgx_lsm_rule *n =
			realloc(pol->rules, cap * sizeof(*pol->rules));

		if (!n)
			return NULL;
		pol->rules = n;
		p->cap_rules = cap;
	}
	memset(&pol->rules[pol->nr_rules], 0, sizeof(*pol->rules));
	return &pol->rules[pol->nr_rules++];
}

static int parse_rule(struct parser *p)
{
	struct rule_ctx c = { NULL, false };
	yaml_mark_t start = p->ev.start_mark;

	if (!is_type(p, YAML_MAPPING_START_EVENT))
		return fail_at(p, start,
			       "a rule must be a mapping ('allow: ...' or "
			       "'deny: ...')");
	if (p->pol->nr_rules >= MAX_RULES)
		return fail_at(p, start, "more than %u rules", MAX_RULES);
	c.r = new_rule(p);
	if (!c.r)
		return fail_at(p, start, "out of memory");
	c.r->line = (uint32_t)start.line + 1;
	c.r->column = (uint32_t)start.column + 1;
	if (walk_mapping(p, "a rule", rule_keys, rule_key, &c))
		return -1;
	if (!c.have_verdict)
		return fail_at(p, start, "the rule has no 'allow' or 'deny'");
	return 0;
}

static int parse_rules(struct parser *p)
{
	if (next(p))
		return -1;
	if (!is_type(p, YAML_SEQUENCE_START_EVENT))
		return fail_at(p, p->ev.start_mark,
			       "'rules' must be a list ('- allow: ...')");
	for (;;) {
		if (next(p))
			return -1;
		if (is_type(p, YAML_SEQUENCE_END_EVENT))
			return 0;
		if (parse_rule(p))
			return -1;
	}
}

/* --- audit and the top level --------------------------------------------- */

static const char *const audit_keys[] = { "sink", "path", "grants", NULL };

struct audit_ctx {
	bool have_path;
	yaml_mark_t path_mark;
};

static int audit_key(struct parser *p, int key, void *arg)
{
	static const char *const sinks[] = { "stderr", "file", "syslog", NULL };
	struct audit_ctx *c = arg;
	int sink;

	switch (key) {
	case 0:
		if (parse_choice(p, "sink", sinks, &sink))
			return -1;
		p->pol->sink = (enum sgx_lsm_sink)sink;
		return 0;
	case 1:
		if (expect_scalar(p, "path"))
			return -1;
		if (scalar_text(p)[0] != '/')
			return fail_at(p, p->ev.start_mark,
				       "'path' must be an absolute path");
		c->have_path = true;
		c->path_mark = p->ev.start_mark;
		return dup_text(p, &p->pol->audit_path);
	default:
		return parse_bool(p, "grants", &p->pol->audit_grants);
	}
}

static int parse_audit(struct parser *p)
{
	struct audit_ctx c = { false, { 0 } };
	yaml_mark_t start;

	if (expect_mapping(p, "audit"))
		return -1;
	start = p->ev.start_mark;
	if (walk_mapping(p, "'audit'", audit_keys, audit_key, &c))
		return -1;
	if (p->pol->sink == SGX_LSM_SINK_FILE && !c.have_path)
		return fail_at(p, start, "'sink: file' needs a 'path'");
	if (p->pol->sink != SGX_LSM_SINK_FILE && c.have_path)
		return fail_at(p, c.path_mark,
			       "'path' is only used with 'sink: file'");
	return 0;
}

static const char *const top_keys[] = { "version", "model", "mode", "default",
					"audit",   "rules", NULL };

static int top_key(struct parser *p, int key, void *arg)
{
	static const char *const models[] = { "upstream", "vma-propagate",
					      "safe-to-execute", NULL };
	static const char *const modes[] = { "enforcing", "permissive", NULL };
	static const char *const verdicts[] = { "deny", "allow", NULL };
	uint32_t *seen = arg;
	uint64_t version;
	int v;

	*seen |= 1u << key;
	switch (key) {
	case 0:
		if (parse_number(p, "version", UINT32_MAX, &version))
			return -1;
		if (version != 1)
			return fail_at(p, p->ev.start_mark,
				       "unsupported policy version %llu (this "
				       "softsgx reads version 1)",
				       (unsigned long long)version);
		return 0;
	case 1:
		if (parse_choice(p, "model", models, &v))
			return -1;
		p->pol->model = (enum sgx_lsm_model)v;
		return 0;
	case 2:
		if (parse_choice(p, "mode", modes, &v))
			return -1;
		p->pol->permissive = v == 1;
		return 0;
	case 3:
		if (parse_choice(p, "default", verdicts, &v))
			return -1;
		p->pol->default_verdict = (uint8_t)v;
		return 0;
	case 4:
		return parse_audit(p);
	default:
		return parse_rules(p);
	}
}

static int parse_document(struct parser *p)
{
	yaml_mark_t start;
	uint32_t seen = 0;

	if (next(p))
		return -1;
	if (!is_type(p, YAML_MAPPING_START_EVENT))
		return fail_at(p, p->ev.start_mark,
			       "a policy is a mapping: 'version: 1', "
			       "'default: ...', 'rules: ...'");
	start = p->ev.start_mark;
	if (walk_mapping(p, "the policy", top_keys, top_key, &seen))
		return -1;
	if (!(seen & 1u))
		return fail_at(p, start, "the policy has no 'version: 1'");
	if (!(seen & (1u << 3)))
		return fail_at(p, start,
			       "the policy has no 'default: allow' or "
			       "'default: deny'");
	return 0;
}

static int parse_stream(struct parser *p)
{
	if (next(p))
		return -1;
	if (next(p))
		return -1;
	if (is_type(p, YAML_STREAM_END_EVENT))
		return fail_at(p, p->ev.start_mark, "the policy is empty");
	if (parse_document(p) || next(p))
		return -1;
	if (next(p))
		return -1;
	if (!is_type(p, YAML_STREAM_END_EVENT))
		return fail_at(p, p->ev.start_mark,
			       "only one YAML document is allowed");
	return 0;
}

void sgx_lsm_policy_free(struct sgx_lsm_policy *policy)
{
	if (!policy)
		return;
	for (size_t i = 0; i < policy->nr_rules; i++) {
		free(policy->rules[i].exe);
		free(policy->rules[i].label);
		free(policy->rules[i].name);
	}
	free(policy->rules);
	sgx_lsm_index_free(policy->index);
	free(policy->audit_path);
	free(policy->path);
	free(policy);
}

struct sgx_lsm_policy *sgx_lsm_policy_parse(const char *name, const char *text,
					    size_t len, char *err,
					    size_t errlen)
{
	struct parser p = { .name = name,
			    .text = text,
			    .len = len,
			    .err = err,
			    .errlen = errlen };
	int ret;

	p.pol = calloc(1, sizeof(*p.pol));
	if (!p.pol || !(p.pol->path = strdup(name)) ||
	    !yaml_parser_initialize(&p.yp)) {
		snprintf(err, errlen, "%s: out of memory", name);
		sgx_lsm_policy_free(p.pol);
		return NULL;
	}
	p.pol->default_verdict = SGX_LSM_ALLOW;
	yaml_parser_set_input_string(&p.yp, (const unsigned char *)text, len);
	ret = parse_stream(&p);
	if (p.have_ev)
		yaml_event_delete(&p.ev);
	yaml_parser_delete(&p.yp);
	if (!ret && sgx_lsm_index_build(p.pol)) {
		snprintf(err, errlen, "%s: out of memory", name);
		ret = -1;
	}
	if (ret) {
		sgx_lsm_policy_free(p.pol);
		return NULL;
	}
	return p.pol;
}

static char *read_all(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t n = 0;

	if (fd < 0 || fstat(fd, &st))
		goto fail;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_POLICY_BYTES) {
		snprintf(err, errlen, "%s: error: %s", path,
			 S_ISREG(st.st_mode) ? "larger than 64 MiB" :
					       "not a regular file");
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		goto fail;
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto fail;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;

fail:
	snprintf(err, errlen, "%s: error: %s", path,
		 errno ? strerror(errno) : "short read");
	free(buf);
	if (fd >= 0)
		close(fd);
	return NULL;
}

struct sgx_lsm_policy *sgx_lsm_policy_load(const char *path, char *err,
					   size_t errlen)
{
	struct sgx_lsm_policy *pol;
	size_t len;
	char *text = read_all(path, &len, err, errlen);

	if (!text)
		return NULL;
	pol = sgx_lsm_policy_parse(path, text, len, err, errlen);
	free(text);
	return pol;
}

// SPDX-License-Identifier: MIT
/*
 * softsgx policy: check a policy file, and explain what the policy in force
 * (or a given one) decides for an enclave, permission by permission, and
 * which rule decides it (docs/policy.md).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/sigstruct.h"
#include "cmd.h"
#include "lsm/policy.h"

static void policy_usage(FILE *f)
{
	fprintf(f,
		"Usage: softsgx policy check FILE...\n"
		"       softsgx policy explain --sig ENCLAVE.sig [OPTIONS]\n\n"
		"check    parse each FILE as the driver would; print a summary, or\n"
		"         FILE:LINE:COL: error: ... and exit 1\n"
		"explain  what the policy decides for the enclave ENCLAVE.sig signs,\n"
		"         for each permission, and which rule decides it\n\n"
		"explain options:\n"
		"  --policy FILE  this policy instead of the one softsgx would load\n"
		"                 ($SOFTSGX_POLICY, ~/.config/softsgx/policy.yaml,\n"
		"                 /etc/softsgx/policy.yaml)\n"
		"  --exe PATH     the program that loads it (default: any program;\n"
		"                 decisions that depend on it say so)\n"
		"  --uid N, --gid N  the subject's ids (default: yours)\n"
		"  --label L      the launcher's label (default: $SOFTSGX_LABEL)\n"
		"  -h, --help     show this help\n");
}

static int check_one(const char *path)
{
	static const char *const verdicts[] = { "deny", "allow" };
	char err[1024];
	struct sgx_lsm_policy *p = sgx_lsm_policy_load(path, err, sizeof(err));

	if (!p) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("%s: ok: %zu rule%s, model %s, %s, default %s\n", path,
	       p->nr_rules, p->nr_rules == 1 ? "" : "s",
	       sgx_lsm_model_name(p->model),
	       p->permissive ? "permissive" : "enforcing",
	       verdicts[p->default_verdict]);
	sgx_lsm_policy_free(p);
	return 0;
}

static int policy_check(int argc, char **argv)
{
	int ret = 0;

	if (argc < 1)
		return tool_usage_error("policy", "check needs a FILE");
	for (int i = 0; i < argc; i++)
		ret |= check_one(argv[i]);
	return ret;
}

/* --- explain ------------------------------------------------------------ */

struct explain_opts {
	const char *sig_path, *policy_path, *exe, *label;
	uid_t uid;
	gid_t gid;
};

static int read_sig(const char *path, struct sgx_sigstruct *sig)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return tool_error("policy", "%s: cannot open", path);
	n = fread(sig, 1, sizeof(*sig), f);
	fclose(f);
	if (n != sizeof(*sig))
		return tool_error("policy", "%s: not a SIGSTRUCT (%zu bytes)",
				  path, n);
	return 0;
}

static void rule_ref(const struct sgx_lsm_policy *p, int32_t rule, char *out,
		     size_t len)
{
	const struct sgx_lsm_rule *r;

	if (rule < 0) {
		snprintf(out, len, "the default");
		return;
	}
	r = &p->rules[rule];
	snprintf(out, len, "rule at %u:%u%s%s%s", r->line, r->column,
		 r->name ? " (" : "", r->name ? r->name : "",
		 r->name ? ")" : "");
}

static const char *verdict_name(uint8_t v)
{
	return v == SGX_LSM_ALLOW ? "allow" : "deny";
}

/* When each permission is asked for, under the policy's model. */
static const char *perm_when(const struct sgx_lsm_policy *p, int perm)
{
	bool safe = p->model == SGX_LSM_MODEL_SAFE_TO_EXECUTE;

	switch (perm) {
	case SGX_LSM_LAUNCH:
		return "INIT of this enclave";
	case SGX_LSM_PROVISION:
		return "INIT with PROVISIONKEY (the provision fd is needed too)";
	case SGX_LSM_DEBUG:
		return "INIT as a DEBUG enclave";
	case SGX_LSM_MAPWX:
		return "a mapping both writable and executable";
	case SGX_LSM_EXECDIRTY:
		return safe ? "X on a page once mapped writable, or EAUG'd" :
			      "an X page that may be written (SECINFO W+X, "
			      "written, or EAUG'd)";
	case SGX_LSM_EXECANON:
		return safe ? "X on a page not loaded from an executable file "
			      "mapping" :
			      "code loaded from anonymous or modified memory";
	default:
		return "code added without SGX_PAGE_MEASURE";
	}
}

static void explain_perm(const struct sgx_lsm_policy *p,
			 const struct sgx_lsm_subject *s,
			 const struct sgx_lsm_object *base, int perm)
{
	struct sgx_lsm_object o = *base;
	struct sgx_lsm_decision d;
	char by[256], other[256];

	/* The permission is asked for an enclave that has the attribute. */
	if (perm == SGX_LSM_DEBUG)
		o.attributes |= SGX_ATTR_DEBUG;
	if (perm == SGX_LSM_PROVISION)
		o.attributes |= SGX_ATTR_PROVISIONKEY;
	sgx_lsm_decide_linear(p, s, &o, (enum sgx_lsm_perm)perm, &d);
	rule_ref(p, d.rule, by, sizeof(by));
	if (!d.undetermined) {
		printf("%-10s %-6s by %s\n", sgx_lsm_perm_name(perm),
		       verdict_name(d.verdict), by);
	} else {
		rule_ref(p, d.unknown_rule, other, sizeof(other));
		printf("%-10s %-6s by %s, unless %s matches the program "
		       "(then %s)\n",
		       sgx_lsm_perm_name(perm), verdict_name(d.verdict), by,
		       other, verdict_name(!d.verdict));
	}
	printf("%-10s        when: %s\n", "", perm_when(p, perm));
}

static void print_hex(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", d[i]);
}

static void explain_object(const struct sgx_sigstruct *sig,
			   struct sgx_lsm_object *o)
{
	char flags[256];

	memset(o, 0, sizeof(*o));
	o->identity_known = o->attributes_known = true;
	memcpy(o->mrenclave, sig->body.mrenclave, SGX_HASH_SIZE);
	sgx_sigstruct_mrsigner(sig, o->mrsigner);
	o->isvprodid = sig->body.isv_prod_id;
	o->isvsvn = sig->body.isv_svn;
	o->attributes = sig->body.attributes.flags;
	format_flags(o->attributes, attribute_names, flags, sizeof(flags));
	printf("enclave:   mrenclave ");
	print_hex(o->mrenclave, SGX_HASH_SIZE);
	printf("\n           mrsigner  ");
	print_hex(o->mrsigner, SGX_HASH_SIZE);
	printf("\n           isvprodid %u, isvsvn %u, attributes %s\n",
	       o->isvprodid, o->isvsvn, flags);
}

static struct sgx_lsm_policy *explain_policy(const char *given)
{
	char path[4096], err[1024];
	struct sgx_lsm_policy *p;

	if (given) {
		snprintf(path, sizeof(path), "%s", given);
	} else if (sgx_lsm_policy_find(path, sizeof(path), err, sizeof(err))) {
		fprintf(stderr, "softsgx policy: %s\n", err);
		return NULL;
	}
	if (!path[0]) {
		printf("policy:    none: upstream Linux behaviour, every "
		       "permission is allowed\n");
		return calloc(1, sizeof(struct sgx_lsm_policy));
	}
	p = sgx_lsm_policy_load(path, err, sizeof(err));
	if (!p)
		fprintf(stderr, "%s\n", err);
	else
		printf("policy:    %s (model %s, %s, default %s, %zu rules)\n",
		       path, sgx_lsm_model_name(p->model),
		       p->permissive ? "permissive: logs, never denies" :
				       "enforcing",
		       verdict_name(p->default_verdict), p->nr_rules);
	return p;
}

static int explain(const struct explain_opts *opt)
{
	struct sgx_sigstruct sig;
	struct sgx_lsm_subject s = { .pid = getpid(),
				     .uid = opt->uid,
				     .gid = opt->gid,
				     .exe = opt->exe,
				     .label = opt->label };
	struct sgx_lsm_object o;
	struct sgx_lsm_policy *p;

	if (read_sig(opt->sig_path, &sig))
		return 1;
	p = explain_policy(opt->policy_path);
	if (!p)
		return 1;
	if (!p->path)
		p->default_verdict = SGX_LSM_ALLOW; /* no policy */
	sgx_lsm_subject_hash(&s);
	printf("subject:   exe %s, uid %u, gid %u, label %s\n",
	       s.exe ? s.exe : "(any)", (unsigned int)s.uid,
	       (unsigned int)s.gid, s.label[0] ? s.label : "(none)");
	explain_object(&sig, &o);
	for (int perm = 0; perm < SGX_LSM_NR_PERMS; perm++)
		explain_perm(p, &s, &o, perm);
	sgx_lsm_policy_free(p);
	return 0;
}

static int policy_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sig", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "exe", required_argument, NULL, 'e' },
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		{ "label", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env_label = getenv(SGX_LSM_LABEL_ENV);
	struct explain_opts o = { .uid = geteuid(),
				  .gid = getegid(),
				  .label = env_label ? env_label : "" };
	uint64_t v;
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			o.sig_path = optarg;
			break;
		case 'p':
			o.policy_path = optarg;
			break;
		case 'e':
			if (optarg[0] != '/')
				return tool_usage_error(
					"policy",
					"--exe needs an absolute path");
			o.exe = optarg;
			break;
		case 'u':
		case 'g':
			if (parse_uint(optarg, UINT32_MAX - 1, &v))
				return tool_usage_error(
					"policy", "bad --%s '%s'",
					opt == 'u' ? "uid" : "gid", optarg);
			if (opt == 'u')
				o.uid = (uid_t)v;
			else
				o.gid = (gid_t)v;
			break;
		case 'l':
			if (*optarg && !sgx_lsm_label_valid(optarg))
				return tool_usage_error(
					"policy", "invalid label '%s'", optarg);
			o.label = optarg;
			break;
		case 'h':
			policy_usage(stdout);
			return 0;
		default:
			return tool_bad_option("policy", opt, argv);
		}
	}
	if (!o.sig_path || optind != argc)
		return tool_usage_error("policy",
					"explain needs --sig ENCLAVE.sig");
	return explain(&o);
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2)
		return tool_usage_error("policy", "expected check or explain");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		policy_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "check"))
		return policy_check(argc - 2, argv + 2);
	if (!strcmp(argv[1], "explain"))
		return policy_explain(argc - 1, argv + 1);
	return tool_usage_error("policy", "unknown subcommand '%s'", argv[1]);
}

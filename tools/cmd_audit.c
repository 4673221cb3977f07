// SPDX-License-Identifier: MIT
/*
 * softsgx audit: read the policy's audit records (the AVC lines of
 * src/lsm/audit.h) from a file or standard input and print those that pass
 * the filters, unchanged. Lines without a record (syslog and journal
 * headers are fine: the record is found inside the line) are skipped.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "lsm/policy.h"

/* One parsed record: pointers into a private copy of the line. */
struct record {
	bool granted;
	char perm[32];
	char *field[16][2]; /* key, value (quotes or hex undone) */
	int nr;
};

struct audit_filter {
	int verdict; /* -1 any, 0 denied, 1 granted */
	const char *perm, *op, *exe, *signer, *mrenclave, *model, *label, *pid;
	bool count;
};

static void audit_usage(FILE *f)
{
	fprintf(f,
		"Usage: softsgx audit [OPTIONS] [FILE...]\n\n"
		"Print the policy's audit records (avc: denied/granted lines) from\n"
		"each FILE ('-' for standard input; default: the file the policy\n"
		"in force logs to) that match every filter given.\n"
		"  --denied, --granted   only denials / only grants\n"
		"  --perm P              permission (launch, execdirty, ...)\n"
		"  --op OP               operation (load, mmap, mprotect, init, ...)\n"
		"  --exe PATH            the program\n"
		"  --pid N               the process\n"
		"  --label L             the launcher's label\n"
		"  --signer HEX          MRSIGNER (64 hex digits)\n"
		"  --mrenclave HEX       MRENCLAVE (64 hex digits)\n"
		"  --model M             permission model\n"
		"  --count               print only the number of matching records\n"
		"  -h, --help            show this help\n"
		"Exit status: 0 when some record matched, 1 when none did.\n"
		"For syslog: journalctl -t softsgx | softsgx audit -\n");
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* audit.c writes unsafe strings as uppercase hex without quotes. */
static void decode_hex(char *v)
{
	size_t n = strlen(v);
	char *out = v;

	if (!n || n % 2)
		return;
	for (size_t i = 0; i < n; i++)
		if (unhex(v[i]) < 0)
			return;
	for (size_t i = 0; i < n; i += 2)
		*out++ = (char)(unhex(v[i]) << 4 | unhex(v[i + 1]));
	*out = '\0';
}

/* A quoted string, or a bare word (hex for exe and label: decoded). */
static char *next_value(char *p, const char *key, char **value)
{
	if (*p == '"') {
		char *end = strchr(p + 1, '"');

		if (!end)
			return NULL;
		*end = '\0';
		*value = p + 1;
		return end + 1;
	}
	*value = p;
	p += strcspn(p, " \n");
	if (*p)
		*p++ = '\0';
	if (!strcmp(key, "exe") || !strcmp(key, "label"))
		decode_hex(*value);
	return p;
}

static bool parse_record(char *line, struct record *r)
{
	char *p = strstr(line, "avc: ");
	char *brace;

	if (!p)
		return false;
	p += 5;
	r->granted = !strncmp(p, "granted ", 8);
	if (!r->granted && strncmp(p, "denied ", 7))
		return false;
	brace = strstr(p, "{ ");
	if (!brace || sscanf(brace, "{ %31s }", r->perm) != 1)
		return false;
	p = strstr(brace, " } for ");
	if (!p)
		return false;
	p += 7;
	for (r->nr = 0; p && *p && r->nr < 16; r->nr++) {
		char *eq = strchr(p, '=');

		if (!eq)
			break;
		*eq = '\0';
		r->field[r->nr][0] = p;
		p = next_value(eq + 1, p, &r->field[r->nr][1]);
		while (p && *p == ' ')
			p++;
	}
	return true;
}

static const char *field(const struct record *r, const char *key)
{
	for (int i = 0; i < r->nr; i++)
		if (!strcmp(r->field[i][0], key))
			return r->field[i][1];
	return NULL;
}

/* want NULL (no filter) or equal to the field (after prefix). */
static bool field_is(const struct record *r, const char *key,
		     const char *prefix, const char *want)
{
	const char *v = field(r, key);
	size_t n = strlen(prefix);

	if (!want)
		return true;
	if (!v || strncmp(v, prefix, n))
		return false;
	return !strcasecmp(v + n, want);
}

static bool matches(const struct record *r, const struct audit_filter *f)
{
	if (f->verdict >= 0 && r->granted != (f->verdict == 1))
		return false;
	if (f->perm && strcmp(r->perm, f->perm))
		return false;
	return field_is(r, "op", "", f->op) && field_is(r, "exe", "", f->exe) &&
	       field_is(r, "pid", "", f->pid) &&
	       field_is(r, "label", "", f->label) &&
	       field_is(r, "model", "", f->model) &&
	       field_is(r, "signer", "mrsigner:", f->signer) &&
	       field_is(r, "enclave", "mrenclave:", f->mrenclave);
}

static long scan(FILE *in, const struct audit_filter *f)
{
	char *line = NULL, *copy;
	size_t cap = 0;
	long n = 0;

	while (getline(&line, &cap, in) > 0) {
		struct record r;

		copy = strdup(line);
		if (copy && parse_record(copy, &r) && matches(&r, f)) {
			n++;
			if (!f->count)
				fputs(line, stdout);
		}
		free(copy);
	}
	free(line);
	return n;
}

/* The file the policy in force writes to, if it writes to one. */
static int default_log(char *path, size_t len)
{
	const char *env = getenv("SOFTSGX_AUDIT");
	char found[4096], err[1024];
	struct sgx_lsm_policy *p;

	if (env && env[0] == '/') {
		snprintf(path, len, "%s", env);
		return 0;
	}
	if (sgx_lsm_policy_find(found, sizeof(found), err, sizeof(err)) ||
	    !found[0])
		return tool_error("audit", "no policy in force and no FILE "
					   "given");
	p = sgx_lsm_policy_load(found, err, sizeof(err));
	if (!p)
		return tool_error("audit", "%s", err);
	if (p->sink != SGX_LSM_SINK_FILE) {
		sgx_lsm_policy_free(p);
		return tool_error(
			"audit", "%s logs to %s, not a file: give FILE or '-'",
			found,
			p->sink == SGX_LSM_SINK_SYSLOG ? "syslog" : "stderr");
	}
	snprintf(path, len, "%s", p->audit_path);
	sgx_lsm_policy_free(p);
	return 0;
}

static int scan_files(char **files, int nr, const struct audit_filter *f)
{
	char path[4096];
	char *deflt[1] = { path };
	long n = 0;

	if (!nr) {
		if (default_log(path, sizeof(path)))
			return 1;
		files = deflt;
		nr = 1;
	}
	for (int i = 0; i < nr; i++) {
		FILE *in =
			strcmp(files[i], "-") ? fopen(files[i], "re") : stdin;

		if (!in)
			return tool_error("audit", "%s: cannot open", files[i]);
		n += scan(in, f);
		if (in != stdin)
			fclose(in);
	}
	if (f->count)
		printf("%ld\n", n);
	return n ? 0 : 1;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "denied", no_argument, NULL, 'D' },
		{ "granted", no_argument, NULL, 'G' },
		{ "perm", required_argument, NULL, 'P' },
		{ "op", required_argument, NULL, 'o' },
		{ "exe", required_argument, NULL, 'e' },
		{ "pid", required_argument, NULL, 'p' },
		{ "label", required_argument, NULL, 'l' },
		{ "signer", required_argument, NULL, 's' },
		{ "mrenclave", required_argument, NULL, 'm' },
		{ "model", required_argument, NULL, 'M' },
		{ "count", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct audit_filter f = { .verdict = -1 };
	uint8_t digest[SGX_HASH_SIZE];
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'D':
		case 'G':
			f.verdict = opt == 'G';
			break;
		case 'P':
			if (sgx_lsm_perm_from_name(optarg) < 0)
				return tool_usage_error(
					"audit", "unknown permission '%s'",
					optarg);
			f.perm = optarg;
			break;
		case 's':
		case 'm':
			if (parse_hex(optarg, digest, sizeof(digest)))
				return tool_usage_error(
					"audit", "--%s needs 64 hex digits",
					opt == 's' ? "signer" : "mrenclave");
			*(opt == 's' ? &f.signer : &f.mrenclave) = optarg;
			break;
		case 'o':
			f.op = optarg;
			break;
		case 'e':
			f.exe = optarg;
			break;
		case 'p':
			f.pid = optarg;
			break;
		case 'l':
			f.label = optarg;
			break;
		case 'M':
			f.model = optarg;
			break;
		case 'c':
			f.count = true;
			break;
		case 'h':
			audit_usage(stdout);
			return 0;
		default:
			return tool_bad_option("audit", opt, argv);
		}
	}
	return scan_files(argv + optind, argc - optind, &f);
}

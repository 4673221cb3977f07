// SPDX-License-Identifier: MIT
/*
 * The policy language and decisions (src/lsm): what a policy file says is
 * what is parsed; every malformed file of the corpus tests/lsm/bad/ is
 * refused at the line and column its first line names; first-match,
 * defaults, every selector; the indexed decision agrees with a scan of
 * every rule on random policies (known and unknown identities); a
 * malformed or missing policy fails the driver's init; the audit record's
 * exact text.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drvtest.h"
#include "testlib.h"
#include "lsm/audit.h"
#include "lsm/lsm.h"
#include "lsm/policy.h"

static const char *corpus(void)
{
	const char *dir = getenv("SOFTSGX_LSM_CORPUS");

	if (!dir || !*dir)
		fail_msg("SOFTSGX_LSM_CORPUS is not set");
	return dir;
}

static struct sgx_lsm_policy *parse(const char *text)
{
	char err[1024];
	struct sgx_lsm_policy *p = sgx_lsm_policy_parse(
		"t.yaml", text, strlen(text), err, sizeof(err));

	if (!p)
		fail_msg("%s", err);
	return p;
}

static void parse_fails(const char *text, const char *want)
{
	char err[1024];
	struct sgx_lsm_policy *p = sgx_lsm_policy_parse(
		"t.yaml", text, strlen(text), err, sizeof(err));

	assert_null(p);
	assert_string_equal(err, want);
}

/* ------------------------------------------------------------- parsing */

static void test_parse_example(void **state)
{
	char path[4096], err[1024];
	struct sgx_lsm_policy *p;
	const struct sgx_lsm_rule *r;

	(void)state;
	snprintf(path, sizeof(path), "%s/good/example.yaml", corpus());
	p = sgx_lsm_policy_load(path, err, sizeof(err));
	if (!p)
		fail_msg("%s", err);
	assert_int_equal(p->model, SGX_LSM_MODEL_SAFE_TO_EXECUTE);
	assert_false(p->permissive);
	assert_int_equal(p->default_verdict, SGX_LSM_DENY);
	assert_int_equal(p->sink, SGX_LSM_SINK_FILE);
	assert_string_equal(p->audit_path, "/var/log/softsgx/audit.log");
	assert_int_equal(p->nr_rules, 4);

	r = &p->rules[0];
	assert_string_equal(r->name, "ci-signer");
	assert_int_equal(r->verdict, SGX_LSM_ALLOW);
	assert_int_equal(r->perms, SGX_LSM_PERM_BIT(SGX_LSM_LAUNCH) |
					   SGX_LSM_PERM_BIT(SGX_LSM_DEBUG));
	assert_int_equal(r->sel, SGX_LSM_SEL_MRSIGNER);
	assert_hex_equal(r->mrsigner, 32,
			 "83d719e77deaca1470f6baf62a4d7743"
			 "03c899db69020f9c70ee1dfc08c7ce9e");
	assert_int_equal(r->line, 13);
	assert_int_equal(r->column, 5);

	r = &p->rules[1];
	assert_int_equal(r->perms, SGX_LSM_PERM_BIT(SGX_LSM_PROVISION));
	assert_string_equal(r->exe, "/usr/lib/softsgx/qe-host");
	assert_int_equal(r->uid, 0);
	assert_int_equal(r->isvprodid, 1);
	assert_int_equal(r->isvsvn_min, 2);
	assert_int_equal(r->isvsvn_max, 65535);
	assert_int_equal(r->attr_clear, SGX_ATTR_DEBUG);
	assert_int_equal(r->attr_set, 0);

	r = &p->rules[2];
	assert_string_equal(r->label, "libos");
	assert_int_equal(r->sel, SGX_LSM_SEL_LABEL);

	r = &p->rules[3];
	assert_int_equal(r->verdict, SGX_LSM_DENY);
	assert_int_equal(r->sel, 0);
	assert_int_equal(r->line, 35);
	sgx_lsm_policy_free(p);
}

static void test_parse_defaults_and_forms(void **state)
{
	struct sgx_lsm_policy *p;

	(void)state;
	p = parse("version: 1\ndefault: deny\n");
	assert_int_equal(p->model, SGX_LSM_MODEL_UPSTREAM);
	assert_false(p->permissive);
	assert_int_equal(p->sink, SGX_LSM_SINK_STDERR);
	assert_false(p->audit_grants);
	assert_int_equal(p->nr_rules, 0);
	sgx_lsm_policy_free(p);

	/* Flow style, quoted scalars, hex numbers, "all", svn forms. */
	p = parse("{version: 0x1, default: \"allow\", mode: permissive,\n"
		  " rules: [{deny: all, enclave: {isvsvn: '..7'}},\n"
		  "         {allow: launch, enclave: {isvsvn: 3}},\n"
		  "         {allow: launch, enclave: {isvsvn: 4..9}},\n"
		  "         {allow: launch, subject: {exe: '/opt/*/bin/x',"
		  " gid: root}}]}\n");
	assert_true(p->permissive);
	assert_int_equal(p->nr_rules, 4);
	assert_int_equal(p->rules[0].perms, SGX_LSM_ALL_PERMS);
	assert_int_equal(p->rules[0].isvsvn_min, 0);
	assert_int_equal(p->rules[0].isvsvn_max, 7);
	assert_int_equal(p->rules[1].isvsvn_min, 3);
	assert_int_equal(p->rules[1].isvsvn_max, 3);
	assert_int_equal(p->rules[2].isvsvn_min, 4);
	assert_int_equal(p->rules[2].isvsvn_max, 9);
	assert_true(p->rules[3].sel & SGX_LSM_SEL_EXE_GLOB);
	assert_int_equal(p->rules[3].gid, 0);
	sgx_lsm_policy_free(p);
}

static void test_parse_errors_inline(void **state)
{
	(void)state;
	parse_fails("version: 1\ndefault: deny\nrules:\n  - allow: launch\n"
		    "    subject: { uid: root, uid: 0 }\n",
		    "t.yaml:5:27: error: 'uid' given twice in 'subject'");
	parse_fails("version: 1\ndefault: deny\naudit: []\n",
		    "t.yaml:3:8: error: 'audit' must be a mapping (key: value "
		    "lines)");
	parse_fails(
		"version: 1\ndefault: deny\nrules:\n  - allow: [[launch]]\n",
		"t.yaml:4:13: error: a permission must be a name");
	parse_fails("version: 1\ndefault: deny\n? [a]\n: b\n",
		    "t.yaml:3:3: error: keys of the policy must be plain "
		    "names");
}

/* Each file's first line: "# expect: LINE:COL: MESSAGE". */
static int check_corpus_file(const char *dir, const char *name)
{
	char path[8192], want[10240], got[10240], line[1024];
	struct sgx_lsm_policy *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_true(!strncmp(line, "# expect: ", 10));
	line[strcspn(line, "\n")] = '\0';
	/* "L:C: message" -> "PATH:L:C: error: message" */
	{
		char *msg = strchr(strchr(line + 10, ':') + 1, ':');

		assert_non_null(msg);
		*msg = '\0';
		snprintf(want, sizeof(want), "%s:%s: error:%s", path, line + 10,
			 msg + 1);
	}
	p = sgx_lsm_policy_load(path, got, sizeof(got));
	if (p) {
		print_error("%s was accepted\n", name);
		sgx_lsm_policy_free(p);
		return 1;
	}
	if (strcmp(got, want)) {
		print_error("%s:\n  want %s\n  got  %s\n", name, want, got);
		return 1;
	}
	return 0;
}

static void test_malformed_corpus(void **state)
{
	char dir[4096];
	struct dirent *e;
	int files = 0, bad = 0;
	DIR *d;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/bad", corpus());
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n < 6 || strcmp(e->d_name + n - 5, ".yaml"))
			continue;
		files++;
		bad += check_corpus_file(dir, e->d_name);
	}
	closedir(d);
	print_message("%d malformed policies, each refused at its place\n",
		      files);
	assert_true(files >= 20);
	assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------ decisions */

static struct sgx_lsm_subject subject(const char *exe, uid_t uid, gid_t gid,
				      const char *label)
{
	struct sgx_lsm_subject s = {
		.pid = 1, .uid = uid, .gid = gid, .exe = exe, .label = label
	};

	sgx_lsm_subject_hash(&s);
	return s;
}

static struct sgx_lsm_object object(uint8_t signer, uint8_t enclave,
				    uint16_t prodid, uint16_t svn,
				    uint64_t attributes)
{
	struct sgx_lsm_object o = { .identity_known = true,
				    .attributes_known = true,
				    .isvprodid = prodid,
				    .isvsvn = svn,
				    .attributes = attributes };

	memset(o.mrsigner, signer, sizeof(o.mrsigner));
	memset(o.mrenclave, enclave, sizeof(o.mrenclave));
	return o;
}

static const char *hex32(uint8_t b)
{
	static char buf[4][65];
	static int n;
	char *out = buf[n++ % 4];

	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", b);
	return out;
}

/* Decide with both evaluators; they must agree; return the indexed one. */
static struct sgx_lsm_decision both(const struct sgx_lsm_policy *p,
				    const struct sgx_lsm_subject *s,
				    const struct sgx_lsm_object *o, int perm)
{
	struct sgx_lsm_decision a, b;

	sgx_lsm_decide(p, s, o, (enum sgx_lsm_perm)perm, &a);
	sgx_lsm_decide_linear(p, s, o, (enum sgx_lsm_perm)perm, &b);
	assert_int_equal(a.verdict, b.verdict);
	assert_int_equal(a.rule, b.rule);
	assert_int_equal(a.undetermined, b.undetermined);
	assert_int_equal(a.unknown_rule, b.unknown_rule);
	return a;
}

static void test_first_match_and_selectors(void **state)
{
	char text[4096];
	struct sgx_lsm_subject app = subject("/usr/bin/app", 1000, 100, "ci");
	struct sgx_lsm_subject other = subject("/usr/bin/other", 0, 0, "");
	struct sgx_lsm_object o = object(0xaa, 0x11, 7, 5, SGX_ATTR_MODE64BIT);
	struct sgx_lsm_decision d;
	struct sgx_lsm_policy *p;

	(void)state;
	snprintf(
		text, sizeof(text),
		"version: 1\n"
		"default: deny\n"
		"rules:\n"
		"  - deny: launch\n" /* rule 0 */
		"    enclave: { mrsigner: %s, isvsvn: ..2 }\n"
		"  - allow: [launch, debug]\n" /* rule 1 */
		"    enclave: { mrsigner: %s, isvprodid: 7 }\n"
		"  - allow: provision\n" /* rule 2 */
		"    subject: { exe: /usr/bin/app, uid: 1000, gid: 100 }\n"
		"  - allow: mapwx\n" /* rule 3 */
		"    subject: { label: ci }\n"
		"  - allow: execanon\n" /* rule 4 */
		"    subject: { exe: '/usr/*/app' }\n"
		"  - allow: execunmr\n" /* rule 5 */
		"    enclave: { mrenclave: %s, attributes: { debug: false } }\n"
		"  - allow: execdirty\n" /* rule 6 */
		"    enclave: { attributes: { debug: true } }\n",
		hex32(0xaa), hex32(0xaa), hex32(0x11));
	p = parse(text);

	d = both(p, &app, &o, SGX_LSM_LAUNCH);
	assert_int_equal(d.verdict, SGX_LSM_ALLOW);
	assert_int_equal(d.rule, 1);
	o.isvsvn = 2; /* now the earlier deny rule's range matches */
	d = both(p, &app, &o, SGX_LSM_LAUNCH);
	assert_int_equal(d.verdict, SGX_LSM_DENY);
	assert_int_equal(d.rule, 0);
	o.isvsvn = 5;
	o.isvprodid = 8; /* rule 1 no longer matches: default */
	d = both(p, &app, &o, SGX_LSM_LAUNCH);
	assert_int_equal(d.rule, -1);
	assert_int_equal(d.verdict, SGX_LSM_DENY);

	assert_int_equal(both(p, &app, &o, SGX_LSM_PROVISION).rule, 2);
	assert_int_equal(both(p, &other, &o, SGX_LSM_PROVISION).rule, -1);
	assert_int_equal(both(p, &app, &o, SGX_LSM_MAPWX).rule, 3);
	assert_int_equal(both(p, &other, &o, SGX_LSM_MAPWX).rule, -1);
	assert_int_equal(both(p, &app, &o, SGX_LSM_EXECANON).rule, 4);
	assert_int_equal(both(p, &other, &o, SGX_LSM_EXECANON).rule, -1);
	assert_int_equal(both(p, &app, &o, SGX_LSM_EXECUNMR).rule, 5);
	o.attributes |= SGX_ATTR_DEBUG;
	assert_int_equal(both(p, &app, &o, SGX_LSM_EXECUNMR).rule, -1);
	assert_int_equal(both(p, &app, &o, SGX_LSM_EXECDIRTY).rule, 6);

	/* Identity unknown: rule 0/1 can change the launch answer. */
	o.identity_known = false;
	d = both(p, &app, &o, SGX_LSM_LAUNCH);
	assert_true(d.undetermined);
	assert_int_equal(d.verdict, SGX_LSM_DENY);
	assert_int_equal(d.unknown_rule, 1);
	/* ... but not the mapwx answer, which no identity rule mentions. */
	d = both(p, &app, &o, SGX_LSM_MAPWX);
	assert_false(d.undetermined);
	assert_int_equal(d.rule, 3);
	sgx_lsm_policy_free(p);
}

/* A tiny random generator, so failures reproduce. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state % n);
}

static const char *const exes[] = { "/a", "/b", "/c", "/d/e" };
static const char *const labels[] = { "", "x", "y" };

static void random_rule(char *out, size_t len)
{
	int n = 0;

	int p1 = (int)rnd(7), p2 = (p1 + 1 + (int)rnd(6)) % 7;

	n += snprintf(out + n, len - (size_t)n, "  - %s: [%s, %s]\n",
		      rnd(2) ? "allow" : "deny",
		      sgx_lsm_perm_name((enum sgx_lsm_perm)p1),
		      sgx_lsm_perm_name((enum sgx_lsm_perm)p2));
	n += snprintf(out + n, len - (size_t)n, "    subject: { uid: %u",
		      rnd(3));
	if (rnd(2))
		n += snprintf(out + n, len - (size_t)n, ", exe: '%s'",
			      rnd(4) ? exes[rnd(4)] : "/*");
	if (rnd(2))
		n += snprintf(out + n, len - (size_t)n, ", label: %s",
			      labels[1 + rnd(2)]);
	n += snprintf(out + n, len - (size_t)n,
		      " }\n    enclave: { isvsvn: %u..", rnd(3));
	if (rnd(2))
		n += snprintf(out + n, len - (size_t)n, ", mrsigner: %s",
			      hex32((uint8_t)rnd(3)));
	if (rnd(3) == 0)
		n += snprintf(out + n, len - (size_t)n, ", mrenclave: %s",
			      hex32((uint8_t)(0x10 + rnd(3))));
	if (rnd(3) == 0)
		n += snprintf(out + n, len - (size_t)n, ", isvprodid: %u",
			      rnd(2));
	if (rnd(3) == 0)
		n += snprintf(out + n, len - (size_t)n,
			      ", attributes: { debug: %s }",
			      rnd(2) ? "true" : "false");
	snprintf(out + n, len - (size_t)n, " }\n");
}

static void test_index_agrees_with_scan(void **state)
{
	size_t cap = 1 << 20;
	char *text = malloc(cap);
	int queries = 0;

	(void)state;
	assert_non_null(text);
	for (int round = 0; round < 40; round++) {
		int n = snprintf(text, cap, "version: 1\ndefault: %s\nrules:\n",
				 rnd(2) ? "allow" : "deny");
		int nr = 1 + (int)rnd(200);
		struct sgx_lsm_policy *p;

		for (int i = 0; i < nr; i++) {
			random_rule(text + n, cap - (size_t)n);
			n += (int)strlen(text + n);
		}
		p = parse(text);
		for (int q = 0; q < 300; q++, queries++) {
			struct sgx_lsm_subject s = subject(exes[rnd(4)], rnd(3),
							   0, labels[rnd(3)]);
			struct sgx_lsm_object o = object(
				(uint8_t)rnd(3), (uint8_t)(0x10 + rnd(3)),
				(uint16_t)rnd(2), (uint16_t)rnd(4),
				rnd(2) ? SGX_ATTR_DEBUG : 0);

			o.identity_known = rnd(3) != 0;
			o.attributes_known = rnd(4) != 0;
			both(p, &s, &o, (int)rnd(7));
		}
		sgx_lsm_policy_free(p);
	}
	print_message("%d random decisions: index == scan\n", queries);
	free(text);
}

/* ------------------------------------------------- loading at driver init */

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/*
 * The driver's init in a fresh process (this binary, run with
 * --driver-init: the parent's driver is already up) with var=value: its
 * result and message.
 */
static void init_in_child(const char *var, const char *value, int want_ret,
			  const char *want_err)
{
	int fds[2], status;
	char msg[1024] = "";
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		setenv(var, value, 1);
		execl("/proc/self/exe", "test_lsm_policy", "--driver-init",
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), -want_ret);
	assert_string_equal(msg, want_err);
}

static int driver_init_main(void)
{
	char err[1024] = "";
	int ret = sgx_driver_init(err, sizeof(err));

	fputs(err, stdout);
	return -ret;
}

static void test_driver_init_refuses_bad_policy(void **state)
{
	char path[2048], want[4096];

	(void)state;
	drvtest_dir(); /* SOFTSGX_PLATFORM for the children */
	snprintf(path, sizeof(path), "%s/lsm-bad.yaml", drvtest_dir());
	assert_int_equal(write_text(path,
				    "version: 1\ndefault: deny\n"
				    "rules:\n  - allow: [launch, exec]\n"),
			 0);
	snprintf(want, sizeof(want),
		 "%s:4:21: error: unknown permission 'exec' (launch, "
		 "provision, debug, mapwx, execdirty, execanon, execunmr or "
		 "all)",
		 path);
	init_in_child("SOFTSGX_POLICY", path, -EINVAL, want);

	init_in_child("SOFTSGX_POLICY", "/nonexistent/policy.yaml", -EINVAL,
		      "SOFTSGX_POLICY=\"/nonexistent/policy.yaml\": no such "
		      "file (give a path, or \"none\")");
	init_in_child("SOFTSGX_LABEL", "bad label", -EINVAL,
		      "SOFTSGX_LABEL=\"bad label\": invalid label (1 to 64 of "
		      "A-Z a-z 0-9 _ . : -)");

	/* A good one is in force after init; "none" leaves none. */
	snprintf(path, sizeof(path), "%s/lsm-good.yaml", drvtest_dir());
	assert_int_equal(write_text(path, "version: 1\ndefault: allow\n"), 0);
	init_in_child("SOFTSGX_POLICY", path, 0, "");
	init_in_child("SOFTSGX_POLICY", "none", 0, "");
	unlink(path);
	snprintf(path, sizeof(path), "%s/lsm-bad.yaml", drvtest_dir());
	unlink(path);
}

static void test_policy_find(void **state)
{
	char path[4096], err[256], dir[4096], want[4200];

	(void)state;
	setenv("SOFTSGX_POLICY", "none", 1);
	assert_int_equal(
		sgx_lsm_policy_find(path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, "");

	/* Unset: the user's file, under XDG_CONFIG_HOME. */
	snprintf(dir, sizeof(dir), "%s/xdg", drvtest_dir());
	mkdir(dir, 0700);
	snprintf(want, sizeof(want), "%s/softsgx", dir);
	mkdir(want, 0700);
	snprintf(want, sizeof(want), "%s/softsgx/policy.yaml", dir);
	assert_int_equal(write_text(want, "version: 1\ndefault: allow\n"), 0);
	unsetenv("SOFTSGX_POLICY");
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(
		sgx_lsm_policy_find(path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, want);
	unlink(want);
	snprintf(want, sizeof(want), "%s/softsgx", dir);
	rmdir(want);
	rmdir(dir);
	unsetenv("XDG_CONFIG_HOME");
	setenv("SOFTSGX_POLICY", "none", 1);
}

/* ---------------------------------------------------------------- audit */

static void test_audit_format(void **state)
{
	struct sgx_lsm_policy *p =
		parse("version: 1\nmodel: safe-to-execute\ndefault: deny\n"
		      "rules:\n  - deny: execdirty\n");
	struct sgx_lsm_subject s = subject("/usr/bin/app", 1000, 1001, "ci");
	struct sgx_lsm_object o = object(0xab, 0xcd, 1, 2, 0);
	struct sgx_lsm_audit_event ev = { SGX_LSM_EXECDIRTY, false, "mprotect",
					  0x7f0000001000ULL, 0 };
	char line[SGX_LSM_AUDIT_MAX], want[1024];

	(void)state;
	s.pid = 42;
	sgx_lsm_audit_format(line, sizeof(line), p, &s, &o, &ev);
	snprintf(want, sizeof(want),
		 "avc: denied { execdirty } for pid=42 exe=\"/usr/bin/app\" "
		 "uid=1000 gid=1001 label=\"ci\" enclave=mrenclave:%s "
		 "signer=mrsigner:%s addr=0x7f0000001000 op=mprotect "
		 "model=safe-to-execute rule=5 permissive=0",
		 hex32(0xcd), hex32(0xab));
	assert_string_equal(line, want);

	/* Unknown identity, no label, a default decision, a grant. */
	s = subject("/tmp/my app", 0, 0, "");
	s.pid = 7;
	o.identity_known = false;
	ev = (struct sgx_lsm_audit_event){ SGX_LSM_LAUNCH, true, "init", 0x1000,
					   -1 };
	p->permissive = true;
	sgx_lsm_audit_format(line, sizeof(line), p, &s, &o, &ev);
	assert_string_equal(line,
			    "avc: granted { launch } for pid=7 "
			    "exe=2F746D702F6D7920617070 uid=0 gid=0 "
			    "enclave=mrenclave:unknown signer=mrsigner:unknown "
			    "addr=0x1000 op=init model=safe-to-execute "
			    "rule=default permissive=1");
	sgx_lsm_policy_free(p);
}

static int group_setup(void **state)
{
	(void)state;
	drvtest_init();
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_example),
		cmocka_unit_test(test_parse_defaults_and_forms),
		cmocka_unit_test(test_parse_errors_inline),
		cmocka_unit_test(test_malformed_corpus),
		cmocka_unit_test(test_first_match_and_selectors),
		cmocka_unit_test(test_index_agrees_with_scan),
		cmocka_unit_test(test_driver_init_refuses_bad_policy),
		cmocka_unit_test(test_policy_find),
		cmocka_unit_test(test_audit_format),
	};

	if (argc > 1 && !strcmp(argv[1], "--driver-init"))
		return driver_init_main();
	return cmocka_run_group_tests(tests, group_setup, NULL);
}

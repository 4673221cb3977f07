// SPDX-License-Identifier: MIT
/*
 * The policy hooks on real enclaves, through the driver's ioctls and its
 * mapping rule (sgx_encl_may_map / sgx_encl_may_mprotect, what the shim's
 * mmap and mprotect call).
 *
 * The matrix: for each permission model and each permission, an ADD, mmap,
 * mprotect or INIT that a policy allows (its "granted" record asserted)
 * and another denies with -EACCES (its "denied" record asserted, text for
 * text); the same denying policy in permissive mode logs the same record
 * (permissive=1) and allows. Then: no policy behaves as upstream; the
 * provisioning rule; decisions deferred to INIT; the vma-propagate cap and
 * the safe-to-execute bit; EAUG'd pages; the virtual-EPC hooks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drvtest.h"
#include "testlib.h"
#include "arch/measure.h"
#include "driver/ioctl.h"
#include "lsm/audit.h"
#include "lsm/lsm.h"
#include "lsm/policy.h"

#define RX (PROT_READ | PROT_EXEC)
#define RW (PROT_READ | PROT_WRITE)
#define RWX (PROT_READ | PROT_WRITE | PROT_EXEC)
#define SI_R (SGX_SECINFO_REG | SGX_SECINFO_R)
#define SI_RX (SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X)
#define SI_RW (SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W)
#define SI_RWX (SI_RW | SGX_SECINFO_X)
#define LABEL "lsm-test"

static const char *const models[] = { "upstream", "vma-propagate",
				      "safe-to-execute" };

/* --- audit capture ------------------------------------------------------ */

#define MAX_LINES 64
static char lines[MAX_LINES][SGX_LSM_AUDIT_MAX];
static int nr_lines;

static void capture(const char *line, void *arg)
{
	(void)arg;
	if (nr_lines < MAX_LINES)
		snprintf(lines[nr_lines++], sizeof(lines[0]), "%s", line);
}

static int count_lines(const char *prefix)
{
	int n = 0;

	for (int i = 0; i < nr_lines; i++)
		n += !strncmp(lines[i], prefix, strlen(prefix));
	return n;
}

static bool have_line(const char *want)
{
	for (int i = 0; i < nr_lines; i++)
		if (!strcmp(lines[i], want))
			return true;
	return false;
}

static void dump_lines(void)
{
	for (int i = 0; i < nr_lines; i++)
		print_message("  captured: %s\n", lines[i]);
}

/* --- policies ------------------------------------------------------------ */

static void use_policy(const char *fmt, ...)
{
	char text[4096], err[1024];
	struct sgx_lsm_policy *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	p = sgx_lsm_policy_parse("policy.yaml", text, strlen(text), err,
				 sizeof(err));
	if (!p)
		fail_msg("%s\n%s", err, text);
	sgx_lsm_set_policy(p);
	nr_lines = 0;
}

static void hex(const uint8_t *d, char *out)
{
	for (int i = 0; i < SGX_HASH_SIZE; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* Everything allowed, nothing logged: for building the fixtures. */
static void setup_policy(int model)
{
	use_policy("version: 1\nmodel: %s\ndefault: allow\n", models[model]);
}

/*
 * The policy under test: default allow, and at line 7 a rule that allows
 * (logging grants) or denies perm, for any enclave or one signer's.
 */
static void test_policy(int model, bool deny, bool permissive, int perm,
			const uint8_t *signer)
{
	char enclave[128] = "", h[65];

	if (signer) {
		hex(signer, h);
		snprintf(enclave, sizeof(enclave),
			 "    enclave: { mrsigner: %s }\n", h);
	}
	use_policy("version: 1\n"
		   "model: %s\n"
		   "mode: %s\n"
		   "default: allow\n"
		   "audit: { grants: %s }\n"
		   "rules:\n"
		   "  - %s: %s\n"
		   "%s",
		   models[model], permissive ? "permissive" : "enforcing",
		   deny ? "false" : "true", deny ? "deny" : "allow",
		   sgx_lsm_perm_name((enum sgx_lsm_perm)perm), enclave);
}

/* --- the record a decision must produce ---------------------------------- */

struct outcome {
	long ret;
	const char *op;
	uint64_t addr;
	bool identity;
	uint8_t mrenclave[SGX_HASH_SIZE], mrsigner[SGX_HASH_SIZE];
};

static void expected_line(char *out, size_t len, int model, int perm,
			  bool granted, bool permissive,
			  const struct outcome *o)
{
	char exe[4096], e[80] = "mrenclave:unknown", s[80] = "mrsigner:unknown";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	assert_true(n > 0);
	exe[n] = '\0';
	if (o->identity) {
		strcpy(e, "mrenclave:");
		hex(o->mrenclave, e + 10);
		strcpy(s, "mrsigner:");
		hex(o->mrsigner, s + 9);
	}
	snprintf(out, len,
		 "avc: %s { %s } for pid=%d exe=\"%s\" uid=%u gid=%u "
		 "label=\"" LABEL "\" enclave=%s signer=%s addr=0x%llx op=%s "
		 "model=%s rule=7 permissive=%d",
		 granted ? "granted" : "denied",
		 sgx_lsm_perm_name((enum sgx_lsm_perm)perm), (int)getpid(), exe,
		 (unsigned int)geteuid(), (unsigned int)getegid(), e, s,
		 (unsigned long long)o->addr, o->op, models[model],
		 permissive ? 1 : 0);
}

/* --- enclave fixtures ------------------------------------------------------ */

struct page {
	uint64_t offset, secinfo;
	const void *src;
	bool measure;
};

struct fx {
	struct sgx_encl *encl;
	uint8_t mrenclave[SGX_HASH_SIZE], mrsigner[SGX_HASH_SIZE];
	struct sgx_sigstruct sig;
};

static void *anon_page(int prot)
{
	uint8_t *p = drvtest_map(1, RW);

	for (size_t i = 0; i < PAGE; i++)
		p[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(mprotect(p, PAGE, prot), 0);
	return p;
}

/* A private mapping of a file on the build tree's (exec) filesystem. */
static void *file_page(int prot)
{
	char path[4096];
	uint8_t data[PAGE];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/lsm-src-XXXXXX", drvtest_dir());
	fd = mkstemp(path);
	assert_true(fd >= 0);
	for (size_t i = 0; i < PAGE; i++)
		data[i] = (uint8_t)(i * 5 + 3);
	assert_int_equal(write(fd, data, PAGE), (ssize_t)PAGE);
	p = mmap(NULL, PAGE, prot, MAP_PRIVATE, fd, 0);
	assert_true(p != MAP_FAILED);
	close(fd);
	unlink(path);
	return p;
}

static void fx_create(struct fx *f, uint64_t attrs)
{
	f->encl = sgx_encl_alloc();
	assert_non_null(f->encl);
	assert_int_equal(drvtest_create(f->encl, attrs), 0);
}

static long fx_add(struct fx *f, const struct page *pg, uint64_t *count)
{
	return drvtest_add(f->encl, pg->src, pg->offset, PAGE, pg->secinfo,
			   pg->measure ? SGX_PAGE_MEASURE : 0, count);
}

static void fx_sign(struct fx *f, const struct page *pages, size_t n,
		    uint64_t attrs)
{
	struct sgx_mrenclave m;

	assert_int_equal(sgx_mrenclave_init(&m, 1, DRVTEST_SIZE), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(
			sgx_mrenclave_add_page(
				&m, pages[i].offset, pages[i].secinfo,
				pages[i].measure ? pages[i].src : NULL),
			0);
	assert_int_equal(sgx_mrenclave_final(&m, f->mrenclave), 0);
	drvtest_sign(f->mrenclave, attrs & ~SGX_ATTR_DEBUG, &f->sig,
		     f->mrsigner);
}

static long fx_init(struct fx *f)
{
	return drvtest_init_encl(f->encl, &f->sig);
}

/* Build (R page at 0, then pages) and INIT; the policy in force allows. */
static void fx_build(struct fx *f, uint64_t attrs, const struct page *extra)
{
	struct page pages[2] = { { 0, SI_R, anon_page(PROT_READ), true } };
	size_t n = 1;

	if (extra)
		pages[n++] = *extra;
	fx_create(f, attrs);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(fx_add(f, &pages[i], NULL), 0);
	fx_sign(f, pages, n, attrs);
	assert_int_equal(fx_init(f), 0);
	munmap((void *)pages[0].src, PAGE);
}

static void fx_free(struct fx *f)
{
	sgx_encl_put(f->encl);
}

static void outcome_identity(struct outcome *o, const struct fx *f)
{
	o->identity = true;
	memcpy(o->mrenclave, f->mrenclave, SGX_HASH_SIZE);
	memcpy(o->mrsigner, f->mrsigner, SGX_HASH_SIZE);
}

/* --- the matrix's scenarios ------------------------------------------------ */

/* The policy under test, put in force by a scenario just before its act. */
struct arm {
	int model, perm;
	bool deny, permissive;
};

static void arm(const struct arm *a, const uint8_t *signer)
{
	test_policy(a->model, a->deny, a->permissive, a->perm, signer);
}

static bool provision_fd_is_9(int fd)
{
	return fd == 9;
}

/* launch, debug, provision: INIT, the rule naming the enclave's signer. */
static void scenario_init(const struct arm *a, uint64_t attrs,
			  struct outcome *o)
{
	struct page pg = { 0, SI_R, anon_page(PROT_READ), true };
	struct sgx_enclave_provision prov = { 9 };
	struct fx f;

	fx_create(&f, attrs);
	assert_int_equal(fx_add(&f, &pg, NULL), 0);
	fx_sign(&f, &pg, 1, attrs);
	arm(a, f.mrsigner);
	if (attrs & SGX_ATTR_PROVISIONKEY) {
		sgx_driver_set_provision_check(provision_fd_is_9);
		/* The identity is not known yet: INIT decides. */
		assert_int_equal(sgx_ioctl(f.encl, SGX_IOC_ENCLAVE_PROVISION,
					   (uintptr_t)&prov),
				 0);
	}
	o->ret = fx_init(&f);
	o->op = "init";
	o->addr = DRVTEST_BASE;
	outcome_identity(o, &f);
	sgx_driver_set_provision_check(NULL);
	assert_int_equal(sgx_encl_test_flag(f.encl, SGX_ENCL_INITIALIZED),
			 o->ret == 0);
	fx_free(&f);
	munmap((void *)pg.src, PAGE);
}

/* ADD of one page at 0x1000; a denied page is not added. */
static void scenario_load(const struct arm *a, uint64_t secinfo, void *src,
			  bool measure, struct outcome *o)
{
	struct page pg = { 0x1000, secinfo, src, measure };
	uint64_t count = 0;
	struct fx f;

	fx_create(&f, 0);
	arm(a, NULL);
	o->ret = fx_add(&f, &pg, &count);
	o->op = "load";
	o->addr = DRVTEST_BASE + 0x1000;
	o->identity = false;
	assert_int_equal(count, o->ret ? 0 : PAGE);
	assert_int_equal(!!(f.encl->pages[1].flags & SGX_ENCL_PAGE_PRESENT),
			 o->ret == 0);
	fx_free(&f);
	munmap(src, PAGE);
}

/*
 * An initialised enclave with the page at 0x1000; then, under the policy
 * under test, first (if pre_prot) a mapping with pre_prot, then the act:
 * mmap (or mprotect) of that page with prot.
 */
static void scenario_map(const struct arm *a, uint64_t secinfo, void *src,
			 int pre_prot, bool use_mprotect, int prot,
			 struct outcome *o)
{
	struct page pg = { 0x1000, secinfo, src, true };
	unsigned long addr = DRVTEST_BASE + 0x1000;
	struct fx f;

	fx_build(&f, 0, &pg);
	arm(a, NULL);
	if (pre_prot)
		assert_int_equal(sgx_encl_may_map(f.encl, addr, addr + PAGE,
						  (unsigned long)pre_prot),
				 0);
	o->ret = use_mprotect ? sgx_encl_may_mprotect(f.encl, addr, addr + PAGE,
						      (unsigned long)prot) :
				sgx_encl_may_map(f.encl, addr, addr + PAGE,
						 (unsigned long)prot);
	o->op = use_mprotect ? "mprotect" : "mmap";
	o->addr = addr;
	outcome_identity(o, &f);
	fx_free(&f);
	munmap(src, PAGE);
}

/* A page EAUG'd at run time, then made executable. */
static void scenario_eaug(const struct arm *a, struct outcome *o)
{
	unsigned long addr = DRVTEST_BASE + 0x2000;
	struct fx f;

	fx_build(&f, 0, NULL);
	arm(a, NULL);
	assert_int_equal(sgx_encl_aug_page(f.encl, 0x2000), 0);
	assert_true(security_enclave_page_state(f.encl->security, 0x2000) &
		    SGX_LSM_PAGE_AUG);
	o->ret = sgx_encl_may_mprotect(f.encl, addr, addr + PAGE, RX);
	o->op = "mprotect";
	o->addr = addr;
	outcome_identity(o, &f);
	fx_free(&f);
}

/* The act that needs perm under model (each model's own way). */
static void run_scenario(const struct arm *a, struct outcome *o)
{
	bool safe = a->model == 2;

	switch (a->perm) {
	case SGX_LSM_LAUNCH:
		scenario_init(a, 0, o);
		break;
	case SGX_LSM_DEBUG:
		scenario_init(a, SGX_ATTR_DEBUG, o);
		break;
	case SGX_LSM_PROVISION:
		scenario_init(a, SGX_ATTR_PROVISIONKEY, o);
		break;
	case SGX_LSM_MAPWX:
		scenario_map(a, SI_RWX, file_page(RWX), 0, false, RWX, o);
		break;
	case SGX_LSM_EXECDIRTY:
		/* upstream/vma: declared W+X at ADD; safe: RW, then RX. */
		if (safe)
			scenario_map(a, SI_RWX, file_page(RX), RW, true, RX, o);
		else
			scenario_load(a, SI_RWX, file_page(RWX), true, o);
		break;
	case SGX_LSM_EXECANON:
		/* upstream/vma: at ADD; safe: when the page is mapped X. */
		if (safe)
			scenario_map(a, SI_RX, anon_page(RW), 0, false, RX, o);
		else
			scenario_load(a, SI_RX, anon_page(RW), true, o);
		break;
	case SGX_LSM_EXECUNMR:
		scenario_load(a, SI_RX, file_page(RX), false, o);
		break;
	default: /* EXECDIRTY through EAUG */
		a = &(struct arm){ a->model, SGX_LSM_EXECDIRTY, a->deny,
				   a->permissive };
		scenario_eaug(a, o);
		break;
	}
}

/* One cell: allowed (granted record), denied (denied record), permissive. */
static void matrix_cell(int model, int perm)
{
	int rperm = perm == SGX_LSM_NR_PERMS ? SGX_LSM_EXECDIRTY : perm;
	char want[SGX_LSM_AUDIT_MAX], prefix[64];
	struct outcome o;

	snprintf(prefix, sizeof(prefix), "avc: denied { ");
	setup_policy(model);
	run_scenario(&(struct arm){ model, perm, false, false }, &o);
	expected_line(want, sizeof(want), model, rperm, true, false, &o);
	if (o.ret || !have_line(want) || count_lines(prefix)) {
		dump_lines();
		fail_msg("%s/%s allowed: ret %ld, want %s", models[model],
			 sgx_lsm_perm_name(rperm), o.ret, want);
	}

	setup_policy(model);
	run_scenario(&(struct arm){ model, perm, true, false }, &o);
	expected_line(want, sizeof(want), model, rperm, false, false, &o);
	if (o.ret != -EACCES || nr_lines != 1 || strcmp(lines[0], want)) {
		dump_lines();
		fail_msg("%s/%s denied: ret %ld, want %s", models[model],
			 sgx_lsm_perm_name(rperm), o.ret, want);
	}

	setup_policy(model);
	run_scenario(&(struct arm){ model, perm, true, true }, &o);
	expected_line(want, sizeof(want), model, rperm, false, true, &o);
	if (o.ret || nr_lines != 1 || strcmp(lines[0], want)) {
		dump_lines();
		fail_msg("%s/%s permissive: ret %ld, want %s", models[model],
			 sgx_lsm_perm_name(rperm), o.ret, want);
	}
}

static void test_matrix(void **state)
{
	int cells = 0;

	(void)state;
	for (int model = 0; model < 3; model++)
		for (int perm = 0; perm <= SGX_LSM_NR_PERMS; perm++, cells++)
			matrix_cell(model, perm);
	print_message("%d cells x (allowed, denied, permissive)\n", cells);
	sgx_lsm_set_policy(NULL);
	assert_int_equal(sgx_epc_used_pages(), 0);
}

/* --- beyond the matrix ------------------------------------------------------ */

/* No policy: every hook is a no-op, the driver is upstream's. */
static void test_no_policy_is_upstream(void **state)
{
	struct page pg = { 0x1000, SI_RWX, anon_page(RW), false };
	unsigned long addr = DRVTEST_BASE + 0x1000;
	struct fx f;

	(void)state;
	sgx_lsm_set_policy(NULL);
	nr_lines = 0;
	fx_build(&f, SGX_ATTR_DEBUG, &pg);
	assert_null(f.encl->security);
	assert_int_equal(f.encl->pages[1].vm_max_prot_bits, RWX);
	assert_int_equal(sgx_encl_may_map(f.encl, addr, addr + PAGE, RWX), 0);
	assert_int_equal(sgx_encl_may_mprotect(f.encl, addr, addr + PAGE, RX),
			 0);
	assert_int_equal(nr_lines, 0);
	fx_free(&f);
	munmap((void *)pg.src, PAGE);
}

/* PROVISIONKEY without the fd: refused even by a permissive policy. */
static void test_provision_rule(void **state)
{
	struct sgx_enclave_provision prov = { 9 };
	struct page pg = { 0, SI_R, anon_page(PROT_READ), true };
	struct outcome o = { .op = "provision", .addr = DRVTEST_BASE };
	char want[SGX_LSM_AUDIT_MAX];
	struct fx f;

	(void)state;
	use_policy("version: 1\nmode: permissive\ndefault: allow\n");
	fx_create(&f, SGX_ATTR_PROVISIONKEY);
	assert_int_equal(fx_add(&f, &pg, NULL), 0);
	fx_sign(&f, &pg, 1, SGX_ATTR_PROVISIONKEY);
	assert_int_equal(fx_init(&f), -EACCES); /* upstream's mask */
	assert_int_equal(nr_lines, 0); /* not a policy decision */

	/* With the fd, the policy decides; for any enclave, at PROVISION. */
	test_policy(0, true, false, SGX_LSM_PROVISION, NULL);
	sgx_driver_set_provision_check(provision_fd_is_9);
	assert_int_equal(
		sgx_ioctl(f.encl, SGX_IOC_ENCLAVE_PROVISION, (uintptr_t)&prov),
		-EACCES);
	expected_line(want, sizeof(want), 0, SGX_LSM_PROVISION, false, false,
		      &o);
	assert_int_equal(nr_lines, 1);
	assert_string_equal(lines[0], want);
	assert_int_equal(fx_init(&f), -EACCES); /* the mask stayed shut */

	/* Permissive: logged, and the fd takes effect. */
	test_policy(0, true, true, SGX_LSM_PROVISION, NULL);
	assert_int_equal(
		sgx_ioctl(f.encl, SGX_IOC_ENCLAVE_PROVISION, (uintptr_t)&prov),
		0);
	expected_line(want, sizeof(want), 0, SGX_LSM_PROVISION, false, true,
		      &o);
	assert_string_equal(lines[0], want);
	assert_int_equal(fx_init(&f), 0);
	sgx_driver_set_provision_check(NULL);
	sgx_lsm_set_policy(NULL);
	fx_free(&f);
	munmap((void *)pg.src, PAGE);
}

/*
 * "Unmeasured code only for this signer": while the enclave is built its
 * signer is unknown, so ADD succeeds and INIT decides, naming the page.
 */
static void test_deferred_to_init(void **state)
{
	struct page pages[2] = { { 0, SI_R, anon_page(PROT_READ), true },
				 { 0x3000, SI_RX, file_page(RX), false } };
	struct outcome o = { .op = "init", .addr = DRVTEST_BASE + 0x3000 };
	char want[SGX_LSM_AUDIT_MAX], h[65];
	uint8_t other[SGX_HASH_SIZE], ours[SGX_HASH_SIZE];
	struct sgx_sigstruct sig;
	struct fx f;

	(void)state;
	memset(other, 0x55, sizeof(other));
	drvtest_sign(other, 0, &sig, ours); /* learn our MRSIGNER */
	for (int round = 0; round < 2; round++) {
		/* round 0: the rule names another signer; 1: ours. */
		hex(round ? ours : other, h);
		use_policy("version: 1\ndefault: allow\nrules:\n"
			   "  - allow: execunmr\n"
			   "    enclave: { mrsigner: %s }\n"
			   "  - deny: execunmr\n",
			   h);
		fx_create(&f, 0);
		for (int i = 0; i < 2; i++)
			assert_int_equal(fx_add(&f, &pages[i], NULL), 0);
		assert_int_equal(security_enclave_deferred(f.encl->security),
				 SGX_LSM_PERM_BIT(SGX_LSM_EXECUNMR));
		assert_int_equal(nr_lines, 0);
		fx_sign(&f, pages, 2, 0);
		if (round == 0) {
			assert_int_equal(fx_init(&f), -EACCES);
			outcome_identity(&o, &f);
			expected_line(want, sizeof(want), 0, SGX_LSM_EXECUNMR,
				      false, false, &o);
			/* The deny rule is at line 6, not 7. */
			memcpy(strstr(want, "rule=7"), "rule=6", 6);
			assert_int_equal(nr_lines, 1);
			assert_string_equal(lines[0], want);
		} else {
			assert_int_equal(fx_init(&f), 0);
			assert_int_equal(nr_lines, 0);
			assert_int_equal(
				security_enclave_deferred(f.encl->security), 0);
		}
		fx_free(&f);
	}
	sgx_lsm_set_policy(NULL);
	munmap((void *)pages[0].src, PAGE);
	munmap((void *)pages[1].src, PAGE);
}

/* vma-propagate: a read-only source gives a read-only page. */
static void test_vma_propagate_cap(void **state)
{
	struct page pg = { 0x1000, SI_RW, file_page(PROT_READ), true };
	unsigned long addr = DRVTEST_BASE + 0x1000;
	struct fx f;

	(void)state;
	setup_policy(1);
	fx_build(&f, 0, &pg);
	assert_int_equal(f.encl->pages[1].vm_max_prot_bits, PROT_READ);
	/* The driver's own rule refuses W now (no policy record). */
	assert_int_equal(sgx_encl_may_map(f.encl, addr, addr + PAGE, RW),
			 -EACCES);
	assert_int_equal(nr_lines, 0);
	fx_free(&f);

	/* upstream: SECINFO decides. */
	setup_policy(0);
	fx_build(&f, 0, &pg);
	assert_int_equal(f.encl->pages[1].vm_max_prot_bits, RW);
	fx_free(&f);
	sgx_lsm_set_policy(NULL);
	munmap((void *)pg.src, PAGE);
}

/* safe-to-execute: the bit, lost for good once mapped writable. */
static void test_safe_bit(void **state)
{
	struct page pg = { 0x1000, SI_RWX, file_page(RX), true };
	unsigned long addr = DRVTEST_BASE + 0x1000;
	uint8_t st;
	struct fx f;

	(void)state;
	use_policy("version: 1\nmodel: safe-to-execute\ndefault: allow\n"
		   "rules:\n  - deny: [execdirty, execanon]\n");
	fx_build(&f, 0, &pg);
	st = security_enclave_page_state(f.encl->security, 0x1000);
	assert_int_equal(st, SGX_LSM_PAGE_PRESENT | SGX_LSM_PAGE_EXEC |
				     SGX_LSM_PAGE_SRC_EXEC |
				     SGX_LSM_PAGE_MEASURED | SGX_LSM_PAGE_SAFE);
	assert_int_equal(sgx_encl_may_map(f.encl, addr, addr + PAGE, RX), 0);
	assert_int_equal(sgx_encl_may_map(f.encl, addr, addr + PAGE, RW), 0);
	st = security_enclave_page_state(f.encl->security, 0x1000);
	assert_false(st & SGX_LSM_PAGE_SAFE);
	assert_true(st & SGX_LSM_PAGE_WRITTEN);
	/* Read-only again does not make it safe again. */
	assert_int_equal(
		sgx_encl_may_mprotect(f.encl, addr, addr + PAGE, PROT_READ), 0);
	assert_int_equal(sgx_encl_may_mprotect(f.encl, addr, addr + PAGE, RX),
			 -EACCES);
	assert_int_equal(count_lines("avc: denied { execdirty }"), 1);
	/* A page with no history (outside the added ones) is not checked. */
	assert_int_equal(sgx_encl_may_map(f.encl, DRVTEST_BASE + 0x5000,
					  DRVTEST_BASE + 0x6000, RWX),
			 0);
	fx_free(&f);
	sgx_lsm_set_policy(NULL);
	munmap((void *)pg.src, PAGE);
}

/*
 * The history is the enclave's, not the process's: a page a forked child
 * mapped writable is not safe to execute in the parent either.
 */
static void test_safe_bit_across_fork(void **state)
{
	struct page pg = { 0x1000, SI_RWX, file_page(RX), true };
	unsigned long addr = DRVTEST_BASE + 0x1000;
	int status;
	pid_t pid;
	struct fx f;

	(void)state;
	use_policy("version: 1\nmodel: safe-to-execute\ndefault: allow\n"
		   "rules:\n  - deny: [execdirty, execanon]\n");
	fx_build(&f, 0, &pg);
	fflush(NULL);
	assert_int_equal(sgx_encl_fork_prepare(), 0);
	pid = fork();
	if (!pid) {
		sgx_encl_fork_child();
		_exit(sgx_encl_may_map(f.encl, addr, addr + PAGE, RW) ? 1 : 0);
	}
	sgx_encl_fork_parent(pid);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(security_enclave_page_state(f.encl->security, 0x1000) &
		    SGX_LSM_PAGE_WRITTEN);
	assert_int_equal(sgx_encl_may_map(f.encl, addr, addr + PAGE, RX),
			 -EACCES);
	fx_free(&f);
	sgx_lsm_set_policy(NULL);
	munmap((void *)pg.src, PAGE);
}

/* A modified page of a private file mapping counts as anonymous. */
static void test_modified_file_page_is_anon(void **state)
{
	uint8_t *src = file_page(RW);
	struct page pg = { 0x1000, SI_RX, src, true };
	struct fx f;

	(void)state;
	use_policy("version: 1\ndefault: allow\nrules:\n  - deny: execanon\n");
	fx_create(&f, 0);
	assert_int_equal(fx_add(&f, &pg, NULL), 0); /* untouched file page */
	src[0] ^= 1; /* copy-on-write: now anonymous memory */
	pg.offset = 0x2000;
	assert_int_equal(fx_add(&f, &pg, NULL), -EACCES);
	assert_int_equal(count_lines("avc: denied { execanon }"), 1);
	fx_free(&f);
	sgx_lsm_set_policy(NULL);
	munmap(src, PAGE);
}

/* The fault path and EMODPE: entry points for the shim and the CPU. */
static void test_fault_and_modpe(void **state)
{
	unsigned long addr = DRVTEST_BASE + 0x2000;
	struct fx f;

	(void)state;
	use_policy("version: 1\ndefault: allow\nrules:\n"
		   "  - deny: [mapwx, execdirty]\n");
	fx_build(&f, 0, NULL);
	assert_int_equal(sgx_encl_aug_page(f.encl, 0x2000), 0);
	assert_int_equal(security_enclave_fault(f.encl->security, addr, RW), 0);
	assert_int_equal(security_enclave_fault(f.encl->security, addr, RWX),
			 -EACCES);
	assert_int_equal(security_enclave_modpe(f.encl->security, 0x2000,
						SGX_SECINFO_R | SGX_SECINFO_X),
			 -EACCES);
	assert_int_equal(security_enclave_modpe(f.encl->security, 0x2000,
						SGX_SECINFO_R | SGX_SECINFO_W),
			 0);
	assert_int_equal(count_lines("avc: denied { mapwx }"), 1);
	assert_int_equal(count_lines("avc: denied { execdirty }"), 1);
	assert_non_null(strstr(lines[nr_lines - 1], " op=emodpe "));
	fx_free(&f);
	sgx_lsm_set_policy(NULL);
}

/* The VMM is the subject; the rules are the host's own. */
static void test_vepc(void **state)
{
	struct sgx_lsm_subject qemu = { .pid = 4242,
					.uid = 107,
					.gid = 107,
					.exe = "/usr/bin/qemu-system-x86_64",
					.label = "" };
	struct sgx_sigstruct sig;
	uint8_t mrenclave[SGX_HASH_SIZE] = { 1 }, mrsigner[SGX_HASH_SIZE];
	const uint64_t debug = SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG;

	(void)state;
	drvtest_sign(mrenclave, 0, &sig, mrsigner);
	sgx_lsm_subject_hash(&qemu);

	/* Upstream KVM's rule holds with or without a policy. */
	sgx_lsm_set_policy(NULL);
	assert_int_equal(
		security_vepc_ecreate(0x10000, SGX_ATTR_PROVISIONKEY, false),
		-EPERM);
	assert_int_equal(
		security_vepc_ecreate(0x10000, SGX_ATTR_PROVISIONKEY, true), 0);
	assert_int_equal(security_vepc_einit(&sig, mrsigner, 0x10000, debug),
			 0);

	use_policy("version: 1\ndefault: deny\nrules:\n"
		   "  - allow: [launch]\n"
		   "    subject: { exe: /usr/bin/qemu-system-x86_64 }\n"
		   "  - deny: [provision, debug]\n"
		   "    subject: { exe: /usr/bin/qemu-system-x86_64 }\n");
	sgx_lsm_set_subject_override(&qemu);
	assert_int_equal(security_vepc_einit(&sig, mrsigner, 0x10000,
					     SGX_ATTR_MODE64BIT),
			 0);
	assert_int_equal(nr_lines, 0);
	/* DEBUG and PROVISIONKEY are refused already at the guest's ECREATE. */
	assert_int_equal(security_vepc_ecreate(0x10000, debug, true), -EACCES);
	assert_int_equal(
		security_vepc_ecreate(0x10000, SGX_ATTR_PROVISIONKEY, true),
		-EACCES);
	assert_int_equal(nr_lines, 2);
	assert_string_equal(
		lines[0], "avc: denied { debug } for pid=4242 "
			  "exe=\"/usr/bin/qemu-system-x86_64\" uid=107 gid=107 "
			  "enclave=mrenclave:unknown signer=mrsigner:unknown "
			  "addr=0x10000 op=vepc-ecreate model=upstream rule=6 "
			  "permissive=0");
	assert_int_equal(security_vepc_einit(&sig, mrsigner, 0x10000, debug),
			 -EACCES);
	/* Another program may not launch in a guest what it may not here. */
	sgx_lsm_set_subject_override(NULL);
	nr_lines = 0;
	assert_int_equal(security_vepc_einit(&sig, mrsigner, 0x10000,
					     SGX_ATTR_MODE64BIT),
			 -EACCES);
	assert_int_equal(count_lines("avc: denied { launch }"), 1);
	assert_non_null(strstr(lines[0], " op=vepc-einit "));
	sgx_lsm_set_policy(NULL);
}

static int group_setup(void **state)
{
	(void)state;
	/* The launcher's label; read once, at the first hook. */
	setenv(SGX_LSM_LABEL_ENV, LABEL, 1);
	drvtest_init();
	sgx_lsm_audit_set_capture(capture, NULL);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	sgx_lsm_set_policy(NULL);
	sgx_lsm_audit_set_capture(NULL, NULL);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_no_policy_is_upstream),
		cmocka_unit_test(test_provision_rule),
		cmocka_unit_test(test_deferred_to_init),
		cmocka_unit_test(test_vma_propagate_cap),
		cmocka_unit_test(test_safe_bit),
		cmocka_unit_test(test_safe_bit_across_fork),
		cmocka_unit_test(test_modified_file_page_is_anon),
		cmocka_unit_test(test_fault_and_modpe),
		cmocka_unit_test(test_vepc),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

// SPDX-License-Identifier: MIT
/*
 * The policy layer: the cost of one decision and of one hook call with a
 * policy of 10,000 rules, against the goal of 1 us per decision (the
 * "limit" column). The policy mixes what a large site would write: rules
 * per signer (with ISVSVN ranges), per MRENCLAVE, per program, per label,
 * and a few general ones. Also the parse time of that policy, and the
 * worst case: a decision while the enclave's identity is unknown (during
 * ADD_PAGES), which may have to look at every identity rule; the hooks
 * take it once per enclave and permission.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "lsm/lsm.h"
#include "lsm/policy.h"

#define NR_RULES 10000
#define GOAL_NS 1000.0

void bench_lsm(void);

static int quick; /* a smoke run (the test suite's) */

static void digest(uint8_t out[SGX_HASH_SIZE], uint32_t kind, uint32_t i)
{
	/* Distinct, well-spread values, as SHA-256 outputs are. */
	uint64_t x = ((uint64_t)kind << 32 | i) * 0x9e3779b97f4a7c15ULL;

	for (int b = 0; b < SGX_HASH_SIZE; b++) {
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ULL;
		out[b] = (uint8_t)(x >> 56);
	}
}

static int put_hex(char *p, uint32_t kind, uint32_t i)
{
	uint8_t d[SGX_HASH_SIZE];

	digest(d, kind, i);
	for (int b = 0; b < SGX_HASH_SIZE; b++)
		sprintf(p + 2 * b, "%02x", d[b]);
	return 2 * SGX_HASH_SIZE;
}

/* 4000 signer, 3000 MRENCLAVE, 2000 program, 990 label, 10 uid rules. */
static char *make_policy(size_t *len)
{
	size_t cap = (size_t)NR_RULES * 256 + 4096;
	char *t = malloc(cap), *p = t;

	if (!t)
		return NULL;
	p += sprintf(p, "version: 1\nmodel: safe-to-execute\ndefault: deny\n"
			"rules:\n");
	for (uint32_t i = 0; i < 10; i++)
		p += sprintf(p,
			     "  - allow: execunmr\n    subject: { uid: %u }\n",
			     50000 + i);
	for (uint32_t i = 0; i < 4000; i++) {
		p += sprintf(p,
			     "  - allow: [launch, debug]\n"
			     "    enclave: { isvsvn: %u.., mrsigner: ",
			     i % 7);
		p += put_hex(p, 1, i);
		p += sprintf(p, " }\n");
	}
	for (uint32_t i = 0; i < 3000; i++) {
		p += sprintf(p, "  - allow: [launch, execunmr]\n"
				"    enclave: { mrenclave: ");
		p += put_hex(p, 2, i);
		p += sprintf(p, " }\n");
	}
	for (uint32_t i = 0; i < 2000; i++)
		p += sprintf(p,
			     "  - allow: [mapwx, execanon, execdirty]\n"
			     "    subject: { exe: /opt/app%u/bin/server }\n",
			     i);
	for (uint32_t i = 0; i < 990; i++)
		p += sprintf(p,
			     "  - deny: provision\n    subject: { label: "
			     "team%u }\n",
			     i);
	*len = (size_t)(p - t);
	return t;
}

static double per_call_ns(double t0, long n)
{
	return (bench_now() - t0) * 1e9 / (double)n;
}

static void bench_decide(const struct sgx_lsm_policy *pol, long iters)
{
	struct sgx_lsm_subject s = { .pid = 1,
				     .uid = 1000,
				     .gid = 1000,
				     .exe = "/opt/app1234/bin/server",
				     .label = "team77" };
	struct sgx_lsm_object o = { .identity_known = true,
				    .attributes_known = true,
				    .isvsvn = 9 };
	struct sgx_lsm_decision d;
	volatile int sink = 0;
	double t0;

	sgx_lsm_subject_hash(&s);
	digest(o.mrenclave, 2, 2999);
	t0 = bench_now();
	for (long i = 0; i < iters; i++) {
		digest(o.mrsigner, 1, (uint32_t)(i % 4000));
		sgx_lsm_decide(pol, &s, &o, SGX_LSM_LAUNCH, &d);
		sink += d.verdict;
	}
	bench_report("lsm_decide_launch_10k_rules", per_call_ns(t0, iters),
		     "ns", GOAL_NS);
	t0 = bench_now();
	for (long i = 0; i < iters; i++) {
		sgx_lsm_decide(pol, &s, &o, (enum sgx_lsm_perm)(i % 7), &d);
		sink += d.verdict;
	}
	bench_report("lsm_decide_any_perm_10k_rules", per_call_ns(t0, iters),
		     "ns", GOAL_NS);
	/* Worst case: identity unknown, every identity rule is a candidate. */
	o.identity_known = false;
	t0 = bench_now();
	for (long i = 0; i < iters / 100 + 1; i++) {
		sgx_lsm_decide(pol, &s, &o, SGX_LSM_EXECUNMR, &d);
		sink += d.verdict;
	}
	bench_report("lsm_decide_unknown_identity_10k_rules",
		     per_call_ns(t0, iters / 100 + 1), "ns", GOAL_NS);
	(void)sink;
}

/* Whole hooks: subject (getpid, geteuid, getegid), policy pin, audit. */
static void bench_hooks(long iters, const struct sgx_lsm_subject *app)
{
	struct sgx_lsm_encl *blob;
	struct sgx_sigstruct *sig = calloc(1, sizeof(*sig));
	struct sgx_lsm_load load = {
		.offset = 0,
		.secinfo = SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X,
		.measured = false,
		.src = { PROT_READ | PROT_EXEC, true, true, false }
	};
	uint8_t mrsigner[SGX_HASH_SIZE];
	volatile int sink = 0;
	double t0;

	if (!sig ||
	    security_enclave_alloc(&blob, 0x100000000ULL, 1024, 4, NULL))
		return;
	/* Signer 1234's rule allows launch from ISVSVN 2 on: no audit. */
	digest(mrsigner, 1, 1234);
	digest(sig->body.mrenclave, 2, 17);
	sig->body.isv_svn = 9;
	t0 = bench_now();
	for (long i = 0; i < iters; i++)
		sink += security_enclave_init(NULL, sig, mrsigner,
					      0x100000000ULL, 4);
	bench_report("lsm_hook_enclave_init", per_call_ns(t0, iters), "ns",
		     GOAL_NS);
	t0 = bench_now();
	for (long i = 0; i < iters; i++) {
		load.offset = (uint64_t)(i % 1024) << 12;
		sink += security_enclave_load(blob, &load);
	}
	bench_report("lsm_hook_enclave_load", per_call_ns(t0, iters), "ns",
		     GOAL_NS);
	for (uint64_t off = 0; off < 1024; off++)
		security_enclave_page_added(blob, off << 12, load.state);
	/* A safe page mapped RX: no permission needed, the hook's overhead. */
	t0 = bench_now();
	for (long i = 0; i < iters; i++)
		sink += security_enclave_map(blob, 0x100000000ULL,
					     0x100001000ULL,
					     PROT_READ | PROT_EXEC);
	bench_report("lsm_hook_enclave_map_rx_1page", per_call_ns(t0, iters),
		     "ns", GOAL_NS);
	/* W+X: mapwx, granted to this program by its exe rule. */
	sgx_lsm_set_subject_override(app);
	t0 = bench_now();
	for (long i = 0; i < iters; i++)
		sink += security_enclave_map(
			blob, 0x100000000ULL, 0x100001000ULL,
			PROT_READ | PROT_WRITE | PROT_EXEC);
	bench_report("lsm_hook_enclave_map_wx_1page", per_call_ns(t0, iters),
		     "ns", GOAL_NS);
	sgx_lsm_set_subject_override(NULL);
	security_enclave_free(blob);
	free(sig);
	(void)sink;
}

void bench_lsm(void)
{
	long iters = quick ? 2000 : 2000000;
	struct sgx_lsm_subject app = { .pid = 1,
				       .uid = 1000,
				       .gid = 1000,
				       .exe = "/opt/app1234/bin/server",
				       .label = "" };
	struct sgx_lsm_policy *pol;
	char err[1024];
	size_t len;
	char *text = make_policy(&len);
	double t0;

	if (!text)
		return;
	sgx_lsm_subject_hash(&app);
	t0 = bench_now();
	pol = sgx_lsm_policy_parse("bench.yaml", text, len, err, sizeof(err));
	free(text);
	if (!pol) {
		fprintf(stderr, "bench: %s\n", err);
		return;
	}
	/* No limit to compare with: reported as its own figure. */
	bench_report("lsm_parse_10k_rules_ms", (bench_now() - t0) * 1e3, "ms",
		     0);
	bench_decide(pol, iters);
	sgx_lsm_set_policy(pol); /* now owned by the policy layer */
	bench_hooks(quick ? 2000 : 500000, &app);
	sgx_lsm_set_policy(NULL);
}

#ifdef SOFTSGX_BENCH_LSM_MAIN
void bench_report(const char *name, double value, const char *unit,
		  double limit)
{
	printf("BENCH %s %.3f %s limit=%.3f ratio=%.3f\n", name, value, unit,
	       limit, limit > 0 ? value / limit : 0.0);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	quick = argc > 1 && !strcmp(argv[1], "--quick");
	bench_lsm();
	return 0;
}
#endif

// SPDX-License-Identifier: MIT
/*
 * The canonical SGX2 sequences (spec sgx-architecture 9.2), each run to
 * the end, plus the #PF a PENDING page gives before it is accepted.
 *
 * Tests that resume after an exception make the EENTER and the ERESUME
 * from the same function (host.h: edmm_host_enter).
 */
#include <errno.h>
#include <string.h>

#include "edmm_test.h"

#define VALUE 0x5ec7e75a11ed0bedULL

/* The JIT'd function of the test enclave: rdi * 3 + 7. */
static uint64_t jit(uint64_t x)
{
	return x * 3 + 7;
}

void test_add(void)
{
	uint64_t off = fresh_page();
	struct res r;

	/* EACCEPT on an unbacked address: #PF, EAUG, EACCEPT again. */
	r = ecall(T_EACCEPT, off, EDMM_ACCEPT_AUG, 0);
	returned(&r, 0, "add: EACCEPT {REG, R, W, PENDING} of a new page");
	r = ecall(T_READ, off + 8, 0, 0);
	returned(&r, 0, "add: the new page reads as zero");
	r = ecall(T_WRITE, off + 8, VALUE, 0);
	returned(&r, 0, "add: the enclave writes the page");
	r = ecall(T_READ, off + 8, 0, 0);
	returned(&r, VALUE, "add: and reads it back");
}

/*
 * Touch an unbacked page from the enclave with cmd: the first #PF adds
 * it, the second (bit 15) is the EPCM refusing a PENDING page. EACCEPT
 * from another TCS, then ERESUME completes the access.
 */
static void pending_touch(uint64_t cmd, unsigned int code, const char *what)
{
	uint64_t off = fresh_page();
	struct edmm_call c = { .cmd = cmd, .arg = { off, VALUE } };
	struct sgx_enclave_run run = { .tcs = tcs(0) };
	struct res r;
	int ret;

	ret = edmm_host_enter(&H, EDMM_EENTER, &run, &c);
	check(ret == 0, "pending: %s: vDSO returned %d", what, ret);
	faulted(&run, PF, code, H.base + off, what);
	r = ecall_on(tcs(1), T_EACCEPT, off, EDMM_ACCEPT_AUG, 0);
	returned(&r, 0, "pending: EACCEPT from another TCS");
	memset(&run, 0, sizeof(run));
	run.tcs = tcs(0);
	ret = edmm_host_enter(&H, EDMM_ERESUME, &run, &c);
	if (!check(ret == 0 && run.function == EDMM_EEXIT,
		   "pending: ERESUME completes the access"))
		edmm_host_report(&H, "ERESUME", ret, &run);
	r = ecall(T_READ, off, 0, 0);
	returned(&r, cmd == T_WRITE ? VALUE : 0, "pending: the page's content");
}

void test_pending(void)
{
	pending_touch(T_WRITE, PF_SGX | PF_U | PF_W | PF_P,
		      "write to a PENDING page: #PF 0x8007");
	pending_touch(T_READ, PF_SGX | PF_U | PF_P,
		      "read of a PENDING page: #PF 0x8005");
}

void test_copy(void)
{
	uint64_t src = accepted_page(), dst = fresh_page();
	struct res r;

	r = ecall(T_WRITE_CODE, src, 0, 0);
	returned(&r, 0, "copy: write code into a RW page");
	r = ecall(T_EACCEPTCOPY, dst, src, EDMM_SI_REG | EDMM_SI_R | EDMM_SI_X);
	returned(&r, 0, "copy: EACCEPTCOPY {REG, R, X} to a new page");
	r = ecall(T_EXEC, dst, 5, 0);
	returned(&r, jit(5), "copy: the copy runs (R X, never writable)");
	r = ecall(T_EACCEPTCOPY, dst, src, EDMM_SI_REG | EDMM_SI_R);
	returned(&r, EDMM_SGX_PAGE_ATTRIBUTES_MISMATCH,
		 "copy: EACCEPTCOPY to an accepted page: "
		 "SGX_PAGE_ATTRIBUTES_MISMATCH");
}

/* The JIT pattern: EACCEPT, write code, EMODPE X, run. */
void test_extend(void)
{
	uint64_t off = accepted_page();
	struct edmm_call c = { .cmd = T_EXEC, .arg = { off, 6 } };
	struct sgx_enclave_run run = { .tcs = tcs(0) };
	struct res r;
	int ret;

	r = ecall(T_WRITE_CODE, off, 0, 0);
	returned(&r, 0, "extend: write code into a new page");
	ret = edmm_host_enter(&H, EDMM_EENTER, &run, &c);
	check(ret == 0, "extend: vDSO returned %d", ret);
	faulted(&run, PF, PF_SGX | PF_I | PF_U | PF_P, H.base + off,
		"extend: running it before EMODPE X: #PF 0x8015");
	r = ecall_on(tcs(1), T_EMODPE, off, EDMM_SI_X, 0);
	returned(&r, 0, "extend: EMODPE {X} from another TCS");
	memset(&run, 0, sizeof(run));
	run.tcs = tcs(0);
	ret = edmm_host_enter(&H, EDMM_ERESUME, &run, &c);
	check(!ret && run.function == EDMM_EEXIT && c.ret == jit(6),
	      "extend: ERESUME runs it: 0x%llx (vDSO %d, function %u)",
	      (unsigned long long)c.ret, ret, run.function);
	r = ecall(T_EXEC, off, 7, 0);
	returned(&r, jit(7), "extend: and it runs again");
	r = ecall(T_WRITE, off + 0x800, VALUE, 0);
	returned(&r, 0, "extend: the page stays writable (R W X)");
}

/* Access by cmd faults with code; EMODPE perm from TCS 1 lets it go on. */
static void restricted_access(uint64_t off, uint64_t cmd, unsigned int code,
			      uint64_t perm, const char *what)
{
	struct edmm_call c = { .cmd = cmd, .arg = { off, VALUE } };
	struct sgx_enclave_run run = { .tcs = tcs(0) };
	struct res r;
	int ret;

	ret = edmm_host_enter(&H, EDMM_EENTER, &run, &c);
	check(ret == 0, "restrict: vDSO returned %d", ret);
	faulted(&run, PF, code, H.base + off, what);
	r = ecall_on(tcs(1), T_EMODPE, off, perm, 0);
	returned(&r, 0, "restrict: EMODPE gives the permission back");
	memset(&run, 0, sizeof(run));
	run.tcs = tcs(0);
	ret = edmm_host_enter(&H, EDMM_ERESUME, &run, &c);
	check(!ret && run.function == EDMM_EEXIT,
	      "restrict: ERESUME completes the access (vDSO %d, function %u)",
	      ret, run.function);
}

void test_restrict(void)
{
	uint64_t off = accepted_page(), result = 99;
	struct res r;

	r = ecall(T_WRITE, off, VALUE, 0);
	returned(&r, 0, "restrict: write the page");
	failed_with(edmm_restrict(&H, off, EDMM_PAGE, EDMM_SI_R, &result), 0,
		    "restrict: RESTRICT_PERMISSIONS(R)");
	check(result == 0, "restrict: result %llu", (unsigned long long)result);
	r = ecall(T_EACCEPT, off, EDMM_ACCEPT_RESTRICT(EDMM_SI_R), 0);
	returned(&r, 0, "restrict: EACCEPT {REG, PR, R}");
	r = ecall(T_READ, off, 0, 0);
	returned(&r, VALUE, "restrict: the page is still readable");
	restricted_access(off, T_WRITE, PF_SGX | PF_U | PF_W | PF_P, EDMM_SI_W,
			  "restrict: write after R: #PF 0x8007");
	failed_with(edmm_restrict(&H, off, EDMM_PAGE, 0, NULL), 0,
		    "restrict: RESTRICT_PERMISSIONS(none)");
	r = ecall(T_EACCEPT, off, EDMM_ACCEPT_RESTRICT(0), 0);
	returned(&r, 0, "restrict: EACCEPT {REG, PR}");
	restricted_access(off, T_READ, PF_SGX | PF_U | PF_P,
			  EDMM_SI_R | EDMM_SI_W,
			  "restrict: read after none: #PF 0x8005");
}

void test_tcs(void)
{
	uint64_t t = new_tcs(), off = accepted_page();
	struct res r;

	if (!check(t != 0, "tcs: a TCS made at run time"))
		return;
	r = ecall_on(t, T_WRITE, off, VALUE, 0);
	returned(&r, 0, "tcs: EENTER through it runs enclave code");
	r = ecall_on(t, T_READ, off, 0, 0);
	returned(&r, VALUE, "tcs: again (its stack and SSA work)");
	failed_with(edmm_restrict(&H, t - H.base, EDMM_PAGE, EDMM_SI_R, NULL),
		    EINVAL, "tcs: RESTRICT_PERMISSIONS on it");
	/* TCS -> TRIM -> removed: the thread is gone. */
	failed_with(edmm_modify_types(&H, t - H.base, EDMM_PAGE, EDMM_PT_TRIM,
				      NULL),
		    0, "tcs: MODIFY_TYPES(TRIM) of the TCS");
	r = ecall(T_EACCEPT, t - H.base, EDMM_ACCEPT_TRIM, 0);
	returned(&r, 0, "tcs: EACCEPT {TRIM, MODIFIED}");
	failed_with(edmm_remove_pages(&H, t - H.base, EDMM_PAGE), 0,
		    "tcs: REMOVE_PAGES");
}

/* A read that faults on a trimmed page and needs two fixes to complete. */
static void read_trimmed(uint64_t off)
{
	struct edmm_call c = { .cmd = T_READ, .arg = { off } };
	struct sgx_enclave_run run = { .tcs = tcs(0) };
	struct res r;
	int ret;

	ret = edmm_host_enter(&H, EDMM_EENTER, &run, &c);
	faulted(&run, PF, PF_SGX | PF_U | PF_P, H.base + off,
		"trim: read of a TRIM page: #PF 0x8005");
	r = ecall_on(tcs(1), T_EACCEPT, off, EDMM_ACCEPT_TRIM, 0);
	returned(&r, 0, "trim: EACCEPT {TRIM, MODIFIED} from another TCS");
	failed_with(edmm_remove_pages(&H, off, EDMM_PAGE), 0,
		    "trim: REMOVE_PAGES");
	/* The read again: a new page is added, PENDING. */
	memset(&run, 0, sizeof(run));
	run.tcs = tcs(0);
	ret = edmm_host_enter(&H, EDMM_ERESUME, &run, &c);
	faulted(&run, PF, PF_SGX | PF_U | PF_P, H.base + off,
		"trim: resumed, the read meets a new PENDING page");
	r = ecall_on(tcs(1), T_EACCEPT, off, EDMM_ACCEPT_AUG, 0);
	returned(&r, 0, "trim: EACCEPT of the new page");
	memset(&run, 0, sizeof(run));
	run.tcs = tcs(0);
	ret = edmm_host_enter(&H, EDMM_ERESUME, &run, &c);
	check(!ret && run.function == EDMM_EEXIT && c.ret == 0,
	      "trim: the read completes with 0x%llx (vDSO %d, function %u)",
	      (unsigned long long)c.ret, ret, run.function);
}

void test_trim(void)
{
	uint64_t off = accepted_page(), more = fresh_page();
	struct res r;

	r = ecall(T_WRITE, off, VALUE, 0);
	returned(&r, 0, "trim: write the page");
	failed_with(edmm_modify_types(&H, off, EDMM_PAGE, EDMM_PT_TRIM, NULL),
		    0, "trim: MODIFY_TYPES(TRIM)");
	failed_with(edmm_remove_pages(&H, off, EDMM_PAGE), EPERM,
		    "trim: REMOVE_PAGES before the EACCEPT");
	r = ecall(T_EACCEPT, off, EDMM_ACCEPT_TRIM, 0);
	returned(&r, 0, "trim: EACCEPT {TRIM, MODIFIED}");
	failed_with(edmm_remove_pages(&H, off, EDMM_PAGE), 0,
		    "trim: REMOVE_PAGES");
	r = ecall(T_EACCEPT, off, EDMM_ACCEPT_AUG, 0);
	returned(&r, 0, "trim: the address takes a new page");
	r = ecall(T_READ, off, 0, 0);
	returned(&r, 0, "trim: which is zero, not the old content");
	/* The same, asked for by the enclave through OCALLs. */
	for (int i = 1; i < 4; i++)
		fresh_page();
	r = ecall(T_ACCEPT_RANGE, more, 4 * EDMM_PAGE, EDMM_ACCEPT_AUG);
	returned(&r, 0, "trim: four more pages");
	r = ecall(T_TRIM_OCALL, more, 4 * EDMM_PAGE, 0);
	returned(&r, 0, "trim: OCALL TRIM, EACCEPT x4, OCALL REMOVE");
	/* A read of a page trimmed but not accepted. */
	off = accepted_page();
	failed_with(edmm_modify_types(&H, off, EDMM_PAGE, EDMM_PT_TRIM, NULL),
		    0, "trim: MODIFY_TYPES(TRIM) of another page");
	read_trimmed(off);
}

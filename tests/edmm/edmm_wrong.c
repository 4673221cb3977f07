// SPDX-License-Identifier: MIT
/*
 * The wrong orders and wrong arguments: EACCEPT with a SECINFO that does
 * not match the page (SGX_PAGE_ATTRIBUTES_MISMATCH) or that is no legal
 * combination (#GP), and the errnos of the SGX2 ioctls (spec
 * linux-sgx-uapi 2.7-2.9, 2.11).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "edmm_test.h"

#define MISMATCH EDMM_SGX_PAGE_ATTRIBUTES_MISMATCH

static void mismatch(uint64_t off, uint64_t flags, const char *what)
{
	struct res r = ecall(T_EACCEPT, off, flags, 0);

	returned(&r, MISMATCH, what);
}

/* EACCEPT with flags on a fresh TCS: #GP, the TCS is not resumable. */
static void illegal(uint64_t off, uint64_t flags, const char *what)
{
	uint64_t t = new_tcs();
	struct res r;

	if (!t)
		return;
	r = ecall_on(t, T_EACCEPT, off, flags, 0);
	check(r.rc && r.run.function == EDMM_ERESUME &&
		      r.run.exception_vector == GP,
	      "%s: #GP (function %u vector %u)", what, r.run.function,
	      r.run.exception_vector);
}

void test_mismatch(void)
{
	uint64_t off = fresh_page(), reg = accepted_page();
	struct res r;

	/* The first EACCEPT adds the page (EAUG), then compares. */
	mismatch(off, EDMM_SI_REG | EDMM_SI_PENDING | EDMM_SI_R,
		 "mismatch: EACCEPT {REG, PENDING, R} of an R W page");
	mismatch(off,
		 EDMM_SI_REG | EDMM_SI_PENDING | EDMM_SI_R | EDMM_SI_W |
			 EDMM_SI_X,
		 "mismatch: EACCEPT {REG, PENDING, R, W, X}");
	mismatch(off, EDMM_ACCEPT_TRIM,
		 "mismatch: EACCEPT {TRIM, MODIFIED} of a PENDING page");
	mismatch(off, EDMM_ACCEPT_TCS,
		 "mismatch: EACCEPT {TCS, MODIFIED} of a PENDING page");
	mismatch(off, EDMM_ACCEPT_RESTRICT(EDMM_SI_R | EDMM_SI_W),
		 "mismatch: EACCEPT {REG, PR, R, W} of a PENDING page");
	r = ecall(T_EACCEPT, off, EDMM_ACCEPT_AUG, 0);
	returned(&r, 0, "mismatch: then the right SECINFO is accepted");
	mismatch(off, EDMM_ACCEPT_AUG,
		 "mismatch: EACCEPT {REG, PENDING} of an accepted page");
	/* A restriction to R accepted as R W, a trim as a restriction. */
	failed_with(edmm_restrict(&H, reg, EDMM_PAGE, EDMM_SI_R, NULL), 0,
		    "mismatch: RESTRICT_PERMISSIONS(R)");
	mismatch(reg, EDMM_ACCEPT_RESTRICT(EDMM_SI_R | EDMM_SI_W),
		 "mismatch: EACCEPT {REG, PR, R, W} after a restriction to R");
	r = ecall(T_EACCEPT, reg, EDMM_ACCEPT_RESTRICT(EDMM_SI_R), 0);
	returned(&r, 0, "mismatch: EACCEPT {REG, PR, R}");
	failed_with(edmm_modify_types(&H, reg, EDMM_PAGE, EDMM_PT_TRIM, NULL),
		    0, "mismatch: MODIFY_TYPES(TRIM)");
	mismatch(reg, EDMM_ACCEPT_RESTRICT(0),
		 "mismatch: EACCEPT {REG, PR} of a TRIM page");
	mismatch(reg, EDMM_ACCEPT_TCS,
		 "mismatch: EACCEPT {TCS, MODIFIED} of a TRIM page");
	/* Combinations EACCEPT does not know. */
	illegal(reg, EDMM_SI_REG | EDMM_SI_R | EDMM_SI_W,
		"mismatch: EACCEPT {REG, R, W} (neither PENDING nor PR)");
	illegal(reg, EDMM_SI_TRIM, "mismatch: EACCEPT {TRIM} without MODIFIED");
	illegal(reg, EDMM_ACCEPT_TRIM | 0x40,
		"mismatch: EACCEPT with a reserved SECINFO bit");
}

/* The raw ioctl with one argument struct: 0 or -errno. */
static int raw(unsigned long cmd, void *arg)
{
	return ioctl(H.fd, cmd, arg) ? -errno : 0;
}

/* Offset/length rules, the same for the three ioctls. */
static void bad_range(uint64_t offset, uint64_t length, const char *what)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "%s: RESTRICT_PERMISSIONS", what);
	failed_with(edmm_restrict(&H, offset, length, EDMM_SI_R, NULL), EINVAL,
		    msg);
	snprintf(msg, sizeof(msg), "%s: MODIFY_TYPES", what);
	failed_with(edmm_modify_types(&H, offset, length, EDMM_PT_TRIM, NULL),
		    EINVAL, msg);
	snprintf(msg, sizeof(msg), "%s: REMOVE_PAGES", what);
	failed_with(edmm_remove_pages(&H, offset, length), EINVAL, msg);
}

static void bad_fields(uint64_t off)
{
	struct sgx_enclave_restrict_permissions rp = {
		.offset = off, .length = EDMM_PAGE, .permissions = EDMM_SI_R
	};
	struct sgx_enclave_modify_types mt = { .offset = off,
					       .length = EDMM_PAGE,
					       .page_type = EDMM_PT_TRIM };
	struct sgx_enclave_remove_pages rm = { .offset = off,
					       .length = EDMM_PAGE };

	rp.result = 1;
	failed_with(raw(SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp), EINVAL,
		    "args: RESTRICT_PERMISSIONS with result != 0");
	rp.result = 0;
	rp.count = EDMM_PAGE;
	failed_with(raw(SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp), EINVAL,
		    "args: RESTRICT_PERMISSIONS with count != 0");
	mt.result = 1;
	failed_with(raw(SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt), EINVAL,
		    "args: MODIFY_TYPES with result != 0");
	mt.result = 0;
	mt.count = EDMM_PAGE;
	failed_with(raw(SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt), EINVAL,
		    "args: MODIFY_TYPES with count != 0");
	rm.count = EDMM_PAGE;
	failed_with(raw(SGX_IOC_ENCLAVE_REMOVE_PAGES, &rm), EINVAL,
		    "args: REMOVE_PAGES with count != 0");
}

void test_ioctl_args(void)
{
	uint64_t off = accepted_page();
	static const uint64_t bad_types[] = { 0, EDMM_PT_REG, 3, 5, 6, 0x104 };

	bad_range(off + 0x800, EDMM_PAGE, "args: misaligned offset");
	bad_range(off, 0x800, "args: misaligned length");
	bad_range(off, 0, "args: zero length");
	bad_range(H.size, EDMM_PAGE, "args: offset at the end of ELRANGE");
	bad_range(H.size - EDMM_PAGE, 2 * EDMM_PAGE,
		  "args: range past the end of ELRANGE");
	bad_range(-EDMM_PAGE, 2 * EDMM_PAGE, "args: range that wraps");
	for (unsigned int i = 0; i < sizeof(bad_types) / sizeof(*bad_types);
	     i++) {
		char msg[80];

		snprintf(msg, sizeof(msg),
			 "args: MODIFY_TYPES to page type 0x%llx",
			 (unsigned long long)bad_types[i]);
		failed_with(edmm_modify_types(&H, off, EDMM_PAGE, bad_types[i],
					      NULL),
			    EINVAL, msg);
	}
	failed_with(edmm_restrict(&H, off, EDMM_PAGE, EDMM_SI_W, NULL), EINVAL,
		    "args: RESTRICT_PERMISSIONS to W without R");
	failed_with(edmm_restrict(&H, off, EDMM_PAGE, 0x8, NULL), EINVAL,
		    "args: RESTRICT_PERMISSIONS with a bit beyond R W X");
	bad_fields(off);
}

void test_ioctl_order(void)
{
	uint64_t reg = accepted_page(), pending = fresh_page(), result = 0;
	uint64_t hole = fresh_page();
	uint64_t tcs0 = tcs(0) - H.base;
	struct res r;

	failed_with(edmm_remove_pages(&H, reg, EDMM_PAGE), EPERM,
		    "order: REMOVE_PAGES of a page never trimmed");
	failed_with(edmm_restrict(&H, tcs0, EDMM_PAGE, EDMM_SI_R, NULL), EINVAL,
		    "order: RESTRICT_PERMISSIONS on a TCS page");
	failed_with(edmm_modify_types(&H, tcs0, EDMM_PAGE, EDMM_PT_TCS, NULL),
		    EINVAL, "order: MODIFY_TYPES(TCS) of a TCS page");
	failed_with(edmm_restrict(&H, hole, EDMM_PAGE, EDMM_SI_R, NULL), EFAULT,
		    "order: RESTRICT_PERMISSIONS where no page is");
	failed_with(edmm_modify_types(&H, hole, EDMM_PAGE, EDMM_PT_TRIM, NULL),
		    EFAULT, "order: MODIFY_TYPES where no page is");
	failed_with(edmm_remove_pages(&H, hole, EDMM_PAGE), EFAULT,
		    "order: REMOVE_PAGES where no page is");
	/* A page EAUG'd by a wrong EACCEPT, and so still PENDING. */
	r = ecall(T_EACCEPT, pending, EDMM_ACCEPT_TRIM, 0);
	returned(&r, EDMM_SGX_PAGE_ATTRIBUTES_MISMATCH,
		 "order: (a PENDING page)");
	failed_with(edmm_restrict(&H, pending, EDMM_PAGE, EDMM_SI_R, &result),
		    EFAULT, "order: RESTRICT_PERMISSIONS of a PENDING page");
	check(result == EDMM_SGX_PAGE_NOT_MODIFIABLE,
	      "order: result SGX_PAGE_NOT_MODIFIABLE (%llu)",
	      (unsigned long long)result);
	result = 0;
	failed_with(edmm_modify_types(&H, pending, EDMM_PAGE, EDMM_PT_TRIM,
				      &result),
		    EFAULT, "order: MODIFY_TYPES of a PENDING page");
	check(result == EDMM_SGX_PAGE_NOT_MODIFIABLE,
	      "order: result SGX_PAGE_NOT_MODIFIABLE (%llu)",
	      (unsigned long long)result);
	/* A trim not accepted yet cannot be changed again. */
	failed_with(edmm_modify_types(&H, reg, EDMM_PAGE, EDMM_PT_TRIM, NULL),
		    0, "order: MODIFY_TYPES(TRIM)");
	failed_with(edmm_modify_types(&H, reg, EDMM_PAGE, EDMM_PT_TCS, NULL),
		    EINVAL, "order: MODIFY_TYPES(TCS) of a TRIM page");
	failed_with(edmm_restrict(&H, reg, EDMM_PAGE, EDMM_SI_R, NULL), EINVAL,
		    "order: RESTRICT_PERMISSIONS of a TRIM page");
	failed_with(edmm_remove_pages(&H, reg, EDMM_PAGE), EPERM,
		    "order: REMOVE_PAGES of a trim not accepted");
}

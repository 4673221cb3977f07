// SPDX-License-Identifier: MIT
/*
 * End-to-end tests of SGX2 (EDMM) through the real uapi: an ordinary SGX
 * host (examples/edmm/host.c) drives the test enclave one SGX2 step at a
 * time through every canonical sequence of spec sgx-architecture 9.2 and
 * the wrong orders, and checks what the enclave (RAX of its leaves), the
 * vDSO (struct sgx_enclave_run) and the ioctls (errno) report.
 *
 * Usage: edmm-test ENCLAVE ENCLAVE.sig [GROUP...]
 * One PASS/FAIL line per check; exit status 1 if any check failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "edmm_test.h"

struct edmm_host H;
static unsigned int failures, passes;
static uint64_t next_page, next_slot;

/*
 * The dynamic region: pages for single-page tests (mapped RWX, for code),
 * then thread slots (mapped RW: a TCS must not sit under an executable
 * mapping, its maximum protection becomes RW).
 */
#define PAGE_AREA_PAGES 128

bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok)
		passes++;
	else
		failures++;
	return ok;
}

uint64_t fresh_page(void)
{
	uint64_t off = H.dyn + next_page++ * EDMM_PAGE;

	if (next_page > PAGE_AREA_PAGES) {
		fprintf(stderr, "edmm-test: dynamic region exhausted\n");
		exit(1);
	}
	return off;
}

uint64_t fresh_slot(void)
{
	uint64_t off =
		H.dyn + (PAGE_AREA_PAGES + next_slot++ * TESTENC_SLOT_PAGES) *
				EDMM_PAGE;

	if (off + TESTENC_SLOT_PAGES * EDMM_PAGE > H.size) {
		fprintf(stderr, "edmm-test: no thread slot left\n");
		exit(1);
	}
	return off;
}

uint64_t new_tcs(void)
{
	struct res r = ecall(T_PREPARE_TCS, fresh_slot(), 0, 0);
	uint64_t off = r.out0;

	if (!returned(&r, 0, "new TCS: EACCEPT its pages, write them"))
		return 0;
	if (!failed_with(
		    edmm_modify_types(&H, off, EDMM_PAGE, EDMM_PT_TCS, NULL), 0,
		    "new TCS: MODIFY_TYPES(TCS)"))
		return 0;
	r = ecall(T_EACCEPT, off, EDMM_ACCEPT_TCS, 0);
	if (!returned(&r, 0, "new TCS: EACCEPT {PT_TCS, MODIFIED}"))
		return 0;
	return H.base + off;
}

uint64_t tcs(unsigned int i)
{
	return edmm_host_tcs(&H, i);
}

struct res ecall_on(uint64_t tcs_addr, uint64_t cmd, uint64_t a0, uint64_t a1,
		    uint64_t a2)
{
	struct edmm_call c = { .cmd = cmd, .arg = { a0, a1, a2 } };
	struct res r;

	r.rc = edmm_host_call(&H, tcs_addr, &c, &r.run);
	r.ret = c.ret;
	r.out0 = c.out[0];
	return r;
}

struct res ecall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return ecall_on(tcs(0), cmd, a0, a1, a2);
}

bool returned(const struct res *r, uint64_t want, const char *what)
{
	if (r->rc)
		edmm_host_report(&H, what, r->rc, &r->run);
	return check(!r->rc && r->ret == want,
		     "%s: returned 0x%llx (want 0x%llx)", what,
		     (unsigned long long)r->ret, (unsigned long long)want);
}

bool faulted(const struct sgx_enclave_run *run, unsigned int vector,
	     unsigned int code, uint64_t addr, const char *what)
{
	return check(run->function == EDMM_ERESUME &&
			     run->exception_vector == vector &&
			     run->exception_error_code == code &&
			     run->exception_addr == addr,
		     "%s: function %u vector %u error 0x%x addr +0x%llx "
		     "(want 3, %u, 0x%x, +0x%llx)",
		     what, run->function, run->exception_vector,
		     run->exception_error_code,
		     (unsigned long long)(run->exception_addr - H.base), vector,
		     code, (unsigned long long)(addr - H.base));
}

bool failed_with(int ret, int err, const char *what)
{
	return check(ret == -err, "%s: %s (want %s)", what,
		     ret ? strerror(-ret) : "success", strerror(err));
}

uint64_t accepted_page(void)
{
	uint64_t off = fresh_page();
	struct res r = ecall(T_EACCEPT, off, EDMM_ACCEPT_AUG, 0);

	returned(&r, 0, "EACCEPT of a new page");
	return off;
}

static const struct {
	const char *name;
	void (*fn)(void);
} groups[] = {
	{ "add", test_add },
	{ "pending", test_pending },
	{ "copy", test_copy },
	{ "extend", test_extend },
	{ "restrict", test_restrict },
	{ "tcs", test_tcs },
	{ "trim", test_trim },
	{ "mismatch", test_mismatch },
	{ "ioctl_args", test_ioctl_args },
	{ "ioctl_order", test_ioctl_order },
	{ "tracking", test_tracking },
	{ "parallel", test_parallel },
};

static bool selected(const char *name, int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return argc == 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr,
			"usage: edmm-test ENCLAVE ENCLAVE.sig [GROUP...]\n");
		return 2;
	}
	if (edmm_host_open(&H, "edmm-test", argv[1], argv[2],
			   PROT_READ | PROT_WRITE | PROT_EXEC))
		return 1;
	/* Thread slots must not be executable (see PAGE_AREA_PAGES). */
	if (edmm_host_map(&H, H.dyn + PAGE_AREA_PAGES * EDMM_PAGE,
			  H.size - H.dyn - PAGE_AREA_PAGES * EDMM_PAGE,
			  PROT_READ | PROT_WRITE)) {
		perror("edmm-test: mapping the thread slots");
		return 1;
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (!selected(groups[i].name, argc - 3, argv + 3))
			continue;
		printf("== %s\n", groups[i].name);
		groups[i].fn();
	}
	edmm_host_close(&H);
	printf("edmm-test: %u passed, %u failed\n", passes, failures);
	return failures ? 1 : 0;
}

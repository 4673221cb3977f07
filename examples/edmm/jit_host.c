// SPDX-License-Identifier: MIT
/*
 * The JIT example's host: an ordinary SGX program (host.h). It gives the
 * enclave a polynomial to compile, serves the OCALLs of the compilation
 * (RESTRICT_PERMISSIONS, then mprotect to make the code page executable
 * in its page tables), has the enclave run the code, and finally shows
 * that the enclave cannot write its code page any more.
 *
 * Usage: edmm-jit ENCLAVE ENCLAVE.sig
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "edmm_jit.h"
#include "host.h"

#define NAME "edmm-jit"
#define PF 14
#define PF_W 0x2
#define PF_SGX 0x8000 /* the EPCM refused the access */

static struct edmm_host host;
/* f(x) = 7 x^3 - 2 x^2 + 5 x + 11 */
static const int64_t coeff[4] = { 11, 5, -2, 7 };

/* 0 and c->ret, or -1 with run telling what stopped the enclave. */
static int ecall(uint64_t cmd, const uint64_t arg[4], struct edmm_call *c,
		 struct sgx_enclave_run *run)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	for (int i = 0; i < 4 && arg; i++)
		c->arg[i] = arg[i];
	return edmm_host_call(&host, edmm_host_tcs(&host, 0), c, run);
}

static int64_t expected(int64_t x)
{
	uint64_t y = (uint64_t)coeff[3];

	for (int i = 2; i >= 0; i--)
		y = y * (uint64_t)x + (uint64_t)coeff[i];
	return (int64_t)y;
}

static uint64_t compile(void)
{
	uint64_t arg[4];
	struct sgx_enclave_run run;
	struct edmm_call c;

	for (int i = 0; i < 4; i++)
		arg[i] = (uint64_t)coeff[i];
	if (ecall(JIT_COMPILE, arg, &c, &run) || !c.ret) {
		fprintf(stderr, NAME ": compiling failed (0x%llx)\n",
			(unsigned long long)c.out[1]);
		return 0;
	}
	printf("compiled f(x) = 7x^3 - 2x^2 + 5x + 11 into %llu bytes of "
	       "x86-64 at +0x%llx:\n  EAUG + EACCEPT, write, EMODPE(X), "
	       "RESTRICT_PERMISSIONS(R X) + EACCEPT, mprotect(R X)\n",
	       (unsigned long long)c.out[0], (unsigned long long)c.ret);
	return c.ret;
}

static int run_code(void)
{
	struct sgx_enclave_run run;
	struct edmm_call c;
	int bad = 0;

	printf("the enclave calls it:");
	for (int64_t x = -3; x <= 3; x++) {
		uint64_t arg[4] = { (uint64_t)x };

		if (ecall(JIT_CALL, arg, &c, &run)) {
			printf("\n");
			edmm_host_report(&host, "JIT_CALL", -1, &run);
			return -1;
		}
		printf(" f(%" PRId64 ")=%" PRId64, x, (int64_t)c.ret);
		bad += (int64_t)c.ret != expected(x) || c.out[0] != c.ret;
	}
	printf("\n  %s the enclave's own C code and the host's\n",
	       bad ? "DIFFERENT FROM" : "the same as");
	return bad ? -1 : 0;
}

/* W^X: the enclave's own write to its code is an EPCM #PF. */
static int poke(uint64_t code_off)
{
	struct sgx_enclave_run run;
	struct edmm_call c;

	if (!ecall(JIT_POKE, NULL, &c, &run)) {
		fprintf(stderr, NAME ": the code page was writable\n");
		return -1;
	}
	printf("the enclave writing its code page: #PF, error code 0x%x, at "
	       "+0x%llx\n",
	       run.exception_error_code,
	       (unsigned long long)(run.exception_addr - host.base));
	if (run.exception_vector != PF || !(run.exception_error_code & PF_W) ||
	    run.exception_addr != host.base + code_off) {
		edmm_host_report(&host, "JIT_POKE", -1, &run);
		return -1;
	}
	/* Paging is checked before the EPCM: the R X mapping refuses first. */
	if (run.exception_error_code & PF_SGX)
		printf("  the EPCM refused it (bit 15)\n");
	else
		printf("  the page tables refused it (the mapping is R X; the "
		       "EPCM, R X too, comes after)\n");
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t off;
	int ret = -1;

	if (argc != 3) {
		fprintf(stderr, "usage: " NAME " ENCLAVE ENCLAVE.sig\n");
		return 2;
	}
	/* Lines in order with the errors, also through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* RW: each page gets X only when the enclave asks for it. */
	if (edmm_host_open(&host, NAME, argv[1], argv[2],
			   PROT_READ | PROT_WRITE))
		return 1;
	off = compile();
	if (off && !run_code())
		ret = poke(off);
	edmm_host_close(&host);
	printf(NAME ": %s\n", ret ? "FAILED" : "ok");
	return ret ? 1 : 0;
}

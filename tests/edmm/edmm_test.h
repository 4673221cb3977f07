/* SPDX-License-Identifier: MIT */
/*
 * Shared by the EDMM end-to-end tests (tests/edmm/): the enclave under
 * test, the check reporting, and ECALL helpers around examples/edmm/host.h.
 */
#ifndef SOFTSGX_TESTS_EDMM_TEST_H
#define SOFTSGX_TESTS_EDMM_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"
#include "testenc.h"

#define PF 14
#define GP 13
/* #PF error code bits: P, W, U, I (fetch), SGX (spec linux-sgx-uapi 4.6). */
#define PF_P 0x1
#define PF_W 0x2
#define PF_U 0x4
#define PF_I 0x10
#define PF_SGX 0x8000

extern struct edmm_host H;

/* "PASS: ..." or "FAIL: ..."; returns ok. */
bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A dynamic-region offset no test has used: no page there yet. */
uint64_t fresh_page(void);
/*
 * A new TCS made at run time (the whole canonical sequence, checked), for
 * tests that leave a TCS unusable (an exception that cannot be resumed)
 * or need more threads. Returns its address, 0 on failure.
 */
uint64_t new_tcs(void);
/* Offset of a thread slot (TESTENC_SLOT_PAGES pages, mapped RW). */
uint64_t fresh_slot(void);
/* Address of the image's i-th TCS. */
uint64_t tcs(unsigned int i);

struct res {
	int rc; /* 0: the enclave returned; -1: see run */
	uint64_t ret, out0;
	struct sgx_enclave_run run;
};

struct res ecall_on(uint64_t tcs_addr, uint64_t cmd, uint64_t a0, uint64_t a1,
		    uint64_t a2);
/* On TCS 0. */
struct res ecall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2);

/* The ECALL returned want. */
bool returned(const struct res *r, uint64_t want, const char *what);
/* The enclave took exception vector/code at addr (function ERESUME). */
bool faulted(const struct sgx_enclave_run *run, unsigned int vector,
	     unsigned int code, uint64_t addr, const char *what);
/* An ioctl's result was -err. */
bool failed_with(int ret, int err, const char *what);

/* A page added by EAUG and accepted by the enclave: RW memory. */
uint64_t accepted_page(void);

/* The test groups (edmm_seq.c, edmm_wrong.c, edmm_threads.c). */
void test_add(void);
void test_pending(void);
void test_copy(void);
void test_extend(void);
void test_restrict(void);
void test_tcs(void);
void test_trim(void);
void test_mismatch(void);
void test_ioctl_args(void);
void test_ioctl_order(void);
void test_tracking(void);
void test_parallel(void);

#endif /* SOFTSGX_TESTS_EDMM_TEST_H */

/* SPDX-License-Identifier: MIT */
/*
 * Shared by the uapi host programs (tests/uapi/): one PASS/FAIL/SKIP line
 * per check, and the few steps every test repeats to build an enclave from
 * the hello image through the real ioctls. The programs are ordinary Linux
 * SGX hosts; nothing here knows about softsgx.
 */
#ifndef SOFTSGX_TESTS_UAPI_H
#define SOFTSGX_TESTS_UAPI_H

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "tools/image.h"

#define UAPI_PAGE 4096UL

/* --- reporting -------------------------------------------------------- */

/* Record one check: "PASS: what" or "FAIL: what". Returns ok. */
bool uapi_check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void uapi_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A check that a known bug of softsgx makes fail: PASS if ok; if not, SKIP
 * with "known bug: <bug>" when running under softsgx (libsoftsgx.so in
 * LD_PRELOAD), FAIL otherwise. The line carries "[kb]" either way, so that
 * compare.sh can leave it out of the native/softsgx comparison.
 */
bool uapi_known_bug(bool ok, const char *bug, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print a note that is neither a pass nor a failure. */
void uapi_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ret must be -1 with errno == err (errno is saved by the caller). */
bool uapi_expect_err(long ret, int err_seen, int err, const char *what);
/* ret must be 0. */
bool uapi_expect_ok(long ret, int err_seen, const char *what);

/*
 * Evaluate expr once and check its result and errno; errno is captured
 * right after the call so that printing cannot clobber it.
 */
#define EXPECT_ERR(expr, err, what)                           \
	do {                                                  \
		long ret_ = (long)(expr);                     \
		int errno_ = errno;                           \
		uapi_expect_err(ret_, errno_, (err), (what)); \
	} while (0)
#define EXPECT_OK(expr, what)                         \
	do {                                          \
		long ret_ = (long)(expr);             \
		int errno_ = errno;                   \
		uapi_expect_ok(ret_, errno_, (what)); \
	} while (0)

/*
 * Run fn(arg) in a child process; the PASS/FAIL/SKIP lines it prints count
 * here, and it must exit 0 or 77 (skipped).
 */
void uapi_run_child(const char *what, int (*fn)(void *arg), void *arg);

/* Summary line; returns the exit status (1 if anything failed). */
int uapi_finish(const char *prog);

/* --- faults ------------------------------------------------------------ */

/*
 * What a probe saw: 0 if the access completed, else the signal, its
 * si_code and si_addr.
 */
struct uapi_fault {
	int sig;
	int code;
	void *addr;
};

/* Read (write = false) or write one byte at addr, catching SIGSEGV/SIGBUS. */
struct uapi_fault uapi_probe(volatile uint8_t *addr, bool write);

/* --- building an enclave from the hello image -------------------------- */

struct uapi_host {
	struct softsgx_image img;
	void *sigstruct; /* 4096-byte aligned copy of the SIGSTRUCT */
};

/* Load image and SIGSTRUCT or exit(2) with a message. */
void uapi_host_load(struct uapi_host *h, const char *image, const char *sig);
/* A 4096-aligned page holding the first 1808 bytes of path; exits on error. */
void *uapi_read_sigstruct(const char *path);

/*
 * Reserve 2*size of PROT_NONE address space and return a size-aligned base
 * with margin bytes of the reservation kept on each side (margin < size).
 */
uint64_t uapi_reserve(uint64_t size, uint64_t margin);

int uapi_open_enclave(void);
/* CREATE a 64-bit enclave (XFRM x87|SSE); -1 with errno on failure. */
int uapi_create_raw(int fd, uint64_t size, uint32_t ssa_frame_size,
		    uint64_t base, uint64_t attributes);
/* CREATE with SIZE/SSAFRAMESIZE from the image, the given base/attributes. */
int uapi_create(int fd, const struct uapi_host *h, uint64_t base,
		uint64_t attributes);
/* ADD_PAGES every page of the image, run by run. 0 or -1 with errno. */
int uapi_add_all(int fd, const struct uapi_host *h);
int uapi_init(int fd, const void *sigstruct);
/* mmap every page run with the protection its SECINFO allows. */
int uapi_map_all(int fd, const struct uapi_host *h, uint64_t base);
/* open + reserve + CREATE + ADD_PAGES + INIT + map; exits on failure. */
int uapi_build(const struct uapi_host *h, uint64_t *base);

#endif /* SOFTSGX_TESTS_UAPI_H */

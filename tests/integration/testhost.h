/* SPDX-License-Identifier: MIT */
/*
 * What every integration host shares: building the test enclave through
 * /dev/sgx_enclave and the <asm/sgx.h> ioctls, finding
 * __vdso_sgx_enter_enclave in the vDSO, calling it (and raw ENCLU) from
 * assembly that keeps the C ABI intact, and failing loudly.
 */
#ifndef SOFTSGX_TESTHOST_H
#define SOFTSGX_TESTHOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <asm/sgx.h>

#include "tools/image.h"

#include "testenc.h"

#define TH_EENTER 2
#define TH_ERESUME 3
#define TH_EEXIT 4

#define TH_MAX_TCS 16

struct th_enclave {
	int fd;
	uint64_t base, size;
	uint32_t miscselect;
	size_t nr_tcs;
	uint64_t tcs[TH_MAX_TCS]; /* absolute addresses */
	struct softsgx_image img;
};

/* Exit with a message on any failed check: tests assert exact values. */
#define TH_FAIL(...)                                                 \
	do {                                                         \
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__);                        \
		fputc('\n', stderr);                                 \
		exit(1);                                             \
	} while (0)

#define CHECK(cond)                                    \
	do {                                           \
		if (!(cond))                           \
			TH_FAIL("%s is false", #cond); \
	} while (0)

#define CHECK_EQ(actual, expected)                                            \
	do {                                                                  \
		unsigned long long a_ = (unsigned long long)(actual);         \
		unsigned long long e_ = (unsigned long long)(expected);       \
		if (a_ != e_)                                                 \
			TH_FAIL("%s = 0x%llx, expected %s = 0x%llx", #actual, \
				a_, #expected, e_);                           \
	} while (0)

/*
 * Known softsgx bugs (see the integration report). A check that finds one
 * calls th_known_bug(): the test goes on, and th_exit() then ends it with
 * 77, which CTest shows as skipped, so the bug stays visible without
 * hiding other failures. TH_STRICT=<name>[,<name>...] in the environment
 * turns a known bug back into a failure: the expected-to-fail tests that
 * reproduce each bug use it.
 */
enum th_bug {
	TH_BUG_EXC_ADDR, /* a fault address reported for a non-#PF vector */
	TH_BUG_PTE_ORDER, /* PF_SGX on a fault the PTE already refuses */
	TH_BUG_ASYNC_NEST, /* a signal handler sees softsgx's own context */
	TH_BUG_ENCLU_MASKED, /* ENCLU with SIGSEGV blocked kills */
	TH_BUG_NESTED_ENTRY, /* EENTER from an enclave exception's handler */
	TH_NR_BUGS
};

void th_known_bug(enum th_bug bug, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* 0 (PASS), or 77 (SKIP) when a known bug was met. */
int th_exit(void);

/*
 * Forked children report the known bugs they met in their exit status:
 * TH_BUGS_EXIT + the bit mask (a parent merges it back).
 */
#define TH_BUGS_EXIT 100
unsigned int th_bugs_mask(void);
void th_bugs_merge(unsigned int mask);

/*
 * Whether a child crashed: killed by a signal, or stopped by a sanitizer
 * report (the integration tests run ASan builds with exitcode=86).
 */
#define TH_SANITIZER_EXIT 86
bool th_child_crashed(int status);

/*
 * Build, initialise and map the enclave image with its SIGSTRUCT, with
 * MISCSELECT as given (0 or SGX_MISC_EXINFO). Exits on failure.
 */
void th_load(struct th_enclave *e, const char *image, const char *sig,
	     uint32_t miscselect);

/*
 * th_load() step by step, for hosts that share the build between
 * processes (fork, execve). th_image() reads the image (SECS size, pages,
 * TCS offsets) and leaves e->fd at -1; th_open() also opens
 * /dev/sgx_enclave with open_flags (O_RDWR, maybe O_CLOEXEC) and reserves
 * an ELRANGE; th_create() runs SGX_IOC_ENCLAVE_CREATE; th_add_pages() adds
 * every page of the image; th_einit() runs SGX_IOC_ENCLAVE_INIT with the
 * SIGSTRUCT at sig; th_map() maps each run of pages at e->base with the
 * most its SECINFO allows and fills in the TCS addresses. Each exits on
 * failure; a host that expects one to fail calls the ioctl itself.
 */
void th_image(struct th_enclave *e, const char *image, uint32_t miscselect);
void th_open(struct th_enclave *e, const char *image, uint32_t miscselect,
	     int open_flags);
void th_create(struct th_enclave *e);
void th_add_pages(struct th_enclave *e);
void th_einit(struct th_enclave *e, const char *sig);
void th_map(struct th_enclave *e);

/* A SIGSTRUCT file read into a page-aligned buffer (free() it). */
void *th_read_sigstruct(const char *path);

/* Unmap, close and free what th_load made. */
void th_unload(struct th_enclave *e);

/* An enclave page's absolute address. */
static inline uint64_t th_addr(const struct th_enclave *e, uint64_t offset)
{
	return e->base + offset;
}

/* __vdso_sgx_enter_enclave, looked up through DT_GNU_HASH and DT_HASH. */
vdso_sgx_enter_enclave_t th_vdso(void);

/* One vDSO call; enter.S saves the callee-saved registers around it. */
struct th_call {
	vdso_sgx_enter_enclave_t fn;
	unsigned long rdi, rsi, rdx, r8, r9;
	unsigned long function;
};

int th_vdso_call(const struct th_call *call, struct sgx_enclave_run *run);

/*
 * EENTER (or ERESUME) TCS number tcs through the vDSO with RDI = op and
 * RSI = args; run is reset first except for user_handler/user_data.
 */
int th_enter(const struct th_enclave *e, size_t tcs, unsigned int leaf,
	     uint64_t op, struct te_args *args, struct sgx_enclave_run *run);

/* An ECALL that must end in EEXIT with TE_STATUS_OK. */
void th_ecall_ok(const struct th_enclave *e, size_t tcs, uint64_t op,
		 struct te_args *args);

/* Raw ENCLU[EENTER] with AEP th_raw_aep; returns RDI at EEXIT. */
uint64_t th_raw_eenter(uint64_t tcs, uint64_t rdi, uint64_t rsi);
extern const char th_raw_aep[];

/* Reads an enclave image's TE_OP_INFO through TCS tcs. */
void th_info(const struct th_enclave *e, size_t tcs, struct te_info *info);

/*
 * Every host starts here: checks for at least nargs arguments (usage
 * "HOST ENCLAVE ENCLAVE.sig" + extra), line-buffers stdout, and with
 * TH_ALTSTACK=1 in the environment gives the thread a sigaltstack of its
 * own, as Rust, Go and sanitizer runtimes do.
 */
void th_init(int argc, char **argv, int nargs, const char *extra);

#endif /* SOFTSGX_TESTHOST_H */

/* SPDX-License-Identifier: MIT */
/*
 * Fixtures of the driver tests (test_driver_*.c): a throw-away platform, a
 * driver, memory with chosen protections, SECS images, enclave builds
 * through the ioctls and signing. Linked by tests/driver.cmake.
 */
#ifndef SOFTSGX_DRVTEST_H
#define SOFTSGX_DRVTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/sgx.h>

#include "arch/sgx_arch.h"
#include "driver/driver.h"
#include "driver/encl.h"

#define PAGE 4096UL

/* Where the test enclaves live: aligned for sizes up to 4 GiB. */
#define DRVTEST_BASE 0x100000000ULL
#define DRVTEST_SIZE 0x8000ULL /* 8 pages */

/*
 * Point SOFTSGX_PLATFORM at a fresh file in a directory of our own under
 * SOFTSGX_TEST_TMPDIR (removed at exit), then sgx_driver_init(). Fails the
 * test on error. Safe to call many times.
 */
void drvtest_init(void);
/* The per-process scratch directory drvtest_init() uses. */
const char *drvtest_dir(void);

/* Anonymous private pages with prot; free with drvtest_unmap(). */
void *drvtest_map(size_t nr_pages, int prot);
void drvtest_unmap(void *addr, size_t nr_pages);
/* An address with nothing mapped (a reserved and released page). */
unsigned long drvtest_unmapped(void);

/* A 64-bit SECS image (XFRM 3, SSA frame 1 page) in a fresh page. */
struct sgx_secs *drvtest_secs(uint64_t base, uint64_t size, uint64_t attrs);

long drvtest_create_secs(struct sgx_encl *encl, const struct sgx_secs *secs);
/* CREATE with drvtest_secs(DRVTEST_BASE, DRVTEST_SIZE, MODE64BIT | attrs). */
long drvtest_create(struct sgx_encl *encl, uint64_t attrs);

/* ADD_PAGES; *count (if given) receives the count written back. */
long drvtest_add(struct sgx_encl *encl, const void *src, uint64_t offset,
		 uint64_t length, uint64_t secinfo_flags, uint64_t flags,
		 uint64_t *count);

long drvtest_init_encl(struct sgx_encl *encl, const struct sgx_sigstruct *sig);

/* cmocka group setup: drvtest_init(). */
int drvtest_group_setup(void **state);
/*
 * cmocka teardown: every test must give back all the EPC it used and leave
 * no enclave memory mapped.
 */
int drvtest_check_released(void **state);

/* Open fds of the process, and whether /proc/self/maps mentions s. */
int drvtest_count_fds(void);
bool drvtest_maps_has(const char *s);

/*
 * The small real enclave: TCS at 0 (OENTRY 0x1000, OSSA 0x3000), code RX at
 * 0x1000, data RW at 0x2000, SSA RW at 0x3000, all measured. CREATE with
 * MODE64BIT | attrs and ADD, and its MRENCLAVE computed offline. Returns
 * 0 or the first ioctl error.
 */
long drvtest_build_small(struct sgx_encl *encl, uint64_t attrs,
			 uint8_t mrenclave[SGX_HASH_SIZE]);

/*
 * A SIGSTRUCT for mrenclave with the default parameters plus attrs in
 * ATTRIBUTES, signed with this process's key (its MRSIGNER in mrsigner if
 * non-NULL). Skips the test when softsgx_sign is not built.
 */
void drvtest_sign(const uint8_t mrenclave[SGX_HASH_SIZE], uint64_t attrs,
		  struct sgx_sigstruct *sig, uint8_t *mrsigner);

/*
 * Run fn(page, arg) in a child process, where page is a read-only private
 * mapping of a 4096-byte file on a tmpfs mounted noexec (or, with
 * noexec false, mounted without it). An existing writable noexec tmpfs is
 * used if there is one; else the child mounts one in a mount namespace of
 * its own (a user namespace too when unprivileged). Returns fn's result
 * (0 = pass), or 77 when no such mount can be had.
 */
int drvtest_with_mount_page(bool noexec, int (*fn)(void *page, void *arg),
			    void *arg);

/* The EPCM busy bit of the enclave's SECS, to stage a concurrent ENCLS. */
bool drvtest_secs_trylock(struct sgx_encl *encl);
void drvtest_secs_unlock(struct sgx_encl *encl);

#endif

// SPDX-License-Identifier: MIT
/*
 * The enclave ioctls, case by case against the errno matrix of spec 2.11
 * and the check orders of 2.3, 2.4, 2.5 and 6: every validation step, every
 * bad pointer, partial progress, ENCLS faults, the dispatcher, the mapping
 * rule and the release of everything. Cases that need a signed enclave
 * are in test_driver_enclave.c. After every test, the EPC budget must be
 * back at zero.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drvtest.h"
#include "testlib.h"
#include "arch/epc.h"
#include "arch/measure.h"
#include "arch/secs.h"
#include "arch/sigstruct.h"

static struct sgx_encl *new_encl(void)
{
	struct sgx_encl *encl = sgx_encl_alloc();

	assert_non_null(encl);
	return encl;
}

static struct sgx_encl *created(uint64_t attrs)
{
	struct sgx_encl *encl = new_encl();

	assert_int_equal(drvtest_create(encl, attrs), 0);
	return encl;
}

/* size bytes at the end of a readable page followed by a PROT_NONE one. */
static void *straddle(size_t size, void **map)
{
	uint8_t *p = drvtest_map(2, PROT_READ | PROT_WRITE);

	assert_int_equal(mprotect(p + PAGE, PAGE, PROT_NONE), 0);
	*map = p;
	return p + PAGE - size / 2;
}

static bool page_present(struct sgx_encl *encl, uint64_t offset)
{
	return encl->pages[offset / PAGE].flags & SGX_ENCL_PAGE_PRESENT;
}

/* ---------------------------------------------------------------- CREATE */

static void test_create_ok(void **state)
{
	struct sgx_encl *encl = new_encl();
	struct sgx_epcm_entry *e;
	struct sgx_secs *secs;

	(void)state;
	assert_int_equal(sgx_epc_used_pages(), 0);
	assert_int_equal(drvtest_create(encl, SGX_ATTR_DEBUG), 0);
	assert_true(sgx_encl_test_flag(encl, SGX_ENCL_CREATED));
	assert_true(sgx_encl_test_flag(encl, SGX_ENCL_DEBUG));
	assert_false(sgx_encl_test_flag(encl, SGX_ENCL_INITIALIZED));
	assert_false(sgx_encl_test_flag(encl, SGX_ENCL_IOCTL));
	assert_int_equal(encl->base, DRVTEST_BASE);
	assert_int_equal(encl->size, DRVTEST_SIZE);
	assert_int_equal(encl->sh->attributes,
			 SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG);
	assert_int_equal(encl->sh->attributes_mask, SGX_ATTR_UNPRIV_MASK);
	assert_int_equal(sgx_epc_used_pages(), 1);

	/* The SECS is an EPC page after the ELRANGE pages of the alias. */
	assert_ptr_equal(encl->secs, (char *)encl->alias + DRVTEST_SIZE);
	e = sgx_epcm_lookup(sgx_driver_cpu(), (uintptr_t)encl->secs);
	assert_non_null(e);
	assert_true(e->valid);
	assert_int_equal(e->page_type, SGX_PAGE_TYPE_SECS);
	secs = encl->secs;
	assert_int_equal(secs->base, DRVTEST_BASE);
	assert_int_equal(secs->size, DRVTEST_SIZE);
	assert_true(drvtest_maps_has("/memfd:sgx_enclave"));
	sgx_encl_put(encl);

	encl = created(0);
	assert_false(sgx_encl_test_flag(encl, SGX_ENCL_DEBUG));
	sgx_encl_put(encl);
}

static void test_create_twice_einval(void **state)
{
	struct sgx_encl *encl = created(0);

	(void)state;
	assert_int_equal(drvtest_create(encl, 0), -EINVAL);
	/* Step 1 precedes the argument copy. */
	assert_int_equal(
		sgx_ioctl(encl, SGX_IOC_ENCLAVE_CREATE, drvtest_unmapped()),
		-EINVAL);
	assert_int_equal(sgx_epc_used_pages(), 1);
	sgx_encl_put(encl);
}

static void test_create_bad_arg_efault(void **state)
{
	struct sgx_encl *encl = new_encl();
	void *none = drvtest_map(1, PROT_NONE), *map;
	struct sgx_enclave_create *arg = straddle(sizeof(*arg), &map);

	(void)state;
	assert_int_equal(sgx_ioctl(encl, SGX_IOC_ENCLAVE_CREATE, 0), -EFAULT);
	assert_int_equal(
		sgx_ioctl(encl, SGX_IOC_ENCLAVE_CREATE, drvtest_unmapped()),
		-EFAULT);
	assert_int_equal(
		sgx_ioctl(encl, SGX_IOC_ENCLAVE_CREATE, (uintptr_t)none),
		-EFAULT);
	assert_int_equal(
		sgx_ioctl(encl, SGX_IOC_ENCLAVE_CREATE, (uintptr_t)arg),
		-EFAULT);
	assert_false(sgx_encl_test_flag(encl, SGX_ENCL_CREATED));
	drvtest_unmap(none, 1);
	drvtest_unmap(map, 2);
	sgx_encl_put(encl);
}

static long create_from(struct sgx_encl *encl, unsigned long src)
{
	struct sgx_enclave_create arg = { .src = src };

	return sgx_ioctl(encl, SGX_IOC_ENCLAVE_CREATE, (uintptr_t)&arg);
}

static void test_create_bad_src_efault(void **state)
{
	struct sgx_encl *encl = new_encl();
	struct sgx_secs *good =
		drvtest_secs(DRVTEST_BASE, DRVTEST_SIZE, SGX_ATTR_MODE64BIT);
	uint8_t *none = drvtest_map(1, PROT_NONE), *map;

	(void)state;
	assert_int_equal(create_from(encl, 0), -EFAULT);
	assert_int_equal(create_from(encl, drvtest_unmapped()), -EFAULT);
	assert_int_equal(create_from(encl, (uintptr_t)none), -EFAULT);
	/* Exactly 4096 bytes are copied: the last one may not be missing. */
	map = drvtest_map(2, PROT_READ | PROT_WRITE);
	memcpy(map + 8, good, PAGE - 8);
	assert_int_equal(mprotect(map + PAGE, PAGE, PROT_NONE), 0);
	assert_int_equal(create_from(encl, (uintptr_t)map + 8), -EFAULT);
	assert_false(sgx_encl_test_flag(encl, SGX_ENCL_CREATED));
	assert_int_equal(sgx_epc_used_pages(), 0);

	/* No alignment is required of src. */
	assert_int_equal(mprotect(map + PAGE, PAGE, PROT_READ | PROT_WRITE), 0);
	memcpy(map + PAGE, (uint8_t *)good + PAGE - 8, 8);
	assert_int_equal(create_from(encl, (uintptr_t)map + 8), 0);

	drvtest_unmap(none, 1);
	drvtest_unmap(map, 2);
	free(good);
	sgx_encl_put(encl);
}

static void test_create_size_not_pow2_einval(void **state)
{
	static const uint64_t sizes[] = { 0, 0x3000, 0x8001, 0xFFFFFFFFFFFFFFFF,
					  0x6000000000 };
	struct sgx_encl *encl = new_encl();

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct sgx_secs *secs = drvtest_secs(DRVTEST_BASE, sizes[i],
						     SGX_ATTR_MODE64BIT);

		assert_int_equal(drvtest_create_secs(encl, secs), -EINVAL);
		free(secs);
	}
	assert_int_equal(sgx_epc_used_pages(), 0);
	sgx_encl_put(encl);
}

/* Everything ECREATE refuses is -EIO, and the enclave stays retryable. */
static void test_create_ecreate_fault_eio(void **state)
{
	const uint64_t m64 = SGX_ATTR_MODE64BIT;
	struct {
		uint64_t base, size, attrs, xfrm;
		uint32_t ssa, misc;
		int reserved_byte;
	} cases[] = {
		{ DRVTEST_BASE, DRVTEST_SIZE, m64, 0x1, 1, 0, -1 },
		{ DRVTEST_BASE, DRVTEST_SIZE, m64, 0x203, 1, 0, -1 },
		{ DRVTEST_BASE, DRVTEST_SIZE, m64, 0x8000000000000003, 1, 0,
		  -1 },
		{ DRVTEST_BASE + PAGE, DRVTEST_SIZE, m64, 3, 1, 0, -1 },
		{ DRVTEST_BASE, PAGE, m64, 3, 1, 0, -1 },
		{ 1ULL << 36, 1ULL << 36, m64, 3, 1, 0, -1 },
		{ 1ULL << 46, 1ULL << 46, m64, 3, 1, 0, -1 },
		{ 0, 1ULL << 62, m64, 3, 1, 0, -1 },
		{ 0, 1ULL << 31, 0, 3, 1, 0, -1 }, /* 32-bit limit */
		{ 1ULL << 32, DRVTEST_SIZE, 0, 3, 1, 0, -1 },
		{ DRVTEST_BASE, DRVTEST_SIZE, m64 | SGX_ATTR_INIT, 3, 1, 0,
		  -1 },
		{ DRVTEST_BASE, DRVTEST_SIZE, m64 | (1ULL << 3), 3, 1, 0, -1 },
		{ DRVTEST_BASE, DRVTEST_SIZE, m64 | SGX_ATTR_AEXNOTIFY, 3, 1, 0,
		  -1 },
		{ DRVTEST_BASE, DRVTEST_SIZE, m64, 3, 0, 0, -1 },
		{ DRVTEST_BASE, DRVTEST_SIZE, m64, 3, 1, 2, -1 },
		{ DRVTEST_BASE, DRVTEST_SIZE, m64, 3, 1, 0, 300 },
		{ 0x0000800000000000, DRVTEST_SIZE, m64, 3, 1, 0, -1 },
	};
	struct sgx_encl *encl = new_encl();
	int fds = drvtest_count_fds();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sgx_secs *secs = drvtest_secs(
			cases[i].base, cases[i].size, cases[i].attrs);

		secs->attributes.xfrm = cases[i].xfrm;
		secs->ssa_frame_size = cases[i].ssa;
		secs->miscselect = cases[i].misc;
		if (cases[i].reserved_byte >= 0)
			((uint8_t *)secs)[cases[i].reserved_byte] = 1;
		if (drvtest_create_secs(encl, secs) != -EIO)
			fail_msg("case %zu: not -EIO", i);
		assert_false(sgx_encl_test_flag(encl, SGX_ENCL_CREATED));
		free(secs);
	}
	/* Nothing of the failed attempts remains. */
	assert_int_equal(sgx_epc_used_pages(), 0);
	assert_int_equal(drvtest_count_fds(), fds);
	assert_null(encl->alias);
	assert_int_equal(drvtest_create(encl, 0), 0);
	sgx_encl_put(encl);
}

/* ------------------------------------------------------------- ADD_PAGES */

static long add_arg(struct sgx_encl *encl, struct sgx_enclave_add_pages *arg)
{
	return sgx_ioctl(encl, SGX_IOC_ENCLAVE_ADD_PAGES, (uintptr_t)arg);
}

static void test_add_state_einval(void **state)
{
	struct sgx_encl *encl = new_encl();
	uint8_t *src = drvtest_map(1, PROT_READ);
	uint64_t count = 0;

	(void)state;
	assert_int_equal(drvtest_add(encl, src, 0, PAGE,
				     SGX_SECINFO_REG | SGX_SECINFO_R, 0,
				     &count),
			 -EINVAL);
	assert_int_equal(count, 0xdeadbeef); /* not written back */
	/* The state check comes before the argument copy. */
	assert_int_equal(
		sgx_ioctl(encl, SGX_IOC_ENCLAVE_ADD_PAGES, drvtest_unmapped()),
		-EINVAL);
	drvtest_unmap(src, 1);
	sgx_encl_put(encl);
}

static void test_add_bad_arg_efault(void **state)
{
	struct sgx_encl *encl = created(0);
	void *map;
	struct sgx_enclave_add_pages *arg = straddle(sizeof(*arg), &map);

	(void)state;
	assert_int_equal(
		sgx_ioctl(encl, SGX_IOC_ENCLAVE_ADD_PAGES, drvtest_unmapped()),
		-EFAULT);
	assert_int_equal(add_arg(encl, arg), -EFAULT);
	drvtest_unmap(map, 2);
	sgx_encl_put(encl);
}

static void test_add_range_einval(void **state)
{
	const uint64_t reg = SGX_SECINFO_REG | SGX_SECINFO_R;
	struct {
		uint64_t src_off, offset, length;
	} cases[] = {
		{ 1, 0, PAGE }, /* src alignment */
		{ 8, 0, PAGE },
		{ 0, 1, PAGE }, /* offset alignment */
		{ 0, 0x800, PAGE },
		{ 0, 0, 0 }, /* length */
		{ 0, 0, 100 },
		{ 0, 0, PAGE + 1 },
		{ 0, 0xFFFFFFFFFFFFF000, 2 * PAGE }, /* overflow */
		{ 0, DRVTEST_SIZE, PAGE }, /* beyond ELRANGE */
		{ 0, DRVTEST_SIZE - PAGE, 2 * PAGE },
		{ 0, 0, DRVTEST_SIZE + PAGE },
		{ 0, 0xFFFFFFFFFFFFF000, PAGE },
	};
	struct sgx_encl *encl = created(0);
	uint8_t *src = drvtest_map(2, PROT_READ);
	uint64_t count;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long ret = drvtest_add(encl, src + cases[i].src_off,
				       cases[i].offset, cases[i].length, reg, 0,
				       &count);

		if (ret != -EINVAL)
			fail_msg("case %zu: %ld", i, ret);
		assert_int_equal(count, 0xdeadbeef);
	}
	/* Alignment is checked before the SECINFO is even read. */
	{
		struct sgx_enclave_add_pages arg = {
			.src = (uintptr_t)src + 1,
			.length = PAGE,
			.secinfo = drvtest_unmapped(),
		};

		assert_int_equal(add_arg(encl, &arg), -EINVAL);
	}
	/* The last page of ELRANGE is inside. */
	assert_int_equal(drvtest_add(encl, src, DRVTEST_SIZE - PAGE, PAGE, reg,
				     0, &count),
			 0);
	assert_int_equal(count, PAGE);
	assert_int_equal(sgx_epc_used_pages(), 2);
	drvtest_unmap(src, 2);
	sgx_encl_put(encl);
}

static void test_add_secinfo_efault(void **state)
{
	struct sgx_encl *encl = created(0);
	uint8_t *src = drvtest_map(1, PROT_READ);
	uint8_t *none = drvtest_map(1, PROT_NONE);
	void *map;
	struct sgx_secinfo *edge = straddle(sizeof(*edge), &map);
	unsigned long bad[] = { 0, drvtest_unmapped(), (uintptr_t)none,
				(uintptr_t)edge };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sgx_enclave_add_pages arg = {
			.src = (uintptr_t)src,
			.length = PAGE,
			.secinfo = bad[i],
			.count = 7,
		};

		assert_int_equal(add_arg(encl, &arg), -EFAULT);
		assert_int_equal(arg.count, 7);
	}
	assert_int_equal(encl->sh->nr_added, 0);
	drvtest_unmap(src, 1);
	drvtest_unmap(none, 1);
	drvtest_unmap(map, 2);
	sgx_encl_put(encl);
}

static void test_add_secinfo_einval(void **state)
{
	const uint64_t R = SGX_SECINFO_R, W = SGX_SECINFO_W, X = SGX_SECINFO_X;
	const uint64_t REG = SGX_SECINFO_REG, TCS = SGX_SECINFO_TCS;
	struct {
		uint64_t flags;
		int reserved_byte; /* index into SECINFO.reserved, or -1 */
	} cases[] = {
		{ SGX_SECINFO_SECS | R, -1 }, /* page types */
		{ 3 << 8 | R, -1 },
		{ SGX_SECINFO_TRIM | R, -1 },
		{ 5 << 8 | R, -1 },
		{ 0xFF << 8 | R, -1 },
		{ REG | W, -1 }, /* W without R */
		{ REG | W | X, -1 },
		{ TCS | R, -1 }, /* TCS with permissions */
		{ TCS | W, -1 },
		{ TCS | X, -1 },
		{ TCS | R | W | X, -1 },
		{ REG | R | SGX_SECINFO_PENDING, -1 }, /* reserved flags */
		{ REG | R | SGX_SECINFO_MODIFIED, -1 },
		{ REG | R | SGX_SECINFO_PR, -1 },
		{ REG | R | 1ULL << 6, -1 },
		{ REG | R | 1ULL << 16, -1 },
		{ REG | R | 1ULL << 63, -1 },
		{ TCS | SGX_SECINFO_PENDING, -1 },
		{ REG | R, 0 }, /* reserved bytes 8..63 */
		{ REG | R, 30 },
		{ REG | R, 55 },
	};
	struct sgx_encl *encl = created(0);
	uint8_t *src = drvtest_map(1, PROT_READ);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sgx_secinfo secinfo = { .flags = cases[i].flags };
		struct sgx_enclave_add_pages arg = {
			.src = (uintptr_t)src,
			.length = PAGE,
			.secinfo = (uintptr_t)&secinfo,
			.count = 7,
		};
		long ret;

		if (cases[i].reserved_byte >= 0)
			secinfo.reserved[cases[i].reserved_byte] = 0x80;
		ret = add_arg(encl, &arg);
		if (ret != -EINVAL)
			fail_msg("case %zu: %ld", i, ret);
		assert_int_equal(arg.count, 7);
	}
	assert_int_equal(encl->sh->nr_added, 0);
	assert_int_equal(sgx_epc_used_pages(), 1);

	/* The valid corner cases pass: R only, RWX, X only, TCS. */
	assert_int_equal(drvtest_add(encl, src, 0, PAGE, REG | R, 0, NULL), 0);
	assert_int_equal(
		drvtest_add(encl, src, PAGE, PAGE, REG | R | W | X, 0, NULL),
		0);
	assert_int_equal(
		drvtest_add(encl, src, 2 * PAGE, PAGE, REG | X, 0, NULL), 0);
	assert_int_equal(drvtest_add(encl, src, 3 * PAGE, PAGE, REG, 0, NULL),
			 0);
	assert_int_equal(drvtest_add(encl, src, 4 * PAGE, PAGE, TCS, 0, NULL),
			 0);
	assert_int_equal(encl->pages[0].vm_max_prot_bits, PROT_READ);
	assert_int_equal(encl->pages[1].vm_max_prot_bits,
			 PROT_READ | PROT_WRITE | PROT_EXEC);
	assert_int_equal(encl->pages[2].vm_max_prot_bits, PROT_EXEC);
	assert_int_equal(encl->pages[3].vm_max_prot_bits, 0);
	assert_int_equal(encl->pages[4].vm_max_prot_bits,
			 PROT_READ | PROT_WRITE);
	assert_int_equal(encl->pages[4].type, SGX_PAGE_TYPE_TCS);
	assert_int_equal(encl->pages[0].type, SGX_PAGE_TYPE_REG);
	drvtest_unmap(src, 1);
	sgx_encl_put(encl);
}

static void test_add_src_efault(void **state)
{
	const uint64_t reg = SGX_SECINFO_REG | SGX_SECINFO_R;
	struct sgx_encl *encl = created(0);
	uint8_t *none = drvtest_map(1, PROT_NONE);
	uint8_t *hole = drvtest_map(3, PROT_READ);
	uint64_t count = 1;

	(void)state;
	drvtest_unmap(hole + PAGE, 1);
	assert_int_equal(drvtest_add(encl, (void *)drvtest_unmapped(), 0, PAGE,
				     reg, 0, &count),
			 -EFAULT);
	assert_int_equal(count, 0); /* written back even on error */
	assert_int_equal(drvtest_add(encl, none, 0, PAGE, reg, 0, &count),
			 -EFAULT);
	assert_int_equal(count, 0);
	/* A VMA above src that does not contain it cannot be pinned. */
	assert_int_equal(
		drvtest_add(encl, hole + PAGE, 0, PAGE, reg, 0, &count),
		-EFAULT);
	/* Beyond the last VMA. */
	assert_int_equal(drvtest_add(encl, (void *)0x7ffffffff000, 0, PAGE, reg,
				     0, &count),
			 -EFAULT);
	assert_int_equal(encl->sh->nr_added, 0);
	assert_int_equal(sgx_epc_used_pages(), 1);
	drvtest_unmap(none, 1);
	drvtest_unmap(hole, 1);
	drvtest_unmap(hole + 2 * PAGE, 1);
	sgx_encl_put(encl);
}

/* The 3rd source page is unreadable: two pages are in, count says so. */
static void test_add_partial_progress(void **state)
{
	const uint64_t reg = SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W;
	struct sgx_encl *encl = created(0);
	uint8_t *src = drvtest_map(4, PROT_READ | PROT_WRITE);
	uint64_t count;

	(void)state;
	for (size_t i = 0; i < 4 * PAGE; i++)
		src[i] = (uint8_t)(i / PAGE + 1);
	assert_int_equal(mprotect(src + 2 * PAGE, PAGE, PROT_NONE), 0);
	assert_int_equal(drvtest_add(encl, src, PAGE, 4 * PAGE, reg,
				     SGX_PAGE_MEASURE, &count),
			 -EFAULT);
	assert_int_equal(count, 2 * PAGE);
	assert_true(page_present(encl, PAGE));
	assert_true(page_present(encl, 2 * PAGE));
	assert_false(page_present(encl, 3 * PAGE));
	assert_false(page_present(encl, 4 * PAGE));
	assert_int_equal(encl->sh->nr_added, 2);
	assert_int_equal(sgx_epc_used_pages(), 3);
	/* The pages' contents are in the EPC (the alias). */
	assert_memory_equal(sgx_encl_epc_page(encl, PAGE), src, PAGE);
	assert_memory_equal(sgx_encl_epc_page(encl, 2 * PAGE), src + PAGE,
			    PAGE);

	/* Resuming from offset + count, src + count works. */
	assert_int_equal(mprotect(src + 2 * PAGE, PAGE, PROT_READ), 0);
	assert_int_equal(drvtest_add(encl, src + count, PAGE + count,
				     4 * PAGE - count, reg, SGX_PAGE_MEASURE,
				     &count),
			 0);
	assert_int_equal(count, 2 * PAGE);
	assert_int_equal(encl->sh->nr_added, 4);
	drvtest_unmap(src, 4);
	sgx_encl_put(encl);
}

static void test_add_busy(void **state)
{
	const uint64_t reg = SGX_SECINFO_REG | SGX_SECINFO_R;
	struct sgx_encl *encl = created(0);
	uint8_t *src = drvtest_map(3, PROT_READ);
	uint64_t count;

	(void)state;
	assert_int_equal(drvtest_add(encl, src, PAGE, PAGE, reg, 0, &count), 0);
	assert_int_equal(drvtest_add(encl, src, PAGE, PAGE, reg, 0, &count),
			 -EBUSY);
	assert_int_equal(count, 0);
	/* Already present is found before the source is looked at. */
	assert_int_equal(drvtest_add(encl, (void *)drvtest_unmapped(), PAGE,
				     PAGE, reg, 0, &count),
			 -EBUSY);
	assert_int_equal(drvtest_add(encl, src, 0, 3 * PAGE, reg, 0, &count),
			 -EBUSY);
	assert_int_equal(count, PAGE);
	assert_int_equal(encl->sh->nr_added, 2);
	assert_int_equal(sgx_epc_used_pages(), 3);
	drvtest_unmap(src, 3);
	sgx_encl_put(encl);
}

/* EADD faults (#GP on a TCS with reserved bits) are -EIO. */
static void test_add_eadd_fault_eio(void **state)
{
	struct sgx_encl *encl = created(0);
	uint8_t *src = drvtest_map(2, PROT_READ | PROT_WRITE);
	struct sgx_tcs *bad = (struct sgx_tcs *)(src + PAGE);
	uint64_t count;

	(void)state;
	bad->reserved[100] = 1;
	assert_int_equal(drvtest_add(encl, src, 0, 2 * PAGE, SGX_SECINFO_TCS,
				     SGX_PAGE_MEASURE, &count),
			 -EIO);
	assert_int_equal(count, PAGE);
	assert_true(page_present(encl, 0));
	assert_false(page_present(encl, PAGE));
	assert_int_equal(sgx_epc_used_pages(), 2);

	bad->reserved[100] = 0;
	bad->flags = 1ULL << 5; /* reserved TCS.FLAGS bit */
	assert_int_equal(
		drvtest_add(encl, bad, PAGE, PAGE, SGX_SECINFO_TCS, 0, &count),
		-EIO);
	assert_int_equal(count, 0);
	bad->flags = 0;
	assert_int_equal(
		drvtest_add(encl, bad, PAGE, PAGE, SGX_SECINFO_TCS, 0, &count),
		0);

	/* A concurrent ENCLS holding the SECS: EADD faults with #GP. */
	assert_true(drvtest_secs_trylock(encl));
	assert_int_equal(drvtest_add(encl, src, 2 * PAGE, PAGE,
				     SGX_SECINFO_REG | SGX_SECINFO_R, 0,
				     &count),
			 -EIO);
	drvtest_secs_unlock(encl);
	assert_false(page_present(encl, 2 * PAGE));
	assert_int_equal(sgx_epc_used_pages(), 3);
	drvtest_unmap(src, 2);
	sgx_encl_put(encl);
}

/* count cannot be written back: -EFAULT, though the pages were added. */
static void test_add_writeback_efault(void **state)
{
	struct sgx_encl *encl = created(0);
	uint8_t *src = drvtest_map(1, PROT_READ);
	struct sgx_secinfo secinfo = { .flags = SGX_SECINFO_REG |
						SGX_SECINFO_R };
	struct sgx_enclave_add_pages *arg =
		drvtest_map(1, PROT_READ | PROT_WRITE);

	(void)state;
	arg->src = (uintptr_t)src;
	arg->length = PAGE;
	arg->secinfo = (uintptr_t)&secinfo;
	assert_int_equal(mprotect(arg, PAGE, PROT_READ), 0);
	assert_int_equal(add_arg(encl, arg), -EFAULT);
	assert_true(page_present(encl, 0));
	assert_int_equal(arg->count, 0);
	drvtest_unmap(arg, 1);
	drvtest_unmap(src, 1);
	sgx_encl_put(encl);
}

/* MEASURE extends MRENCLAVE; other flag bits are ignored. */
static void test_add_measure_and_flags(void **state)
{
	const uint64_t reg = SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X;
	struct sgx_encl *encl = created(0);
	uint8_t *src = drvtest_map(2, PROT_READ | PROT_WRITE);
	uint8_t have[32], want[32];
	struct sgx_mrenclave m;

	(void)state;
	memset(src, 0x90, 2 * PAGE);
	assert_int_equal(drvtest_add(encl, src, 0, PAGE, reg,
				     SGX_PAGE_MEASURE | 0xF0, NULL),
			 0);
	assert_int_equal(drvtest_add(encl, src + PAGE, PAGE, PAGE, reg,
				     ~(uint64_t)SGX_PAGE_MEASURE, NULL),
			 0);
	assert_int_equal(sgx_mrenclave_init(&m, 1, DRVTEST_SIZE), 0);
	assert_int_equal(sgx_mrenclave_add_page(&m, 0, reg, src), 0);
	assert_int_equal(sgx_mrenclave_add_page(&m, PAGE, reg, NULL), 0);
	assert_int_equal(sgx_mrenclave_final(&m, want), 0);
	assert_int_equal(sgx_secs_measurement(encl->secs, have), 0);
	assert_memory_equal(have, want, 32);
	drvtest_unmap(src, 2);
	sgx_encl_put(encl);
}

/* ------------------------------------------------------------------ INIT */

static struct sgx_sigstruct *blank_sigstruct(void)
{
	struct sgx_sigstruct *sig = calloc(1, sizeof(*sig));

	assert_non_null(sig);
	return sig;
}

static void test_init_state_einval(void **state)
{
	struct sgx_encl *encl = new_encl();
	struct sgx_sigstruct *sig = blank_sigstruct();

	(void)state;
	assert_int_equal(drvtest_init_encl(encl, sig), -EINVAL);
	assert_int_equal(
		sgx_ioctl(encl, SGX_IOC_ENCLAVE_INIT, drvtest_unmapped()),
		-EINVAL);
	free(sig);
	sgx_encl_put(encl);
}

static void test_init_efault(void **state)
{
	struct sgx_encl *encl = created(0);
	uint8_t *none = drvtest_map(1, PROT_NONE);
	void *map, *map2;
	struct sgx_enclave_init *arg = straddle(sizeof(*arg), &map);
	struct sgx_sigstruct *edge = straddle(2 * 1000, &map2);

	(void)state;
	assert_int_equal(
		sgx_ioctl(encl, SGX_IOC_ENCLAVE_INIT, drvtest_unmapped()),
		-EFAULT);
	assert_int_equal(sgx_ioctl(encl, SGX_IOC_ENCLAVE_INIT, (uintptr_t)arg),
			 -EFAULT);
	assert_int_equal(drvtest_init_encl(encl, NULL), -EFAULT);
	assert_int_equal(drvtest_init_encl(encl, (void *)drvtest_unmapped()),
			 -EFAULT);
	assert_int_equal(drvtest_init_encl(encl, (void *)none), -EFAULT);
	/* 1808 bytes are copied; only 1000 are readable. */
	assert_int_equal(drvtest_init_encl(encl, edge), -EFAULT);
	assert_false(sgx_encl_test_flag(encl, SGX_ENCL_INITIALIZED));
	drvtest_unmap(none, 1);
	drvtest_unmap(map, 2);
	drvtest_unmap(map2, 2);
	sgx_encl_put(encl);
}

static void test_init_vendor_einval(void **state)
{
	struct sgx_encl *encl = created(SGX_ATTR_PROVISIONKEY);
	struct sgx_sigstruct *sig = blank_sigstruct();

	(void)state;
	sig->header.vendor = 0x1234;
	/* Vendor is checked before the attributes (-EACCES). */
	assert_int_equal(drvtest_init_encl(encl, sig), -EINVAL);
	sig->header.vendor = 0x80860000;
	assert_int_equal(drvtest_init_encl(encl, sig), -EINVAL);
	sig->header.vendor = SGX_SIGSTRUCT_VENDOR_INTEL;
	assert_int_equal(drvtest_init_encl(encl, sig), -EACCES);
	sgx_encl_put(encl);

	/* Both legal vendors reach EINIT, which refuses a blank SIGSTRUCT. */
	encl = created(0);
	assert_int_equal(drvtest_init_encl(encl, sig), -EPERM);
	sig->header.vendor = SGX_SIGSTRUCT_VENDOR_NONE;
	assert_int_equal(drvtest_init_encl(encl, sig), -EPERM);
	assert_true(sgx_encl_test_flag(encl, SGX_ENCL_CREATED));
	assert_false(sgx_encl_test_flag(encl, SGX_ENCL_INITIALIZED));
	free(sig);
	sgx_encl_put(encl);
}

static void test_init_privileged_eacces(void **state)
{
	struct sgx_encl *encl = created(SGX_ATTR_PROVISIONKEY);
	struct sgx_sigstruct *sig = blank_sigstruct();

	(void)state;
	assert_int_equal(drvtest_init_encl(encl, sig), -EACCES);
	/* -EACCES comes before the SIGSTRUCT's reserved-bit check. */
	sig->body.attributes.flags = 1ULL << 3;
	sig->body.attributes_mask.flags = 1ULL << 3;
	assert_int_equal(drvtest_init_encl(encl, sig), -EACCES);
	sgx_encl_put(encl);

	/* EINITTOKENKEY cannot be granted at all, provision or not. */
	encl = created(SGX_ATTR_EINITTOKENKEY);
	encl->sh->attributes_mask |= SGX_ATTR_PROVISIONKEY;
	memset(sig, 0, sizeof(*sig));
	assert_int_equal(drvtest_init_encl(encl, sig), -EACCES);
	sgx_encl_put(encl);
	free(sig);
}

/* Bits a SIGSTRUCT enforces must not be reserved (spec 5.5). */
static void test_init_reserved_einval(void **state)
{
	struct {
		uint64_t attr, attr_mask, xfrm, xfrm_mask;
		uint32_t misc, misc_mask;
		long want;
	} cases[] = {
		{ 1ULL << 3, 1ULL << 3, 0, 0, 0, 0, -EINVAL },
		{ SGX_ATTR_CET, SGX_ATTR_CET, 0, 0, 0, 0, -EINVAL },
		{ 1ULL << 8, ~0ULL, 0, 0, 0, 0, -EINVAL },
		{ 1ULL << 9, ~0ULL, 0, 0, 0, 0, -EINVAL },
		/* Unpriv for Linux, but this CPU does not enumerate it. */
		{ SGX_ATTR_AEXNOTIFY, SGX_ATTR_AEXNOTIFY, 0, 0, 0, 0, -EINVAL },
		{ 1ULL << 63, 1ULL << 63, 0, 0, 0, 0, -EINVAL },
		{ 0, 0, 1ULL << 63, ~0ULL, 0, 0, -EINVAL },
		{ 0, 0, 1ULL << 9, 1ULL << 9, 0, 0, -EINVAL }, /* PKRU */
		{ 0, 0, 0, 0, 1U << 1, 1U << 1, -EINVAL },
		{ 0, 0, 0, 0, 1U << 31, ~0U, -EINVAL },
		/* Not enforced, or not required: on to EINIT (-EPERM). */
		{ 1ULL << 3, ~(1ULL << 3), 0, 0, 0, 0, -EPERM },
		{ 0, ~0ULL, 0, ~0ULL, 0, ~0U, -EPERM },
		{ 0, 0, 1ULL << 63, 0, 1U << 31, 0, -EPERM },
		{ SGX_ATTR_MODE64BIT | SGX_ATTR_KSS | SGX_ATTR_PROVISIONKEY |
			  SGX_ATTR_EINITTOKENKEY | SGX_ATTR_DEBUG,
		  ~0ULL, 3, ~0ULL, SGX_MISC_EXINFO, ~0U, -EPERM },
	};
	struct sgx_encl *encl = created(0);
	struct sgx_sigstruct *sig = blank_sigstruct();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long ret;

		sig->body.attributes.flags = cases[i].attr;
		sig->body.attributes_mask.flags = cases[i].attr_mask;
		sig->body.attributes.xfrm = cases[i].xfrm;
		sig->body.attributes_mask.xfrm = cases[i].xfrm_mask;
		sig->body.miscselect = cases[i].misc;
		sig->body.misc_mask = cases[i].misc_mask;
		ret = drvtest_init_encl(encl, sig);
		if (ret != cases[i].want)
			fail_msg("case %zu: %ld, want %ld", i, ret,
				 cases[i].want);
	}
	free(sig);
	sgx_encl_put(encl);
}

/* Before EINIT the LE hash MSRs get SHA-256 of the SIGSTRUCT's modulus. */
static void test_init_writes_lepubkeyhash(void **state)
{
	struct sgx_encl *encl = created(0);
	struct sgx_sigstruct *sig = blank_sigstruct();
	uint8_t mrsigner[32];

	(void)state;
	memset(sig->modulus, 0xA5, sizeof(sig->modulus));
	sgx_sigstruct_mrsigner(sig, mrsigner);
	assert_int_equal(drvtest_init_encl(encl, sig), -EPERM);
	assert_memory_equal(sgx_driver_lp()->lepubkeyhash, mrsigner, 32);
	free(sig);
	sgx_encl_put(encl);
}

/* ------------------------------------------------------------- PROVISION */

static int provision_fd_seen = -1;

static bool provision_fd_is_7(int fd)
{
	provision_fd_seen = fd;
	return fd == 7;
}

static long provision(struct sgx_encl *encl, uint64_t fd)
{
	struct sgx_enclave_provision arg = { .fd = fd };

	return sgx_ioctl(encl, SGX_IOC_ENCLAVE_PROVISION, (uintptr_t)&arg);
}

static void test_provision(void **state)
{
	struct sgx_encl *encl = new_encl();

	(void)state;
	sgx_driver_set_provision_check(NULL);
	assert_int_equal(
		sgx_ioctl(encl, SGX_IOC_ENCLAVE_PROVISION, drvtest_unmapped()),
		-EFAULT);
	assert_int_equal(provision(encl, 7), -EINVAL); /* no check: no fd */

	sgx_driver_set_provision_check(provision_fd_is_7);
	assert_int_equal(provision(encl, 3), -EINVAL);
	assert_int_equal(provision_fd_seen, 3);
	assert_int_equal(provision(encl, 0xFFFFFFFF), -EINVAL);
	assert_int_equal(provision_fd_seen, -1);
	/* No state check; only the low 32 bits of fd count. */
	assert_int_equal(provision(encl, 7 | 1ULL << 32), 0);
	assert_int_equal(provision_fd_seen, 7);
	/* CREATE resets the mask: the early grant is lost. */
	assert_int_equal(drvtest_create(encl, SGX_ATTR_PROVISIONKEY), 0);
	assert_int_equal(encl->sh->attributes_mask, SGX_ATTR_UNPRIV_MASK);
	{
		struct sgx_sigstruct *sig = blank_sigstruct();

		assert_int_equal(drvtest_init_encl(encl, sig), -EACCES);
		assert_int_equal(provision(encl, 7), 0);
		assert_int_equal(encl->sh->attributes_mask,
				 SGX_ATTR_UNPRIV_MASK | SGX_ATTR_PROVISIONKEY);
		/* Past the attribute check, to EINIT. */
		assert_int_equal(drvtest_init_encl(encl, sig), -EPERM);
		free(sig);
	}
	sgx_driver_set_provision_check(NULL);
	sgx_encl_put(encl);
}

/* ------------------------------------------------------------ dispatcher */

static const unsigned int all_cmds[] = {
	SGX_IOC_ENCLAVE_CREATE,
	SGX_IOC_ENCLAVE_ADD_PAGES,
	SGX_IOC_ENCLAVE_INIT,
	SGX_IOC_ENCLAVE_PROVISION,
	SGX_IOC_VEPC_REMOVE_ALL,
	SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS,
	SGX_IOC_ENCLAVE_MODIFY_TYPES,
	SGX_IOC_ENCLAVE_REMOVE_PAGES,
	0,
	0xdeadbeef,
};

static void test_unknown_cmd_enotty(void **state)
{
	static const unsigned int cmds[] = {
		SGX_IOC_VEPC_REMOVE_ALL,
		0,
		0xdeadbeef,
		SGX_IOC_ENCLAVE_CREATE + 1,
		_IOW(SGX_MAGIC, 0x00, struct sgx_enclave_add_pages),
	};
	struct sgx_encl *encl = new_encl();

	(void)state;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_int_equal(sgx_ioctl(encl, cmds[i], 0), -ENOTTY);
	/* The SGX2 ioctls exist (Linux >= 6.0): not initialised -> EINVAL. */
	assert_int_equal(
		sgx_ioctl(encl, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, 0),
		-EINVAL);
	assert_int_equal(sgx_ioctl(encl, SGX_IOC_ENCLAVE_MODIFY_TYPES, 0),
			 -EINVAL);
	assert_int_equal(sgx_ioctl(encl, SGX_IOC_ENCLAVE_REMOVE_PAGES, 0),
			 -EINVAL);
	assert_false(sgx_encl_test_flag(encl, SGX_ENCL_IOCTL));
	sgx_encl_put(encl);
}

static sem_t hook_entered, hook_release;

static void blocking_hook(struct sgx_encl *encl, unsigned int cmd)
{
	(void)encl;
	(void)cmd;
	sem_post(&hook_entered);
	sem_wait(&hook_release);
}

struct ioctl_call {
	struct sgx_encl *encl;
	long ret;
};

static void *provision_thread(void *arg)
{
	struct ioctl_call *call = arg;

	call->ret = provision(call->encl, 7);
	return NULL;
}

/* While one thread is inside an ioctl, every other one fails at once. */
static void test_concurrent_ioctl_ebusy(void **state)
{
	struct ioctl_call call = { created(0), 1 };
	pthread_t thread;

	(void)state;
	assert_int_equal(sem_init(&hook_entered, 0, 0), 0);
	assert_int_equal(sem_init(&hook_release, 0, 0), 0);
	sgx_driver_set_provision_check(provision_fd_is_7);
	sgx_ioctl_test_hook = blocking_hook;
	assert_int_equal(pthread_create(&thread, NULL, provision_thread, &call),
			 0);
	sem_wait(&hook_entered);
	assert_true(sgx_encl_test_flag(call.encl, SGX_ENCL_IOCTL));
	for (size_t i = 0; i < sizeof(all_cmds) / sizeof(all_cmds[0]); i++)
		assert_int_equal(
			sgx_ioctl(call.encl, all_cmds[i], drvtest_unmapped()),
			-EBUSY);
	sem_post(&hook_release);
	assert_int_equal(pthread_join(thread, NULL), 0);
	sgx_ioctl_test_hook = NULL;
	assert_int_equal(call.ret, 0);
	assert_false(sgx_encl_test_flag(call.encl, SGX_ENCL_IOCTL));
	/* The flag is per enclave: another enclave was never blocked. */
	assert_int_equal(provision(call.encl, 7), 0);
	sgx_driver_set_provision_check(NULL);
	sem_destroy(&hook_entered);
	sem_destroy(&hook_release);
	sgx_encl_put(call.encl);
}

/* The flag, held by anyone (another process through a shared fd). */
static void test_ioctl_flag_ebusy(void **state)
{
	struct sgx_encl *encl = new_encl(), *other = new_encl();

	(void)state;
	atomic_fetch_or(&encl->sh->flags, SGX_ENCL_IOCTL);
	for (size_t i = 0; i < sizeof(all_cmds) / sizeof(all_cmds[0]); i++)
		assert_int_equal(sgx_ioctl(encl, all_cmds[i], 0), -EBUSY);
	assert_int_equal(drvtest_create(other, 0), 0);
	atomic_fetch_and(&encl->sh->flags, ~(unsigned long)SGX_ENCL_IOCTL);
	/* Enclaves do not conflict over ELRANGE: each has its own EPC. */
	assert_int_equal(drvtest_create(encl, 0), 0);
	sgx_encl_put(other);
	sgx_encl_put(encl);
}

/* ---------------------------------------------------------------- may_map */

static void test_may_map_before_init(void **state)
{
	const unsigned long b = DRVTEST_BASE,
			    rwx = PROT_READ | PROT_WRITE | PROT_EXEC;
	struct sgx_encl *encl = new_encl();
	uint8_t *src = drvtest_map(1, PROT_READ);
	int persona = personality(0xffffffff);

	(void)state;
	/* Before CREATE nothing is known: any range, any protection. */
	assert_int_equal(sgx_encl_may_map(encl, 0, 0x10000, rwx), 0);
	assert_int_equal(personality(persona | READ_IMPLIES_EXEC), persona);
	assert_int_equal(sgx_encl_may_map(encl, b, b + PAGE, PROT_READ),
			 -EACCES);
	personality(persona);

	assert_int_equal(drvtest_create(encl, 0), 0);
	assert_int_equal(
		drvtest_add(encl, src, PAGE, PAGE,
			    SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X, 0,
			    NULL),
		0);
	assert_int_equal(drvtest_add(encl, src, 3 * PAGE, PAGE, SGX_SECINFO_TCS,
				     0, NULL),
			 0);
	/* No range check before INIT; pages that do not exist allow all. */
	assert_int_equal(sgx_encl_may_map(encl, 0, 0x10000, rwx), 0);
	assert_int_equal(sgx_encl_may_map(encl, b, b + PAGE, rwx), 0);
	assert_int_equal(
		sgx_encl_may_map(encl, b + 2 * PAGE, b + 3 * PAGE, rwx), 0);
	assert_int_equal(
		sgx_encl_may_map(encl, b + 8 * PAGE, b + 64 * PAGE, rwx), 0);
	/* The RX page. */
	assert_int_equal(sgx_encl_may_map(encl, b + PAGE, b + 2 * PAGE,
					  PROT_READ | PROT_EXEC),
			 0);
	assert_int_equal(
		sgx_encl_may_map(encl, b + PAGE, b + 2 * PAGE, PROT_READ), 0);
	assert_int_equal(sgx_encl_may_map(encl, b + PAGE, b + 2 * PAGE, 0), 0);
	assert_int_equal(
		sgx_encl_may_map(encl, b + PAGE, b + 2 * PAGE, PROT_WRITE),
		-EACCES);
	assert_int_equal(sgx_encl_may_map(encl, b + PAGE, b + 2 * PAGE, rwx),
			 -EACCES);
	/* The TCS: RW, never X. */
	assert_int_equal(sgx_encl_may_map(encl, b + 3 * PAGE, b + 4 * PAGE,
					  PROT_READ | PROT_WRITE),
			 0);
	assert_int_equal(
		sgx_encl_may_map(encl, b + 3 * PAGE, b + 4 * PAGE, PROT_EXEC),
		-EACCES);
	/* A range covering both: the strictest page decides. */
	assert_int_equal(
		sgx_encl_may_map(encl, 0, ~0UL & ~(PAGE - 1), PROT_READ), 0);
	assert_int_equal(sgx_encl_may_map(encl, b, b + DRVTEST_SIZE,
					  PROT_READ | PROT_EXEC),
			 -EACCES);
	assert_int_equal(sgx_encl_may_map(encl, b, b + DRVTEST_SIZE,
					  PROT_READ | PROT_WRITE),
			 -EACCES);
	/* READ_IMPLIES_EXEC is refused whatever the range. */
	personality(persona | READ_IMPLIES_EXEC);
	assert_int_equal(sgx_encl_may_map(encl, b, b + PAGE, PROT_READ),
			 -EACCES);
	personality(persona);
	drvtest_unmap(src, 1);
	sgx_encl_put(encl);
}

/* --------------------------------------------------------------- release */

static void test_release_frees_everything(void **state)
{
	int fds = drvtest_count_fds();
	struct sgx_encl *encl = new_encl(), *second;
	uint8_t mrenclave[32];
	uintptr_t secs, page;

	(void)state;
	assert_int_equal(drvtest_build_small(encl, 0, mrenclave), 0);
	assert_int_equal(sgx_epc_used_pages(), 5);
	assert_int_equal(drvtest_count_fds(), fds + 1);
	secs = (uintptr_t)encl->secs;
	page = (uintptr_t)encl->alias;
	assert_non_null(sgx_epcm_lookup(sgx_driver_cpu(), secs));

	/* An extra reference keeps it alive. */
	sgx_encl_get(encl);
	sgx_encl_put(encl);
	assert_int_equal(sgx_epc_used_pages(), 5);
	assert_true(drvtest_maps_has("/memfd:sgx_enclave"));

	/* A second enclave at the same ELRANGE: EPC is per enclave. */
	second = new_encl();
	assert_int_equal(drvtest_build_small(second, 0, NULL), 0);
	assert_int_equal(sgx_epc_used_pages(), 10);
	sgx_encl_put(second);

	sgx_encl_put(encl);
	assert_int_equal(sgx_epc_used_pages(), 0);
	assert_int_equal(drvtest_count_fds(), fds);
	/* The EPC section is gone with the alias. */
	assert_null(sgx_epcm_lookup(sgx_driver_cpu(), secs));
	assert_null(sgx_epcm_lookup(sgx_driver_cpu(), page));
	assert_false(drvtest_maps_has("/memfd:sgx_enclave"));

	/* Never created, and created but empty. */
	sgx_encl_put(new_encl());
	sgx_encl_put(created(0));
	assert_int_equal(sgx_epc_used_pages(), 0);
	assert_int_equal(drvtest_count_fds(), fds);
}

/* A forked child's release must leave the parent's enclave intact. */
static void test_release_in_forked_child(void **state)
{
	struct sgx_encl *encl = new_encl();
	uint8_t before[32], after[32];
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(drvtest_build_small(encl, 0, NULL), 0);
	assert_int_equal(sgx_secs_measurement(encl->secs, before), 0);
	fflush(NULL);
	assert_int_equal(sgx_encl_fork_prepare(), 0);
	pid = fork();
	if (!pid) {
		sgx_encl_fork_child();
		sgx_encl_put(encl);
		_exit(sgx_epc_used_pages() == 0 &&
				      !drvtest_maps_has("/memfd:sgx_enclave") ?
			      0 :
			      1);
	}
	sgx_encl_fork_parent(pid);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(sgx_secs_measurement(encl->secs, after), 0);
	assert_memory_equal(before, after, 32);
	assert_int_equal(((struct sgx_secs *)encl->secs)->size, DRVTEST_SIZE);
	assert_int_equal(sgx_epc_used_pages(), 5);
	sgx_encl_put(encl);
}

/* ------------------------------------------------------------- robustness */

static uint64_t fuzz_state = 0x9E3779B97F4A7C15ULL;

static uint64_t fuzz_rand(void)
{
	fuzz_state ^= fuzz_state << 13;
	fuzz_state ^= fuzz_state >> 7;
	fuzz_state ^= fuzz_state << 17;
	return fuzz_state;
}

struct fuzz_mem {
	uint8_t *rw; /* 4 pages, the last one followed by a PROT_NONE page */
	uint8_t *ro;
	uint8_t *none;
};

static unsigned long fuzz_ptr(struct fuzz_mem *m)
{
	switch (fuzz_rand() % 9) {
	case 0:
		return 0;
	case 1:
		return drvtest_unmapped();
	case 2:
		return (uintptr_t)m->none + fuzz_rand() % PAGE;
	case 3:
		return (uintptr_t)m->ro;
	case 4:
		return 0xffff800000000000UL + fuzz_rand() % PAGE;
	case 5:
		return (uintptr_t)m->rw + 4 * PAGE - fuzz_rand() % 64;
	case 6:
		return (uintptr_t)m->rw + fuzz_rand() % (4 * PAGE);
	default:
		return (uintptr_t)m->rw + (fuzz_rand() % 4) * PAGE;
	}
}

static uint64_t fuzz_num(void)
{
	static const uint64_t interesting[] = {
		0,
		1,
		PAGE,
		2 * PAGE,
		PAGE - 1,
		DRVTEST_SIZE,
		DRVTEST_SIZE - PAGE,
		~0ULL,
		1ULL << 63,
		~0ULL - PAGE + 1,
	};

	if (fuzz_rand() % 2)
		return interesting[fuzz_rand() % (sizeof(interesting) /
						  sizeof(interesting[0]))];
	return fuzz_rand();
}

/* Mostly sensible SECINFO/SECS contents, with one random mutation. */
static void fuzz_fill(struct fuzz_mem *m)
{
	struct sgx_secs *secs = (struct sgx_secs *)m->rw;
	uint64_t *secinfo = (uint64_t *)(m->rw + PAGE);
	static const uint64_t flags[] = {
		SGX_SECINFO_TCS,
		SGX_SECINFO_REG | SGX_SECINFO_R,
		SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_X,
	};

	memset(m->rw, 0, 4 * PAGE);
	secs->size = DRVTEST_SIZE;
	secs->base = DRVTEST_BASE;
	secs->ssa_frame_size = 1;
	secs->attributes.flags = SGX_ATTR_MODE64BIT;
	secs->attributes.xfrm = 3;
	secinfo[0] = flags[fuzz_rand() % 3];
	if (fuzz_rand() % 2)
		m->rw[fuzz_rand() % (4 * PAGE)] = (uint8_t)fuzz_rand();
}

static long fuzz_one(struct sgx_encl *encl, struct fuzz_mem *m)
{
	static const unsigned int cmds[] = {
		SGX_IOC_ENCLAVE_CREATE,	   SGX_IOC_ENCLAVE_ADD_PAGES,
		SGX_IOC_ENCLAVE_ADD_PAGES, SGX_IOC_ENCLAVE_INIT,
		SGX_IOC_ENCLAVE_PROVISION, SGX_IOC_ENCLAVE_REMOVE_PAGES,
	};
	uint64_t arg[8];
	unsigned int cmd = cmds[fuzz_rand() % 6];

	fuzz_fill(m);
	for (size_t i = 0; i < 8; i++)
		arg[i] = fuzz_rand() % 3 ? fuzz_num() : fuzz_ptr(m);
	if (fuzz_rand() % 2) {
		arg[0] = (uintptr_t)m->rw + (fuzz_rand() % 3) * PAGE;
		arg[3] = (uintptr_t)m->rw + PAGE;
	}
	/* Often a plausible ADD_PAGES, to get past the validation. */
	if (cmd == SGX_IOC_ENCLAVE_ADD_PAGES && fuzz_rand() % 2) {
		arg[1] = (fuzz_rand() % 8) * PAGE;
		arg[2] = (1 + fuzz_rand() % 3) * PAGE;
		arg[4] = fuzz_rand() % 4;
	}
	if (fuzz_rand() % 8 == 0)
		return sgx_ioctl(encl, cmd, fuzz_ptr(m));
	return sgx_ioctl(encl, cmd, (uintptr_t)arg);
}

/* Random arguments: only documented errnos, no crash, nothing leaked. */
static void test_fuzz_no_crash_no_leak(void **state)
{
	int fds = drvtest_count_fds();
	struct sgx_encl *encl = new_encl();
	struct fuzz_mem m;

	(void)state;
	m.rw = drvtest_map(5, PROT_READ | PROT_WRITE);
	assert_int_equal(mprotect(m.rw + 4 * PAGE, PAGE, PROT_NONE), 0);
	m.ro = drvtest_map(1, PROT_READ);
	m.none = drvtest_map(1, PROT_NONE);
	for (int i = 0; i < 4000; i++) {
		long ret = fuzz_one(encl, &m);

		switch (ret) {
		case 0:
		case -EINVAL:
		case -EFAULT:
		case -EBUSY:
		case -EIO:
		case -EPERM:
		case -EACCES:
		case -ENOTTY:
			break;
		default:
			fail_msg("iteration %d: %ld", i, ret);
		}
		if (fuzz_rand() % 64 == 0) {
			sgx_encl_put(encl);
			encl = new_encl();
		}
	}
	sgx_encl_put(encl);
	assert_int_equal(sgx_epc_used_pages(), 0);
	assert_int_equal(drvtest_count_fds(), fds);
	drvtest_unmap(m.rw, 5);
	drvtest_unmap(m.ro, 1);
	drvtest_unmap(m.none, 1);
}

#define T(fn) cmocka_unit_test_teardown(fn, drvtest_check_released)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_ok),
		T(test_create_twice_einval),
		T(test_create_bad_arg_efault),
		T(test_create_bad_src_efault),
		T(test_create_size_not_pow2_einval),
		T(test_create_ecreate_fault_eio),
		T(test_add_state_einval),
		T(test_add_bad_arg_efault),
		T(test_add_range_einval),
		T(test_add_secinfo_efault),
		T(test_add_secinfo_einval),
		T(test_add_src_efault),
		T(test_add_partial_progress),
		T(test_add_busy),
		T(test_add_eadd_fault_eio),
		T(test_add_writeback_efault),
		T(test_add_measure_and_flags),
		T(test_init_state_einval),
		T(test_init_efault),
		T(test_init_vendor_einval),
		T(test_init_privileged_eacces),
		T(test_init_reserved_einval),
		T(test_init_writes_lepubkeyhash),
		T(test_provision),
		T(test_unknown_cmd_enotty),
		T(test_concurrent_ioctl_ebusy),
		T(test_ioctl_flag_ebusy),
		T(test_may_map_before_init),
		T(test_release_frees_everything),
		T(test_release_in_forked_child),
		T(test_fuzz_no_crash_no_leak),
	};

	return cmocka_run_group_tests(tests, drvtest_group_setup, NULL);
}

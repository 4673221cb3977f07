// SPDX-License-Identifier: MIT
/*
 * Real enclaves through the ioctls: a small enclave (TCS, code, data, SSA)
 * built, signed with softsgx_sign and initialised, its SECS then holding
 * the expected MRENCLAVE and MRSIGNER; what INIT refuses with -EPERM
 * (wrong measurement, bad signature, attribute mismatch), -EACCES
 * (PROVISIONKEY until a provision fd is presented) and -EIO (EINIT
 * faulting); the state rules after INIT; the mapping rule after INIT; and
 * ADD_PAGES refusing sources on a noexec mount.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "drvtest.h"
#include "testlib.h"
#include "arch/secs.h"

struct built {
	struct sgx_encl *encl;
	uint8_t mrenclave[SGX_HASH_SIZE];
	struct sgx_sigstruct *sig;
};

static void build(struct built *b, uint64_t attrs)
{
	b->encl = sgx_encl_alloc();
	assert_non_null(b->encl);
	assert_int_equal(drvtest_build_small(b->encl, attrs, b->mrenclave), 0);
	b->sig = calloc(1, sizeof(*b->sig));
	assert_non_null(b->sig);
}

static void built_free(struct built *b)
{
	sgx_encl_put(b->encl);
	free(b->sig);
}

static void test_build_and_init(void **state)
{
	const unsigned long base = DRVTEST_BASE,
			    rwx = PROT_READ | PROT_WRITE | PROT_EXEC;
	uint8_t mrsigner[SGX_HASH_SIZE];
	struct sgx_secs *secs;
	struct built b;

	(void)state;
	build(&b, SGX_ATTR_DEBUG);
	drvtest_sign(b.mrenclave, 0, b.sig, mrsigner);
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), 0);
	assert_true(sgx_encl_test_flag(b.encl, SGX_ENCL_INITIALIZED));
	assert_true(sgx_encl_test_flag(b.encl, SGX_ENCL_DEBUG));

	secs = b.encl->secs;
	assert_memory_equal(secs->mrenclave, b.mrenclave, SGX_HASH_SIZE);
	assert_memory_equal(secs->mrsigner, mrsigner, SGX_HASH_SIZE);
	assert_true(secs->attributes.flags & SGX_ATTR_INIT);
	assert_true(secs->attributes.flags & SGX_ATTR_DEBUG);
	assert_memory_equal(sgx_driver_lp()->lepubkeyhash, mrsigner,
			    SGX_HASH_SIZE);
	/* The pages the CPU sees hold what was added. */
	assert_int_equal(
		((struct sgx_tcs *)sgx_encl_epc_page(b.encl, 0))->entry_offset,
		0x1000);

	/* Nothing moves an initialised enclave. */
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), -EINVAL);
	assert_int_equal(drvtest_create(b.encl, 0), -EINVAL);
	assert_int_equal(drvtest_add(b.encl, b.sig, 0x4000, PAGE,
				     SGX_SECINFO_REG | SGX_SECINFO_R, 0, NULL),
			 -EINVAL);

	/* After INIT only ELRANGE may be mapped, within page limits. */
	assert_int_equal(sgx_encl_may_map(b.encl, base - PAGE, base, PROT_READ),
			 -EACCES);
	assert_int_equal(
		sgx_encl_may_map(b.encl, base - PAGE, base + PAGE, PROT_READ),
		-EACCES);
	assert_int_equal(sgx_encl_may_map(b.encl, base + DRVTEST_SIZE - PAGE,
					  base + DRVTEST_SIZE + PAGE, 0),
			 -EACCES);
	assert_int_equal(
		sgx_encl_may_map(b.encl, base, base + DRVTEST_SIZE, PROT_READ),
		0);
	assert_int_equal(sgx_encl_may_map(b.encl, base + 0x1000, base + 0x2000,
					  PROT_READ | PROT_EXEC),
			 0);
	assert_int_equal(sgx_encl_may_map(b.encl, base + 0x1000, base + 0x2000,
					  PROT_WRITE),
			 -EACCES);
	assert_int_equal(sgx_encl_may_map(b.encl, base + 0x4000,
					  base + DRVTEST_SIZE, rwx),
			 0);
	assert_int_equal(sgx_epc_used_pages(), 5);
	built_free(&b);
	assert_int_equal(sgx_epc_used_pages(), 0);
}

static void test_wrong_mrenclave_eperm(void **state)
{
	uint8_t wrong[SGX_HASH_SIZE];
	struct built b;

	(void)state;
	build(&b, 0);
	memcpy(wrong, b.mrenclave, sizeof(wrong));
	wrong[7] ^= 1;
	drvtest_sign(wrong, 0, b.sig, NULL);
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), -EPERM);
	/* Still CREATED: INIT may be retried with the right SIGSTRUCT. */
	assert_true(sgx_encl_test_flag(b.encl, SGX_ENCL_CREATED));
	assert_false(sgx_encl_test_flag(b.encl, SGX_ENCL_INITIALIZED));
	drvtest_sign(b.mrenclave, 0, b.sig, NULL);
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), 0);
	built_free(&b);
}

static void test_bad_signature_eperm(void **state)
{
	static const size_t offsets[] = {
		offsetof(struct sgx_sigstruct, signature) + 5,
		offsetof(struct sgx_sigstruct, q1) + 100,
		offsetof(struct sgx_sigstruct, q2),
		offsetof(struct sgx_sigstruct, modulus) + 383,
		offsetof(struct sgx_sigstruct, body.isv_svn),
		offsetof(struct sgx_sigstruct, header.date),
	};
	struct sgx_sigstruct good;
	struct built b;

	(void)state;
	build(&b, 0);
	drvtest_sign(b.mrenclave, 0, &good, NULL);
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		*b.sig = good;
		((uint8_t *)b.sig)[offsets[i]] ^= 0x10;
		if (drvtest_init_encl(b.encl, b.sig) != -EPERM)
			fail_msg("corruption at %zu accepted", offsets[i]);
	}
	/* A failed INIT leaves ADD_PAGES open; the measurement grows. */
	{
		uint8_t *src = drvtest_map(1, PROT_READ);

		assert_int_equal(drvtest_add(b.encl, src, 0x4000, PAGE,
					     SGX_SECINFO_REG | SGX_SECINFO_R, 0,
					     NULL),
				 0);
		drvtest_unmap(src, 1);
	}
	*b.sig = good;
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), -EPERM);
	built_free(&b);
}

/* SECS attributes the signer enforces but the SECS lacks: -EPERM. */
static void test_attribute_mismatch_eperm(void **state)
{
	struct built b;

	(void)state;
	build(&b, SGX_ATTR_KSS);
	drvtest_sign(b.mrenclave, 0, b.sig, NULL);
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), -EPERM);
	drvtest_sign(b.mrenclave, SGX_ATTR_KSS, b.sig, NULL);
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), 0);
	built_free(&b);
}

static bool provision_fd_is_9(int fd)
{
	return fd == 9;
}

static void test_provisionkey(void **state)
{
	struct sgx_enclave_provision foreign = { 8 }, good = { 9 };
	struct built b;

	(void)state;
	build(&b, SGX_ATTR_PROVISIONKEY);
	drvtest_sign(b.mrenclave, SGX_ATTR_PROVISIONKEY, b.sig, NULL);
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), -EACCES);

	sgx_driver_set_provision_check(provision_fd_is_9);
	assert_int_equal(sgx_ioctl(b.encl, SGX_IOC_ENCLAVE_PROVISION,
				   (uintptr_t)&foreign),
			 -EINVAL);
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), -EACCES);
	assert_int_equal(
		sgx_ioctl(b.encl, SGX_IOC_ENCLAVE_PROVISION, (uintptr_t)&good),
		0);
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), 0);
	assert_true(((struct sgx_secs *)b.encl->secs)->attributes.flags &
		    SGX_ATTR_PROVISIONKEY);
	/* No state check: PROVISION after INIT still succeeds. */
	assert_int_equal(
		sgx_ioctl(b.encl, SGX_IOC_ENCLAVE_PROVISION, (uintptr_t)&good),
		0);
	sgx_driver_set_provision_check(NULL);
	built_free(&b);
}

/*
 * EINIT faults only when its operands are unusable; the driver guarantees
 * they are, except against a concurrent ENCLS on the SECS (staged here).
 */
static void test_einit_fault_eio(void **state)
{
	struct built b;

	(void)state;
	build(&b, 0);
	drvtest_sign(b.mrenclave, 0, b.sig, NULL);
	assert_true(drvtest_secs_trylock(b.encl));
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), -EIO);
	drvtest_secs_unlock(b.encl);
	assert_false(sgx_encl_test_flag(b.encl, SGX_ENCL_INITIALIZED));
	assert_int_equal(drvtest_init_encl(b.encl, b.sig), 0);
	built_free(&b);
}

/* In a child: 0 if ADD_PAGES from page gives the expected result. */
static int add_from_page(void *page, void *arg)
{
	long want = *(long *)arg, ret;
	struct sgx_encl *encl = sgx_encl_alloc();
	uint64_t count = 1;

	if (!encl || drvtest_create(encl, 0))
		return 10;
	/* Data-only permissions: the rule is about the mount, not X. */
	ret = drvtest_add(encl, page, 0, PAGE, SGX_SECINFO_REG | SGX_SECINFO_R,
			  SGX_PAGE_MEASURE, &count);
	sgx_encl_put(encl);
	if (ret != want)
		return 11;
	if (count != (ret ? 0 : PAGE))
		return 12;
	return sgx_epc_used_pages() ? 13 : 0;
}

static void test_noexec_source_eacces(void **state)
{
	long eacces = -EACCES, ok = 0;
	int ret;

	(void)state;
	ret = drvtest_with_mount_page(true, add_from_page, &eacces);
	if (ret == 77) {
		print_message("no noexec tmpfs and cannot mount one: "
			      "skipping\n");
		skip();
	}
	assert_int_equal(ret, 0);
	ret = drvtest_with_mount_page(false, add_from_page, &ok);
	if (ret != 77)
		assert_int_equal(ret, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_init),
		cmocka_unit_test(test_wrong_mrenclave_eperm),
		cmocka_unit_test(test_bad_signature_eperm),
		cmocka_unit_test(test_attribute_mismatch_eperm),
		cmocka_unit_test(test_provisionkey),
		cmocka_unit_test(test_einit_fault_eio),
		cmocka_unit_test(test_noexec_source_eacces),
	};

	return cmocka_run_group_tests(tests, drvtest_group_setup, NULL);
}

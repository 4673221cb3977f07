// SPDX-License-Identifier: MIT
/*
 * The EPC budget (its own process, since the budget is read once, at
 * driver initialisation): SOFTSGX_EPC_SIZE is validated, a failed
 * initialisation can be retried, and with a 5-page budget CREATE and
 * ADD_PAGES fail with -ENOMEM exactly when the pages of all enclaves would
 * exceed it; release gives the pages back. There is no reclaimer yet:
 * upstream would evict pages before failing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "drvtest.h"
#include "testlib.h"

static void test_bad_size_then_retry(void **state)
{
	static const char *bad[] = {
		"12x", "1000", "0", "-4096", "4096 ", "99999999999999999999G"
	};
	char err[256];

	(void)state;
	assert_non_null(drvtest_dir()); /* sets SOFTSGX_PLATFORM */
	assert_null(sgx_driver_cpu());
	assert_null(sgx_driver_lp());
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("SOFTSGX_EPC_SIZE", bad[i], 1);
		err[0] = '\0';
		assert_int_equal(sgx_driver_init(err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "SOFTSGX_EPC_SIZE"));
		assert_null(sgx_driver_cpu());
	}
	/* No driver: an enclave cannot even be opened. */
	assert_null(sgx_encl_alloc());
	assert_int_equal(errno, EINVAL);

	setenv("SOFTSGX_EPC_SIZE", "20K", 1);
	drvtest_init();
	assert_int_equal(sgx_epc_total_pages(), 5);
	/* Idempotent: a changed environment no longer matters. */
	setenv("SOFTSGX_EPC_SIZE", "1G", 1);
	assert_int_equal(sgx_driver_init(NULL, 0), 0);
	assert_int_equal(sgx_epc_total_pages(), 5);
	assert_non_null(sgx_driver_lp());
}

static void test_budget_enomem(void **state)
{
	const uint64_t reg = SGX_SECINFO_REG | SGX_SECINFO_R;
	struct sgx_encl *a = sgx_encl_alloc(), *b = sgx_encl_alloc();
	uint8_t *src = drvtest_map(4, PROT_READ);
	uint64_t count;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(drvtest_create(a, 0), 0);
	assert_int_equal(drvtest_add(a, src, 0, 2 * PAGE, reg, 0, &count), 0);
	assert_int_equal(sgx_epc_used_pages(), 3);
	/* Two more pages fit, the third does not. */
	assert_int_equal(
		drvtest_add(a, src, 2 * PAGE, 4 * PAGE, reg, 0, &count),
		-ENOMEM);
	assert_int_equal(count, 2 * PAGE);
	assert_int_equal(sgx_epc_used_pages(), 5);
	assert_int_equal(a->sh->nr_added, 4);
	/* The EPC page is allocated before "already present" is seen. */
	assert_int_equal(drvtest_add(a, src, 0, PAGE, reg, 0, &count), -ENOMEM);
	/* The budget is the process's: another enclave cannot start. */
	assert_int_equal(drvtest_create(b, 0), -ENOMEM);
	assert_false(sgx_encl_test_flag(b, SGX_ENCL_CREATED));

	sgx_encl_put(a);
	assert_int_equal(sgx_epc_used_pages(), 0);
	assert_int_equal(drvtest_create(b, 0), 0);
	assert_int_equal(drvtest_add(b, src, 0, 4 * PAGE, reg, 0, &count), 0);
	assert_int_equal(sgx_epc_used_pages(), 5);
	sgx_encl_put(b);
	assert_int_equal(sgx_epc_used_pages(), 0);
	drvtest_unmap(src, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_size_then_retry),
		cmocka_unit_test(test_budget_enomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * One enclave, several processes: what a forked child does to the enclave
 * (CREATE, ADD_PAGES, PROVISION, the IOCTL flag) is what its parent then
 * finds, as upstream where both hold the same file; and the last process
 * to let go destroys it, even when the others died holding it. The fork
 * goes through the driver's fork hooks exactly as the shim's fork() does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drvtest.h"
#include "arch/epc.h"
#include "arch/secs.h"

/* Runs child(encl) in a forked child; its result is the exit status. */
static int in_child(struct sgx_encl *encl, int (*child)(struct sgx_encl *))
{
	int status;
	pid_t pid;

	fflush(NULL);
	assert_int_equal(sgx_encl_fork_prepare(), 0);
	pid = fork();
	if (!pid) {
		sgx_encl_fork_child();
		_exit(child(encl));
	}
	sgx_encl_fork_parent(pid);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static bool page_present(struct sgx_encl *encl, uint64_t offset)
{
	return encl->pages[offset / PAGE].flags & SGX_ENCL_PAGE_PRESENT;
}

/* The mrenclave the child's build computed, for the parent to check. */
static uint8_t *shared_mrenclave;

static int child_builds(struct sgx_encl *encl)
{
	return drvtest_build_small(encl, 0, shared_mrenclave) ? 1 : 0;
}

/*
 * fork() before CREATE: the child creates and adds every page; the parent
 * then has the enclave at the same addresses, the same measurement, and
 * can INIT it.
 */
static void test_child_builds_parent_inits(void **state)
{
	struct sgx_encl *encl = sgx_encl_alloc();
	struct sgx_sigstruct *sig = calloc(1, sizeof(*sig));
	uint8_t now[SGX_HASH_SIZE];
	uint8_t *page = drvtest_map(1, PROT_READ | PROT_WRITE);

	(void)state;
	assert_non_null(encl);
	assert_non_null(sig);
	shared_mrenclave = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(shared_mrenclave != MAP_FAILED);

	assert_int_equal(in_child(encl, child_builds), 0);
	assert_true(sgx_encl_test_flag(encl, SGX_ENCL_CREATED));
	assert_int_equal(sgx_encl_sync(encl), 0);
	assert_int_equal(encl->base, DRVTEST_BASE);
	assert_int_equal(encl->size, DRVTEST_SIZE);
	assert_int_equal(encl->sh->nr_added, 4);
	assert_true(page_present(encl, 0x1000));
	assert_non_null(
		sgx_epcm_lookup(sgx_driver_cpu(), (uintptr_t)encl->secs));
	assert_int_equal(sgx_secs_measurement(encl->secs, now), 0);
	assert_memory_equal(now, shared_mrenclave, SGX_HASH_SIZE);
	/* The child's page is the enclave's: adding it again is EBUSY. */
	assert_int_equal(
		drvtest_add(encl, page, 0x2000, PAGE,
			    SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_REG, 0,
			    NULL),
		-EBUSY);
	drvtest_sign(shared_mrenclave, 0, sig, NULL);
	assert_int_equal(drvtest_init_encl(encl, sig), 0);
	assert_true(sgx_encl_test_flag(encl, SGX_ENCL_INITIALIZED));

	sgx_encl_put(encl);
	munmap(shared_mrenclave, PAGE);
	drvtest_unmap(page, 1);
	free(sig);
}

static int child_adds_page(struct sgx_encl *encl)
{
	uint8_t *page = drvtest_map(1, PROT_READ | PROT_WRITE);
	uint64_t count = 0;

	memset(page, 0x5a, PAGE);
	if (drvtest_add(encl, page, 0x2000, PAGE,
			SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_REG,
			SGX_PAGE_MEASURE, &count) ||
	    count != PAGE)
		return 1;
	/* The child lets go first: the parent still holds the enclave. */
	sgx_encl_put(encl);
	return 0;
}

/* fork() after CREATE: the child's ADD_PAGES is the parent's page too. */
static void test_child_adds_parent_sees(void **state)
{
	struct sgx_encl *encl = sgx_encl_alloc();
	struct sgx_epcm_entry *e;

	(void)state;
	assert_non_null(encl);
	assert_int_equal(drvtest_create(encl, 0), 0);
	assert_int_equal(in_child(encl, child_adds_page), 0);
	assert_true(page_present(encl, 0x2000));
	assert_int_equal(encl->sh->nr_added, 1);
	e = sgx_epcm_lookup(sgx_driver_cpu(),
			    (uintptr_t)sgx_encl_epc_page(encl, 0x2000));
	assert_non_null(e);
	assert_true(e->valid);
	assert_int_equal(e->enclave_addr, DRVTEST_BASE + 0x2000);
	assert_int_equal(*(uint8_t *)sgx_encl_epc_page(encl, 0x2000), 0x5a);
	/* Released here, as the last holder: EREMOVE of both pages. */
	sgx_encl_put(encl);
}

static int child_provisions(struct sgx_encl *encl)
{
	/* What PROVISION does once the fd passed (see test_provision). */
	encl->sh->attributes_mask |= SGX_ATTR_PROVISIONKEY;
	return 0;
}

static int child_ioctl_busy(struct sgx_encl *encl)
{
	return drvtest_create(encl, 0) == -EBUSY ? 0 : 1;
}

/*
 * The enclave's state is one: what the child's PROVISION allowed holds for
 * the parent, and an ioctl running in the parent makes the child's EBUSY.
 */
static void test_state_is_shared(void **state)
{
	struct sgx_encl *encl = sgx_encl_alloc();

	(void)state;
	assert_non_null(encl);
	assert_int_equal(drvtest_create(encl, SGX_ATTR_DEBUG), 0);
	assert_int_equal(in_child(encl, child_provisions), 0);
	assert_true(encl->sh->attributes_mask & SGX_ATTR_PROVISIONKEY);

	atomic_fetch_or(&encl->sh->flags, SGX_ENCL_IOCTL);
	assert_int_equal(in_child(encl, child_ioctl_busy), 0);
	atomic_fetch_and(&encl->sh->flags, ~(unsigned long)SGX_ENCL_IOCTL);
	sgx_encl_put(encl);
}

static int child_dies_holding(struct sgx_encl *encl)
{
	(void)encl;
	return 0; /* _exit without letting go, as a killed process */
}

static bool holds(struct sgx_encl *encl, pid_t pid)
{
	for (int i = 0; i < SGX_ENCL_MAX_USERS; i++)
		if (encl->sh->users[i] == pid)
			return true;
	return false;
}

/*
 * users[]: the child is listed while it lives; one that died holding the
 * enclave does not keep the parent from being the last one.
 */
static void test_dead_holder_forgotten(void **state)
{
	struct sgx_encl *encl = sgx_encl_alloc();
	int listed = 0;

	(void)state;
	assert_non_null(encl);
	assert_int_equal(drvtest_create(encl, 0), 0);
	assert_true(holds(encl, getpid()));
	assert_int_equal(in_child(encl, child_dies_holding), 0);
	for (int i = 0; i < SGX_ENCL_MAX_USERS; i++)
		listed += encl->sh->users[i] != 0;
	assert_int_equal(listed, 2); /* the parent, and the dead child */
	sgx_encl_put(encl);
}

/* A failed fork gives the slot it reserved back. */
static void test_failed_fork_slot(void **state)
{
	struct sgx_encl *encl = sgx_encl_alloc();

	(void)state;
	assert_non_null(encl);
	assert_int_equal(sgx_encl_fork_prepare(), 0);
	assert_true(holds(encl, -getpid()));
	sgx_encl_fork_parent(-1);
	assert_false(holds(encl, -getpid()));
	sgx_encl_put(encl);
}

/* No slot for the child: the fork is refused, nothing stays reserved. */
static void test_full_holder_list(void **state)
{
	struct sgx_encl *a = sgx_encl_alloc(), *b = sgx_encl_alloc();
	int used = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (int i = 0; i < SGX_ENCL_MAX_USERS; i++) {
		if (!b->sh->users[i]) {
			b->sh->users[i] = getpid();
			used++;
		}
	}
	assert_int_equal(sgx_encl_fork_prepare(), -EAGAIN);
	assert_false(holds(a, -getpid()));
	assert_false(holds(b, -getpid()));
	/* Slots of processes that are gone are freed on the way out. */
	for (int i = 0; i < SGX_ENCL_MAX_USERS && used > 1; i++) {
		if (b->sh->users[i] == getpid()) {
			b->sh->users[i] = 0;
			used--;
		}
	}
	sgx_encl_put(b);
	sgx_encl_put(a);
}

#define T(fn) cmocka_unit_test_teardown(fn, drvtest_check_released)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_child_builds_parent_inits),
		T(test_child_adds_parent_sees),
		T(test_state_is_shared),
		T(test_dead_holder_forgotten),
		T(test_failed_fork_slot),
		T(test_full_holder_list),
	};

	return cmocka_run_group_tests(tests, drvtest_group_setup, NULL);
}

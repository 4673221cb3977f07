// SPDX-License-Identifier: MIT
/*
 * SGX2 enclave memory (spec linux-sgx-uapi 2.7-2.9, 3.6): the three ioctls
 * that restrict permissions, change page types and remove trimmed pages,
 * and EAUG of a new pending page on the first touch of an unbacked address.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <asm/sgx.h>

#include "arch/encls.h"
#include "arch/epc.h"
#include "arch/secs.h"
#include "driver/driver.h"
#include "driver/encl.h"
#include "driver/ioctl.h"
#include "driver/uaccess.h"
#include "lsm/lsm.h"

void (*sgx_driver_zap_hook)(struct sgx_encl *encl);
void (*sgx_driver_kick_hook)(struct sgx_encl *encl);

static struct sgx_encl_page *encl_page(struct sgx_encl *encl, uint64_t offset)
{
	return &encl->pages[offset / SGX_PAGE_SIZE];
}

/* Page tables follow the EPCM: the kernel zaps PTEs, the shim re-derives. */
static void zap(struct sgx_encl *encl)
{
	if (sgx_driver_zap_hook)
		sgx_driver_zap_hook(encl);
}

/*
 * ETRACK, then make every processor inside the enclave leave it once (the
 * kernel's IPIs). *epoch is the cycle to wait for with sgx_encl_track_wait
 * once the enclave lock is dropped: a kicked thread may need the lock to
 * get back into enclave code (an EAUG in its fault path).
 */
static int sgx_encl_track(struct sgx_encl *encl, uint64_t *epoch)
{
	int ret;

	*epoch = atomic_load(&sgx_secs_hidden(encl->secs)->epoch);
	ret = sgx_etrack(sgx_driver_lp(), encl->secs);
	/*
	 * Every earlier cycle was waited for, unless a processor that kept
	 * one open has since died inside: take its AEX and try again.
	 */
	if (ret == SGX_PREV_TRK_INCMPL) {
		sgx_encl_reclaim_dead(encl);
		ret = sgx_etrack(sgx_driver_lp(), encl->secs);
	}
	if (ret)
		return -EFAULT;
	if (sgx_driver_kick_hook)
		sgx_driver_kick_hook(encl);
	return 0;
}

/*
 * The kernel's IPIs wait for every CPU: when the ioctl returns, the cycle
 * is complete and the enclave's EACCEPT cannot see SGX_NOT_TRACKED. A kick
 * that found its thread in softsgx's own handler is lost: kick again.
 */
static void sgx_encl_track_wait(struct sgx_encl *encl, uint64_t epoch)
{
	const struct timespec pause = { 0, 100000 };

	/*
	 * Bounded (2 s): a thread that blocks the kick signal cannot be
	 * made to leave; its EACCEPT then reports SGX_NOT_TRACKED, which is
	 * an architectural outcome, rather than this ioctl hanging.
	 */
	for (int i = 0; i < 20000 && !sgx_tracking_done(encl->secs, epoch);
	     i++) {
		nanosleep(&pause, NULL);
		if (sgx_driver_kick_hook)
			sgx_driver_kick_hook(encl);
		/* Rarely: dead holders are rare, and each costs /proc reads. */
		if (i % 1000 == 100)
			sgx_encl_reclaim_dead(encl);
	}
}

static int sgx2_check_state(struct sgx_encl *encl)
{
	if (!sgx_encl_test_flag(encl, SGX_ENCL_INITIALIZED))
		return -EINVAL;
	return 0;
}

/* --- RESTRICT_PERMISSIONS ------------------------------------------- */

static int restrict_one(struct sgx_encl *encl, uint64_t offset, uint64_t perm,
			__u64 *result, uint64_t *epoch)
{
	struct sgx_secinfo secinfo = { .flags = perm };
	struct sgx_encl_page *page = encl_page(encl, offset);
	int ret;

	if (!(page->flags & SGX_ENCL_PAGE_PRESENT))
		return -EFAULT;
	if (page->type != SGX_PAGE_TYPE_REG)
		return -EINVAL;
	ret = sgx_emodpr(sgx_driver_lp(), &secinfo,
			 sgx_encl_epc_page(encl, offset));
	if (encls_faulted(ret))
		return -EFAULT;
	if (ret) {
		*result = (uint64_t)ret;
		return -EFAULT;
	}
	return sgx_encl_track(encl, epoch);
}

static long sgx_ioc_restrict_permissions(struct sgx_encl *encl,
					 unsigned long arg)
{
	struct sgx_enclave_restrict_permissions rp;
	uint64_t c, epoch;
	long ret = 0;

	if (sgx2_check_state(encl))
		return -EINVAL;
	if (copy_from_user(&rp, arg, sizeof(rp)))
		return -EFAULT;
	if (sgx_validate_offset_length(encl, rp.offset, rp.length) ||
	    (rp.permissions & ~SGX_SECINFO_PERMISSION_MASK) ||
	    ((rp.permissions & SGX_SECINFO_W) &&
	     !(rp.permissions & SGX_SECINFO_R)) ||
	    rp.result || rp.count)
		return -EINVAL;
	for (c = 0; c < rp.length; c += SGX_PAGE_SIZE) {
		sgx_encl_lock(encl);
		ret = restrict_one(encl, rp.offset + c, rp.permissions,
				   &rp.result, &epoch);
		sgx_encl_unlock(encl);
		if (ret)
			break;
		sgx_encl_track_wait(encl, epoch);
	}
	/* PTEs may now allow more than the EPCM: re-derive them. */
	zap(encl);
	rp.count = c;
	if (copy_to_user(arg, &rp, sizeof(rp)))
		return -EFAULT;
	return ret;
}

/* --- MODIFY_TYPES ---------------------------------------------------- */

static int modify_one(struct sgx_encl *encl, uint64_t offset, uint8_t type,
		      __u64 *result, uint64_t *epoch)
{
	struct sgx_secinfo secinfo = { .flags =
					       (uint64_t)type
					       << SGX_SECINFO_PAGE_TYPE_SHIFT };
	struct sgx_encl_page *page = encl_page(encl, offset);
	uint8_t old_prot = page->vm_max_prot_bits;
	int ret;

	if (!(page->flags & SGX_ENCL_PAGE_PRESENT))
		return -EFAULT;
	if (!(page->type == SGX_PAGE_TYPE_REG ||
	      (page->type == SGX_PAGE_TYPE_TCS && type == SGX_PAGE_TYPE_TRIM)))
		return -EINVAL;
	if (type == SGX_PAGE_TYPE_TCS) {
		if ((page->vm_max_prot_bits & (PROT_READ | PROT_WRITE)) !=
		    (PROT_READ | PROT_WRITE))
			return -EPERM;
		page->vm_max_prot_bits = PROT_READ | PROT_WRITE;
	}
	ret = sgx_emodt(sgx_driver_lp(), &secinfo,
			sgx_encl_epc_page(encl, offset));
	if (ret) {
		page->vm_max_prot_bits = old_prot;
		if (!encls_faulted(ret))
			*result = (uint64_t)ret;
		return -EFAULT;
	}
	ret = sgx_encl_track(encl, epoch);
	if (!ret)
		page->type = type;
	return ret;
}

static long sgx_ioc_modify_types(struct sgx_encl *encl, unsigned long arg)
{
	struct sgx_enclave_modify_types mt;
	uint64_t c = 0, epoch;
	long ret = 0;

	if (sgx2_check_state(encl))
		return -EINVAL;
	if (copy_from_user(&mt, arg, sizeof(mt)))
		return -EFAULT;
	if (sgx_validate_offset_length(encl, mt.offset, mt.length) ||
	    (mt.page_type & ~0xFFULL) || mt.result || mt.count)
		return -EINVAL;
	if (mt.page_type != SGX_PAGE_TYPE_TCS &&
	    mt.page_type != SGX_PAGE_TYPE_TRIM) {
		ret = -EINVAL;
		goto out;
	}
	for (; c < mt.length; c += SGX_PAGE_SIZE) {
		sgx_encl_lock(encl);
		ret = modify_one(encl, mt.offset + c, (uint8_t)mt.page_type,
				 &mt.result, &epoch);
		sgx_encl_unlock(encl);
		if (ret)
			break;
		sgx_encl_track_wait(encl, epoch);
	}
	zap(encl);
out:
	mt.count = c;
	if (copy_to_user(arg, &mt, sizeof(mt)))
		return -EFAULT;
	return ret;
}

/* --- REMOVE_PAGES ---------------------------------------------------- */

static int remove_one(struct sgx_encl *encl, uint64_t offset)
{
	struct sgx_secinfo rwx = { .flags = SGX_SECINFO_PERMISSION_MASK };
	struct sgx_encl_page *page = encl_page(encl, offset);
	void *epc = sgx_encl_epc_page(encl, offset);
	int ret;

	if (!(page->flags & SGX_ENCL_PAGE_PRESENT))
		return -EFAULT;
	if (page->type != SGX_PAGE_TYPE_TRIM)
		return -EPERM;
	/*
	 * Upstream's probe: EMODPR on an accepted trim faults (#PF: not a
	 * REG page); one not yet accepted reports SGX_PAGE_NOT_MODIFIABLE.
	 */
	ret = sgx_emodpr(sgx_driver_lp(), &rwx, epc);
	if (ret != (ENCLS_FAULT_FLAG | X86_TRAP_PF))
		return -EPERM;
	if (sgx_encl_remove_page(encl, offset))
		return -EBUSY;
	/* Give the memory back: the next EAUG here starts from zero. */
	madvise(epc, SGX_PAGE_SIZE, MADV_REMOVE);
	return 0;
}

static long sgx_ioc_remove_pages(struct sgx_encl *encl, unsigned long arg)
{
	struct sgx_enclave_remove_pages rp;
	uint64_t c;
	long ret = 0;

	if (sgx2_check_state(encl))
		return -EINVAL;
	if (copy_from_user(&rp, arg, sizeof(rp)))
		return -EFAULT;
	if (sgx_validate_offset_length(encl, rp.offset, rp.length) || rp.count)
		return -EINVAL;
	for (c = 0; c < rp.length; c += SGX_PAGE_SIZE) {
		sgx_encl_lock(encl);
		ret = remove_one(encl, rp.offset + c);
		sgx_encl_unlock(encl);
		if (ret)
			break;
	}
	zap(encl);
	rp.count = c;
	if (copy_to_user(arg, &rp, sizeof(rp)))
		return -EFAULT;
	return ret;
}

long sgx_ioctl_sgx2(struct sgx_encl *encl, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS:
		return sgx_ioc_restrict_permissions(encl, arg);
	case SGX_IOC_ENCLAVE_MODIFY_TYPES:
		return sgx_ioc_modify_types(encl, arg);
	case SGX_IOC_ENCLAVE_REMOVE_PAGES:
		return sgx_ioc_remove_pages(encl, arg);
	default:
		return -ENOTTY;
	}
}

/* --- EAUG on demand ---------------------------------------------------- */

int sgx_encl_aug_page(struct sgx_encl *encl, uint64_t offset)
{
	struct sgx_pageinfo pginfo = {
		.addr = encl->base + offset,
		.secs = (uintptr_t)encl->secs,
	};
	struct sgx_encl_page *page;
	int ret;

	if (!sgx_encl_test_flag(encl, SGX_ENCL_INITIALIZED) ||
	    offset >= encl->size || !encl->nr_pages)
		return -EFAULT;
	if (sgx_epc_charge(1))
		return -ENOMEM;
	sgx_encl_lock(encl);
	page = encl_page(encl, offset);
	ret = 0;
	if (!(page->flags & SGX_ENCL_PAGE_PRESENT)) {
		ret = sgx_eaug(sgx_driver_lp(), &pginfo,
			       sgx_encl_epc_page(encl, offset)) ?
			      -EFAULT :
			      1;
	}
	if (ret == 1) {
		page->flags = SGX_ENCL_PAGE_PRESENT;
		page->type = SGX_PAGE_TYPE_REG;
		/* Upstream puts no limit on pages added at run time. */
		page->vm_max_prot_bits = PROT_READ | PROT_WRITE | PROT_EXEC;
		/* The policy: a run-time page is never clean (execdirty). */
		security_enclave_aug(encl->security, offset);
		encl->sh->nr_added++;
		encl->epc_pages++;
	}
	sgx_encl_unlock(encl);
	if (ret != 1)
		sgx_epc_uncharge(1); /* raced with another fault, or failed */
	return ret < 0 ? ret : 0;
}

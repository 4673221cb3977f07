// SPDX-License-Identifier: MIT
/*
 * The enclave ioctls (spec section 2): the checks run in upstream's order
 * and fail with upstream's errno, because programs and test suites written
 * for the in-kernel driver depend on both.
 *
 * Not emulated (yet): signals. Upstream ADD_PAGES stops at a pending
 * signal (-ERESTARTSYS before the first page), the EPC allocator returns
 * -ERESTARTSYS while reclaiming, and INIT sleeps interruptibly between
 * EINIT retry bursts. Here no ioctl is interrupted: each runs to its end.
 * The SGX2 ioctls (RESTRICT_PERMISSIONS, MODIFY_TYPES, REMOVE_PAGES) are not
 * implemented and give -ENOTTY, as on kernels before 6.0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <asm/sgx.h>

#include "arch/encls.h"
#include "arch/sgx_arch.h"
#include "arch/sigstruct.h"
#include "driver/driver.h"
#include "driver/encl.h"
#include "driver/ioctl.h"
#include "driver/uaccess.h"
#include "lsm/lsm.h"

/* EINIT retries while interrupts keep arriving (driver.h upstream). */
#define SGX_EINIT_SPIN_COUNT 20
#define SGX_EINIT_SLEEP_COUNT 50
#define SGX_EINIT_SLEEP_TIME_MS 20

/* The EINITTOKEN's place in the INIT page: 512-aligned, after SIGSTRUCT. */
#define SGX_INIT_TOKEN_OFFSET 2048

void (*sgx_ioctl_test_hook)(struct sgx_encl *encl, unsigned int cmd);

static void *alloc_kernel_page(void)
{
	void *page = aligned_alloc(SGX_PAGE_SIZE, SGX_PAGE_SIZE);

	if (page)
		memset(page, 0, SGX_PAGE_SIZE);
	return page;
}

/* --- CREATE ----------------------------------------------------------- */

static bool is_power_of_2(uint64_t n)
{
	return n && !(n & (n - 1));
}

static int sgx_encl_ecreate(struct sgx_encl *encl, struct sgx_secs *secs)
{
	struct sgx_secinfo secinfo = { 0 }; /* a SECS has an all-zero SECINFO */
	struct sgx_pageinfo pginfo = {
		.addr = 0,
		.contents = (uintptr_t)secs,
		.metadata = (uintptr_t)&secinfo,
		.secs = 0,
	};

	return sgx_ecreate(sgx_driver_lp(), &pginfo, encl->secs);
}

static int sgx_encl_create(struct sgx_encl *encl, struct sgx_secs *secs)
{
	int ret;

	if (!is_power_of_2(secs->size))
		return -EINVAL;
	/* The SECS page; upstream's first VA page has no counterpart yet. */
	ret = sgx_epc_charge(1);
	if (ret)
		return ret;
	ret = sgx_encl_backing_alloc(encl, secs);
	if (ret)
		goto err_uncharge;
	/* The policy's page history for this ELRANGE (NULL without one). */
	ret = security_enclave_alloc(&encl->security, secs->base,
				     encl->nr_pages, secs->attributes.flags,
				     encl->lsm_shared);
	if (ret)
		goto err_backing;
	ret = sgx_encl_ecreate(encl, secs);
	if (ret) {
		ret = -EIO; /* any ECREATE fault */
		goto err_security;
	}
	encl->epc_pages = 1;
	encl->base = encl->sh->base = secs->base;
	encl->size = encl->sh->size = secs->size;
	encl->sh->attributes = secs->attributes.flags;
	encl->sh->attributes_mask = SGX_ATTR_UNPRIV_MASK;
	atomic_store(&encl->attached, true);
	if (secs->attributes.flags & SGX_ATTR_DEBUG)
		atomic_fetch_or(&encl->sh->flags, SGX_ENCL_DEBUG);
	/*
	 * Publishes the fields above to sgx_encl_may_map() and to the
	 * other processes that hold the enclave (sgx_encl_sync()).
	 */
	atomic_fetch_or(&encl->sh->flags, SGX_ENCL_CREATED);
	return 0;

err_security:
	security_enclave_free(encl->security);
	encl->security = NULL;
err_backing:
	sgx_encl_backing_free(encl);
err_uncharge:
	sgx_epc_uncharge(1);
	return ret;
}

static long sgx_ioc_enclave_create(struct sgx_encl *encl, unsigned long arg)
{
	struct sgx_enclave_create create_arg;
	struct sgx_secs *secs;
	long ret;

	if (sgx_encl_test_flag(encl, SGX_ENCL_CREATED))
		return -EINVAL;
	if (copy_from_user(&create_arg, arg, sizeof(create_arg)))
		return -EFAULT;
	secs = alloc_kernel_page();
	if (!secs)
		return -ENOMEM;
	if (copy_from_user(secs, create_arg.src, sizeof(*secs)))
		ret = -EFAULT;
	else
		ret = sgx_encl_create(encl, secs);
	free(secs);
	return ret;
}

/* --- ADD_PAGES -------------------------------------------------------- */

int sgx_validate_offset_length(struct sgx_encl *encl, unsigned long offset,
			       unsigned long length)
{
	if (offset & (SGX_PAGE_SIZE - 1))
		return -EINVAL;
	if (!length || (length & (SGX_PAGE_SIZE - 1)))
		return -EINVAL;
	if (offset + length < offset)
		return -EINVAL;
	if (offset + length - SGX_PAGE_SIZE >= encl->size)
		return -EINVAL;
	return 0;
}

#define SGX_SECINFO_RESERVED_MASK \
	(~(SGX_SECINFO_PERMISSION_MASK | SGX_SECINFO_PAGE_TYPE_MASK))

static int sgx_validate_secinfo(const struct sgx_secinfo *secinfo)
{
	uint64_t perm = secinfo->flags & SGX_SECINFO_PERMISSION_MASK;
	uint64_t pt = secinfo->flags & SGX_SECINFO_PAGE_TYPE_MASK;

	if (pt != SGX_SECINFO_REG && pt != SGX_SECINFO_TCS)
		return -EINVAL;
	if ((perm & SGX_SECINFO_W) && !(perm & SGX_SECINFO_R))
		return -EINVAL;
	/* The CPU would clear a TCS's permissions and change MRENCLAVE. */
	if (pt == SGX_SECINFO_TCS && perm)
		return -EINVAL;
	if (secinfo->flags & SGX_SECINFO_RESERVED_MASK)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(secinfo->reserved); i++)
		if (secinfo->reserved[i])
			return -EINVAL;
	return 0;
}

/* Spec 3.3: the most any VMA over this page may ever allow. */
static uint8_t sgx_calc_vm_max_prot(uint64_t secinfo_flags)
{
	uint8_t prot = 0;

	if ((secinfo_flags & SGX_SECINFO_PAGE_TYPE_MASK) == SGX_SECINFO_TCS)
		return PROT_READ | PROT_WRITE;
	if (secinfo_flags & SGX_SECINFO_R)
		prot |= PROT_READ;
	if (secinfo_flags & SGX_SECINFO_W)
		prot |= PROT_WRITE;
	if (secinfo_flags & SGX_SECINFO_X)
		prot |= PROT_EXEC;
	return prot;
}

/* One ADD_PAGES call: its SECINFO, and the last source VMA looked up. */
struct sgx_add_ctx {
	struct sgx_secinfo secinfo;
	unsigned long flags;
	void *buf; /* the pinned source page, as a page-aligned copy */
	bool vma_valid;
	struct sgx_vma_info vma;
	/* The policy's view of the current page; kept for the whole call. */
	struct sgx_lsm_load lsm;
};

/*
 * find_vma() + VM_MAYEXEC + get_user_pages() of upstream. The VMA is
 * reused for the following pages of the same call while they fall inside
 * it; a concurrent munmap is still caught by the copy itself.
 */
static int sgx_encl_get_src(struct sgx_add_ctx *ctx, unsigned long src)
{
	int ret;

	if (!ctx->vma_valid || src < ctx->vma.start || src >= ctx->vma.end) {
		ctx->vma_valid = false;
		ret = sgx_vma_find(src, &ctx->vma);
		if (ret)
			return ret; /* no VMA at or above src */
		ctx->vma_valid = src >= ctx->vma.start;
	}
	/* The noexec-mount check; it applies whatever the page's perms. */
	if (!ctx->vma.may_exec)
		return -EACCES;
	/* A VMA above src, a PROT_NONE one, an unmapped page: not pinnable. */
	if (copy_from_user(ctx->buf, src, SGX_PAGE_SIZE))
		return -EFAULT;
	return 0;
}

static int sgx_encl_eextend(struct sgx_encl *encl, uint64_t offset)
{
	char *page = sgx_encl_epc_page(encl, offset);

	for (size_t c = 0; c < SGX_PAGE_SIZE; c += SGX_EEXTEND_CHUNK)
		if (sgx_eextend(sgx_driver_lp(), encl->secs, page + c))
			return -EIO;
	return 0;
}

static int sgx_encl_eadd(struct sgx_encl *encl, struct sgx_add_ctx *ctx,
			 uint64_t offset)
{
	struct sgx_pageinfo pginfo = {
		.addr = encl->base + offset,
		.contents = (uintptr_t)ctx->buf,
		.metadata = (uintptr_t)&ctx->secinfo,
		.secs = (uintptr_t)encl->secs,
	};
	struct sgx_encl_page *page = &encl->pages[offset / SGX_PAGE_SIZE];

	if (sgx_eadd(sgx_driver_lp(), &pginfo, sgx_encl_epc_page(encl, offset)))
		return -EIO;
	page->flags = SGX_ENCL_PAGE_PRESENT;
	page->type = (ctx->secinfo.flags & SGX_SECINFO_PAGE_TYPE_MASK) >>
		     SGX_SECINFO_PAGE_TYPE_SHIFT;
	/* The policy's model may cap it further (vma-propagate). */
	page->vm_max_prot_bits =
		sgx_calc_vm_max_prot(ctx->secinfo.flags) & ctx->lsm.max_prot;
	encl->sh->nr_added++;
	encl->epc_pages++;
	return 0;
}

/*
 * security_enclave_load() on our copies: the SECINFO EADD will use and the
 * source VMA as looked up for the copy just made.
 */
static int sgx_encl_security_load(struct sgx_encl *encl,
				  struct sgx_add_ctx *ctx, unsigned long src,
				  uint64_t offset)
{
	struct sgx_lsm_load *l = &ctx->lsm;

	l->offset = offset;
	l->secinfo = ctx->secinfo.flags;
	l->measured = ctx->flags & SGX_PAGE_MEASURE;
	sgx_lsm_source_init(&l->src, ctx->vma.prot, ctx->vma.may_exec,
			    ctx->vma.path, src,
			    ctx->secinfo.flags & SGX_SECINFO_X);
	return security_enclave_load(encl->security, l);
}

/* Spec 2.4, the steps inside one page, in upstream's order. */
static int sgx_encl_add_page(struct sgx_encl *encl, struct sgx_add_ctx *ctx,
			     unsigned long src, uint64_t offset)
{
	int ret;

	ret = sgx_epc_charge(1);
	if (ret)
		return ret;
	sgx_encl_lock(encl);
	if (encl->pages[offset / SGX_PAGE_SIZE].flags & SGX_ENCL_PAGE_PRESENT) {
		ret = -EBUSY;
		goto err_unlock;
	}
	ret = sgx_encl_get_src(ctx, src);
	if (!ret)
		ret = sgx_encl_security_load(encl, ctx, src, offset);
	if (!ret)
		ret = sgx_encl_eadd(encl, ctx, offset);
	if (ret)
		goto err_unlock;
	if (ctx->flags & SGX_PAGE_MEASURE) {
		ret = sgx_encl_eextend(encl, offset);
		if (ret) {
			/* MRENCLAVE is already polluted; the page goes. */
			sgx_encl_remove_page(encl, offset);
			sgx_encl_unlock(encl);
			return ret;
		}
	}
	security_enclave_page_added(encl->security, offset, ctx->lsm.state);
	sgx_encl_unlock(encl);
	return 0;

err_unlock:
	sgx_encl_unlock(encl);
	sgx_epc_uncharge(1);
	return ret;
}

static long sgx_ioc_enclave_add_pages(struct sgx_encl *encl, unsigned long arg)
{
	struct sgx_enclave_add_pages add_arg;
	struct sgx_add_ctx ctx = { .vma_valid = false };
	unsigned long c;
	long ret = 0;

	if (!sgx_encl_test_flag(encl, SGX_ENCL_CREATED) ||
	    sgx_encl_test_flag(encl, SGX_ENCL_INITIALIZED))
		return -EINVAL;
	if (copy_from_user(&add_arg, arg, sizeof(add_arg)))
		return -EFAULT;
	if (add_arg.src & (SGX_PAGE_SIZE - 1))
		return -EINVAL;
	if (sgx_validate_offset_length(encl, add_arg.offset, add_arg.length))
		return -EINVAL;
	/* Into the 64-byte aligned SECINFO that EADD will be given. */
	if (copy_from_user(&ctx.secinfo, add_arg.secinfo, sizeof(ctx.secinfo)))
		return -EFAULT;
	if (sgx_validate_secinfo(&ctx.secinfo))
		return -EINVAL;
	ctx.flags = add_arg.flags;
	ctx.buf = alloc_kernel_page();
	if (!ctx.buf)
		return -ENOMEM;

	for (c = 0; c < add_arg.length; c += SGX_PAGE_SIZE) {
		ret = sgx_encl_add_page(encl, &ctx, add_arg.src + c,
					add_arg.offset + c);
		if (ret)
			break;
	}
	free(ctx.buf);

	/* Progress is reported even on error: the caller resumes from it. */
	add_arg.count = c;
	if (copy_to_user(arg, &add_arg, sizeof(add_arg)))
		return -EFAULT;
	return ret;
}

/* --- INIT ------------------------------------------------------------- */

static int sgx_einit_retry(struct sgx_encl *encl, const void *sigstruct,
			   const void *token, const uint8_t mrsigner[32])
{
	const struct timespec pause = { 0, SGX_EINIT_SLEEP_TIME_MS * 1000000L };
	struct sgx_lp *lp = sgx_driver_lp();
	int ret = SGX_UNMASKED_EVENT;

	for (int i = 0; i < SGX_EINIT_SLEEP_COUNT; i++) {
		for (int j = 0; j < SGX_EINIT_SPIN_COUNT; j++) {
			/* Unconditionally, as Linux: any signer may launch. */
			sgx_lp_set_lepubkeyhash(lp, mrsigner);
			ret = sgx_einit(lp, sigstruct, token, encl->secs);
			if (ret != SGX_UNMASKED_EVENT)
				return ret;
		}
		nanosleep(&pause, NULL);
	}
	return ret;
}

static bool sigstruct_requires_reserved(const struct sgx_sigstruct *sig)
{
	const struct sgx_driver_masks *m = sgx_driver_masks();
	const struct sgx_sigstruct_body *b = &sig->body;

	/* Only bits the signer enforces matter: the mask may hide others. */
	return (b->attributes.flags & b->attributes_mask.flags &
		m->attributes_reserved) ||
	       (b->miscselect & b->misc_mask & m->misc_reserved) ||
	       (b->attributes.xfrm & b->attributes_mask.xfrm &
		m->xfrm_reserved);
}

static long sgx_encl_init(struct sgx_encl *encl,
			  const struct sgx_sigstruct *sig, const void *token)
{
	uint8_t mrsigner[SGX_HASH_SIZE];
	int ret;

	/* PROVISIONKEY needs /dev/sgx_provision; EINITTOKENKEY is never allowed. */
	if (encl->sh->attributes & ~encl->sh->attributes_mask)
		return -EACCES;
	if (sigstruct_requires_reserved(sig))
		return -EINVAL;
	sgx_sigstruct_mrsigner(sig, mrsigner);
	/* Launch policy on our copy of the SIGSTRUCT, as the SECS asks. */
	ret = security_enclave_init(encl->security, sig, mrsigner, encl->base,
				    encl->sh->attributes);
	if (ret)
		return ret;

	sgx_encl_lock(encl);
	ret = sgx_einit_retry(encl, sig, token, mrsigner);
	sgx_encl_unlock(encl);
	if (encls_faulted(ret))
		return -EIO;
	if (ret)
		return -EPERM; /* any SGX error code, including the token's */
	security_enclave_init_done(encl->security);
	atomic_fetch_or(&encl->sh->flags, SGX_ENCL_INITIALIZED);
	return 0;
}

static long sgx_ioc_enclave_init(struct sgx_encl *encl, unsigned long arg)
{
	struct sgx_enclave_init init_arg;
	struct sgx_sigstruct *sig;
	char *page;
	long ret;

	if (!sgx_encl_test_flag(encl, SGX_ENCL_CREATED) ||
	    sgx_encl_test_flag(encl, SGX_ENCL_INITIALIZED))
		return -EINVAL;
	if (copy_from_user(&init_arg, arg, sizeof(init_arg)))
		return -EFAULT;
	/* SIGSTRUCT page-aligned at 0, an all-zero EINITTOKEN at 2048. */
	page = alloc_kernel_page();
	if (!page)
		return -ENOMEM;
	sig = (struct sgx_sigstruct *)page;
	if (copy_from_user(sig, init_arg.sigstruct, sizeof(*sig)))
		ret = -EFAULT;
	else if (sig->header.vendor != SGX_SIGSTRUCT_VENDOR_NONE &&
		 sig->header.vendor != SGX_SIGSTRUCT_VENDOR_INTEL)
		ret = -EINVAL;
	else
		ret = sgx_encl_init(encl, sig, page + SGX_INIT_TOKEN_OFFSET);
	free(page);
	return ret;
}

/* --- PROVISION -------------------------------------------------------- */

static long sgx_ioc_enclave_provision(struct sgx_encl *encl, unsigned long arg)
{
	struct sgx_enclave_provision params;

	if (copy_from_user(&params, arg, sizeof(params)))
		return -EFAULT;
	/* The kernel takes the fd as unsigned int; no such fd is -EINVAL. */
	if (!sgx_driver_is_provision_fd((int)(unsigned int)params.fd))
		return -EINVAL;
	/* The fd is necessary; the policy may still refuse this subject. */
	if (security_enclave_provision(encl->security))
		return -EACCES;
	/* No state check: before CREATE this is lost, after INIT useless. */
	encl->sh->attributes_mask |= SGX_ATTR_PROVISIONKEY;
	return 0;
}

/* --- dispatcher ------------------------------------------------------- */

long sgx_ioctl(struct sgx_encl *encl, unsigned int cmd, unsigned long arg)
{
	long ret;

	/*
	 * ioctls on one enclave never overlap, in any process: the second
	 * fails at once. One whose process died in it is over.
	 */
	ret = pthread_mutex_trylock(&encl->sh->ioctl_lock);
	if (ret == EOWNERDEAD) {
		pthread_mutex_consistent(&encl->sh->ioctl_lock);
		atomic_fetch_and(&encl->sh->flags,
				 ~(unsigned long)SGX_ENCL_IOCTL);
	} else if (ret) {
		return -EBUSY;
	}
	if (atomic_fetch_or(&encl->sh->flags, SGX_ENCL_IOCTL) &
	    SGX_ENCL_IOCTL) {
		pthread_mutex_unlock(&encl->sh->ioctl_lock);
		return -EBUSY;
	}
	if (sgx_ioctl_test_hook)
		sgx_ioctl_test_hook(encl, cmd);
	/* Another process may have created the enclave since. */
	ret = sgx_encl_sync(encl);
	if (ret)
		goto out;

	switch (cmd) {
	case SGX_IOC_ENCLAVE_CREATE:
		ret = sgx_ioc_enclave_create(encl, arg);
		break;
	case SGX_IOC_ENCLAVE_ADD_PAGES:
		ret = sgx_ioc_enclave_add_pages(encl, arg);
		break;
	case SGX_IOC_ENCLAVE_INIT:
		ret = sgx_ioc_enclave_init(encl, arg);
		break;
	case SGX_IOC_ENCLAVE_PROVISION:
		ret = sgx_ioc_enclave_provision(encl, arg);
		break;
	default:
		/* SGX2, or -ENOTTY (-ENOIOCTLCMD, as the VFS reports it). */
		ret = sgx_ioctl_sgx2(encl, cmd, arg);
		break;
	}
	/*
	 * The other processes' mappings may be out of date now; this one's
	 * follow its own change (the SGX2 ioctls re-derive them in the zap
	 * hook, the shim after the others) if they were current before it.
	 */
	if (cmd != SGX_IOC_ENCLAVE_PROVISION) {
		uint64_t seen = atomic_fetch_add(&encl->sh->mm_epoch, 1);

		atomic_compare_exchange_strong(&encl->mm_seen, &seen, seen + 1);
	}
out:
	atomic_fetch_and(&encl->sh->flags, ~(unsigned long)SGX_ENCL_IOCTL);
	pthread_mutex_unlock(&encl->sh->ioctl_lock);
	return ret;
}

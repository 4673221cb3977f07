// SPDX-License-Identifier: MIT
/*
 * The machine the driver runs on. The kernel reads CPUID leaf 0x12 at boot;
 * softsgx decides what its CPU enumerates from the host it runs on, because
 * enclave code executes natively: an enclave can only use XSAVE state that
 * the host OS has enabled in XCR0.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "driver/driver.h"
#include "driver/platform.h"
#include "driver/task.h"
#include "lsm/lsm.h"

static struct {
	pthread_mutex_t lock; /* serialises initialisation */
	atomic_bool ready;
	struct sgx_cpu cpu;
	struct sgx_driver_masks masks;
	uint64_t epc_total; /* pages */
	atomic_uint_fast64_t epc_used; /* pages */
	bool (*_Atomic is_provision_fd)(int fd);
} sgx_drv = { .lock = PTHREAD_MUTEX_INITIALIZER };

static _Thread_local struct sgx_lp sgx_thread_lp;
static _Thread_local bool sgx_thread_lp_ready;

static int __attribute__((format(printf, 4, 5)))
init_fail(int e, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -e;
}

/* XCR0 if the OS enabled XSAVE (CPUID.1:ECX.OSXSAVE), else 0. */
static bool host_xcr0(uint64_t *xcr0)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int eax, ebx, ecx, edx, lo, hi;

	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE))
		return false;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	*xcr0 = (uint64_t)hi << 32 | lo;
	return true;
#else
	(void)xcr0;
	return false;
#endif
}

/*
 * The software CPU's defaults, with XFRM narrowed to what the host enabled.
 * Returns whether the host has OSXSAVE, which decides the XFRM mask the
 * kernel computes (spec 5.5).
 */
static bool host_features(struct sgx_cpu_features *f)
{
	uint64_t xcr0;

	sgx_cpu_default_features(f);
	if (!host_xcr0(&xcr0)) {
		f->xfrm_mask = SGX_XFRM_LEGACY;
		return false;
	}
	/* x87 and SSE are architecturally always there for SGX. */
	f->xfrm_mask &= xcr0 | SGX_XFRM_LEGACY;
	return true;
}

static void compute_masks(const struct sgx_cpu_features *f, bool osxsave,
			  struct sgx_driver_masks *m)
{
	m->misc_reserved = ~f->miscselect_mask | SGX_MISC_RESERVED_MASK;
	m->attributes_reserved = ~f->attributes_mask | SGX_ATTR_RESERVED_MASK;
	m->xfrm_reserved = osxsave ? ~f->xfrm_mask : ~SGX_XFRM_LEGACY;
}

int sgx_parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		return -EINVAL;
	}
	if (shift && *++end != '\0')
		return -EINVAL;
	if (v > (UINT64_MAX >> shift))
		return -EINVAL;
	*bytes = (uint64_t)v << shift;
	return 0;
}

static int epc_budget(uint64_t *pages, char *err, size_t errlen)
{
	const char *env = secure_getenv("SOFTSGX_EPC_SIZE");
	uint64_t bytes = SGX_EPC_DEFAULT_SIZE;

	if (env && *env && sgx_parse_size(env, &bytes))
		return init_fail(EINVAL, err, errlen,
				 "SOFTSGX_EPC_SIZE=\"%s\": expected a size in "
				 "bytes, optionally with a K, M or G suffix",
				 env);
	*pages = bytes / SGX_PAGE_SIZE;
	if (!*pages)
		return init_fail(EINVAL, err, errlen,
				 "SOFTSGX_EPC_SIZE=\"%s\": smaller than one "
				 "4096-byte page",
				 env);
	return 0;
}

static int driver_bring_up(char *err, size_t errlen)
{
	struct sgx_cpu_features features;
	struct sgx_platform platform;
	uint64_t pages;
	bool osxsave;
	int ret;

	ret = epc_budget(&pages, err, errlen);
	if (ret)
		return ret;
	/*
	 * The policy, before any enclave exists: a malformed one fails the
	 * whole driver (FILE:LINE:COL in err), so no device opens and no
	 * enclave runs under part of a policy.
	 */
	ret = sgx_lsm_init(err, errlen);
	if (ret)
		return ret;
	ret = sgx_platform_load(&platform, err, errlen);
	if (ret)
		return ret;
	osxsave = host_features(&features);
	if (sgx_cpu_init(&sgx_drv.cpu, &features, &platform)) {
		ret = init_fail(ENOMEM, err, errlen, "cannot set up the CPU");
	} else {
		compute_masks(&features, osxsave, &sgx_drv.masks);
		sgx_drv.epc_total = pages;
		sgx_drv.cpu.owner_alive = sgx_task_owner_alive;
	}
	/* The secrets now live in the CPU only. */
	memset(&platform, 0, sizeof(platform));
	return ret;
}

int sgx_driver_init(char *err, size_t errlen)
{
	int ret = 0;

	if (atomic_load_explicit(&sgx_drv.ready, memory_order_acquire))
		return 0;
	pthread_mutex_lock(&sgx_drv.lock);
	if (!atomic_load_explicit(&sgx_drv.ready, memory_order_relaxed)) {
		ret = driver_bring_up(err, errlen);
		if (!ret)
			atomic_store_explicit(&sgx_drv.ready, true,
					      memory_order_release);
	}
	pthread_mutex_unlock(&sgx_drv.lock);
	return ret;
}

static bool driver_ready(void)
{
	return atomic_load_explicit(&sgx_drv.ready, memory_order_acquire);
}

struct sgx_cpu *sgx_driver_cpu(void)
{
	return driver_ready() ? &sgx_drv.cpu : NULL;
}

const struct sgx_driver_masks *sgx_driver_masks(void)
{
	return driver_ready() ? &sgx_drv.masks : NULL;
}

struct sgx_lp *sgx_driver_lp(void)
{
	if (!driver_ready())
		return NULL;
	if (!sgx_thread_lp_ready) {
		sgx_lp_init(&sgx_thread_lp, &sgx_drv.cpu);
		sgx_thread_lp_ready = true;
	}
	return &sgx_thread_lp;
}

int sgx_epc_charge(size_t nr_pages)
{
	uint_fast64_t used = atomic_load(&sgx_drv.epc_used);

	do {
		if (nr_pages > sgx_drv.epc_total ||
		    used > sgx_drv.epc_total - nr_pages)
			return -ENOMEM;
	} while (!atomic_compare_exchange_weak(&sgx_drv.epc_used, &used,
					       used + nr_pages));
	return 0;
}

void sgx_epc_uncharge(size_t nr_pages)
{
	atomic_fetch_sub(&sgx_drv.epc_used, nr_pages);
}

size_t sgx_epc_used_pages(void)
{
	return atomic_load(&sgx_drv.epc_used);
}

size_t sgx_epc_total_pages(void)
{
	return sgx_drv.epc_total;
}

void sgx_driver_set_provision_check(bool (*is_provision_fd)(int fd))
{
	atomic_store(&sgx_drv.is_provision_fd, is_provision_fd);
}

bool sgx_driver_is_provision_fd(int fd)
{
	bool (*check)(int fd) = atomic_load(&sgx_drv.is_provision_fd);

	return check && check(fd);
}

// SPDX-License-Identifier: MIT
/*
 * libsoftsgx.so's start-up: the driver (platform, CPU), the device files,
 * signal ownership, the synthetic vDSO and CPUID emulation — all before the
 * program's main() and, as far as the loader allows, before its threads.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "driver/driver.h"
#include "driver/encl.h"
#include "driver/ioctl.h"
#include "shim/cpuid.h"
#include "shim/eexit.h"
#include "shim/files.h"
#include "shim/fsgs.h"
#include "shim/mm.h"
#include "shim/shim.h"
#include "shim/sud.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

struct softsgx_vdso shim_vdso;

void shim_lp_init(struct sgx_lp *lp)
{
	sgx_lp_init(lp, sgx_driver_cpu());
	lp->translate = shim_translate;
}

static void kick_hook(struct sgx_encl *encl)
{
	static _Thread_local unsigned int calls;

	shim_kick_enclave(encl->secs);
	/* Other processes' threads: each costs /proc reads, so less often. */
	if (calls++ % 16 == 0)
		sgx_encl_for_each_holder(encl, shim_kick_process);
}

static bool shim_sigsegv(siginfo_t *si, ucontext_t *uc)
{
	return softsgx_cpuid_handle_sigsegv(si, uc) || shim_mm_sigsegv(si, uc);
}

/* Tell the program's CPUID checks what softsgx's CPU offers. */
static void cpuid_init(void)
{
	const struct sgx_cpu_features *f = &sgx_driver_cpu()->features;
	struct softsgx_cpuid_params p;

	softsgx_cpuid_default_params(&p);
	p.miscselect = f->miscselect_mask;
	p.attributes = f->attributes_mask;
	p.xfrm = f->xfrm_mask;
	p.max_enclave_log2_32 = f->max_enclave_size_32;
	p.max_enclave_log2_64 = f->max_enclave_size_64;
	p.epc_bytes = (uint64_t)sgx_epc_total_pages() * SGX_PAGE_SIZE;
	softsgx_cpuid_config(&p);
	if (softsgx_cpuid_start() < 0)
		fprintf(stderr, "softsgx: CPUID emulation unavailable: "
				"programs will not see SGX in CPUID\n");
}

void shim_fast_enclu(void);

static void vdso_init(void)
{
	const void *real = (const void *)getauxval(AT_SYSINFO_EHDR);
	const char *fast = getenv("SOFTSGX_FASTPATH");

	/* EENTER without a trap unless asked not to (SOFTSGX_FASTPATH=0). */
	if (!fast || strcmp(fast, "0"))
		softsgx_vdso_fast_enclu = (void *)shim_fast_enclu;

	if (softsgx_vdso_build(real, &shim_vdso) ||
	    softsgx_vdso_install(&shim_vdso))
		fprintf(stderr, "softsgx: no vDSO entry point: "
				"__vdso_sgx_enter_enclave is unavailable\n");
}

__attribute__((constructor(101))) static void softsgx_init(void)
{
	char err[512];

	shim_fsgs_init();
	if (sgx_driver_init(err, sizeof(err))) {
		/* The devices then fail to open, as without an SGX driver. */
		fprintf(stderr, "softsgx: %s\n", err);
		return;
	}
	shim_files_init();
	shim_sud_init();
	shim_eexit_init();
	sgx_driver_zap_hook = shim_mm_refresh;
	sgx_driver_kick_hook = kick_hook;
	shim_fault_hooks.sigill = softsgx_cpuid_handle_sigill;
	shim_fault_hooks.sigsegv = shim_sigsegv;
	if (shim_signals_init())
		fprintf(stderr, "softsgx: cannot own SGX signals\n");
	vdso_init();
	cpuid_init();
}

/* SGX runtimes load the libraries that check CPUID with dlopen. */
SHIM_EXPORT void *dlopen(const char *file, int mode)
{
	static void *(*real_dlopen)(const char *, int);
	void *handle;

	if (!real_dlopen)
		real_dlopen = (void *(*)(const char *, int))dlsym(RTLD_NEXT,
								  "dlopen");
	handle = real_dlopen ? real_dlopen(file, mode) : NULL;
	if (handle)
		softsgx_cpuid_rescan();
	return handle;
}

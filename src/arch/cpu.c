// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>

#include "arch/cpu.h"
#include "arch/epc.h"

const uint64_t sgx_intel_lepubkeyhash[4] = {
	0xA6053E051270B7ACULL,
	0x6CFBE8BA8B3B413DULL,
	0xC4916D99F2B3735DULL,
	0xD4F8C05909F9BB3BULL,
};

/*
 * An SGX2 part with EXINFO, the architectural attributes softsgx implements
 * (no CET, no AEX-Notify yet) and x87/SSE/AVX state. INIT is never
 * permitted, which is how ECREATE refuses a SECS with INIT set.
 */
void sgx_cpu_default_features(struct sgx_cpu_features *features)
{
	features->miscselect_mask = SGX_MISC_EXINFO;
	features->attributes_mask = SGX_ATTR_DEBUG | SGX_ATTR_MODE64BIT |
				    SGX_ATTR_PROVISIONKEY |
				    SGX_ATTR_EINITTOKENKEY | SGX_ATTR_KSS;
	features->xfrm_mask = SGX_XFRM_LEGACY | 0x4; /* x87, SSE, AVX */
	features->max_enclave_size_32 = 31;
	features->max_enclave_size_64 = 36;
}

int sgx_cpu_init(struct sgx_cpu *cpu, const struct sgx_cpu_features *features,
		 const struct sgx_platform *platform)
{
	memset(cpu, 0, sizeof(*cpu));
	if (features)
		cpu->features = *features;
	else
		sgx_cpu_default_features(&cpu->features);
	cpu->platform = *platform;
	atomic_init(&cpu->next_eid, 1);
	atomic_init(&cpu->epc_table, NULL);
	return pthread_mutex_init(&cpu->epc_lock, NULL) ? -1 : 0;
}

void sgx_cpu_destroy(struct sgx_cpu *cpu)
{
	sgx_epc_destroy(cpu);
	pthread_mutex_destroy(&cpu->epc_lock);
}

void sgx_lp_init(struct sgx_lp *lp, struct sgx_cpu *cpu)
{
	memset(lp, 0, sizeof(*lp));
	lp->cpu = cpu;
	memcpy(lp->lepubkeyhash, sgx_intel_lepubkeyhash,
	       sizeof(lp->lepubkeyhash));
}

void sgx_lp_set_lepubkeyhash(struct sgx_lp *lp, const uint8_t hash[32])
{
	/* MSR k holds digest bytes 8k..8k+7 as a little-endian qword. */
	memcpy(lp->lepubkeyhash, hash, sizeof(lp->lepubkeyhash));
}

int sgx_fault_gp(struct sgx_lp *lp)
{
	lp->fault.vector = X86_TRAP_GP;
	lp->fault.error_code = 0;
	lp->fault.addr = 0;
	return ENCLS_FAULT_FLAG | X86_TRAP_GP;
}

int sgx_fault_pf(struct sgx_lp *lp, uint64_t addr, uint32_t error_code)
{
	lp->fault.vector = X86_TRAP_PF;
	lp->fault.error_code = error_code;
	lp->fault.addr = addr;
	return ENCLS_FAULT_FLAG | X86_TRAP_PF;
}

/* SPDX-License-Identifier: MIT */
/*
 * The Enclave Page Cache and its map. EPC memory is supplied by the caller in
 * sections (hardware has several too); every 4 KiB page of a section has an
 * EPCM entry. An address that lies in no section is "not in EPC".
 */
#ifndef SOFTSGX_ARCH_EPC_H
#define SOFTSGX_ARCH_EPC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/cpu.h"

struct sgx_epcm_entry {
	atomic_bool busy; /* an SGX instruction holds the page */
	bool valid;
	bool blocked;
	bool pending;
	bool modified;
	bool pr;
	uint8_t perm; /* SGX_SECINFO_R | _W | _X */
	uint8_t page_type; /* enum sgx_page_type */
	uint64_t enclave_addr; /* ENCLAVEADDRESS */
	uint64_t secs; /* ENCLAVESECS: EPC address of the owning SECS */
	uint64_t mod_epoch; /* tracking epoch of the last EMODPR/EMODT */
};

struct sgx_epc_section {
	uintptr_t base;
	size_t nr_pages;
	struct sgx_epcm_entry *epcm;
	bool epcm_shared; /* supplied by the caller, not ours to free */
};

/* Adds nr_pages of page-aligned memory at base to the EPC; NULL on error. */
struct sgx_epc_section *sgx_epc_add_section(struct sgx_cpu *cpu, void *base,
					    size_t nr_pages);
/*
 * The same with an EPCM the caller keeps (nr_pages entries, zero for a new
 * section): memory that other processes map at the same address, so that
 * every CPU instance sharing the section sees one EPCM.
 */
struct sgx_epc_section *sgx_epc_add_shared_section(struct sgx_cpu *cpu,
						   void *base, size_t nr_pages,
						   struct sgx_epcm_entry *epcm);
/* Removes a section; refused (false) while any of its pages is valid. */
bool sgx_epc_remove_section(struct sgx_cpu *cpu,
			    struct sgx_epc_section *section);
/*
 * Forgets a shared section whatever its EPCM says: the pages stay valid for
 * the other CPU instances that share it; this one no longer reaches them.
 */
void sgx_epc_detach_section(struct sgx_cpu *cpu,
			    struct sgx_epc_section *section);

/* Frees every section and snapshot (the CPU is going away). */
void sgx_epc_destroy(struct sgx_cpu *cpu);

/* The EPCM entry of the page holding addr, or NULL if addr is not in EPC. */
struct sgx_epcm_entry *sgx_epcm_lookup(struct sgx_cpu *cpu, uintptr_t addr);

/* Per-page interlock: a second instruction on a busy page gets #GP. */
static inline bool sgx_epcm_trylock(struct sgx_epcm_entry *e)
{
	return !atomic_exchange_explicit(&e->busy, true, memory_order_acquire);
}

static inline void sgx_epcm_unlock(struct sgx_epcm_entry *e)
{
	atomic_store_explicit(&e->busy, false, memory_order_release);
}

/* Makes an entry VALID with the given attributes; the busy lock is kept. */
static inline void sgx_epcm_set(struct sgx_epcm_entry *e, uint8_t page_type,
				uint8_t perm, uint64_t enclave_addr,
				uint64_t secs)
{
	e->valid = true;
	e->blocked = false;
	e->pending = false;
	e->modified = false;
	e->pr = false;
	e->perm = perm;
	e->page_type = page_type;
	e->enclave_addr = enclave_addr;
	e->secs = secs;
}

static inline void sgx_epcm_clear(struct sgx_epcm_entry *e)
{
	sgx_epcm_set(e, 0, 0, 0, 0);
	e->valid = false;
}

#endif /* SOFTSGX_ARCH_EPC_H */

// SPDX-License-Identifier: MIT
/*
 * Thread slots for TCSs made at run time. The new thread must find what
 * entry.S expects of any thread: a TCS whose OENTRY is the bootstrap and
 * whose FS/GS base is a thread-data page following the image convention.
 */
#include "edmm_rt.h"

/* The bootstrap; hidden so that its address is computed from RIP. */
extern char enclave_entry[] __attribute__((visibility("hidden")));

/* TCS fields written before the page becomes a TCS (spec 2.4). */
struct slot_tcs {
	uint64_t state;
	uint64_t flags;
	uint64_t ossa;
	uint32_t cssa;
	uint32_t nssa;
	uint64_t oentry;
	uint64_t aep;
	uint64_t ofsbase;
	uint64_t ogsbase;
	uint32_t fslimit;
	uint32_t gslimit;
};

static uint64_t ssa_pages(void)
{
	return EDMM_SLOT_NSSA * (uint64_t)edmm_td()->ssa_frame_size;
}

uint64_t edmm_slot_pages(void)
{
	return 1 + EDMM_SLOT_STACK_PAGES + 1 + ssa_pages() + 1;
}

static uint64_t accept_pages(uint64_t addr, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t ret =
			edmm_eaccept(addr + i * EDMM_PAGE, EDMM_ACCEPT_AUG);

		if (ret)
			return ret;
	}
	return 0;
}

/* The new thread's data: a copy of ours with its own places. */
static void write_thread_data(struct softsgx_thread_data *td, uint64_t slot,
			      uint64_t index)
{
	const struct softsgx_thread_data *me = edmm_td();
	uint64_t off = slot - edmm_base();
	uint64_t stack = off + EDMM_PAGE;
	uint64_t tcs = stack + EDMM_SLOT_STACK_PAGES * EDMM_PAGE;

	td->self = (uint64_t)td - edmm_base();
	td->tcs = tcs;
	td->stack_top = tcs;
	td->stack_bottom = stack;
	td->ssa = tcs + EDMM_PAGE;
	td->heap = me->heap;
	td->heap_size = me->heap_size;
	td->enclave_size = me->enclave_size;
	td->thread_index = (uint32_t)index;
	td->nr_threads = me->nr_threads;
	td->nssa = EDMM_SLOT_NSSA;
	td->ssa_frame_size = me->ssa_frame_size;
}

uint64_t edmm_slot_prepare(uint64_t slot, uint64_t index, uint64_t *tcs)
{
	uint64_t n = edmm_slot_pages() - 1, ret;
	struct softsgx_thread_data *td;
	volatile struct slot_tcs *t;

	if (!edmm_in_dyn(slot, (n + 1) * EDMM_PAGE))
		return EDMM_ERR_BAD_CALL;
	ret = accept_pages(slot + EDMM_PAGE, n);
	if (ret)
		return ret;
	td = (struct softsgx_thread_data *)(slot + n * EDMM_PAGE);
	write_thread_data(td, slot, index);
	t = (volatile struct slot_tcs *)(edmm_base() + td->tcs);
	t->ossa = td->ssa;
	t->nssa = EDMM_SLOT_NSSA;
	t->oentry = (uint64_t)enclave_entry - edmm_base();
	t->ofsbase = td->self;
	t->ogsbase = td->self;
	t->fslimit = 0xFFF;
	t->gslimit = 0xFFF;
	*tcs = edmm_base() + td->tcs;
	return 0;
}

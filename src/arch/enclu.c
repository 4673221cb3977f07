// SPDX-License-Identifier: MIT
#include <string.h>

#include "arch/enclu.h"
#include "arch/enclu_priv.h"
#include "arch/epc.h"
#include "arch/keys.h"
#include "arch/secs.h"
#include "arch/tcs.h"
#include "arch/util.h"
#include "arch/xsave.h"

static bool canonical(uint64_t addr)
{
	return (uint64_t)((int64_t)(addr << 16) >> 16) == addr;
}

/* The EPC page mapped at linaddr (page-aligned), and its EPCM entry. */
uintptr_t sgx_translate(struct sgx_lp *lp, uint64_t linaddr,
			struct sgx_epcm_entry **entry)
{
	uintptr_t epc;

	if (!lp->translate)
		return 0;
	epc = lp->translate(lp->translate_ctx, linaddr & ~(SGX_PAGE_SIZE - 1));
	if (!epc)
		return 0;
	*entry = sgx_epcm_lookup(lp->cpu, epc);
	return *entry ? epc : 0;
}

bool sgx_epcm_usable(const struct sgx_epcm_entry *e, uint64_t linaddr)
{
	return e->valid && !e->blocked && !e->pending && !e->modified &&
	       e->enclave_addr == (linaddr & ~(SGX_PAGE_SIZE - 1));
}

/*
 * An SSA page must be a present, readable and writable REG page of the
 * enclave at its own linear address (EENTER step 9).
 */
static int check_ssa_page(struct sgx_lp *lp, uint64_t linaddr, uintptr_t secs,
			  uintptr_t *epc)
{
	struct sgx_epcm_entry *e;

	*epc = sgx_translate(lp, linaddr, &e);
	if (!*epc)
		return sgx_fault_pf(lp, linaddr, PF_USER | PF_WRITE);
	if (!sgx_epcm_usable(e, linaddr) || e->page_type != SGX_PAGE_TYPE_REG ||
	    e->secs != secs ||
	    (e->perm & (SGX_SECINFO_R | SGX_SECINFO_W)) !=
		    (SGX_SECINFO_R | SGX_SECINFO_W))
		return sgx_fault_pf(lp, linaddr,
				    X86_PF_SGX | PF_USER | PF_WRITE |
					    PF_PRESENT);
	return 0;
}

struct ssa_frame {
	uintptr_t xsave; /* EPC address of the frame start */
	size_t xsave_len;
	struct sgx_gprsgx *gpr;
	struct sgx_exinfo *exinfo;
};

/* Locates frame index in the TCS's SSA and checks every page it uses. */
static int ssa_frame(struct sgx_lp *lp, const struct sgx_secs *secs,
		     const struct sgx_tcs *tcs, uintptr_t secs_epc,
		     uint32_t index, struct ssa_frame *f)
{
	uint64_t frame_size = (uint64_t)secs->ssa_frame_size * SGX_PAGE_SIZE;
	uint64_t start = secs->base + tcs->ssa_offset + frame_size * index;
	uint64_t gpr_la = start + frame_size - sizeof(struct sgx_gprsgx);
	uintptr_t epc;
	int ret;

	f->xsave_len = sgx_xsave_size(secs->attributes.xfrm);
	for (uint64_t off = 0; off < f->xsave_len; off += SGX_PAGE_SIZE) {
		ret = check_ssa_page(lp, start + off, secs_epc, &epc);
		if (ret)
			return ret;
		if (!off)
			f->xsave = epc;
	}
	ret = check_ssa_page(lp, gpr_la, secs_epc, &epc);
	if (ret)
		return ret;
	f->gpr = (struct sgx_gprsgx *)(epc + (gpr_la & (SGX_PAGE_SIZE - 1)));
	/* EXINFO sits just below GPRSGX, in the same page for 4 KiB frames. */
	f->exinfo = (struct sgx_exinfo *)((char *)f->gpr -
					  sizeof(struct sgx_exinfo));
	return 0;
}

/* Entry checks shared by EENTER and ERESUME: steps 2-8 and 12. */
static int entry_tcs(struct sgx_lp *lp, const struct sgx_regs *regs,
		     struct sgx_epcm_entry **tcs_entry, struct sgx_tcs **tcs)
{
	struct sgx_epcm_entry *e = NULL;
	uintptr_t epc;

	if (lp->encl.active)
		return sgx_fault_gp(lp);
	if (!IS_ALIGNED(regs->rbx, SGX_PAGE_SIZE))
		return sgx_fault_gp(lp);
	epc = sgx_translate(lp, regs->rbx, &e);
	if (!epc)
		return sgx_fault_pf(lp, regs->rbx, PF_USER);
	if (!canonical(regs->rcx))
		return sgx_fault_gp(lp);
	if (!sgx_epcm_trylock(e))
		return sgx_fault_gp(lp);
	if (!sgx_epcm_usable(e, regs->rbx) ||
	    e->page_type != SGX_PAGE_TYPE_TCS) {
		sgx_epcm_unlock(e);
		return sgx_fault_pf(lp, regs->rbx,
				    X86_PF_SGX | PF_USER | PF_PRESENT);
	}
	*tcs_entry = e;
	*tcs = (struct sgx_tcs *)epc;
	return 0;
}

static struct sgx_secs *tcs_secs(const struct sgx_epcm_entry *tcs_entry)
{
	return (struct sgx_secs *)(uintptr_t)tcs_entry->secs;
}

/*
 * TCS.STATE is shared by every process that maps the enclave, whatever
 * serialises the leaves of one process: it changes only atomically.
 */
static uint64_t *tcs_state(void *tcs_page)
{
	_Static_assert(offsetof(struct sgx_tcs, state) == 0, "TCS.STATE");
	return tcs_page;
}

static bool tcs_active(struct sgx_tcs *tcs)
{
	return __atomic_load_n(tcs_state(tcs), __ATOMIC_ACQUIRE) ==
	       SGX_TCS_ACTIVE;
}

static bool tcs_claim(struct sgx_tcs *tcs)
{
	uint64_t inactive = SGX_TCS_INACTIVE;

	return __atomic_compare_exchange_n(tcs_state(tcs), &inactive,
					   SGX_TCS_ACTIVE, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/*
 * Forgetting the holder comes before it is counted out of the enclave: a
 * holder that vanishes in between stays counted (the TCS stays busy), but
 * nobody can count it out twice.
 */
static void tcs_forget_owner(struct sgx_tcs *tcs)
{
	struct sgx_tcs_hidden *th = sgx_tcs_hidden(tcs);

	atomic_store_explicit(&th->owner_stamp, 0, memory_order_relaxed);
	atomic_store_explicit(&th->epoch, 0, memory_order_relaxed);
	atomic_store_explicit(&th->owner, 0, memory_order_release);
}

static void tcs_release(struct sgx_tcs *tcs)
{
	__atomic_store_n(tcs_state(tcs), SGX_TCS_INACTIVE, __ATOMIC_RELEASE);
}

static void count_out(struct sgx_secs *secs, uint64_t epoch)
{
	struct sgx_secs_hidden *hidden = sgx_secs_hidden(secs);

	atomic_fetch_sub(&hidden->active_at[epoch & 1], 1);
	atomic_fetch_sub(&hidden->nr_active, 1);
}

/*
 * The SSA frame of an AEX taken for a holder that vanished. Its registers
 * and extended state were in its own process and went with it, so the
 * frame records an interrupt (EXITINFO.VALID = 0, as for the signal that
 * ended it) with zero GPRs, RFLAGS as user code always has them, the FS/GS
 * bases EENTER gave it and an XSAVE image in the INIT state. URSP/URBP
 * keep what EENTER wrote, as in any AEX.
 */
static void aex_lost_state(const struct sgx_secs *secs,
			   const struct sgx_tcs *tcs, const struct ssa_frame *f)
{
	const uint16_t fcw = 0x037F;
	const uint32_t mxcsr = 0x1F80;

	memset(f->gpr, 0, offsetof(struct sgx_gprsgx, ursp));
	f->gpr->rflags = 0x202; /* IF and the always-one bit 1 */
	f->gpr->exitinfo = 0;
	f->gpr->fsbase = secs->base + tcs->fs_offset;
	f->gpr->gsbase = secs->base + tcs->gs_offset;
	memset((void *)f->xsave, 0, f->xsave_len);
	memcpy((void *)f->xsave, &fcw, sizeof(fcw));
	memcpy((uint8_t *)f->xsave + 24, &mxcsr, sizeof(mxcsr));
}

/*
 * An ACTIVE TCS whose holder is gone: on hardware the event that ended it
 * (SIGKILL, or exit() from another thread, is an interrupt to a processor
 * in enclave mode) was an AEX, which left the TCS free with CSSA + 1. Take
 * that AEX now, on the holder's behalf. Returns whether the TCS is free.
 */
static bool tcs_reclaim(struct sgx_lp *lp, struct sgx_secs *secs,
			const struct sgx_epcm_entry *tcs_entry,
			struct sgx_tcs *tcs)
{
	struct sgx_tcs_hidden *th = sgx_tcs_hidden(tcs);
	uint64_t owner = atomic_load_explicit(&th->owner, memory_order_acquire);
	uint64_t stamp =
		atomic_load_explicit(&th->owner_stamp, memory_order_relaxed);
	uint64_t epoch;
	struct ssa_frame f;

	if (!owner || owner == SGX_TCS_OWNER_RECLAIMING ||
	    !lp->cpu->owner_alive || lp->cpu->owner_alive(owner, stamp))
		return false;
	/*
	 * Processors of several processes may find the holder gone at once:
	 * the one that replaces its owner value takes the AEX. A vanished
	 * holder never enters again, so its value cannot come back (ABA),
	 * and a stamp read from a later holder fails the exchange too.
	 */
	if (!atomic_compare_exchange_strong(&th->owner, &owner,
					    SGX_TCS_OWNER_RECLAIMING))
		return false;
	epoch = atomic_load_explicit(&th->epoch, memory_order_relaxed);
	/*
	 * The holder passed EENTER's CSSA < NSSA check and CSSA cannot grow
	 * while a TCS is ACTIVE, so there is always a frame. Should the TCS
	 * say otherwise, the exit still completes without one, as AEX does
	 * when its frame is no longer valid (SGX2 changes, see sgx_aex);
	 * the next EENTER then meets CSSA = NSSA and gets #GP.
	 */
	if (tcs->ssa_index < tcs->nr_ssa_frames) {
		if (!ssa_frame(lp, secs, tcs, tcs_entry->secs, tcs->ssa_index,
			       &f))
			aex_lost_state(secs, tcs, &f);
		tcs->ssa_index++;
	}
	tcs_forget_owner(tcs);
	count_out(secs, epoch);
	tcs_release(tcs);
	return true;
}

bool sgx_tcs_reclaim(struct sgx_lp *lp, uintptr_t tcs_epc)
{
	struct sgx_epcm_entry *e = sgx_epcm_lookup(lp->cpu, tcs_epc);
	struct sgx_tcs *tcs = (struct sgx_tcs *)tcs_epc;
	bool done = false;

	if (!e || !IS_ALIGNED(tcs_epc, SGX_PAGE_SIZE) || !sgx_epcm_trylock(e))
		return false;
	if (e->valid && e->page_type == SGX_PAGE_TYPE_TCS && tcs_active(tcs))
		done = tcs_reclaim(lp, tcs_secs(e), e, tcs);
	sgx_epcm_unlock(e);
	return done;
}

static int entry_checks(struct sgx_lp *lp, struct sgx_secs *secs,
			const struct sgx_epcm_entry *tcs_entry,
			struct sgx_tcs *tcs)
{
	if (!IS_ALIGNED(tcs->ssa_offset, SGX_PAGE_SIZE) ||
	    !IS_ALIGNED(tcs->fs_offset, SGX_PAGE_SIZE) ||
	    !IS_ALIGNED(tcs->gs_offset, SGX_PAGE_SIZE) ||
	    (tcs->flags & SGX_TCS_RESERVED_MASK))
		return sgx_fault_gp(lp);
	/* softsgx runs 64-bit code only: a 32-bit enclave cannot enter. */
	if (!sgx_secs_initialized(secs) ||
	    !(secs->attributes.flags & SGX_ATTR_MODE64BIT))
		return sgx_fault_gp(lp);
	if (!(tcs->flags & SGX_TCS_DBGOPTIN) &&
	    !!(tcs->flags & SGX_TCS_AEXNOTIFY) !=
		    !!(secs->attributes.flags & SGX_ATTR_AEXNOTIFY))
		return sgx_fault_gp(lp);
	if (!canonical(secs->base + tcs->fs_offset) ||
	    !canonical(secs->base + tcs->gs_offset))
		return sgx_fault_gp(lp);
	/*
	 * Before the CSSA checks of the callers: the AEX of a vanished
	 * holder happened, on hardware, long before this instruction.
	 */
	if (tcs_active(tcs) && !tcs_reclaim(lp, secs, tcs_entry, tcs))
		return sgx_fault_gp(lp);
	return 0;
}

/*
 * Commits an entry on a TCS claimed with tcs_claim(): the processor is now
 * in enclave mode on it.
 */
static void enter_enclave_mode(struct sgx_lp *lp, struct sgx_secs *secs,
			       struct sgx_tcs *tcs, struct sgx_regs *regs)
{
	struct sgx_secs_hidden *hidden = sgx_secs_hidden(secs);
	struct sgx_tcs_hidden *th = sgx_tcs_hidden(tcs);

	lp->encl.active = true;
	lp->encl.secs = secs;
	lp->encl.tcs = tcs;
	lp->encl.tcs_linaddr = regs->rbx;
	lp->encl.save_fsbase = regs->fsbase;
	lp->encl.save_gsbase = regs->gsbase;
	tcs->exit_addr = regs->rcx;
	lp->encl.epoch = atomic_load(&hidden->epoch);
	/*
	 * What another processor needs to take our AEX should we vanish;
	 * the owner goes last, as it publishes the rest: until then the TCS
	 * reads as held by an anonymous processor, never reclaimed.
	 */
	atomic_store_explicit(&th->epoch, lp->encl.epoch, memory_order_relaxed);
	atomic_store_explicit(&th->owner_stamp, lp->owner_stamp,
			      memory_order_relaxed);
	atomic_fetch_add(&hidden->active_at[lp->encl.epoch & 1], 1);
	atomic_fetch_add(&hidden->nr_active, 1);
	atomic_store_explicit(&th->owner, lp->owner, memory_order_release);
}

static void leave_enclave_mode(struct sgx_lp *lp, struct sgx_regs *regs)
{
	regs->fsbase = lp->encl.save_fsbase;
	regs->gsbase = lp->encl.save_gsbase;
	lp->encl.active = false;
	tcs_forget_owner(lp->encl.tcs);
	count_out(lp->encl.secs, lp->encl.epoch);
	tcs_release(lp->encl.tcs);
}

int sgx_eenter(struct sgx_lp *lp, struct sgx_regs *regs)
{
	struct sgx_epcm_entry *tcs_entry = NULL;
	struct sgx_secs *secs;
	struct sgx_tcs *tcs = NULL;
	struct ssa_frame frame;
	int ret;

	ret = entry_tcs(lp, regs, &tcs_entry, &tcs);
	if (ret)
		return ret;
	secs = tcs_secs(tcs_entry);
	ret = entry_checks(lp, secs, tcs_entry, tcs);
	if (!ret && tcs->ssa_index >= tcs->nr_ssa_frames)
		ret = sgx_fault_gp(lp);
	if (!ret)
		ret = ssa_frame(lp, secs, tcs, tcs_entry->secs, tcs->ssa_index,
				&frame);
	if (!ret && !canonical(secs->base + tcs->entry_offset))
		ret = sgx_fault_gp(lp);
	/* Another process may have taken the TCS since it was checked. */
	if (!ret && !tcs_claim(tcs))
		ret = sgx_fault_gp(lp);
	if (ret)
		goto out;

	enter_enclave_mode(lp, secs, tcs, regs);
	frame.gpr->ursp = regs->rsp;
	frame.gpr->urbp = regs->rbp;
	regs->rcx = regs->rip + SGX_ENCLU_LEN;
	regs->rax = tcs->ssa_index;
	regs->rip = secs->base + tcs->entry_offset;
	regs->fsbase = secs->base + tcs->fs_offset;
	regs->gsbase = secs->base + tcs->gs_offset;
out:
	sgx_epcm_unlock(tcs_entry);
	return ret;
}

/* XRSTOR would fault on a header that is not the standard form for XFRM. */
static bool xsave_header_valid(const struct ssa_frame *f, uint64_t xfrm)
{
	const uint8_t *hdr = (const uint8_t *)f->xsave + SGX_XSAVE_LEGACY_SIZE;
	uint64_t xstate_bv;
	uint32_t mxcsr;

	memcpy(&xstate_bv, hdr, sizeof(xstate_bv));
	memcpy(&mxcsr, (const uint8_t *)f->xsave + 24, sizeof(mxcsr));
	/* MXCSR bits 31:16 are reserved: XRSTOR would #GP on them. */
	return !(xstate_bv & ~xfrm) && all_zero(hdr + 8, 16) &&
	       !(mxcsr & 0xFFFF0000U);
}

static void restore_gprs(struct sgx_regs *regs, const struct sgx_gprsgx *gpr)
{
	/* GPRSGX starts with the same 18 registers in the same order. */
	memcpy(regs, gpr, offsetof(struct sgx_regs, fsbase));
	regs->fsbase = gpr->fsbase;
	regs->gsbase = gpr->gsbase;
}

int sgx_eresume(struct sgx_lp *lp, struct sgx_regs *regs, const void **xsave,
		size_t *xsave_len)
{
	struct sgx_epcm_entry *tcs_entry = NULL;
	struct sgx_secs *secs;
	struct sgx_tcs *tcs = NULL;
	struct ssa_frame frame;
	struct sgx_regs saved = *regs;
	int ret;

	ret = entry_tcs(lp, regs, &tcs_entry, &tcs);
	if (ret)
		return ret;
	secs = tcs_secs(tcs_entry);
	ret = entry_checks(lp, secs, tcs_entry, tcs);
	if (!ret && tcs->ssa_index == 0)
		ret = sgx_fault_gp(lp);
	if (!ret)
		ret = ssa_frame(lp, secs, tcs, tcs_entry->secs,
				tcs->ssa_index - 1, &frame);
	if (!ret &&
	    (!canonical(frame.gpr->rip) || !canonical(frame.gpr->fsbase) ||
	     !canonical(frame.gpr->gsbase) ||
	     !xsave_header_valid(&frame, secs->attributes.xfrm)))
		ret = sgx_fault_gp(lp);
	if (!ret && !tcs_claim(tcs))
		ret = sgx_fault_gp(lp);
	if (ret)
		goto out;

	enter_enclave_mode(lp, secs, tcs, &saved);
	restore_gprs(regs, frame.gpr);
	tcs->ssa_index--;
	*xsave = (const void *)frame.xsave;
	*xsave_len = frame.xsave_len;
out:
	sgx_epcm_unlock(tcs_entry);
	return ret;
}

int sgx_eexit(struct sgx_lp *lp, struct sgx_regs *regs)
{
	if (!lp->encl.active || !canonical(regs->rbx))
		return sgx_fault_gp(lp);
	regs->rip = regs->rbx;
	regs->rcx = lp->encl.tcs->exit_addr;
	leave_enclave_mode(lp, regs);
	return 0;
}

/* Which exceptions the SSA reports (spec 2.5.2). */
static bool aex_reported(const struct sgx_secs *secs,
			 const struct sgx_aex_event *ev)
{
	if (!ev->exception)
		return false;
	switch (ev->vector) {
	case 0: /* #DE */
	case 1: /* #DB */
	case 3: /* #BP */
	case 5: /* #BR */
	case 6: /* #UD */
	case 16: /* #MF */
	case 17: /* #AC */
	case 19: /* #XM */
		return true;
	case X86_TRAP_GP:
	case X86_TRAP_PF:
		return secs->miscselect & SGX_MISC_EXINFO;
	default:
		return false;
	}
}

static void aex_record_exit(const struct sgx_secs *secs,
			    const struct sgx_aex_event *ev,
			    const struct ssa_frame *f)
{
	uint32_t type =
		ev->software ? SGX_EXITINFO_TYPE_SW : SGX_EXITINFO_TYPE_HW;

	f->gpr->exitinfo = 0;
	if (!aex_reported(secs, ev))
		return;
	f->gpr->exitinfo = SGX_EXITINFO_VALID |
			   (type << SGX_EXITINFO_TYPE_SHIFT) | ev->vector;
	if ((secs->miscselect & SGX_MISC_EXINFO) &&
	    (ev->vector == X86_TRAP_PF || ev->vector == X86_TRAP_GP)) {
		f->exinfo->maddr = ev->vector == X86_TRAP_PF ? ev->addr : 0;
		f->exinfo->errcd = ev->error_code;
		f->exinfo->reserved = 0;
	}
}

/* The synthetic state an AEX leaves in the registers (Table 40-1). */
static void aex_synthetic_state(struct sgx_lp *lp, struct sgx_regs *regs,
				const struct sgx_gprsgx *gpr)
{
	uint64_t rflags = regs->rflags & ~(X86_EFLAGS_ARITH | X86_EFLAGS_RF);

	memset(regs, 0, offsetof(struct sgx_regs, rflags));
	regs->rax = ERESUME;
	regs->rbx = lp->encl.tcs_linaddr;
	regs->rcx = lp->encl.tcs->exit_addr;
	regs->rsp = gpr->ursp;
	regs->rbp = gpr->urbp;
	regs->rip = regs->rcx;
	regs->rflags = rflags;
}

/*
 * AEX saves with XSAVE and RFBM = SECS.ATTRIBUTES.XFRM: the frame's
 * XSTATE_BV names no component outside XFRM (else ERESUME's XRSTOR would
 * #GP), whatever the host's image held.
 */
static void ssa_xsave_mask(const struct ssa_frame *f, uint64_t xfrm)
{
	uint8_t *hdr = (uint8_t *)f->xsave + SGX_XSAVE_LEGACY_SIZE;
	uint64_t xstate_bv;

	if (f->xsave_len < SGX_XSAVE_LEGACY_SIZE + 64)
		return;
	memcpy(&xstate_bv, hdr, sizeof(xstate_bv));
	xstate_bv &= xfrm;
	memcpy(hdr, &xstate_bv, sizeof(xstate_bv));
	memset(hdr + 8, 0, 56); /* XCOMP_BV and reserved: standard format */
}

void sgx_aex(struct sgx_lp *lp, struct sgx_regs *regs,
	     const struct sgx_aex_event *event, const void *xsave,
	     size_t xsave_len)
{
	struct sgx_secs *secs = lp->encl.secs;
	struct sgx_tcs *tcs = lp->encl.tcs;
	struct sgx_epcm_entry *tcs_entry =
		sgx_epcm_lookup(lp->cpu, (uintptr_t)tcs);
	struct ssa_frame f;

	/*
	 * EENTER/ERESUME checked this frame; only an SGX2 change made since
	 * could fail it, and hardware then still completes the exit.
	 */
	if (!ssa_frame(lp, secs, tcs, tcs_entry->secs, tcs->ssa_index, &f)) {
		memcpy(f.gpr, regs, offsetof(struct sgx_regs, fsbase));
		f.gpr->fsbase = regs->fsbase;
		f.gpr->gsbase = regs->gsbase;
		memset((void *)f.xsave, 0, f.xsave_len);
		memcpy((void *)f.xsave, xsave,
		       xsave_len < f.xsave_len ? xsave_len : f.xsave_len);
		ssa_xsave_mask(&f, secs->attributes.xfrm);
		aex_record_exit(secs, event, &f);
		aex_synthetic_state(lp, regs, f.gpr);
	}
	tcs->ssa_index++;
	leave_enclave_mode(lp, regs);
}

/*
 * An explicit memory operand of an ENCLU leaf run inside the enclave
 * (spec 6): inside ELRANGE (#GP), a usable REG page of this enclave with
 * the needed permission (#PF). Returns its EPC address in *epc.
 */
int sgx_enclave_operand(struct sgx_lp *lp, uint64_t linaddr, size_t align,
			bool write, uintptr_t *epc)
{
	const struct sgx_secs *secs = lp->encl.secs;
	uint8_t need = write ? SGX_SECINFO_W : SGX_SECINFO_R;
	struct sgx_epcm_entry *e = NULL;
	uintptr_t page;

	if (!IS_ALIGNED(linaddr, align) || linaddr < secs->base ||
	    linaddr - secs->base >= secs->size)
		return sgx_fault_gp(lp);
	page = sgx_translate(lp, linaddr, &e);
	if (!page)
		return sgx_fault_pf(lp, linaddr,
				    PF_USER | (write ? PF_WRITE : 0));
	if (!sgx_epcm_usable(e, linaddr) || e->page_type != SGX_PAGE_TYPE_REG ||
	    e->secs != (uintptr_t)secs || !(e->perm & need))
		return sgx_fault_pf(lp, linaddr,
				    X86_PF_SGX | PF_USER | PF_PRESENT |
					    (write ? PF_WRITE : 0));
	*epc = page + (linaddr & (SGX_PAGE_SIZE - 1));
	return 0;
}

/* Leaves that return a code in RAX: ZF says error; CF/PF/AF/OF/SF clear. */
void sgx_set_status(struct sgx_regs *regs, int code)
{
	regs->rflags &= ~X86_EFLAGS_ARITH;
	if (code)
		regs->rflags |= X86_EFLAGS_ZF;
	regs->rax = (uint64_t)code;
}

int sgx_enclu_ereport(struct sgx_lp *lp, struct sgx_regs *regs)
{
	uintptr_t ti = 0, data = 0, out = 0;
	struct sgx_report report;
	int ret;

	if (!lp->encl.active)
		return sgx_fault_gp(lp);
	ret = sgx_enclave_operand(lp, regs->rbx, 512, false, &ti);
	if (!ret)
		ret = sgx_enclave_operand(lp, regs->rcx, 128, false, &data);
	if (!ret)
		ret = sgx_enclave_operand(lp, regs->rdx, 512, true, &out);
	if (ret)
		return ret;
	/* The key functions report #GP(0) without a processor to record it. */
	if (sgx_ereport(&lp->cpu->platform, lp->encl.secs,
			(const struct sgx_targetinfo *)ti,
			(const uint8_t *)data, &report))
		return sgx_fault_gp(lp);
	memcpy((void *)out, &report, sizeof(report));
	return 0;
}

int sgx_enclu_egetkey(struct sgx_lp *lp, struct sgx_regs *regs)
{
	uint8_t key[SGX_KEY_SIZE];
	uintptr_t req = 0, out = 0;
	int ret;

	if (!lp->encl.active)
		return sgx_fault_gp(lp);
	ret = sgx_enclave_operand(lp, regs->rbx, 512, false, &req);
	if (!ret)
		ret = sgx_enclave_operand(lp, regs->rcx, 16, true, &out);
	if (ret)
		return ret;
	ret = sgx_egetkey(&lp->cpu->platform, lp->encl.secs,
			  (const struct sgx_keyrequest *)req, key);
	if (encls_faulted(ret))
		return sgx_fault_gp(lp);
	if (!ret)
		memcpy((void *)out, key, sizeof(key));
	sgx_set_status(regs, ret);
	return 0;
}

bool sgx_epcm_denies(struct sgx_lp *lp, uint64_t linaddr, bool write,
		     bool fetch)
{
	const struct sgx_secs *secs = lp->encl.secs;
	struct sgx_epcm_entry *e = NULL;
	uint8_t need = fetch ? SGX_SECINFO_X :
		       write ? SGX_SECINFO_W :
			       SGX_SECINFO_R;

	if (!sgx_translate(lp, linaddr, &e))
		return false;
	return !sgx_epcm_usable(e, linaddr) ||
	       e->page_type != SGX_PAGE_TYPE_REG ||
	       e->secs != (uintptr_t)secs || !(e->perm & need);
}
